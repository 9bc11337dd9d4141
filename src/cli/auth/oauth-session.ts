import type { BearerTokenSource } from '../../client/transport.js';
import { activeProfileName } from '../../profiles/paths.js';
import { readOAuthTokens, withOAuthTokens, withoutOAuthTokens, type OAuthTokens } from '../../profiles/oauth-tokens.js';
import { CliError } from '../errors/cli-error.js';
import { EXIT } from '../errors/exit-codes.js';
import { refreshTokens, TokenEndpointError } from './oauth-endpoints.js';
import type { ProfileTokenStore } from './token-store.js';

/** A token this close to its end is refreshed before it is sent (identity.md §7.1). */
const REFRESH_MARGIN_MS = 60_000;

export function loginEnded(): CliError {
  return new CliError('your login has ended; run `ax auth login`', { exitCode: EXIT.AUTH });
}

/** The command that logs a profile in: `-p` only when it is not the active one. */
export function loginCommand(profileName: string, env: NodeJS.ProcessEnv): string {
  return profileName === activeProfileName(env) ? 'ax auth login' : `ax auth login -p ${profileName}`;
}

export function notLoggedIn(profileName: string, env: NodeJS.ProcessEnv): CliError {
  return new CliError(`profile ${profileName} is not logged in`, { exitCode: EXIT.AUTH, suggestion: `Run \`${loginCommand(profileName, env)}\`.` });
}

/**
 * The bearer token of an `ax auth login` profile: refreshed (under the profile's lock) when it expires within 60 s,
 * and once more when the server answers 401 to it. A refresh answered `invalid_grant` clears the tokens and ends the
 * command with exit 3.
 */
export class OAuthSession implements BearerTokenSource {
  constructor(private readonly store: ProfileTokenStore, private readonly app: string, private latest: OAuthTokens | undefined) {}

  /** The tokens as last read or refreshed. */
  get tokens(): OAuthTokens | undefined {
    return this.latest;
  }

  async current(): Promise<string> {
    const tokens = this.latest;
    if (!tokens) throw notLoggedIn(this.store.profileName, this.store.env);
    if (!expiresSoon(tokens)) return tokens.accessToken;
    return (await this.refresh(expiresSoon)).accessToken;
  }

  async renew(rejected: string): Promise<string | undefined> {
    const tokens = await this.refresh((t) => t.accessToken === rejected);
    return tokens.accessToken === rejected ? undefined : tokens.accessToken;
  }

  /** Refreshes under the lock, unless the profile, read again inside it, no longer `needs` it. */
  private refresh(needs: (tokens: OAuthTokens) => boolean): Promise<OAuthTokens> {
    return this.store.locked(async () => {
      const config = this.store.read();
      const tokens = readOAuthTokens(config);
      if (!tokens) throw notLoggedIn(this.store.profileName, this.store.env);
      if (!needs(tokens)) return (this.latest = tokens);
      if (!tokens.refreshToken) {
        this.store.write(withoutOAuthTokens(config));
        throw loginEnded();
      }
      let fresh: OAuthTokens;
      try {
        fresh = await refreshTokens(this.app, tokens.refreshToken);
      } catch (error) {
        if (error instanceof TokenEndpointError && error.error === 'invalid_grant') {
          this.store.write(withoutOAuthTokens(config));
          this.latest = undefined;
          throw loginEnded();
        }
        throw error;
      }
      const next: OAuthTokens = {
        ...fresh,
        refreshToken: fresh.refreshToken ?? tokens.refreshToken,
        userEmail: fresh.userEmail ?? tokens.userEmail,
      };
      this.store.write(withOAuthTokens(config, next));
      return (this.latest = next);
    });
  }
}

function expiresSoon(tokens: OAuthTokens): boolean {
  return tokens.expiresAt - Date.now() < REFRESH_MARGIN_MS;
}
