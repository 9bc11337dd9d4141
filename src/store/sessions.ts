import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/** A live session with the user it signs in, as the session resolver reads it. */
export interface SessionWithUser {
  session_id: number;
  expires_at: string;
  created_at: string;
  last_seen_at: string | null;
  user_id: number;
  account_id: number;
  name: string;
  email: string;
  role: Database['users']['role'];
  is_bot: number;
  must_change_password: number;
}

/**
 * Console sessions. Cross-account by nature: a request presents only a token, whose digest finds the session
 * before any account is known; the other queries name the session or user by id.
 */
export class SessionRecords {
  constructor(private readonly db: Kysely<Database>) {}

  async open(values: { userId: number; tokenHash: string; createdAt: string; expiresAt: string }): Promise<void> {
    await this.db.insertInto('sessions').values({
      user_id: values.userId, token_hash: values.tokenHash, created_at: values.createdAt,
      expires_at: values.expiresAt, revoked_at: null, last_seen_at: null,
    }).execute();
  }

  /** The unrevoked session with this token digest whose user is live, ACTIVE and not deactivated (expiry is the caller's to judge). */
  findUnrevoked(tokenHash: string): Promise<SessionWithUser | undefined> {
    return this.db.selectFrom('sessions as s')
      .innerJoin('users as u', 'u.id', 's.user_id')
      .select(['s.id as session_id', 's.expires_at', 's.created_at', 's.last_seen_at', 'u.id as user_id', 'u.account_id', 'u.name', 'u.email',
        'u.role', 'u.is_bot', 'u.must_change_password'])
      .where('s.token_hash', '=', tokenHash)
      .where('s.revoked_at', 'is', null)
      .where('u.status', '=', 'ACTIVE')
      .where('u.deleted_at', 'is', null)
      .where('u.deactivated_at', 'is', null)
      .executeTakeFirst();
  }

  async touch(sessionId: number, at: string): Promise<void> {
    await this.db.updateTable('sessions').set({ last_seen_at: at }).where('id', '=', sessionId).execute();
  }

  async revoke(sessionId: number, now: string): Promise<void> {
    await this.db.updateTable('sessions').set({ revoked_at: now }).where('id', '=', sessionId).where('revoked_at', 'is', null).execute();
  }

  /** Revokes every live session of the user, but `except` when given. */
  async revokeForUser(userId: number, now: string, options: { except?: number | undefined } = {}): Promise<void> {
    let q = this.db.updateTable('sessions').set({ revoked_at: now }).where('user_id', '=', userId).where('revoked_at', 'is', null);
    if (options.except !== undefined) q = q.where('id', '!=', options.except);
    await q.execute();
  }
}
