/** Node's socket errors: the database's host refused the connection, reset it, or never answered. */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE']);

/**
 * PostgreSQL's SQLSTATEs for a server that is gone, going or full: class 08 (connection exception), 57P01–57P03
 * (shut down by an administrator, crashed, still starting) and 53300 (too many connections).
 */
const POSTGRES_STATES = /^(?:08[0-9A-Z]{3}|57P0[123]|53300)$/;

/** node-postgres's own errors for a connection that ended while in use or never came: they carry no code. */
const PG_MESSAGES = /^(?:Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error and is not queryable|Cannot use a pool after calling end on the pool)/;

/**
 * True when `error` says the database cannot be reached or cannot take the request now (not that the request was
 * wrong): a PostgreSQL server that is down, restarting, failing over or out of connections, a connection lost
 * mid-request, or a SQLite file whose write lock another process held past busy_timeout. The request may succeed if
 * sent again later. Looks at the error and at its `cause`.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  return unavailable(error) || unavailable((error as { cause?: unknown } | null)?.cause);
}

function unavailable(error: unknown): boolean {
  if (error === null || typeof error !== 'object') return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (SOCKET_CODES.has(code) || POSTGRES_STATES.test(code) || code.startsWith('SQLITE_BUSY'))) return true;
  return code === undefined && typeof message === 'string' && PG_MESSAGES.test(message);
}
