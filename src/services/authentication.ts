import { resolveSession, type ResolvedSession } from './session-resolver.js';
import { ApiError, unauthenticated } from '../domain/errors.js';
import type { Principal } from '../domain/principal.js';
import { parseKey, type VerifyResult } from '../keys/index.js';
import type { ServiceDeps } from './service-deps.js';
import { recordAuthenticationFailures } from './authentication-failures.js';
import { sessionTiming } from './sessions.js';
import { looksLikeAccessToken, principalOfAccessToken } from './oauth/access-tokens.js';

/** The request being authenticated, as far as limits and the failure record need it. */
export interface AuthenticationAttempt {
  ip: string;
  /** `METHOD /route/pattern`. */
  operation: string;
}

/** One answer for every refused bearer value, whatever the reason (recorded, never told). */
const BEARER_REFUSED = 'the API key or access token is missing, malformed, unknown, revoked or expired';

/**
 * The principal of an API key. The key is verified first: a valid one is never refused for what others did. A
 * failure is a 401 that never says why (the reason is recorded, without the key), or a 429 with Retry-After while the
 * address or the presented key id is backing off after too many failures. A key the verifier accepts from its cache
 * (every request of a hot key) is answered without a promise: the HTTP layer's hook then finishes synchronously.
 * `connection`: the client connection the key came on, if any (KeyVerifier.verifyCached says what it saves).
 */
export function authenticateKey(ctx: ServiceDeps, attempt: AuthenticationAttempt, key: string, connection?: object): Principal | Promise<Principal> {
  const known = key ? ctx.keys.verifyCached(key, connection) : MALFORMED;
  if (known?.ok) return accepted(ctx, attempt, known);
  return settle(ctx, attempt, key, known);
}

const MALFORMED: VerifyResult = { ok: false, failure: 'malformed' };

function accepted(ctx: ServiceDeps, attempt: AuthenticationAttempt, result: VerifyResult & { ok: true }): Principal {
  // The verifier read the key's public id already: the key is not parsed a second time.
  if (result.publicId !== undefined) ctx.authLimits.keyIds.forget(result.publicId);
  // Rotation telemetry: an old key's use during its grace period is counted in memory (no write per request).
  if (result.inGrace) ctx.graceUsage.record(result.principal.accountId, result.principal.apiKeyId!, attempt.ip, ctx.clock.now());
  return result.principal;
}

/** authenticateKey past the verifier's cache: the record read, or the key refused. */
async function settle(ctx: ServiceDeps, attempt: AuthenticationAttempt, key: string, known: VerifyResult | undefined): Promise<Principal> {
  const result = known ?? await ctx.keys.verify(key);
  if (result.ok) return accepted(ctx, attempt, result);
  // Not an API key (`ak-…` or the imported admin key) but shaped like an OAuth access token of `ax auth login`.
  if (result.failure === 'malformed' && looksLikeAccessToken(key)) {
    const principal = await principalOfAccessToken(ctx, key);
    if (principal) return principal;
    return refuse(ctx, attempt, { reason: 'oauth_token_invalid' }, BEARER_REFUSED);
  }
  const keyId = key ? parseKey(key)?.publicId : undefined;
  return refuse(ctx, attempt, { reason: result.failure, accountId: 'accountId' in result ? result.accountId : undefined, keyId }, BEARER_REFUSED);
}

/** The console session the cookie names, or a 401 (429 past the address's failures) recorded as a failure. */
export async function authenticateSession(ctx: ServiceDeps, attempt: AuthenticationAttempt, cookie: string): Promise<ResolvedSession> {
  const session = await resolveSession(ctx.store.db, ctx.secrets.tokenKey, cookie, sessionTiming(ctx));
  return session ?? refuse(ctx, attempt, { reason: 'invalid_session' }, 'the console session has ended; sign in again');
}

/** A /v2 request with no credential at all. */
export function refuseAnonymous(ctx: ServiceDeps, attempt: AuthenticationAttempt): Promise<never> {
  return refuse(ctx, attempt, { reason: 'missing' }, 'send an API key as Authorization: Bearer <key>');
}

async function refuse(
  ctx: ServiceDeps, attempt: AuthenticationAttempt, failure: { reason: string; accountId?: number | undefined; keyId?: string | undefined }, detail: string,
): Promise<never> {
  const limits = ctx.authLimits;
  const retryAfter = Math.max(limits.keyAddresses.retryAfter(attempt.ip), failure.keyId === undefined ? 0 : limits.keyIds.retryAfter(failure.keyId));
  limits.keyAddresses.fail(attempt.ip);
  if (failure.keyId !== undefined) limits.keyIds.fail(failure.keyId);
  await recordAuthenticationFailures(ctx, [{ accountId: failure.accountId ?? null, ip: attempt.ip, reason: failure.reason, operation: attempt.operation }]);
  if (retryAfter > 0) {
    throw new ApiError('RATE_LIMITED', `too many failed authentications; retry in ${retryAfter} s`, { headers: { 'retry-after': String(retryAfter) } });
  }
  throw unauthenticated(detail);
}
