import { CSRF_HEADER, csrfTokenFor, resolveSession, type ResolvedSession, type SessionClock } from './session-resolver.js';
import { digestToken, newToken } from '../auth/token-digest.js';
import { isoNow } from '../domain/clock.js';
import { forbidden, unauthenticated } from '../domain/errors.js';
import type { Principal } from '../domain/principal.js';
import type { ServiceDeps } from './service-deps.js';
import type { UserRow } from '../store/schema.js';
import { forAccount } from '../store/account-store.js';
import { OAuthPayloadRecords } from '../store/oauth-payloads.js';
import { SessionRecords } from '../store/sessions.js';
import { type Actor, runMutation, type Trx } from './mutation.js';

export { CSRF_HEADER, SESSION_COOKIE } from './session-resolver.js';

/** Console sessions last at most 12 hours (and end sooner when idle); signing in again starts a new one. */
const SESSION_LIFETIME_MS = 12 * 60 * 60_000;

/** Where a console request came from, for the audit row: an Actor before we know who it is. */
export type RequestOrigin = Omit<Actor, 'principal'>;

export interface OpenedSession {
  /** The raw token: it goes into the cookie and nowhere else (the database keeps its digest). */
  token: string;
  csrfToken: string;
  expiresAt: Date;
}

/** The principal a user row acts as when it signs in to the console. */
export function sessionPrincipal(user: Pick<UserRow, 'id' | 'account_id' | 'name' | 'email' | 'role'>): Principal {
  return { accountId: user.account_id, userId: user.id, name: user.name, email: user.email, role: user.role, isBot: false };
}

/** The clock and idle timeout sessions are judged by. */
export function sessionTiming(ctx: ServiceDeps): SessionClock {
  return { clock: ctx.clock, idleTimeoutMs: ctx.config.sessionIdleTimeoutMs };
}

export async function openSession(trx: Trx, ctx: ServiceDeps, userId: number): Promise<OpenedSession> {
  const now = ctx.clock.now();
  const token = newToken();
  const session = { token, csrfToken: csrfTokenFor(ctx.secrets.tokenKey, token), expiresAt: new Date(now + SESSION_LIFETIME_MS) };
  await new SessionRecords(trx).open({
    userId, tokenHash: digestToken(ctx.secrets.tokenKey, token), createdAt: new Date(now).toISOString(), expiresAt: session.expiresAt.toISOString(),
  });
  return session;
}

/**
 * Ends the user's console sessions and CLI logins (`ax auth login` grants with their tokens) at once: every process
 * reads both from the database on each request. `except` keeps one console session (the one changing its password).
 */
export async function endSessions(trx: Trx, userId: number, now: string, options: { except?: number } = {}): Promise<void> {
  await new SessionRecords(trx).revokeForUser(userId, now, options);
  await new OAuthPayloadRecords(trx).deleteForUser(userId);
}

/** The session the cookie names, or 401. */
export async function requireSession(ctx: ServiceDeps, cookie: string | undefined): Promise<ResolvedSession> {
  const session = cookie ? await resolveSession(ctx.store.db, ctx.secrets.tokenKey, cookie, sessionTiming(ctx)) : undefined;
  if (!session) throw unauthenticated('no console session: sign in with POST /auth/login');
  return session;
}

/** `GET /auth/session`: the session the cookie names, with its user's row; 401 without one. */
export async function currentSession(ctx: ServiceDeps, cookie: string | undefined): Promise<{ session: ResolvedSession; user: UserRow }> {
  const session = await requireSession(ctx, cookie);
  const user = await forAccount(ctx.store.db, session.principal.accountId).users.find(session.principal.userId);
  if (!user) throw unauthenticated('no console session: sign in with POST /auth/login');
  return { session, user };
}

/** A change made through a session must carry its CSRF token (a cross-site form cannot read it). */
export function requireCsrf(session: ResolvedSession, header: string | string[] | undefined): void {
  if (header !== session.csrfToken) throw forbidden(`missing or wrong ${CSRF_HEADER} header`);
}

/** Ends the session the cookie names; without a live session there is nothing to end. */
export async function signOut(ctx: ServiceDeps, origin: RequestOrigin, cookie: string | undefined, csrf: string | string[] | undefined): Promise<void> {
  const session = cookie ? await resolveSession(ctx.store.db, ctx.secrets.tokenKey, cookie, sessionTiming(ctx)) : undefined;
  if (!session) return;
  requireCsrf(session, csrf);
  await runMutation(ctx, { ...origin, principal: session.principal }, async (trx) => {
    await new SessionRecords(trx).revoke(session.principal.sessionId!, isoNow(ctx.clock));
  });
}
