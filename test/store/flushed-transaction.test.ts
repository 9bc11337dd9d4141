import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/store/database.js';
import { flushedTransaction } from '../../src/store/flushed-transaction.js';
import { migrateToLatest } from '../../src/store/migrator.js';
import type { Database } from '../../src/store/schema.js';
import { createTestDatabase, type TestDatabase, testBackend } from '../helpers/database.js';

/**
 * flushedTransaction on PostgreSQL: the transaction commits without waiting for the WAL flush (so its row locks,
 * the audit chain head's above all, are released before the disk is done), and only that transaction; the answer
 * comes once the log is flushed past its commit.
 */
describe.skipIf(testBackend !== 'postgres')('a transaction flushed after its locks are released', () => {
  let database: TestDatabase;
  let store: Store;

  beforeAll(async () => {
    database = await createTestDatabase();
    store = openStore({ dataDir: mkdtempSync(join(tmpdir(), 'ax-flushed-')), databaseUrl: database.url });
    await migrateToLatest(store.db);
  });
  afterAll(async () => {
    await store?.close();
    await database?.drop();
  });

  const synchronousCommit = (db: Kysely<Database>) =>
    sql<{ value: string }>`select current_setting('synchronous_commit') as value`.execute(db).then((r) => r.rows[0]!.value);

  it('commits without waiting for the flush, and answers once the log is flushed past the commit', async () => {
    const inside = await flushedTransaction(store.db, async (trx) => {
      const value = await synchronousCommit(trx);
      await sql`insert into server_settings (name, value) values ('flushed-transaction-test', 'x')`.execute(trx);
      const lsn = await sql<{ lsn: string }>`select pg_current_wal_insert_lsn()::text as lsn`.execute(trx);
      return { synchronousCommit: value, lsn: lsn.rows[0]!.lsn };
    });
    expect(inside.synchronousCommit).toBe('off');
    const flushed = await sql<{ covered: boolean }>`select pg_current_wal_flush_lsn() >= ${inside.lsn}::pg_lsn as covered`.execute(store.db);
    expect(flushed.rows[0]!.covered).toBe(true);
  });

  it('leaves every other transaction on the pooled connections synchronous', async () => {
    // More transactions than the pool has connections, so every connection that ran one is asked again.
    await Promise.all(Array.from({ length: 20 }, () => flushedTransaction(store.db, async (trx) => {
      await sql`select 1`.execute(trx);
    })));
    const after = await Promise.all(Array.from({ length: 20 }, () => store.db.transaction().execute((trx) => synchronousCommit(trx))));
    expect(new Set(after)).toEqual(new Set(['on']));
  });

  it('rolls back as any transaction does, and writes nothing', async () => {
    await expect(flushedTransaction(store.db, async (trx) => {
      await sql`insert into server_settings (name, value) values ('flushed-transaction-rollback', 'x')`.execute(trx);
      throw new Error('refused');
    })).rejects.toThrow('refused');
    const rows = await sql`select 1 from server_settings where name = 'flushed-transaction-rollback'`.execute(store.db);
    expect(rows.rows).toHaveLength(0);
  });
});
