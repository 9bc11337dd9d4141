import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount } from '../../src/services/accounts.js';
import { forAccount } from '../../src/store/account-store.js';
import type { Store } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrator.js';
import { PreparedQuery } from '../../src/store/prepared-query.js';
import { testBackend } from '../helpers/database.js';
import { openTestStore, type TestStore } from '../helpers/test-store.js';

/**
 * A PreparedQuery kept on PostgreSQL is sent as a named prepared statement, which PostgreSQL plans generically
 * after five runs: every run must still read with its own arguments, and a query not kept stays unnamed.
 */
describe.skipIf(testBackend !== 'postgres')('statements kept on PostgreSQL', () => {
  let opened: TestStore | undefined;
  let store: Store;
  const spaces: { accountId: number; id: number; name: string }[] = [];

  beforeAll(async () => {
    opened = await openTestStore('ax-kept-');
    store = opened.store;
    await migrateToLatest(store.db);
    const now = new Date().toISOString();
    for (const tenant of ['tenant-a', 'tenant-b']) {
      const accountId = await store.db.transaction().execute((trx) => createAccount(trx, tenant));
      const org = await forAccount(store.db, accountId).organizations.create({ name: `${tenant}-org`, description: '', now });
      for (const n of [1, 2, 3]) {
        const space = await forAccount(store.db, accountId).spaces.create({ organizationId: org.id, name: `${tenant}-space-${n}`, description: '', isPrivate: false, now });
        spaces.push({ accountId, id: space.id, name: space.name });
      }
    }
  });
  afterAll(() => opened?.close());

  it('runs each call with its own arguments, past the runs after which PostgreSQL plans it generically', async () => {
    const kept = new PreparedQuery((db, accountId: number, after: number) =>
      db.selectFrom('spaces').select('name').where('account_id', '=', accountId).where('id', '>', after).orderBy('id'), { keptOnPostgres: true });
    await store.db.connection().execute(async (connection) => {
      for (let run = 0; run < 3; run++) {
        for (const space of spaces) {
          const expected = spaces.filter((s) => s.accountId === space.accountId && s.id > space.id).map((s) => s.name);
          expect((await kept.all(connection, space.accountId, space.id)).map((r) => r.name)).toEqual(expected);
        }
      }
      const { rows } = await sql<{ statement: string; runs: number }>`
        select statement, generic_plans + custom_plans as runs from pg_prepared_statements where name like 'ax_kept_%'`.execute(connection);
      const statement = rows.find((r) => r.statement.includes('"spaces"'));
      expect(statement?.runs).toBe(3 * spaces.length);
    });
  });

  it('leaves a query that is not kept unnamed', async () => {
    const unkept = new PreparedQuery((db, accountId: number) => db.selectFrom('spaces').select('id').where('account_id', '=', accountId));
    await store.db.connection().execute(async (connection) => {
      expect((await unkept.all(connection, spaces[0]!.accountId)).length).toBe(3);
      const { rows } = await sql<{ n: number }>`select count(*) as n from pg_prepared_statements where statement like '%select "id" from "spaces"%'`.execute(connection);
      expect(rows[0]!.n).toBe(0);
    });
  });
});
