import type pg from 'pg';

/**
 * Keeps the process alive when PostgreSQL ends a pooled connection (a restart, a failover, an administrator's
 * pg_terminate_backend, idle_session_timeout, a network cut). `pg` reports it as an `error` event, which Node turns into
 * an uncaught exception when nothing listens: one database restart would have stopped every server process.
 * - An idle connection's end reaches the pool, which drops the connection: `onLost` is told, once per connection.
 * - A connection checked out between two statements of a transaction has no pool listener: its own listener only
 *   keeps the event from being thrown. The transaction's next statement fails with the loss (the request is answered
 *   503: services/database-unavailable.ts), and the pool drops the connection when it comes back.
 * The pool opens new connections as requests need them.
 */
export function surviveConnectionLoss(pool: pg.Pool, onLost: (error: Error) => void): void {
  pool.on('error', (error) => onLost(error));
  pool.on('connect', (client) => {
    client.on('error', ignoreCheckedOutLoss);
  });
}

/** The loss of a checked-out connection: reported by the statement that next uses it (see surviveConnectionLoss). */
function ignoreCheckedOutLoss(): void {}
