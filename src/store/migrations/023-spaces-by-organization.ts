import { type Kysely, sql } from 'kysely';
import type { MigrationDatabase } from './migration-database.js';

/**
 * `spaces (organization_id, id)`: an organization's spaces in id order, the order of every list of them
 * (`GET /v2/spaces?org_id=`, GraphQL's `spaces` of organizations, the public spaces an organization role
 * reaches), as 014 gave a space's projects. The unique (organization_id, name) index found them but not in id
 * order, so SQLite's planner took the account's (account_id, id) and walked every space of the account. On an
 * account of 10k spaces in 10 organizations (SQLite, 2 cores, medians of 100): GraphQL's first 51 spaces of 3
 * organizations 1.42 → 0.76 ms, an organization's public spaces 0.81 → 0.49 ms.
 */
export async function up<DB>(database: Kysely<DB>): Promise<void> {
  const db = database as unknown as Kysely<MigrationDatabase>;
  await sql`create index spaces_organization on spaces (organization_id, id)`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are never downgraded');
}
