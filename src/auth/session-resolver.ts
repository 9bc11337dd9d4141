import type { Kysely } from 'kysely';
import type { Principal } from '../domain/principal.js';
import type { Database } from '../store/schema.js';
import { digestToken } from './token-digest.js';

export const SESSION_COOKIE = 'ax_session';
export const CSRF_HEADER = 'x-csrf-token';

export interface ResolvedSession {
  principal: Principal;
  csrfToken: string;
  mustChangePassword: boolean;
}

/**
 * Console sessions: the cookie holds a random token, the database its digest. Read on every request (no
 * cache), so revoking a session or deleting/demoting its user ends it at once in every process.
 */
export async function resolveSession(db: Kysely<Database>, tokenKey: Buffer, token: string): Promise<ResolvedSession | undefined> {
  const row = await db.selectFrom('sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .select(['s.id as session_id', 's.csrf_token', 's.expires_at', 'u.id as user_id', 'u.account_id', 'u.name', 'u.email',
      'u.role', 'u.is_bot', 'u.must_change_password'])
    .where('s.token_hash', '=', digestToken(tokenKey, token))
    .where('s.revoked_at', 'is', null)
    .where('u.status', '=', 'ACTIVE')
    .where('u.deleted_at', 'is', null)
    .executeTakeFirst();
  if (!row || Date.parse(row.expires_at) <= Date.now()) return undefined;
  return {
    principal: { accountId: row.account_id, userId: row.user_id, name: row.name, email: row.email, role: row.role, isBot: row.is_bot === 1, sessionId: row.session_id },
    csrfToken: row.csrf_token,
    mustChangePassword: row.must_change_password === 1,
  };
}
