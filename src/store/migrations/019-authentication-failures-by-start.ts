import { type Kysely, sql } from 'kysely';
import type { MigrationDatabase } from './migration-database.js';

/**
 * `authentication_failures (account_id, first_at, id)` replaces `(account_id, last_at, id)`: the list of failed
 * authentications (`GET /v2/audit-logs/authentication-failures`) is newest first by when each counted row began, and
 * now walks this index from the window's end or its cursor instead of reading every row of the window and sorting
 * it. The table grows with an attack (a row per address, reason and operation in each 10-minute window), which is
 * when it is read: on 1M rows over 30 days, half of no known account (SQLite, 2 cores, medians of 5), the operator
 * account's page 1 583 → 0.63 ms (its 100th page 0.62 ms), another account's 333 → 0.24 ms. Nothing else reads the old
 * index. ~0.7 s per million rows to build on SQLite.
 */
export async function up<DB>(database: Kysely<DB>): Promise<void> {
  const db = database as unknown as Kysely<MigrationDatabase>;
  await sql`create index authentication_failures_began on authentication_failures (account_id, first_at, id)`.execute(db);
  await sql`drop index authentication_failures_account`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are never downgraded');
}
