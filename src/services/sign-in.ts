import { generatePassword, hashPassword, verifyPassword } from '../auth/password-hash.js';
import { ApiError } from '../domain/errors.js';
import type { FailureLimiter } from '../http/plugins/failure-limiter.js';
import type { AppContext } from '../server/context.js';
import type { UserRow } from '../store/schema.js';
import { runMutation } from './mutation.js';
import { openSession, type OpenedSession, type RequestOrigin, sessionPrincipal } from './sessions.js';

/** Every failed sign-in gets the same answer: the client never learns whether the email exists. */
const REJECTED = 'wrong email or password';

let decoyHash: Promise<string> | undefined;

/**
 * Signs a person in with email and password. Accepted: an ACTIVE user's password, or the temporary password of
 * a user invited with TEMPORARY_PASSWORD (who becomes ACTIVE and must change it). Everything else — unknown
 * email, wrong password, an invitation not yet accepted, bots, deleted users — is one 401, after the same
 * scrypt work (a decoy hash where there is no password to check) so timing does not tell them apart either.
 * Failures are counted per IP and email (429 past the limit) and audited without the password.
 */
export async function signIn(
  ctx: AppContext, origin: RequestOrigin, limiter: FailureLimiter, input: { email: string; password: string },
): Promise<{ session: OpenedSession; user: UserRow }> {
  const emailLower = input.email.trim().toLowerCase();
  const limitKey = `${origin.ip}\n${emailLower}`;
  const retryAfter = limiter.retryAfter(limitKey);
  if (retryAfter > 0) {
    throw new ApiError('RATE_LIMITED', `too many failed sign-ins for this email from this address; retry in ${retryAfter} s`, {
      headers: { 'retry-after': String(retryAfter) },
    });
  }
  // Emails are unique per account, not per server: the same person may hold users in several accounts.
  const candidates = await ctx.store.db.selectFrom('users').selectAll().where('email_lower', '=', emailLower)
    .where('deleted_at', 'is', null).where('is_bot', '=', 0).orderBy('id').execute();
  const decoy = await (decoyHash ??= hashPassword(generatePassword()));
  let user: UserRow | undefined;
  for (const candidate of candidates) {
    const usable = usablePasswordHash(candidate);
    if (await verifyPassword(input.password, usable ?? decoy) && usable !== null) {
      user = candidate;
      break;
    }
  }
  if (candidates.length === 0) await verifyPassword(input.password, decoy);
  if (!user) {
    limiter.fail(limitKey);
    await recordFailure(ctx, origin, candidates);
    throw new ApiError('INVALID_CREDENTIALS', REJECTED);
  }
  const signedIn = user;
  return runMutation(ctx, { ...origin, principal: sessionPrincipal(signedIn) }, async (trx, changes) => {
    let row: UserRow | undefined = signedIn;
    if (signedIn.status === 'INVITED') {
      // First sign-in with a temporary password: the account is live now, and must_change_password stays set.
      row = await trx.updateTable('users').set({ status: 'ACTIVE', updated_at: new Date().toISOString() })
        .where('id', '=', signedIn.id).where('deleted_at', 'is', null).returningAll().executeTakeFirst();
      if (!row) throw new ApiError('INVALID_CREDENTIALS', REJECTED);
      changes.user(signedIn.id);
    }
    return { session: await openSession(trx, ctx.secrets.tokenKey, signedIn.id), user: row };
  });
}

/** The hash a sign-in may match: none for EXPIRED users, nor for invited users without a temporary password. */
function usablePasswordHash(user: UserRow): string | null {
  return user.status === 'EXPIRED' ? null : user.password_hash;
}

/** One audit row per account that holds the email (none known: one row without an account), with the reason. */
async function recordFailure(ctx: AppContext, origin: RequestOrigin, candidates: UserRow[]): Promise<void> {
  const rows = candidates.length === 0
    ? [{ accountId: null, reason: 'unknown email' }]
    : candidates.map((c) => ({ accountId: c.account_id, reason: usablePasswordHash(c) === null ? `user is ${c.status} without a password` : 'wrong password' }));
  const now = new Date().toISOString();
  await ctx.store.db.insertInto('audit_logs').values(rows.map((r) => ({
    account_id: r.accountId, user_id: null, ip: origin.ip, operation_type: 'MUTATION' as const, operation_name: origin.operation,
    operation_text: origin.text ?? null, variables: JSON.stringify({ reason: r.reason }), created_at: now,
  }))).execute();
}
