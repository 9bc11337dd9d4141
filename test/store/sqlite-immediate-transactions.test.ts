import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrator.js';
import { testBackend } from '../helpers/database.js';

/**
 * The server's SQLite transactions hold the write lock from their BEGIN: what a grant read at its start (the access
 * version) cannot change under it, since no other connection commits before it ends. A transaction declared read
 * only leaves writers alone.
 */
describe.skipIf(testBackend !== 'sqlite')('SQLite transactions take the write lock as they begin', () => {
  let store: Store;
  let dataDir: string;
  let other: SQLite.Database;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'ax-immediate-'));
    store = openStore({ dataDir });
    await migrateToLatest(store.db);
    other = new SQLite(join(dataDir, 'ax.db'));
    other.pragma('busy_timeout = 0');
  });
  afterAll(async () => {
    other?.close();
    await store?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  /** A write from another connection, made while the store's transaction runs: its error code, or 'written'. */
  const writeFromOtherConnection = (value: string): string => {
    try {
      other.prepare('insert into server_settings (name, value) values (?, ?)').run(`immediate-test-${value}`, value);
      return 'written';
    } catch (error) {
      return (error as { code?: string }).code ?? String(error);
    }
  };

  it('a transaction that has only read still keeps other writers out until it ends', async () => {
    const during = await store.db.transaction().execute(async (trx) => {
      await sql`select access_version from accounts`.execute(trx);
      return writeFromOtherConnection('during');
    });
    expect(during).toBe('SQLITE_BUSY');
    expect(writeFromOtherConnection('after')).toBe('written');
  });

  it('a transaction declared read only does not', async () => {
    const during = await store.db.transaction().setAccessMode('read only').execute(async (trx) => {
      await sql`select access_version from accounts`.execute(trx);
      return writeFromOtherConnection('read-only');
    });
    expect(during).toBe('written');
  });
});
