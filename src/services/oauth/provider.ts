import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import type Provider from 'oidc-provider';
import type { Configuration, KoaContextWithOIDC } from 'oidc-provider';
import { encodeId, parseId } from '../../domain/ids.js';
import { mayAuthenticate } from '../../domain/user-standing.js';
import { CLI_CLIENT_ID } from '../../domain/oauth-client.js';
import type { ServiceDeps } from '../service-deps.js';
import { sharedServerSetting } from '../../store/server-settings.js';
import { PayloadAdapter, RevokedGrantOwners } from './payload-adapter.js';
import { recordOAuthEvents } from './oauth-audit.js';

/** Lifetimes (identity.md §6.4): access token 1 h, refresh token 30 days per rotation, a login at most 90 days. */
export const ACCESS_TOKEN_TTL_S = 3600;
const REFRESH_TOKEN_TTL_S = 30 * 86_400;
export const GRANT_TTL_S = 90 * 86_400;
const CODE_TTL_S = 60;
/** The sign-in and consent step, and the provider's own session (the console session is the only real login). */
export const INTERACTION_TTL_S = 600;

/** The paths the provider answers; everything else of the site is Fastify's. */
export const OAUTH_ROUTES = {
  authorization: '/oauth2/authorize',
  token: '/oauth2/token',
  revocation: '/oauth2/revoke',
  jwks: '/oauth2/jwks',
} as const;

/** The console page that signs the user in and asks for consent. */
export function interactionPath(uid: string): string {
  return `/authorize/${uid}`;
}

/** The one client (identity.md §6.2): public, native, any loopback port on 127.0.0.1, path /callback. */
export const CLI_CLIENT = {
  client_id: CLI_CLIENT_ID,
  client_name: 'ax command-line interface',
  application_type: 'native',
  token_endpoint_auth_method: 'none',
  grant_types: ['authorization_code', 'refresh_token'],
  response_types: ['code'],
  redirect_uris: ['http://127.0.0.1/callback'],
} as const;

/** What a grant lets the CLI do, as the consent page says it. */
export const CLI_ALLOWS = [
  'Act as you on this server\'s API, with your current roles (it never gets more rights than you have)',
  'Stay signed in for up to 90 days, until you log out or revoke it under Settings → CLI logins',
];

/** How the HTTP layer renders the errors that must not redirect (unknown client, bad redirect URI). */
export type RenderOAuthError = (ctx: KoaContextWithOIDC, out: { error: string; error_description?: string | undefined }, requestId: string) => void;

/** A redirect to the client's loopback `/callback`, carrying a code or an error in its query. */
function isLoopbackAnswer(location: string): boolean {
  try {
    const url = new URL(location);
    return url.protocol === 'http:' && url.hostname === '127.0.0.1' && url.pathname === '/callback';
  } catch {
    return false;
  }
}

/** The RS256 signing key of ID tokens and the cookie keys: created once, shared by every process (server_settings). */
async function sharedKeys(ctx: ServiceDeps): Promise<{ jwk: Record<string, unknown>; cookieKeys: string[] }> {
  const jwkText = await sharedServerSetting(ctx.store.db, 'oauth_signing_jwk', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    return JSON.stringify({ ...privateKey.export({ format: 'jwk' }), kid: randomUUID(), alg: 'RS256', use: 'sig' });
  });
  const cookieKey = await sharedServerSetting(ctx.store.db, 'oauth_cookie_key', async () => randomBytes(32).toString('base64url'));
  return { jwk: JSON.parse(jwkText) as Record<string, unknown>, cookieKeys: [cookieKey] };
}

/** The user a grant acts as, while the user may authenticate; else nothing (the grant stops working). */
async function findActiveUser(ctx: ServiceDeps, sub: string): Promise<{ accountId: string; claims: () => { sub: string; email: string } } | undefined> {
  const parsed = parseId(sub);
  if (parsed?.type !== 'User') return undefined;
  const user = await ctx.store.db.selectFrom('users').select(['id', 'email', 'status', 'deleted_at', 'deactivated_at', 'is_bot'])
    .where('id', '=', parsed.n).executeTakeFirst();
  if (!user || !mayAuthenticate(user) || user.is_bot === 1) return undefined;
  const accountId = encodeId('User', user.id);
  return { accountId, claims: () => ({ sub: accountId, email: user.email }) };
}

/**
 * Builds the OAuth 2.0 authorization server for `ax auth login` on oidc-provider (OpenID Certified), configured as
 * identity.md §6.8 says: the routes under /oauth2, PKCE S256 required, a refresh token on every code exchange (the
 * Arize CLI never asks for offline_access) that rotates, reuse of a rotated one revoking the whole grant; state in
 * the database; keys from server_settings; no development login pages; consent asked on every login.
 */
export async function createOAuthProvider(ctx: ServiceDeps, options: { issuer: string; proxy: boolean; renderError: RenderOAuthError }): Promise<Provider> {
  const { jwk, cookieKeys } = await sharedKeys(ctx);
  const revokedOwners = new RevokedGrantOwners();
  const configuration: Configuration = {
    adapter: (model: string) => new PayloadAdapter(model, ctx.store, ctx.secrets.tokenKey, ctx.clock, revokedOwners),
    clients: [{ ...CLI_CLIENT, grant_types: [...CLI_CLIENT.grant_types], response_types: [...CLI_CLIENT.response_types], redirect_uris: [...CLI_CLIENT.redirect_uris] }],
    clientAuthMethods: ['none'],
    jwks: { keys: [jwk as never] },
    cookies: {
      keys: cookieKeys,
      long: { signed: true, sameSite: 'lax', httpOnly: true },
      short: { signed: true, sameSite: 'lax', httpOnly: true },
    },
    routes: OAUTH_ROUTES,
    responseTypes: ['code'],
    scopes: ['openid', 'email'],
    claims: { openid: ['sub'], email: ['email'] },
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: false },
      // A token is revoked by the client it was issued to (there is one; anything else is answered 200 and left alone).
      revocation: { enabled: true, allowedPolicy: async (_koa, client, token) => token.clientId === client.clientId },
      userinfo: { enabled: false },
      rpInitiatedLogout: { enabled: false },
      pushedAuthorizationRequests: { enabled: false },
      resourceIndicators: { enabled: false },
      dPoP: { enabled: false },
    },
    // A refresh token on every code exchange, bound to the grant (never to the provider's 10-minute session).
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    expiresWithSession: async () => false,
    rotateRefreshToken: true,
    // Revoking either token of a login ends the login, as the library already does with its tokens: the grant goes
    // too (and `grant.revoked` is audited), instead of a grant left without a token.
    revokeGrantPolicy: async () => true,
    ttl: {
      AccessToken: ACCESS_TOKEN_TTL_S,
      AuthorizationCode: CODE_TTL_S,
      IdToken: ACCESS_TOKEN_TTL_S,
      Interaction: INTERACTION_TTL_S,
      Session: INTERACTION_TTL_S,
      Grant: GRANT_TTL_S,
      // 30 days from each rotation, never past the end of the login.
      RefreshToken: (koa) => {
        const grantExp = koa.oidc.entities.Grant?.exp;
        const left = grantExp === undefined ? REFRESH_TOKEN_TTL_S : grantExp - Math.floor(ctx.clock.now() / 1000);
        return Math.max(1, Math.min(REFRESH_TOKEN_TTL_S, left));
      },
    },
    // Consent every time: only the grant this very interaction approved counts, never one remembered in a session.
    loadExistingGrant: async (koa) => {
      const grantId = koa.oidc.result?.consent?.grantId;
      return grantId ? koa.oidc.provider.Grant.find(grantId) : undefined;
    },
    interactions: { url: async (_koa, interaction) => interactionPath(interaction.uid) },
    findAccount: async (_koa, sub) => findActiveUser(ctx, sub),
    renderError: async (koa, out) => options.renderError(koa, out, String(koa.get('x-request-id') || koa.state.requestId || '')),
    clientBasedCORS: () => false,
    allowOmittingSingleRegisteredRedirectUri: false,
    discovery: { code_challenge_methods_supported: ['S256'] },
  };
  // Imported here, at the first OAuth request, not at start: the library and its dependencies take about 11 MB of an
  // idle server's resident memory, which a server nobody runs `ax auth login` against should not hold.
  const { default: OidcProvider } = await import('oidc-provider');
  const provider = new OidcProvider(options.issuer, configuration);
  provider.proxy = options.proxy;
  // The answer to the CLI's loopback (a code or an error) is a 302, as identity.md §6.3 and RFC 6749 §4.1.2 show
  // it; the library sends 303. Its redirect to the console's consent page (/authorize/{uid}) stays 303.
  provider.use(async (koa, next) => {
    await next();
    if (koa.status === 303 && isLoopbackAnswer(koa.response.get('location'))) koa.status = 302;
  });
  recordOAuthEvents(provider, ctx, revokedOwners);
  return provider;
}
