import { type Kysely, sql } from 'kysely';
import { isPostgres } from './dialect.js';
import type { Database } from './schema.js';

/**
 * Makes the servers that start together on an empty database take turns at the first start's check-then-create
 * (server/bootstrap.ts): under READ COMMITTED two transactions would each find no account and each create one.
 * PostgreSQL: a transaction-scoped advisory lock, per schema (deployments and test runs may share a database by
 * search_path). SQLite needs none: one server process owns a data directory (data-dir-owner.ts).
 */
export async function takeFirstStartLock(trx: Kysely<Database>): Promise<void> {
  if (!isPostgres(trx)) return;
  await sql`select pg_advisory_xact_lock(hashtext(current_schema() || ':ax-first-start'))`.execute(trx);
}
