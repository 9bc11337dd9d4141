import { decodeId } from '../domain/ids.js';
import { badRequest, forbidden } from '../domain/errors.js';
import type { TimePosition } from '../domain/time-position.js';
import type { Principal } from '../domain/principal.js';
import type { ServiceDeps } from './service-deps.js';
import { forAccount } from '../store/account-store.js';
import type { AuditLogRow } from '../store/schema.js';
import { decodeTimeCursor, toPage } from './pagination.js';

/** The account the bootstrap creates: its admins operate the server, so they also see failures of no known account. */
const OPERATOR_ACCOUNT_ID = 1;
const DEFAULT_WINDOW_MS = 30 * 24 * 60 * 60 * 1000;

export interface ListAuditLogsQuery {
  start_time?: string | undefined;
  end_time?: string | undefined;
  user_id?: string | undefined;
  operation_type?: AuditLogRow['operation_type'] | undefined;
  limit: number;
  cursor?: string | undefined;
}

/** The audit log and the authentication failures are the account admins' to read. */
export function requireAuditReader(principal: Principal): void {
  // Arize answers exactly this detail; clients and scripts match on it.
  if (principal.role !== 'ADMIN') throw forbidden('account admin required');
}

/**
 * The account's audit log of authenticated actions, newest first (keyset on time, then id, descending), within an inclusive
 * time window that defaults to the 30 days before `end_time` (default now). Account admins only. Failed
 * authentications are listed apart (listAuthenticationFailures).
 */
export async function listAuditLogs(ctx: ServiceDeps, principal: Principal, query: ListAuditLogsQuery) {
  requireAuditReader(principal);
  const scope = 'audit-logs';
  const before = decodeTimeCursor(ctx.secrets.cursorKey, scope, query.cursor);
  const { start, end } = timeWindow(ctx, query);
  const userId = query.user_id === undefined ? undefined : decodeId('User', query.user_id, 'user_id');
  const rows = await forAccount(ctx.store.db, principal.accountId).auditLogs.list({
    start: start.toISOString(), end: end.toISOString(), userId, operationType: query.operation_type, before, limit: query.limit + 1,
  });
  return toPage(ctx.secrets.cursorKey, scope, rows, query.limit, auditLogPosition, (r) => r);
}

/** An entry's place in the audit log's order (newest first by time, ties by id): its cursor key. */
export function auditLogPosition(row: AuditLogRow): TimePosition {
  return { at: row.created_at, id: row.id };
}

export interface ListAuthenticationFailuresQuery {
  start_time?: string | undefined;
  end_time?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}

/**
 * Failed authentications that concern the account (a wrong password for one of its users, a refused key of
 * its own), newest first (by when each counted row began; a row counts one 10-minute window), within the window. The operator account's
 * admins also see those of no known account (unknown keys and emails, requests without a credential). Account
 * admins only.
 */
export async function listAuthenticationFailures(ctx: ServiceDeps, principal: Principal, query: ListAuthenticationFailuresQuery) {
  requireAuditReader(principal);
  const scope = 'authentication-failures';
  const before = decodeTimeCursor(ctx.secrets.cursorKey, scope, query.cursor);
  const { start, end } = timeWindow(ctx, query);
  const rows = await forAccount(ctx.store.db, principal.accountId).authenticationFailures.list({
    start: start.toISOString(), end: end.toISOString(), withoutAccount: principal.accountId === OPERATOR_ACCOUNT_ID, before, limit: query.limit + 1,
  });
  return toPage(ctx.secrets.cursorKey, scope, rows, query.limit, (r) => ({ at: r.first_at, id: r.id }), (r) => r);
}

function timeWindow(ctx: ServiceDeps, query: { start_time?: string | undefined; end_time?: string | undefined }): { start: Date; end: Date } {
  const end = query.end_time === undefined ? new Date(ctx.clock.now()) : instant(query.end_time, 'end_time');
  const start = query.start_time === undefined ? new Date(end.getTime() - DEFAULT_WINDOW_MS) : instant(query.start_time, 'start_time');
  if (start > end) throw badRequest('start_time: must not be after end_time');
  return { start, end };
}

/** An RFC 3339 time (validated as date-time at the edge) as an instant; what Date cannot represent is a 400. */
function instant(value: string, field: string): Date {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw badRequest(`${field}: not a valid RFC 3339 time`);
  return date;
}
