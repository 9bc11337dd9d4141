import type pg from 'pg';

/** The switch a pool's deadline waits on: statements are timed only once it is on (after the schema is prepared). */
export interface QueryDeadline {
  on: boolean;
}

/**
 * Ends the connection of a statement that PostgreSQL has not answered within `ms`: a silent network partition (a NAT
 * or firewall that dropped the connection's state, a host that vanished without a reset) otherwise holds the request
 * until TCP gives up, hours later, and the pool would hand the same dead connection to the next request.
 * - The statement fails with ETIMEDOUT, which the request answers 503 UNAVAILABLE (services/database-unavailable.ts).
 * - The connection is no longer queryable, so the pool drops it when it comes back and opens a new one.
 * - A slow statement on a healthy connection is ended the same way; PostgreSQL rolls its transaction back when it
 *   sees the connection close.
 * Statements are timed only while `deadline.on`: schema migrations at start may rightly run longer.
 */
export function enforceQueryDeadline(pool: pg.Pool, ms: number, deadline: QueryDeadline): void {
  pool.on('connect', (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    client.query = ((...args: unknown[]) => {
      const result = query(...args);
      return deadline.on && result instanceof Promise ? within(client, result, ms) : result;
    }) as typeof client.query;
  });
}

/** `pending`, a statement on `client`, or its connection ended with ETIMEDOUT if it has not settled within `ms`. */
export function within<T>(client: pg.ClientBase, pending: Promise<T>, ms: number): Promise<T> {
  // A pool's clients are pg.Client instances; @types/pg types them as ClientBase, which omits `connection`.
  const { connection } = client as pg.Client;
  const timer = setTimeout(() => connection.stream.destroy(deadlineError(ms)), ms);
  return pending.finally(() => clearTimeout(timer));
}

function deadlineError(ms: number): Error {
  return Object.assign(new Error(`PostgreSQL did not answer within ${ms} ms; the connection was closed`), { code: 'ETIMEDOUT' });
}
