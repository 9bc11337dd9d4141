import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store } from '../../src/store/database.js';
import { createTestDatabase, type TestDatabase } from './database.js';

/** A store of a test file's own (openTestStore). */
export interface TestStore {
  store: Store;
  /** Its database: the file's PostgreSQL schema, or none for SQLite (the store's file is in its data folder). */
  database: TestDatabase;
  /** Its data folder (SQLite's file is `ax.db` there). */
  dataDir: string;
  /** Closes the store, drops its database and removes its data folder. */
  close(): Promise<void>;
}

/**
 * A store opened on a new test database of the run's backend (createTestDatabase) and a new data folder in the OS
 * temp dir named from `prefix`, not migrated (a file migrates it as far as it needs). For a file's beforeAll, with
 * `close()` in its afterAll.
 *
 * @example
 * let opened: TestStore | undefined;
 * beforeAll(async () => { opened = await openTestStore('ax-kept-'); await migrateToLatest(opened.store.db); });
 * afterAll(() => opened?.close());
 */
export async function openTestStore(prefix: string): Promise<TestStore> {
  const database = await createTestDatabase();
  const dataDir = mkdtempSync(join(tmpdir(), prefix));
  const store = openStore({ dataDir, databaseUrl: database.url });
  return {
    store,
    database,
    dataDir,
    async close() {
      try {
        await store.close();
        await database.drop();
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
}
