import { type Kysely, sql } from 'kysely';
import type { MigrationDatabase } from './migration-database.js';

/**
 * The two unique indexes of role bindings, one user's binding per space and per project, lead with the resource
 * instead of the user: `(space_id, user_id) where space_id is not null` and the same for projects, under names that
 * say so. What they keep unique is the same pair. Nothing else indexed the bindings by resource, so deleting a
 * project or a space, whose bindings go with it (`on delete cascade`), read every binding of the database for each
 * (SQLite and PostgreSQL alike look the referencing rows up by their column), and so did a page of a resource's
 * bindings (`GET /v2/role-bindings?resource_id=`, with `account_id` kept off its index: unindexed-column.ts). On an
 * account of 100k users and 1M bindings (SQLite, 2 cores): deleting a project 57 → 1.8 ms and a space of 10 projects
 * 525 → 36 ms (rolled-back transactions), a project's page of bindings 126 → 0.25 ms and a space's 31 → 0.47 ms
 * (medians of 5). A user's bindings are read through 015's index, which these no longer serve. Replacing both took
 * 0.9 s on those 1M bindings; the new indexes exist before the old ones go, so the pairs stay unique throughout.
 */
export async function up<DB>(database: Kysely<DB>): Promise<void> {
  const db = database as unknown as Kysely<MigrationDatabase>;
  await sql`create unique index role_bindings_space_user on role_bindings (space_id, user_id) where space_id is not null`.execute(db);
  await sql`create unique index role_bindings_project_user on role_bindings (project_id, user_id) where project_id is not null`.execute(db);
  await sql`drop index role_bindings_user_space`.execute(db);
  await sql`drop index role_bindings_user_project`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are never downgraded');
}
