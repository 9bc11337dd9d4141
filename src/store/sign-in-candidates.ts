import type { Kysely } from 'kysely';
import type { Database, UserRow } from './schema.js';

/**
 * The live human users with this email, across accounts: emails are unique per account, not per server, and
 * sign-in knows only the email. Read through the index by email (migration 021).
 */
export function findSignInCandidates(db: Kysely<Database>, emailLower: string): Promise<UserRow[]> {
  return db.selectFrom('users').selectAll().where('email_lower', '=', emailLower)
    .where('deleted_at', 'is', null).where('is_bot', '=', 0).orderBy('id').execute();
}
