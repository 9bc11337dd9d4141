import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/database.js';
import { testBackend } from '../helpers/database.js';
import { openTestStore, type TestStore } from '../helpers/test-store.js';

/**
 * The SQLite store reads rows as arrays and makes them objects itself (store/sqlite/sqlite-statement-cache.ts): the
 * objects must be those better-sqlite3 makes, for every statement, before and after the schema changes under a
 * statement it has already prepared.
 */
describe.skipIf(testBackend !== 'sqlite')('rows read from SQLite', () => {
  let opened: TestStore | undefined;
  let store: Store;
  let direct: SQLite.Database;
  const read = async (text: string) => (await sql.raw(text).execute(store.db)).rows;
  /** What better-sqlite3 itself answers, on its own connection to the same file. */
  const reference = (text: string) => direct.prepare(text).all();

  beforeAll(async () => {
    opened = await openTestStore('ax-rows-');
    store = opened.store;
    await sql`create table t (id integer primary key, name text, n integer, note text)`.execute(store.db);
    await sql`insert into t (name, n, note) values ('a', 1, null), ('b', ${2 ** 40}, 'x'), ('c', -3, '')`.execute(store.db);
    direct = new SQLite(join(opened.dataDir, 'ax.db'), { readonly: true });
  });
  afterAll(async () => {
    direct?.close();
    await opened?.close();
  });

  it('answers the objects better-sqlite3 makes: names in order, values and types, a later column of the same name winning', async () => {
    for (const text of ['select * from t order by id', 'select n as a, name as a, id from t order by id', 'select count(*) as "count(*)", 1 as "1", \'q\' as "with space" from t']) {
      const rows = await read(text);
      expect(rows, text).toEqual(reference(text));
      expect(rows.map((r) => Object.keys(r as object)), text).toEqual(reference(text).map((r) => Object.keys(r as object)));
    }
  });

  it('answers a column named __proto__ as better-sqlite3 does (it is not a column of the object)', async () => {
    for (const text of [`select 'p' as "__proto__", 1 as x`, `select null as "__proto__", 1 as x`]) {
      const [row] = await read(text);
      const [expected] = reference(text);
      expect(Object.keys(row as object), text).toEqual(Object.keys(expected as object));
      expect(Object.getPrototypeOf(row), text).toBe(Object.getPrototypeOf(expected));
    }
  });

  it('reads the columns a table has now after a column is added, renamed or dropped under a statement read before', async () => {
    const text = 'select * from t where id = 1';
    expect(await read(text)).toEqual([{ id: 1, name: 'a', n: 1, note: null }]);
    await sql`alter table t add column extra text default 'e'`.execute(store.db);
    expect(await read(text)).toEqual([{ id: 1, name: 'a', n: 1, note: null, extra: 'e' }]);
    await sql`alter table t rename column note to remark`.execute(store.db);
    expect(await read(text)).toEqual([{ id: 1, name: 'a', n: 1, remark: null, extra: 'e' }]);
    await sql`alter table t drop column extra`.execute(store.db);
    expect(await read(text)).toEqual([{ id: 1, name: 'a', n: 1, remark: null }]);
  });

  it('answers bound LIMITs (written into the statement) with as many rows as each call asks, after its offset, in subqueries too', async () => {
    const page = (limit: number, offset?: number) => {
      let q = store.db.selectFrom('t' as never).select('id' as never).where('id' as never, '>', 0 as never).orderBy('id' as never).limit(limit);
      if (offset !== undefined) q = q.offset(offset);
      return q.execute();
    };
    const ids = (rows: unknown[]) => rows.map((r) => (r as { id: number }).id);
    for (const limit of [2, 0, 3, 1, 2]) expect(ids(await page(limit)), `limit ${limit}`).toEqual([1, 2, 3].slice(0, limit));
    for (const [limit, offset] of [[1, 1], [2, 1], [1, 2], [5, 0]] as const) {
      expect(ids(await page(limit, offset)), `limit ${limit} offset ${offset}`).toEqual([1, 2, 3].slice(offset, offset + limit));
    }
    // More limits than one statement keeps variants of: the rest are bound, with the same answers.
    for (let limit = 0; limit < 140; limit++) expect(ids(await page(limit)), `limit ${limit}`).toEqual([1, 2, 3].slice(0, limit));
    // Limits in subqueries, two in one statement, each with its own value from call to call.
    const both = async (first: number, last: number) => ids((await sql<{ id: number }>`select id from (select id from t where id > ${0} order by id limit ${first})
      union all select id from (select id from t where id > ${0} order by id desc limit ${last})`.execute(store.db)).rows);
    expect(await both(1, 1)).toEqual([1, 3]);
    expect(await both(2, 0)).toEqual([1, 2]);
    expect(await both(0, 3)).toEqual([3, 2, 1]);
    // A `?` in a quoted string is not a parameter; a negative limit (SQLite: no limit) is bound as written.
    expect(ids((await sql<{ id: number }>`select id from t where name <> '?' and id > ${1} order by id limit ${1}`.execute(store.db)).rows)).toEqual([2]);
    expect(ids((await sql<{ id: number }>`select id from t where id > ${0} order by id limit ${-1}`.execute(store.db)).rows)).toEqual([1, 2, 3]);
  });

  it('streams the same objects', async () => {
    const streamed: unknown[] = [];
    for await (const row of store.db.selectFrom('t' as never).selectAll().orderBy('id' as never).stream()) streamed.push(row);
    expect(streamed).toEqual(reference('select * from t order by id'));
  });
});
