import { randomBytes } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/store/database.js';
import { flushedTransaction } from '../../src/store/flushed-transaction.js';
import { migrateToLatest } from '../../src/store/migrator.js';
import type { Database } from '../../src/store/schema.js';
import { testBackend } from '../helpers/database.js';
import { testTempDir } from '../helpers/temp-dir.js';
import { openTestStore, type TestStore } from '../helpers/test-store.js';

/**
 * flushedTransaction on PostgreSQL: the transaction commits without waiting for the WAL flush (so its row locks,
 * the audit chain head's above all, are released before the disk is done), and only that transaction; the answer
 * comes once the log is flushed past its commit.
 */
describe.skipIf(testBackend !== 'postgres')('a transaction flushed after its locks are released', () => {
  let opened: TestStore | undefined;
  let store: Store;

  beforeAll(async () => {
    opened = await openTestStore('ax-flushed-');
    store = opened.store;
    await migrateToLatest(store.db);
  });
  afterAll(() => opened?.close());

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

  it('commits synchronously, and answers, where the server\'s role may not write the flushing message', async () => {
    // PUBLIC may execute pg_logical_emit_message on stock PostgreSQL; a managed service may have taken that away.
    // The worker's database is this file's alone while it runs, and the right is given back below.
    const role = `ax_no_flush_${randomBytes(4).toString('hex')}`;
    const schema = (await sql<{ s: string }>`select current_schema() as s`.execute(store.db)).rows[0]!.s;
    const everyEmitMessage = (verb: 'grant' | 'revoke') => sql.raw(`do $$ declare f regprocedure; begin
      for f in select oid::regprocedure from pg_proc where proname = 'pg_logical_emit_message' loop
        execute format('${verb} execute on function %s ${verb === 'grant' ? 'to' : 'from'} public', f);
      end loop; end $$`).execute(store.db);
    await sql.raw(`create role ${role} login`).execute(store.db);
    let limited: Store | undefined;
    try {
      await sql.raw(`grant usage on schema ${schema} to ${role}; grant all on all tables in schema ${schema} to ${role}`).execute(store.db);
      await everyEmitMessage('revoke');
      const url = new URL(opened!.database.url!);
      url.username = role;
      const limitedDir = testTempDir('ax-flushed-');
      limited = openStore({ dataDir: limitedDir, databaseUrl: url.toString() });
      const refused = await sql`select pg_logical_emit_message(true, 'ax', 'flush')`.execute(limited.db).then(() => false, () => true);
      expect(refused).toBe(true);
      const inside = await flushedTransaction(limited.db, async (trx) => {
        await sql`insert into server_settings (name, value) values ('flushed-transaction-refused', 'x')`.execute(trx);
        return synchronousCommit(trx);
      });
      expect(inside).toBe('on');
      const rows = await sql`select 1 from server_settings where name = 'flushed-transaction-refused'`.execute(store.db);
      expect(rows.rows).toHaveLength(1);
    } finally {
      await limited?.close();
      await everyEmitMessage('grant');
      await sql.raw(`drop owned by ${role}; drop role ${role}`).execute(store.db);
    }
  });
});
