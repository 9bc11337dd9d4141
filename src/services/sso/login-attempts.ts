import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { ApiError } from '../../domain/errors.js';
import { decodeId, encodeId } from '../../domain/ids.js';
import { IdentityProviderLookup } from '../../store/identity-provider-lookup.js';
import type { IdentityProtocol, IdentityProviderRow } from '../../store/schema.js';
import { recordAuthenticationFailures } from '../authentication-failures.js';
import type { ServiceDeps } from '../service-deps.js';

/** The cookie that binds a login to the browser that started it (identity.md §2.2). */
export const SSO_COOKIE = 'ax_sso';
/** A login must finish within this time of its start. */
export const LOGIN_ATTEMPT_TTL_MS = 10 * 60_000;

/** A random, url-safe value of 256 bits (attempt ids, cookies, OIDC state and nonce, PKCE verifiers). */
export function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

/** SHA-256 (hex): what the database keeps of a browser cookie or an OIDC state. */
export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** A new `ax_sso` value and the digest its attempt records. */
export function newBrowserBinding(): { cookie: string; hash: string } {
  const cookie = randomToken();
  return { cookie, hash: sha256Hex(cookie) };
}

/** True when the browser presented the cookie whose digest the attempt records. */
export function sameBrowser(bindingHash: string | null, cookie: string | undefined): boolean {
  if (bindingHash === null || cookie === undefined || cookie.length === 0 || cookie.length > 200) return false;
  const presented = Buffer.from(sha256Hex(cookie), 'hex');
  const expected = Buffer.from(bindingHash, 'hex');
  return presented.length === expected.length && timingSafeEqual(presented, expected);
}

/** `return_to` must be a path of this site: starting with `/`, not `//` nor `/\`; anything else is `/`. */
export function safeReturnTo(raw: string | undefined): string {
  if (raw === undefined || !raw.startsWith('/') || raw.startsWith('//') || raw.startsWith('/\\')) return '/';
  if (raw.length > 2048 || /[\u0000-\u001f\u007f]/.test(raw)) return '/';
  return raw;
}

const ID_TYPE = { SAML: 'SamlIdentityProvider', OIDC: 'OidcIdentityProvider' } as const;

/** The wire id of a provider (its type follows its protocol). */
export function providerWireId(idp: Pick<IdentityProviderRow, 'id' | 'protocol'>): string {
  return encodeId(ID_TYPE[idp.protocol], idp.id);
}

/** The email's domain, lower-case, or undefined when the text is not an email address. */
export function emailDomain(email: string): string | undefined {
  const at = email.lastIndexOf('@');
  if (at < 1 || at === email.length - 1) return undefined;
  return email.slice(at + 1).trim().toLowerCase();
}

/**
 * The provider a login starts with (§2.2 step 3): `idp_id` of a live, enabled provider of this protocol (else 404
 * SSO_UNKNOWN_PROVIDER), or the one holding the email's validated domain (else 404 SSO_DOMAIN_NOT_CONFIGURED).
 */
export async function resolveLoginProvider(
  ctx: ServiceDeps, protocol: IdentityProtocol, query: { idp_id?: string | undefined; email?: string | undefined },
): Promise<IdentityProviderRow> {
  const lookup = new IdentityProviderLookup(ctx.store.db);
  if (query.idp_id !== undefined) {
    let id: number;
    try {
      id = decodeId(ID_TYPE[protocol], query.idp_id, 'idp_id');
    } catch {
      throw new ApiError('SSO_UNKNOWN_PROVIDER', `no ${protocol} identity provider ${JSON.stringify(query.idp_id.slice(0, 100))}`);
    }
    const idp = await lookup.find(id);
    if (!idp || idp.protocol !== protocol || idp.enabled !== 1) {
      throw new ApiError('SSO_UNKNOWN_PROVIDER', `no enabled ${protocol} identity provider ${query.idp_id}`);
    }
    return idp;
  }
  if (query.email === undefined) throw new ApiError('VALIDATION_FAILED', 'querystring: give idp_id or email');
  const domain = emailDomain(query.email);
  const found = domain === undefined ? undefined : await lookup.findByDomain(domain);
  if (!found || !found.validated || found.idp.enabled !== 1 || found.idp.protocol !== protocol) {
    throw new ApiError('SSO_DOMAIN_NOT_CONFIGURED', domain === undefined
      ? 'email: not an email address'
      : `no ${protocol} single sign-on is configured for ${domain}`);
  }
  return found.idp;
}

/** Where a login failed, for the failure record (§9): never the assertion or a token. */
export interface LoginFailureScope {
  accountId: number | null;
}

/**
 * Runs one step of a login flow: an ApiError it throws is recorded as a failed authentication (reason = its code,
 * operation = the route) and counted against the address's limit before it reaches the client.
 */
export async function recordingFailures<T>(
  ctx: ServiceDeps, origin: { ip: string; operation: string }, scope: LoginFailureScope, fn: () => Promise<T>,
): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof ApiError && error.code !== 'RATE_LIMITED') {
      ctx.authLimits.keyAddresses.fail(origin.ip);
      await recordAuthenticationFailures(ctx, [{ accountId: scope.accountId, ip: origin.ip, reason: error.code, operation: origin.operation }]);
    }
    throw error;
  }
}

/** The failure limiter (per address, the one failed API-key authentications count on): 429 while it backs off. */
export function checkFailureLimit(ctx: ServiceDeps, ip: string): void {
  const retryAfter = ctx.authLimits.keyAddresses.retryAfter(ip);
  if (retryAfter > 0) {
    throw new ApiError('RATE_LIMITED', `too many failed sign-ins; retry in ${retryAfter} s`, { headers: { 'retry-after': String(retryAfter) } });
  }
}

