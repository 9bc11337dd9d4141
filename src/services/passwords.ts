import { hashPassword, verifyPassword } from '../auth/password-hash.js';
import { requireStrongPassword } from '../auth/password-rules.js';
import type { ResolvedSession } from './session-resolver.js';
import { isoNow } from '../domain/clock.js';
import { ApiError, badRequest, forbidden, notFound, unauthenticated } from '../domain/errors.js';
import type { ServiceDeps } from './service-deps.js';
import { forAccount } from '../store/account-store.js';
import { recordAuthenticationFailures } from './authentication-failures.js';
import { runMutation } from './mutation.js';
import { endSessions, openSession, type OpenedSession, type RequestOrigin, sessionPrincipal } from './sessions.js';
import { consumeUserToken, findUsableToken } from './user-tokens.js';

/**
 * The signed-in user changes its own password: the current one proves it is the person (wrong guesses are
 * limited per session, with backoff), the requirement to change it is lifted, and every session of the user ends,
 * this one included: the caller gets a new session (a cookie stolen before the change stops working).
 */
export async function changePassword(
  ctx: ServiceDeps, origin: RequestOrigin, session: ResolvedSession, input: { current_password: string; new_password: string },
): Promise<OpenedSession> {
  const { principal } = session;
  const limiter = ctx.authLimits.signInDevices;
  const limitKey = `session:${principal.sessionId}`;
  const retryAfter = limiter.retryAfter(limitKey);
  if (retryAfter > 0) {
    throw new ApiError('RATE_LIMITED', `too many wrong passwords; retry in ${retryAfter} s`, { headers: { 'retry-after': String(retryAfter) } });
  }
  const user = await forAccount(ctx.store.db, principal.accountId).users.find(principal.userId);
  if (!user) throw unauthenticated('no console session: sign in with POST /auth/login');
  if (!await ctx.authLimits.passwordChecks.run(() => verifyPassword(input.current_password, user.password_hash))) {
    limiter.fail(limitKey);
    await recordAuthenticationFailures(ctx, [{ accountId: principal.accountId, userId: principal.userId, ip: origin.ip, reason: 'wrong current password', operation: origin.operation }]);
    throw forbidden('current_password is not your current password');
  }
  if (input.new_password === input.current_password) throw badRequest('new_password: must differ from the current password');
  requireStrongPassword('new_password', input.new_password, user);
  const passwordHash = await ctx.authLimits.passwordChecks.run(() => hashPassword(input.new_password, ctx.config.passwordHashN));
  return runMutation(ctx, { ...origin, principal }, async (trx) => {
    await forAccount(trx, principal.accountId).users.setPassword(principal.userId, passwordHash, isoNow(ctx.clock));
    await endSessions(trx, principal.userId, isoNow(ctx.clock));
    return openSession(trx, ctx, principal.userId);
  });
}

/** A reset link sets a new password once; every session of the user ends (whoever held one must sign in again). */
export async function redeemPasswordReset(ctx: ServiceDeps, origin: RequestOrigin, token: string, password: string): Promise<void> {
  const holder = await findUsableToken(ctx.store.db, ctx.secrets.tokenKey, token, 'RESET', isoNow(ctx.clock));
  if (!holder) throw notFound('password reset link');
  requireStrongPassword('password', password, holder.user);
  const passwordHash = await ctx.authLimits.passwordChecks.run(() => hashPassword(password, ctx.config.passwordHashN));
  await runMutation(ctx, { ...origin, principal: sessionPrincipal(holder.user) }, async (trx) => {
    if (!await consumeUserToken(trx, holder.tokenId, isoNow(ctx.clock))) throw notFound('password reset link');
    await forAccount(trx, holder.user.account_id).users.setPassword(holder.user.id, passwordHash, isoNow(ctx.clock));
    await endSessions(trx, holder.user.id, isoNow(ctx.clock));
  });
}
