import type pg from 'pg';

/** The statements kept on the server, by SQL text: the name each is prepared under. */
const names = new Map<string, string>();

/**
 * Has PostgreSQL keep the statement `sql` parsed and planned on each connection of a pool that keepStatements set up:
 * it is sent as a named prepared statement (parsed once per connection, planned generically after five runs) instead
 * of an unnamed one that the server parses and plans again on every run. Parsing and planning were most of the
 * backend's work for page 1 of GET /v2/users (100 users, 106k in the account): ~220 µs of backend CPU per run
 * unnamed, ~75 µs named; the page's SCIM providers' read ~150 → ~30 µs.
 *
 * Only for a statement whose text never changes (a PreparedQuery's) and whose result columns are listed, not
 * `select *`: PostgreSQL refuses to run a kept statement whose result columns a migration has changed since.
 */
export function keepStatement(sql: string): void {
  if (!names.has(sql)) names.set(sql, `ax_kept_${names.size + 1}`);
}

/**
 * Sends the statements keepStatement named as named prepared statements on every client of `pool`: Kysely's
 * PostgreSQL driver runs each query as `client.query(sql, parameters)`, and `pg` prepares a statement given a name
 * once per connection.
 */
export function keepStatements(pool: pg.Pool): void {
  pool.on('connect', (client) => {
    const query = client.query.bind(client) as (config: unknown, ...rest: unknown[]) => unknown;
    client.query = ((config: unknown, ...rest: unknown[]) => {
      const name = typeof config === 'string' ? names.get(config) : undefined;
      return name === undefined ? query(config, ...rest) : query({ name, text: config, values: rest[0] }, ...rest.slice(1));
    }) as typeof client.query;
  });
}
