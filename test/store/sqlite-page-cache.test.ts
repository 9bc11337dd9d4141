import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/store/database.js';
import { testBackend } from '../helpers/database.js';

/**
 * The server's SQLite connection keeps a 64 MiB page cache (writes on a large account find their index pages there),
 * held at SQLite's default 2 MiB while a whole account is read for its access snapshot (Store.bulkRead), so that the
 * read does not leave the process that much larger; overlapping reads restore it once, when the last one ends.
 */
describe.skipIf(testBackend !== 'sqlite')("the SQLite connection's page cache", () => {
  let store: Store;
  let dataDir: string;
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'ax-page-cache-'));
    store = openStore({ dataDir });
  });
  afterAll(async () => {
    await store?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  /** The cache's size in KiB (SQLite reports a size in KiB as a negative number). */
  const cacheKiB = async () => -Number((await sql<{ cache_size: number }>`pragma cache_size`.execute(store.db)).rows[0]!.cache_size);

  it('is 64 MiB, 2 MiB during bulk reads, and 64 MiB again once the last one ends, even when one fails', async () => {
    expect(await cacheKiB()).toBe(65_536);
    let release!: () => void;
    const first = store.bulkRead(async () => {
      await new Promise<void>((resolve) => { release = resolve; });
      return cacheKiB();
    });
    const second = store.bulkRead(async () => {
      const during = await cacheKiB();
      throw new Error(`failed at ${during}`);
    });
    await expect(second).rejects.toThrow('failed at 2048');
    expect(await cacheKiB()).toBe(2048);
    release();
    expect(await first).toBe(2048);
    expect(await cacheKiB()).toBe(65_536);
  });
});
