import { type Kysely, type Migration, Migrator } from 'kysely';
import * as m001 from './migrations/001-initial.js';

const MIGRATIONS: Record<string, Migration> = {
  '001-initial': m001,
};

export const LATEST_MIGRATION = Object.keys(MIGRATIONS).at(-1)!;

/**
 * Brings the schema up to date. Kysely takes a lock while it migrates (a PostgreSQL advisory lock; SQLite's
 * write lock), so two processes starting together do not race; SQLite's "busy" answer is retried. A database
 * whose schema is newer than this code (a migration we do not know) is refused, never downgraded.
 */
export async function migrateToLatest(db: Kysely<any>): Promise<void> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => MIGRATIONS } });
  for (let attempt = 0; ; attempt++) {
    const { error, results } = await migrator.migrateToLatest();
    if (!error) return;
    const message = error instanceof Error ? error.message : String(error);
    if (/SQLITE_BUSY|database is locked/i.test(message) && attempt < 50) {
      await new Promise((r) => setTimeout(r, 100));
      continue;
    }
    if (/missing/i.test(message)) {
      throw new Error(`the database schema is newer than this version of ax (${message}); upgrade ax instead`);
    }
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new Error(`migration ${failed ?? ''} failed: ${message}`);
  }
}
