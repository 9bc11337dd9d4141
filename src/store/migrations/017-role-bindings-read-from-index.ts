import { type Kysely, sql } from 'kysely';
import { isPostgres } from '../dialect.js';
import type { MigrationDatabase } from './migration-database.js';

/**
 * On SQLite, the account's index of role bindings, `(account_id, resource_type, id)`, carries the other columns the
 * access snapshot's load reads (AccessWorldRepository: user, role, expiry, space or project), so the load reads its
 * pages of bindings from the index alone rather than a table row for each. On accounts of 10k and 100k users (100k
 * and 1M bindings, 2 cores, before and after interleaved in one process): the load alone 88 → 74 ms and 865 → 671 ms
 * (medians of 8), the load and the snapshot's build 156 → 119 ms and 1,257 → 1,072 ms (medians of 9); the database
 * of 1M bindings grows 31 MB (17 %), and the index took 1.0 s to build. Queries of some users', roles' or resources'
 * bindings keep `account_id` off this index (unindexed-column.ts), which SQLite's planner would otherwise take for
 * them, covering as it is, and read every binding of the account through (test/store/query-plans.test.ts).
 *
 * PostgreSQL keeps the index as it is: its planner has statistics, and an index-only scan there also depends on
 * the table's visibility map; this was not measured on it.
 */
export async function up<DB>(database: Kysely<DB>): Promise<void> {
  const db = database as unknown as Kysely<MigrationDatabase>;
  if (isPostgres(db)) return;
  await sql`create index role_bindings_account_read on role_bindings (account_id, resource_type, id, user_id, role_id, expires_at, space_id, project_id)`.execute(db);
  await sql`drop index role_bindings_account`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are never downgraded');
}
