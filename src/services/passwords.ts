import type { ResolvedSession } from '../auth/session-resolver.js';
import { hashPassword, verifyPassword } from '../auth/password-hash.js';
import { ApiError, badRequest, forbidden, notFound } from '../domain/errors.js';
import type { FailureLimiter } from '../http/plugins/failure-limiter.js';
import type { AppContext } from '../server/context.js';
import { runMutation } from './mutation.js';
import { endSessions, type RequestOrigin, sessionPrincipal } from './sessions.js';
import { consumeUserToken, findUsableToken } from './user-tokens.js';

/**
 * The signed-in user changes its own password: the current one proves it is the person (wrong guesses count
 * towards the same limit as sign-ins), the requirement to change it is lifted and every other session ends.
 */
export async function changePassword(
  ctx: AppContext, origin: RequestOrigin, limiter: FailureLimiter, session: ResolvedSession,
  input: { current_password: string; new_password: string },
): Promise<void> {
  const { principal } = session;
  const limitKey = `${origin.ip}\n${principal.email.toLowerCase()}`;
  const retryAfter = limiter.retryAfter(limitKey);
  if (retryAfter > 0) {
    throw new ApiError('RATE_LIMITED', `too many wrong passwords; retry in ${retryAfter} s`, { headers: { 'retry-after': String(retryAfter) } });
  }
  const user = await ctx.store.db.selectFrom('users').select('password_hash').where('id', '=', principal.userId).executeTakeFirstOrThrow();
  if (!await verifyPassword(input.current_password, user.password_hash)) {
    limiter.fail(limitKey);
    throw forbidden('current_password is not your current password');
  }
  if (input.new_password === input.current_password) throw badRequest('new_password: must differ from the current password');
  const passwordHash = await hashPassword(input.new_password);
  await runMutation(ctx, { ...origin, principal }, async (trx) => {
    await trx.updateTable('users').set({ password_hash: passwordHash, must_change_password: 0, updated_at: new Date().toISOString() })
      .where('id', '=', principal.userId).execute();
    await endSessions(trx, principal.userId, { except: principal.sessionId });
  });
}

/** A reset link sets a new password once; every session of the user ends (whoever held one must sign in again). */
export async function redeemPasswordReset(ctx: AppContext, origin: RequestOrigin, token: string, password: string): Promise<void> {
  const holder = await findUsableToken(ctx.store.db, ctx.secrets.tokenKey, token, 'RESET');
  if (!holder) throw notFound('password reset link');
  const passwordHash = await hashPassword(password);
  await runMutation(ctx, { ...origin, principal: sessionPrincipal(holder.user) }, async (trx) => {
    if (!await consumeUserToken(trx, holder.tokenId)) throw notFound('password reset link');
    await trx.updateTable('users').set({ password_hash: passwordHash, must_change_password: 0, updated_at: new Date().toISOString() })
      .where('id', '=', holder.user.id).execute();
    await endSessions(trx, holder.user.id);
  });
}
