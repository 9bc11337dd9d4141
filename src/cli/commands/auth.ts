import { Command } from 'commander';
import { HttpError } from '../../client/errors.js';
import { readOAuthTokens, withoutOAuthTokens } from '../../profiles/oauth-tokens.js';
import { logIn } from '../auth/login.js';
import { revokeToken } from '../auth/oauth-endpoints.js';
import { loginCommand } from '../auth/oauth-session.js';
import { ProfileTokenStore } from '../auth/token-store.js';
import type { CommandContext } from '../context.js';
import { CliError } from '../errors/cli-error.js';
import { EXIT } from '../errors/exit-codes.js';
import { withOutput } from '../options/common.js';
import { integerIn } from '../options/values.js';
import { appEndpoint, oauthSession } from '../profiles/credentials.js';
import type { Settings } from '../profiles/settings.js';
import { action } from '../action.js';
import { AxClient } from '../../client/client.js';
import { VERSION } from '../version.js';

const DEFAULT_TIMEOUT_S = 300;

function withProfile(cmd: Command): Command {
  return cmd
    .option('-p, --profile <name>', 'use this profile instead of the active one')
    .option('-v, --verbose', 'on errors, show the full problem, response headers and raw body');
}

export function build(): Command {
  const auth = new Command('auth');

  withProfile(auth.command('login').description('Log in through the browser (OAuth 2 with PKCE); the tokens go into the profile'))
    .option('--no-browser', 'print the URL instead of opening a browser, and paste back the address it ends on (SSH)')
    .option('--timeout <seconds>', 'give up after this many seconds', integerIn(1, 3600), DEFAULT_TIMEOUT_S)
    .action(action(async (ctx) => {
      const { browser, timeout } = ctx.opts<{ browser: boolean; timeout: number }>();
      await loginProfile(ctx, ctx.settings, { noBrowser: !browser, timeoutSeconds: timeout });
    }));

  withOutput(withProfile(auth.command('status').description('Show who is logged in, on which server, until when (exit 3 when nobody is)')))
    .option('--offline', 'do not ask the server (GET /v2/me) whether the login still works')
    .action(action(showStatus));

  withProfile(auth.command('logout').description('Revoke the login\'s tokens on the server and forget them'))
    .action(action(logOut));

  return auth;
}

/** `ax auth login` on a profile (also `ax profiles create --auth-method oauth`). */
export async function loginProfile(ctx: CommandContext, settings: Settings, options: { noBrowser: boolean; timeoutSeconds: number }): Promise<void> {
  const { profileName, profile } = settings;
  if (!profile) {
    throw new CliError(`no profile named "${profileName}"`, {
      suggestion: `Create one that logs in with the browser: \`ax profiles create ${profileName} --auth-method oauth --endpoint URL\`.`,
    });
  }
  if (settings.authMethod !== 'oauth') {
    throw new CliError('this profile uses an API key; create one with `--auth-method oauth`', {
      suggestion: `\`ax profiles create NAME --auth-method oauth --endpoint ${settings.endpoint}\` creates a profile that logs in with the browser.`,
    });
  }
  const current = readOAuthTokens(profile);
  if (current && current.expiresAt > Date.now()) {
    ctx.printer.success(`Already logged in as ${current.userEmail ?? 'an unknown user'} (profile ${profileName}). Run ax auth logout first to switch users`);
    return;
  }
  const store = new ProfileTokenStore(profileName, ctx.env);
  const tokens = await logIn(store, appEndpoint(settings), options, { printer: ctx.printer, env: ctx.env });
  ctx.printer.success(tokens.userEmail ? `Logged in as ${tokens.userEmail}` : `Logged in (profile ${profileName})`);
}

interface AuthStatus {
  profile: string;
  server: string;
  auth_method: string;
  logged_in: boolean;
  user_email: string | null;
  expires_at: string | null;
  refresh_token: boolean;
  /** Whether GET /v2/me answered with the token (null with --offline). */
  verified: boolean | null;
}

async function showStatus(ctx: CommandContext): Promise<void> {
  const settings = ctx.settings;
  const { offline } = ctx.opts<{ offline?: boolean }>();
  const session = oauthSession(settings, ctx.env);
  let verified: boolean | null = null;
  let problem: string | undefined;
  if (!settings.profile) problem = `no profile named "${settings.profileName}"`;
  else if (settings.authMethod !== 'oauth') problem = `profile ${settings.profileName} uses an API key, not a browser login`;
  else if (!session.tokens) problem = `profile ${settings.profileName} is not logged in`;
  else if (!offline) {
    try {
      await new AxClient({ endpoint: settings.endpoint, tokens: session, userAgent: `ax-cli/${VERSION}` }).access.me();
      verified = true;
    } catch (error) {
      const refused = (error instanceof HttpError && error.status === 401) || (error instanceof CliError && error.exitCode === EXIT.AUTH);
      if (!refused) throw error;
      verified = false;
      problem = error instanceof HttpError ? 'the server refused the login' : error.message;
    }
  }
  const tokens = session.tokens;
  const status: AuthStatus = {
    profile: settings.profileName,
    server: appEndpoint(settings),
    auth_method: settings.authMethod,
    logged_in: problem === undefined,
    user_email: tokens?.userEmail ?? null,
    expires_at: tokens ? new Date(tokens.expiresAt).toISOString() : null,
    refresh_token: tokens?.refreshToken !== undefined,
    verified,
  };
  ctx.printer.object(status);
  if (problem !== undefined) {
    ctx.printer.warn(`${problem}; ${nextStep(settings, ctx.env)}`);
    process.exitCode = EXIT.AUTH;
  }
}

/** What to run to log the profile in. */
function nextStep({ profile, profileName, authMethod }: Settings, env: NodeJS.ProcessEnv): string {
  if (!profile || authMethod !== 'oauth') return 'create a profile that logs in: `ax profiles create NAME --auth-method oauth --endpoint URL`';
  return `run \`${loginCommand(profileName, env)}\``;
}

async function logOut(ctx: CommandContext): Promise<void> {
  const settings = ctx.settings;
  const { profileName } = settings;
  const tokens = settings.authMethod === 'oauth' ? readOAuthTokens(settings.profile) : undefined;
  if (!tokens) {
    ctx.printer.success(`Not logged in (profile ${profileName}); nothing to revoke`);
    return;
  }
  const app = appEndpoint(settings);
  const revocations = [
    ...(tokens.refreshToken === undefined ? [] : [[tokens.refreshToken, 'refresh_token'] as const]),
    [tokens.accessToken, 'access_token'] as const,
  ];
  for (const [token, hint] of revocations) {
    const what = hint === 'refresh_token' ? 'refresh token' : 'access token';
    try {
      const status = await revokeToken(app, token, hint);
      if (status !== 200) ctx.printer.warn(`${app} answered ${status} to revoking the ${what}; it is forgotten here anyway`);
    } catch (error) {
      ctx.printer.warn(`could not revoke the ${what}: ${(error as Error).message}; it is forgotten here anyway`);
    }
  }
  const store = new ProfileTokenStore(profileName, ctx.env);
  await store.locked(async () => store.write(withoutOAuthTokens(store.read())));
  ctx.printer.success(`Logged out${tokens.userEmail ? ` ${tokens.userEmail}` : ''} (profile ${profileName})`);
}
