import type { Kysely } from 'kysely';
import { digestToken, newToken } from '../auth/token-digest.js';
import { ApiError } from '../domain/errors.js';
import { invitationMail, passwordResetMail } from '../mail/user-mails.js';
import type { ServiceDeps } from './service-deps.js';
import type { Database, UserRow } from '../store/schema.js';
import { UserTokenRecords } from '../store/user-tokens.js';
import type { Trx } from './mutation.js';

/** INVITE: set a first password (`/invite/<token>`); RESET: set a new one (`/reset/<token>`). */
export type UserTokenKind = 'INVITE' | 'RESET';

const HOUR_MS = 60 * 60_000;
const INVITE_DAYS = 7;
const RESET_MINUTES = 60;
const LIFETIME_MS: Record<UserTokenKind, number> = { INVITE: INVITE_DAYS * 24 * HOUR_MS, RESET: RESET_MINUTES * 60_000 };
const LINK_PATH: Record<UserTokenKind, string> = { INVITE: 'invite', RESET: 'reset' };
/** The user status a token of each kind is meant for: invitations activate, resets need an active user. */
const STATUS_FOR: Record<UserTokenKind, UserRow['status']> = { INVITE: 'INVITED', RESET: 'ACTIVE' };

/**
 * A fresh single-use token of this kind for the user; the user's earlier unused tokens of the kind stop
 * working. Only the digest is stored: the raw token exists in the mail and nowhere else.
 */
export async function issueUserToken(trx: Trx, tokenKey: Buffer, userId: number, kind: UserTokenKind, now: number): Promise<string> {
  const token = newToken();
  await new UserTokenRecords(trx).replace({
    userId, kind, tokenHash: digestToken(tokenKey, token), expiresAt: new Date(now + LIFETIME_MS[kind]).toISOString(), createdAt: new Date(now).toISOString(),
  });
  return token;
}

export interface TokenHolder {
  tokenId: number;
  user: Pick<UserRow, 'id' | 'account_id' | 'name' | 'email' | 'role'>;
}

/** The live human user a usable (unused, unexpired) token belongs to, or undefined: the caller answers 404. */
export async function findUsableToken(db: Kysely<Database> | Trx, tokenKey: Buffer, token: string, kind: UserTokenKind, now: string): Promise<TokenHolder | undefined> {
  const row = await new UserTokenRecords(db).findUsable(digestToken(tokenKey, token), kind, STATUS_FOR[kind], now);
  if (!row) return undefined;
  const { token_id: tokenId, ...user } = row;
  return { tokenId, user };
}

/** Marks the token used; false when a concurrent request used it first (a token works exactly once). */
export async function consumeUserToken(trx: Trx, tokenId: number, now: string): Promise<boolean> {
  return new UserTokenRecords(trx).consume(tokenId, now);
}

/**
 * Mails the token's link. Sent after the commit (an SMTP round trip must not hold the database's write lock);
 * a failure is a 503 whose detail says what to do, and the log names the recipient, never the token.
 */
export async function mailUserToken(
  ctx: ServiceDeps, user: Pick<UserRow, 'name' | 'email'>, kind: UserTokenKind, token: string, options: { sentBy: string; onFailure: string },
): Promise<void> {
  const link = `${ctx.config.publicUrl}/${LINK_PATH[kind]}/${token}`;
  const mail = kind === 'INVITE' ? invitationMail(user, link, options.sentBy, INVITE_DAYS) : passwordResetMail(user, link, options.sentBy, RESET_MINUTES);
  try {
    await ctx.mailer.send(mail);
  } catch (error) {
    ctx.log.error({ to: user.email, kind, error: error instanceof Error ? error.message : String(error) }, 'could not send mail');
    throw new ApiError('UNAVAILABLE', `${options.onFailure}; check the server's mail settings (AX_SMTP_URL)`);
  }
}
