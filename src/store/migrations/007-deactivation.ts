import type { Kysely } from 'kysely';
import type { MigrationDatabase } from './migration-database.js';

/**
 * Issue 12, deprovisioning: `users.deactivated_at` — a deactivated user is kept (audit trail, memberships and bindings
 * for a reactivation) but cannot authenticate in any way; the REST status reads EXPIRED (Arize's enum has no fourth
 * value) and the user object carries `deactivated_at`.
 */
export async function up<DB>(database: Kysely<DB>): Promise<void> {
  const db = database as unknown as Kysely<MigrationDatabase>;
  await db.schema.alterTable('users').addColumn('deactivated_at', 'text').execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are never downgraded');
}
