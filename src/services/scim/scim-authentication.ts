import { ScimError } from '../../domain/scim-error.js';
import type { AuthenticationAttempt } from '../authentication.js';
import { recordAuthenticationFailures } from '../authentication-failures.js';
import type { ServiceDeps } from '../service-deps.js';
import type { ScimCaller } from './scim-caller.js';
import type { ScimTokenFailure } from './scim-token-verifier.js';

/** One answer for every refused token, whatever the reason (recorded, never told). */
const TOKEN_REFUSED = 'the SCIM token is missing, malformed, unknown, revoked or expired, or its identity provider is disabled';

/**
 * The directory behind a `/scim/v2` request, by its SCIM token (identity.md §5.1). Only a SCIM token passes: an API
 * key or an OAuth access token is malformed here. A failure is a 401 that never says why (the reason goes to the
 * authentication failures, as on `/v2`), or a 429 with Retry-After while the address or the presented token's public
 * id is backing off after too many failures; a valid token is never refused for what others did.
 */
export async function authenticateScimToken(ctx: ServiceDeps, attempt: AuthenticationAttempt, bearer: string | undefined): Promise<ScimCaller> {
  if (!bearer) return refuse(ctx, attempt, { reason: 'missing' });
  const result = await ctx.scimTokens.verify(bearer);
  if (result.ok) {
    ctx.authLimits.keyIds.forget(result.publicId);
    return { ...result.token, ip: attempt.ip };
  }
  return refuse(ctx, attempt, { reason: result.failure, accountId: result.accountId, publicId: result.publicId });
}

async function refuse(
  ctx: ServiceDeps, attempt: AuthenticationAttempt,
  failure: { reason: ScimTokenFailure | 'missing'; accountId?: number | undefined; publicId?: string | undefined },
): Promise<never> {
  const { keyAddresses, keyIds } = ctx.authLimits;
  const retryAfter = Math.max(keyAddresses.retryAfter(attempt.ip), failure.publicId === undefined ? 0 : keyIds.retryAfter(failure.publicId));
  keyAddresses.fail(attempt.ip);
  if (failure.publicId !== undefined) keyIds.fail(failure.publicId);
  await recordAuthenticationFailures(ctx, [{ accountId: failure.accountId ?? null, ip: attempt.ip, reason: `scim_token_${failure.reason}`, operation: attempt.operation }]);
  if (retryAfter > 0) throw new ScimError(429, `too many failed authentications; retry in ${retryAfter} s`, undefined, { 'retry-after': String(retryAfter) });
  throw new ScimError(401, TOKEN_REFUSED);
}
