import { ApiError } from '../../domain/errors.js';
import {
  buildOidcAuthorizationUrl, type ClaimPaths, completeOidcAuthorization, discoverOidcProvider, identityFromClaims, oidcClient,
} from '../../sso/oidc/index.js';
import { openSecret } from '../../sso/secret-box.js';
import { IdentityProviderLookup } from '../../store/identity-provider-lookup.js';
import type { IdentityProviderRow } from '../../store/schema.js';
import { LoginAttemptRecords } from '../../store/sso-login-attempts.js';
import { clientSecretKey } from '../identity-providers/secrets-key.js';
import type { ServiceDeps } from '../service-deps.js';
import type { RequestOrigin } from '../sessions.js';
import { completeSsoLogin } from './complete-login.js';
import type { CompletedLogin } from './login-completion.js';
import {
  checkFailureLimit, emailDomain, LOGIN_ATTEMPT_TTL_MS, newBrowserBinding, randomToken, recordingFailures, resolveLoginProvider,
  safeReturnTo, sameBrowser, sha256Hex,
} from './login-attempts.js';

const DEFAULT_SCOPES = ['openid', 'email', 'profile'];

/** The one redirect URI to register at every OP. */
export function oidcRedirectUri(ctx: ServiceDeps): string {
  return `${ctx.config.publicUrl}/auth/oidc/callback`;
}

/** The discovery document is fetched again when the stored copy is older than this (identity.md §3.3). */
const DISCOVERY_MAX_AGE_MS = 60 * 60_000;

/** The stored discovery document, fetched again first when older than an hour; a failed fetch keeps the last good copy. */
async function currentDiscovery(ctx: ServiceDeps, idp: IdentityProviderRow): Promise<string | null> {
  const fetchedAt = idp.discovery_fetched_at === null ? 0 : Date.parse(idp.discovery_fetched_at);
  if (idp.issuer === null || ctx.clock.now() - fetchedAt <= DISCOVERY_MAX_AGE_MS) return idp.discovery_cached;
  try {
    const json = await discoverOidcProvider(idp.issuer, { allowedPrivateHosts: ctx.config.ssoAllowedPrivateHosts });
    await new IdentityProviderLookup(ctx.store.db).storeDiscovery(idp.id, json, new Date(ctx.clock.now()).toISOString());
    return json;
  } catch (error) {
    ctx.log.warn({ idpId: idp.id, reason: error instanceof Error ? error.message : String(error) },
      'OIDC discovery could not be fetched again; keeping the last good copy');
    return idp.discovery_cached;
  }
}

async function clientFor(ctx: ServiceDeps, idp: IdentityProviderRow) {
  const discovery = await currentDiscovery(ctx, idp);
  if (discovery === null || idp.client_id === null) {
    throw new ApiError('SSO_PROVIDER_UNREACHABLE', 'the identity provider\'s discovery document is missing; save its issuer again');
  }
  const clientSecret = idp.client_secret_enc === null ? undefined : openSecret(idp.client_secret_enc, await clientSecretKey(ctx));
  const scopes = idp.scopes === null ? DEFAULT_SCOPES : JSON.parse(idp.scopes) as string[];
  return oidcClient(discovery, {
    clientId: idp.client_id, redirectUri: oidcRedirectUri(ctx), scopes, ...(clientSecret === undefined ? {} : { clientSecret }),
  }, { allowedPrivateHosts: ctx.config.ssoAllowedPrivateHosts });
}

function claimPaths(idp: IdentityProviderRow): ClaimPaths {
  return { email: idp.email_claim_path ?? 'email', name: idp.name_claim_path ?? 'name', groups: idp.groups_claim_path };
}

/**
 * `GET /auth/oidc/login` (identity.md §3.1): a login attempt holding the state's digest, the nonce and the PKCE
 * verifier, bound to a new `ax_sso` cookie; the browser goes to the OP's authorization endpoint.
 */
export async function startOidcLogin(
  ctx: ServiceDeps, query: { idp_id?: string | undefined; email?: string | undefined; return_to?: string | undefined },
): Promise<{ cookie: string; url: string }> {
  const idp = await resolveLoginProvider(ctx, 'OIDC', query);
  const client = await clientFor(ctx, idp);
  const state = randomToken();
  const nonce = randomToken();
  const codeVerifier = randomToken();
  const binding = newBrowserBinding();
  const now = ctx.clock.now();
  await new LoginAttemptRecords(ctx.store.db).create({
    id: randomToken(), idpId: idp.id, protocol: 'OIDC', stateHash: sha256Hex(state), nonce, codeVerifier,
    browserBindingHash: binding.hash, returnTo: safeReturnTo(query.return_to),
    createdAt: new Date(now).toISOString(), expiresAt: new Date(now + LOGIN_ATTEMPT_TTL_MS).toISOString(),
  });
  return { cookie: binding.cookie, url: buildOidcAuthorizationUrl(client, { state, nonce, codeVerifier }) };
}

const STATE_MISMATCH = 'no open sign-in of this browser has this state (unknown, already used, expired or started in another browser); start the sign-in again';

/**
 * `GET /auth/oidc/callback` (§3.1): the attempt by `state` — unknown, used, expired or not this browser's →
 * OIDC_STATE_MISMATCH — consumed by one conditional UPDATE; then the code exchange and the ID token checks of the
 * OIDC module, the email and its domain, and the same completion transaction as SAML, in place (a top-level GET).
 */
export async function completeOidcLogin(
  ctx: ServiceDeps, origin: RequestOrigin, callback: { query: string; state: string | undefined }, cookie: string | undefined,
): Promise<CompletedLogin> {
  checkFailureLimit(ctx, origin.ip);
  const scope = { accountId: null as number | null };
  return recordingFailures(ctx, origin, scope, async () => {
    const records = new LoginAttemptRecords(ctx.store.db);
    const state = callback.state;
    const attempt = state !== undefined && state.length > 0 && state.length <= 200 ? await records.findByStateHash(sha256Hex(state)) : undefined;
    if (!attempt || attempt.protocol !== 'OIDC' || !sameBrowser(attempt.browser_binding_hash, cookie)) {
      throw new ApiError('OIDC_STATE_MISMATCH', STATE_MISMATCH);
    }
    const idp = await new IdentityProviderLookup(ctx.store.db).find(attempt.idp_id);
    if (!idp || idp.enabled !== 1) throw new ApiError('SSO_UNKNOWN_PROVIDER', 'the identity provider of this sign-in is disabled or deleted');
    scope.accountId = idp.account_id;
    const now = new Date(ctx.clock.now()).toISOString();
    if (!await records.consume(attempt.id, now)) throw new ApiError('OIDC_STATE_MISMATCH', STATE_MISMATCH);

    const client = await clientFor(ctx, idp);
    const paths = claimPaths(idp);
    const claims = await completeOidcAuthorization(client, {
      callbackUrl: new URL(`${oidcRedirectUri(ctx)}?${callback.query}`), state: state!, nonce: attempt.nonce!, codeVerifier: attempt.code_verifier!,
      useUserinfo: idp.use_userinfo === 1, claimPaths: paths,
    });
    const identity = identityFromClaims(claims, paths);
    if (identity.overage) {
      ctx.log.warn({ idpId: idp.id }, 'the ID token signals group overage (over 200 groups): no groups were read; map app roles, "groups assigned to the application", or use SCIM');
    }
    const domain = emailDomain(identity.email);
    if (domain === undefined || !(await new IdentityProviderLookup(ctx.store.db).domainsOf(idp.id)).includes(domain)) {
      throw new ApiError('SSO_EMAIL_DOMAIN_MISMATCH', `${domain ?? identity.email} is not an email domain of this identity provider`);
    }
    const { session } = await completeSsoLogin(ctx, {
      protocol: 'OIDC', idpId: idp.id, accountId: idp.account_id, subject: identity.subject, email: identity.email,
      attributes: identity.attributes, issuer: typeof claims.iss === 'string' ? claims.iss : (idp.issuer ?? ''),
      ...(identity.name ? { name: identity.name } : {}),
      ...(typeof claims.jti === 'string' ? { assertionId: claims.jti } : {}),
      ...(identity.overage ? { groupOverage: true } : {}),
    }, origin);
    return { session, returnTo: attempt.return_to };
  });
}
