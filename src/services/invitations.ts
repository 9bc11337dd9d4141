import { hashPassword } from '../auth/password-hash.js';
import { requireStrongPassword } from '../auth/password-rules.js';
import { isoNow } from '../domain/clock.js';
import { notFound } from '../domain/errors.js';
import type { ServiceDeps } from './service-deps.js';
import type { UserRow } from '../store/schema.js';
import { forAccount } from '../store/account-store.js';
import { runMutation } from './mutation.js';
import { openSession, type OpenedSession, type RequestOrigin, sessionPrincipal } from './sessions.js';
import { consumeUserToken, findUsableToken } from './user-tokens.js';

/** Who an invitation link is for, so the console can greet them; 404 for a used, expired or unknown link. */
export async function describeInvitation(ctx: ServiceDeps, token: string): Promise<{ email: string; name: string }> {
  const holder = await findUsableToken(ctx.store.db, ctx.secrets.tokenKey, token, 'INVITE', isoNow(ctx.clock));
  if (!holder) throw notFound('invitation');
  return { email: holder.user.email, name: holder.user.name };
}

/** Accepting sets the first password, makes the user ACTIVE and signs it in; the link works once. */
export async function acceptInvitation(
  ctx: ServiceDeps, origin: RequestOrigin, token: string, password: string,
): Promise<{ session: OpenedSession; user: UserRow }> {
  const holder = await findUsableToken(ctx.store.db, ctx.secrets.tokenKey, token, 'INVITE', isoNow(ctx.clock));
  if (!holder) throw notFound('invitation');
  requireStrongPassword('password', password, holder.user);
  const passwordHash = await ctx.authLimits.passwordChecks.run(() => hashPassword(password, ctx.config.passwordHashN));
  return runMutation(ctx, { ...origin, principal: sessionPrincipal(holder.user) }, async (trx, changes) => {
    if (!await consumeUserToken(trx, holder.tokenId, isoNow(ctx.clock))) throw notFound('invitation');
    const user = await forAccount(trx, holder.user.account_id).users.activate(holder.user.id, isoNow(ctx.clock), { passwordHash });
    if (!user) throw notFound('invitation');
    changes.user(user.id);
    return { session: await openSession(trx, ctx, user.id), user };
  });
}
