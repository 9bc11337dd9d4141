import { type Kysely, sql } from 'kysely';
import type { MigrationDatabase } from './migration-database.js';

/**
 * `audit_logs (user_id, created_at, id)`: one person's entries in the log's order (newest first by
 * time, then id), for `GET /v2/audit-logs?user_id=` (`ax audit-logs list --user-id`), the question of an incident or
 * an offboarding. The log's pages walk the (account_id, created_at, id) index from the window's end or the cursor;
 * with a user, that walk passed over everyone else's entries. On a log of 500k entries in 30 days (1,000 users,
 * SQLite, 2 cores, medians of 5): a user's first page 11.6 → 0.38 ms, a user with no entry in the window 138 → 0.21 ms.
 * A user is of one account, so the index does not lead with the account: the query keeps `account_id` off the
 * others (unindexed-column.ts), which SQLite's planner, without statistics, took over this one while both bounds of
 * the window were set. The index takes ~40 bytes an entry and every audited change writes it too.
 */
export async function up<DB>(database: Kysely<DB>): Promise<void> {
  const db = database as unknown as Kysely<MigrationDatabase>;
  await sql`create index audit_logs_user on audit_logs (user_id, created_at, id)`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are never downgraded');
}
