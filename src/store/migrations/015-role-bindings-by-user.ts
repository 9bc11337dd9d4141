import { type Kysely, sql } from 'kysely';
import type { MigrationDatabase } from './migration-database.js';

/**
 * `role_bindings (user_id)`: one user's bindings, whatever they are on. The two unique indexes by user are partial
 * (`(user_id, space_id) where space_id is not null`, the same for projects), so a query of all of a user's bindings
 * could use neither, and read the account's bindings instead. On an account of 100k users and 1M bindings (SQLite,
 * 2 cores, through the repositories, medians of 5), before → after this index (and, for the last two, `account_id`
 * kept off its index: unindexed-column.ts): a user's grants, read at every single sign-on and SCIM sync
 * (SyncedGrantRepository.heldBy), 189 → 0.39 ms; the cascade of a user leaving the account (MembershipCascades, as
 * those of leaving a space or an organization; one run each) 196 → 2.6 ms; which of 500 users of a SCIM push hold a synced grant
 * (holdersAmong) 210 → 16 ms; `GET /v2/role-bindings?user_id=`'s page 113 → 0.14 ms. The index takes 11.7 MB of
 * those 1M bindings (the database grows 6.5 %) and 0.9 s to build.
 */
export async function up<DB>(database: Kysely<DB>): Promise<void> {
  const db = database as unknown as Kysely<MigrationDatabase>;
  await sql`create index role_bindings_user on role_bindings (user_id)`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are never downgraded');
}
