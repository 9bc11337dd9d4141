import { knownDevice, newDeviceCookie } from '../auth/device-cookie.js';
import { generatePassword, hashPassword, verifyPassword } from '../auth/password-hash.js';
import { isoNow } from '../domain/clock.js';
import { ApiError } from '../domain/errors.js';
import type { ServiceDeps } from './service-deps.js';
import type { UserRow } from '../store/schema.js';
import { forAccount } from '../store/account-store.js';
import { findSignInCandidates } from '../store/sign-in-candidates.js';
import { recordAuthenticationFailures } from './authentication-failures.js';
import { runMutation } from './mutation.js';
import { openSession, type OpenedSession, type RequestOrigin, sessionPrincipal } from './sessions.js';
import { domainAllowsOnlySso, passwordSignInIsOff } from './sso/identity-links.js';

export { DEVICE_COOKIE, DEVICE_COOKIE_MAX_AGE_S } from '../auth/device-cookie.js';

/** Every failed sign-in gets the same answer: the client never learns whether the email exists. */
const REJECTED = 'wrong email or password';

/** A hash of no one's password per cost (AX_PASSWORD_HASH_N), verified when no user has the email: same work, same time. */
const decoyHashes = new Map<number, Promise<string>>();

function decoyHash(n: number): Promise<string> {
  let decoy = decoyHashes.get(n);
  if (!decoy) decoyHashes.set(n, decoy = hashPassword(generatePassword(), n));
  return decoy;
}

export interface SignedIn {
  session: OpenedSession;
  user: UserRow;
  /** The device cookie to set (the one presented when it was valid, else a new one). */
  device: string;
}

/**
 * Signs a person in with email and password. Accepted: an ACTIVE user's password, or the temporary password of
 * a user invited with TEMPORARY_PASSWORD (who becomes ACTIVE and must change it). Everything else — unknown
 * email, wrong password, an invitation not yet accepted, bots, deleted or deactivated users — is one 401, after the same
 * scrypt work (a decoy hash where there is no password to check) so timing does not tell them apart either.
 *
 * Limits:
 * - before any scrypt work, an address that is backing off (too many failures, whatever the email) waits (429): this
 *   bounds what one address buys of scrypt time. A browser with a valid device cookie for the email is measured by
 *   its own failures instead, so a person behind the attacker's address still gets in from a browser it used before;
 * - the email's failures (whatever the address: guessing one account from many addresses) are decided after the
 *   password is checked: past the limit a wrong password is answered 429 with a growing Retry-After, and the right
 *   password always signs in — an attacker cannot lock the owner out;
 * - at most `AX_PASSWORD_CHECKS` hashes run at once (503 past that).
 * Allow-only-SSO (identity.md §2.5): a user whose identity provider allows only SSO logins is refused with 403
 * SSO_REQUIRED, decided after the same hash work as any failure. An email on such a provider's domain gets it whatever
 * the password (the sign-in page already says so from the domain alone); a user linked to such a provider from outside
 * its domains only when the password is right, so that the answer never tells whether an email has a user.
 * Failures are counted on every key that applies and recorded, aggregated, in the authentication failures (never
 * the password).
 */
export async function signIn(
  ctx: ServiceDeps, origin: RequestOrigin, input: { email: string; password: string }, deviceCookie: string | undefined,
): Promise<SignedIn> {
  const limits = ctx.authLimits;
  const emailLower = input.email.trim().toLowerCase();
  const device = knownDevice(ctx.secrets.tokenKey, deviceCookie, emailLower);
  const retryAfter = device !== undefined ? limits.signInDevices.retryAfter(device) : limits.signInAddresses.retryAfter(origin.ip);
  if (retryAfter > 0) throw rateLimited(retryAfter);
  const user = await limits.passwordChecks.run(async () => {
    // Emails are unique per account, not per server: the same person may hold users in several accounts.
    const candidates = await findSignInCandidates(ctx.store.db, emailLower);
    const decoy = await decoyHash(ctx.config.passwordHashN);
    for (const candidate of candidates) {
      const usable = usablePasswordHash(candidate);
      if (await verifyPassword(input.password, usable ?? decoy) && usable !== null) return { found: candidate, candidates };
    }
    if (candidates.length === 0) await verifyPassword(input.password, decoy);
    return { found: undefined, candidates };
  });
  if (!user.found) {
    const emailWasWaiting = limits.signInEmails.retryAfter(emailLower) > 0;
    limits.signInAddresses.fail(origin.ip);
    limits.signInEmails.fail(emailLower);
    if (device !== undefined) limits.signInDevices.fail(device);
    await recordFailure(ctx, origin, user.candidates);
    if (emailWasWaiting) throw rateLimited(limits.signInEmails.retryAfter(emailLower));
    throw await domainAllowsOnlySso(ctx.store.db, emailLower) ? ssoRequired() : new ApiError('INVALID_CREDENTIALS', REJECTED);
  }
  if (await passwordSignInIsOff(ctx.store.db, user.found)) {
    await recordAuthenticationFailures(ctx, [{
      accountId: user.found.account_id, userId: user.found.id, ip: origin.ip, operation: origin.operation, reason: 'SSO_REQUIRED',
    }]);
    throw ssoRequired();
  }
  limits.signInEmails.forget(emailLower);
  if (device !== undefined) limits.signInDevices.forget(device);
  const signedIn = user.found;
  return runMutation(ctx, { ...origin, principal: sessionPrincipal(signedIn) }, async (trx, changes) => {
    let row: UserRow | undefined = signedIn;
    if (signedIn.status === 'INVITED') {
      // First sign-in with a temporary password: the account is live now, and must_change_password stays set.
      row = await forAccount(trx, signedIn.account_id).users.activate(signedIn.id, isoNow(ctx.clock));
      if (!row) throw new ApiError('INVALID_CREDENTIALS', REJECTED);
      changes.user(signedIn.id);
    }
    return {
      session: await openSession(trx, ctx, signedIn.id),
      user: row,
      device: device !== undefined ? deviceCookie! : newDeviceCookie(ctx.secrets.tokenKey, emailLower),
    };
  });
}

function ssoRequired(): ApiError {
  return new ApiError('SSO_REQUIRED', 'password sign-in is off for this email: its identity provider allows only single sign-on');
}

function rateLimited(retryAfter: number): ApiError {
  return new ApiError('RATE_LIMITED', `too many failed sign-ins; retry in ${retryAfter} s`, { headers: { 'retry-after': String(retryAfter) } });
}

/**
 * The hash a sign-in may match: none for EXPIRED or deactivated users (identity.md §5.5), nor for invited users
 * without a temporary password.
 */
function usablePasswordHash(user: UserRow): string | null {
  return user.status === 'EXPIRED' || user.deactivated_at !== null ? null : user.password_hash;
}

function failureReason(user: UserRow): string {
  if (user.deactivated_at !== null) return 'deactivated';
  return usablePasswordHash(user) === null ? `user is ${user.status} without a password` : 'wrong password';
}

/** One failure per account that holds the email (none known: one without an account), with the reason. */
async function recordFailure(ctx: ServiceDeps, origin: RequestOrigin, candidates: UserRow[]): Promise<void> {
  await recordAuthenticationFailures(ctx, candidates.length === 0
    ? [{ accountId: null, ip: origin.ip, reason: 'unknown email', operation: origin.operation }]
    : candidates.map((c) => ({
      accountId: c.account_id, userId: c.id, ip: origin.ip, operation: origin.operation,
      reason: failureReason(c),
    })));
}
