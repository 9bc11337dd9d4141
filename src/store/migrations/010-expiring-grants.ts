import { type Kysely, sql } from 'kysely';
import type { MigrationDatabase } from './migration-database.js';

const GRANT_TABLES = ['role_bindings', 'organization_memberships', 'space_memberships'] as const;

/**
 * Issue 17, grants that expire: role bindings and organization and space memberships take an optional `expires_at`
 * (RFC 3339 UTC, as every timestamp here, so text order is time order) and the `reason` it was given for. A grant
 * stops counting at that instant in every process (the access engine drops it) and the sweeper deletes it with an
 * audit row; the partial index lets the sweeper find the few expiring rows without reading the others.
 */
export async function up<DB>(database: Kysely<DB>): Promise<void> {
  const db = database as unknown as Kysely<MigrationDatabase>;
  for (const table of GRANT_TABLES) {
    await db.schema.alterTable(table).addColumn('expires_at', 'text').execute();
    await db.schema.alterTable(table).addColumn('reason', 'text').execute();
    await sql`create index ${sql.raw(`${table}_expiring`)} on ${sql.table(table)} (expires_at) where expires_at is not null`.execute(db);
  }
}

export async function down(): Promise<void> {
  throw new Error('migrations are never downgraded');
}
