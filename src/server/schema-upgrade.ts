import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { migrateToLatest } from '../store/migrator.js';
import { migrationStatus } from '../store/migration-status.js';
import type { Database } from '../store/schema.js';

/**
 * Before a server starts (and for `ax serve --migrate-only`): a schema newer than this code is refused, never
 * downgraded; pending migrations are applied, unless automatic migration is off (AX_AUTO_MIGRATE=false, for
 * rollouts of several processes, where one step migrates and the servers only check). Answers what it applied.
 */
export async function prepareSchema(db: Kysely<Database>, options: { autoMigrate: boolean; log?: Logger }): Promise<string[]> {
  const { pending, unknown } = await migrationStatus(db);
  if (unknown.length > 0) {
    throw new Error(`the database schema is newer than this version of ax (it has had migrations this version does not know: ${unknown.join(', ')}); `
      + 'run the version that migrated it or a later one, or restore a backup taken before that upgrade: ax never downgrades a schema');
  }
  if (pending.length === 0) return [];
  if (!options.autoMigrate) {
    throw new Error(`the database needs ${pending.length} migration${pending.length === 1 ? '' : 's'} of this version (${pending.join(', ')}) and automatic migration is off `
      + '(AX_AUTO_MIGRATE=false or --no-auto-migrate): run `ax serve --migrate-only` with this version once, then start the servers');
  }
  const applied = await migrateToLatest(db);
  if (applied.length > 0) options.log?.info({ migrations: applied }, `applied ${applied.length} database migration${applied.length === 1 ? '' : 's'}`);
  return applied;
}
