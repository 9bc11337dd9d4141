import { type Kysely, sql } from 'kysely';
import type { MigrationDatabase } from './migration-database.js';

/**
 * `users (account_id, role, is_bot)`: an account's human admins, which every single sign-on and every SCIM sync of a
 * user reads (and on PostgreSQL locks) before it may change the user's account role (the last active admin is never
 * demoted: grant-sync.ts), as do demoting an admin, deprovisioning a person and telling the admins of orphaned
 * keys. No index had the role, so each read walked every human of the account through `users_account_list`
 * (account_id, is_bot). On an account of 100k users of whom 1,903 are human admins (the seed world at 100k users;
 * SQLite, 2 cores, medians of 30): 19.0–28.8 → 1.17 ms, the rest being the 1,903 admins' rows.
 */
export async function up<DB>(database: Kysely<DB>): Promise<void> {
  const db = database as unknown as Kysely<MigrationDatabase>;
  await sql`create index users_account_role on users (account_id, role, is_bot)`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are never downgraded');
}
