import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount } from '../../src/services/accounts.js';
import type { Store } from '../../src/store/database.js';
import { selectColumns } from '../../src/store/json-columns.js';
import { migrateToLatest } from '../../src/store/migrator.js';
import { testBackend } from '../helpers/database.js';
import { openTestStore, type TestStore } from '../helpers/test-store.js';

/**
 * Issue 13: the access snapshot's load reads an account's users, memberships and role bindings as columns (one JSON
 * array per column, parsed). Each value must come back as the row held it — text with quotes, backslashes and
 * characters past ASCII, nulls, the largest ids — each column in the same order as the others, and no rows as
 * empty columns, on either database.
 */
let opened: TestStore | undefined;
let store: Store;
let accountId: number;
const NAMES = ['plain', 'with "quotes" and \\backslashes\\', 'ünïcödé ✓ 🚀', 'line\nbreak\ttab', '[1, 2]', 'null'];
/** Past 32 bits where ids may be (SQLite's are 64-bit; PostgreSQL's columns are `integer`). */
const LARGE_ID = testBackend === 'postgres' ? 2 ** 31 - 1 : 2 ** 40 + 7;

beforeAll(async () => {
  opened = await openTestStore('ax-json-columns-');
  store = opened.store;
  await migrateToLatest(store.db);
  accountId = await store.db.transaction().execute((trx) => createAccount(trx, 'columns'));
  const now = new Date().toISOString();
  for (const [i, name] of NAMES.entries()) {
    await store.db.insertInto('roles').values({
      ...(i === NAMES.length - 1 ? { id: LARGE_ID } : {}), account_id: accountId, predefined_key: null, name,
      description: i % 2 === 0 ? null : `about ${name}`, permissions: '["SPACE_READ"]', created_at: now, updated_at: now,
    }).execute();
  }
});
afterAll(() => opened?.close());

describe('selectColumns', () => {
  it('reads every value as the rows hold it, the columns aligned', async () => {
    const query = store.db.selectFrom('roles').select(['id', 'name', 'description']).where('account_id', '=', accountId)
      .where('predefined_key', 'is', null);
    const rows = await query.orderBy('id').execute();
    const columns = await selectColumns(store.db, query, ['id', 'name', 'description']);
    const read = columns.id.map((id, i) => ({ id, name: columns.name[i], description: columns.description[i] }));
    expect(read.sort((a, b) => a.id - b.id)).toEqual(rows);
    expect(read.map((row) => row.name)).toEqual(NAMES);
    expect(read.at(-1)!.id).toBe(LARGE_ID);
  });

  it('answers empty columns when no row matches', async () => {
    const query = store.db.selectFrom('roles').select(['id', 'name']).where('account_id', '=', -1);
    expect(await selectColumns(store.db, query, ['id', 'name'])).toEqual({ id: [], name: [] });
  });
});
