import { createHmac } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Clock } from '../domain/clock.js';
import type { Principal } from '../domain/principal.js';
import type { Database } from '../store/schema.js';
import { digestToken } from '../auth/token-digest.js';
import { SessionRecords } from '../store/sessions.js';

export const SESSION_COOKIE = 'ax_session';
export const CSRF_HEADER = 'x-csrf-token';

/** last_seen_at is written at most this often per session: the idle timeout costs no write per request. */
const LAST_SEEN_INTERVAL_MS = 60_000;

export interface ResolvedSession {
  principal: Principal;
  csrfToken: string;
  mustChangePassword: boolean;
  /** When the session was opened (sign-in): `prompt=login` asks for one opened after the request. */
  createdAt: string;
}

export interface SessionClock {
  clock: Clock;
  /** A session with no request for this long has ended. */
  idleTimeoutMs: number;
}

/**
 * The CSRF token of a session, derived from its token with an HMAC: nothing is stored, a database reader cannot
 * produce it, and a cross-site page cannot read it.
 */
export function csrfTokenFor(tokenKey: Buffer, sessionToken: string): string {
  return createHmac('sha256', tokenKey).update(`csrf\n${sessionToken}`).digest('base64url');
}

/**
 * Console sessions: the cookie holds a random token, the database its digest. Read on every request (no
 * cache), so revoking a session or deleting/demoting its user ends it at once in every process. A session ends
 * at its expiry or after `idleTimeoutMs` without a request; the last request is recorded at most once a minute.
 */
export async function resolveSession(db: Kysely<Database>, tokenKey: Buffer, token: string, timing: SessionClock): Promise<ResolvedSession | undefined> {
  const sessions = new SessionRecords(db);
  const row = await sessions.findUnrevoked(digestToken(tokenKey, token));
  const now = timing.clock.now();
  if (!row || Date.parse(row.expires_at) <= now) return undefined;
  const lastSeen = Date.parse(row.last_seen_at ?? row.created_at);
  if (now - lastSeen >= timing.idleTimeoutMs) return undefined;
  if (now - lastSeen >= LAST_SEEN_INTERVAL_MS) {
    await sessions.touch(row.session_id, new Date(now).toISOString());
  }
  return {
    principal: { accountId: row.account_id, userId: row.user_id, name: row.name, email: row.email, role: row.role, isBot: row.is_bot === 1, sessionId: row.session_id },
    csrfToken: csrfTokenFor(tokenKey, token),
    mustChangePassword: row.must_change_password === 1,
    createdAt: row.created_at,
  };
}
