import { AxClient } from '../../client/client.js';
import { readOAuthTokens } from '../../profiles/oauth-tokens.js';
import { routingAppEndpoint } from '../../profiles/routing.js';
import { OAuthSession, notLoggedIn } from '../auth/oauth-session.js';
import { ProfileTokenStore } from '../auth/token-store.js';
import { CliError } from '../errors/cli-error.js';
import { EXIT } from '../errors/exit-codes.js';
import type { Settings } from './settings.js';

/**
 * The app URL of `ax auth login` (the OAuth endpoints): the API endpoint, except for a profile routed by `region` or
 * `base_domain`, whose app lives on `app.…` (Arize's rule). A flag or variable endpoint is taken as is.
 */
export function appEndpoint(settings: Settings): string {
  return settings.endpointSource === 'profile' ? routingAppEndpoint(settings.profile?.routing, settings.endpoint) : settings.endpoint;
}

/** The login of an `oauth` profile: its tokens, refreshed as they expire. */
export function oauthSession(settings: Settings, env: NodeJS.ProcessEnv): OAuthSession {
  return new OAuthSession(new ProfileTokenStore(settings.profileName, env), appEndpoint(settings), readOAuthTokens(settings.profile));
}

/**
 * The API client with the credential that applies: a key from `--api-key` or `ARIZE_API_KEY`; else the profile's
 * login when its `auth_method` is `oauth`; else the profile's key. No credential at all → exit 3.
 */
export function authenticatedClient(settings: Settings, env: NodeJS.ProcessEnv, userAgent: string): AxClient {
  const { endpoint, apiKey } = settings;
  if (apiKey) return new AxClient({ endpoint, apiKey, userAgent });
  if (settings.authMethod === 'oauth') {
    const session = oauthSession(settings, env);
    if (!session.tokens) throw notLoggedIn(settings.profileName, env);
    return new AxClient({ endpoint, tokens: session, userAgent });
  }
  throw new CliError('no API key configured', {
    exitCode: EXIT.AUTH,
    suggestion: 'Create a profile with `ax profiles create --api-key KEY` (or `--auth-method oauth` to log in with the browser), or set ARIZE_API_KEY.',
  });
}
