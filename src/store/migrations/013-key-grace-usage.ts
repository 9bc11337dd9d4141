import type { Kysely } from 'kysely';
import type { MigrationDatabase } from './migration-database.js';

/**
 * Issue 18, rotation telemetry: while a refreshed key's grace period runs, its uses are counted (docs/api.md,
 * `grace_usage`). Only keys in grace are counted, and each process adds its counts in batches:
 * - `api_key_grace_usage`: per old key, its uses since the refresh and the last use (time and address);
 * - `api_key_grace_minutes`: its uses per minute (UTC, `YYYY-MM-DDTHH:MM`), for "in the last hour"; minutes older
 *   than two hours are pruned as counts are added.
 * Both go with their key.
 */
export async function up<DB>(database: Kysely<DB>): Promise<void> {
  const db = database as unknown as Kysely<MigrationDatabase>;
  await db.schema.createTable('api_key_grace_usage')
    .addColumn('api_key_id', 'integer', (c) => c.primaryKey().references('api_keys.id').onDelete('cascade'))
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('uses', 'integer', (c) => c.notNull())
    .addColumn('last_used_at', 'text', (c) => c.notNull())
    .addColumn('last_used_ip', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createTable('api_key_grace_minutes')
    .addColumn('api_key_id', 'integer', (c) => c.notNull().references('api_keys.id').onDelete('cascade'))
    .addColumn('minute', 'text', (c) => c.notNull())
    .addColumn('uses', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('api_key_grace_minutes_pk', ['api_key_id', 'minute'])
    .execute();
  await db.schema.createIndex('api_key_grace_minutes_by_minute').on('api_key_grace_minutes').column('minute').execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are never downgraded');
}
