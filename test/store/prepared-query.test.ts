import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount } from '../../src/services/accounts.js';
import { forAccount } from '../../src/store/account-store.js';
import type { Store } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrator.js';
import { idList, inIdList, PreparedQuery } from '../../src/store/prepared-query.js';
import { openTestStore, type TestStore } from '../helpers/test-store.js';

/**
 * Issue 13: the hot reads of one resource run a query compiled once. Each call must still read with its own values —
 * a compiled query that kept the first call's id, or another account's, would serve the wrong tenant's row.
 */
let opened: TestStore | undefined;
let store: Store;
const spaces: { accountId: number; id: number; name: string }[] = [];

beforeAll(async () => {
  opened = await openTestStore('ax-prepared-');
  store = opened.store;
  await migrateToLatest(store.db);
  const now = new Date().toISOString();
  for (const tenant of ['tenant-a', 'tenant-b']) {
    const accountId = await store.db.transaction().execute((trx) => createAccount(trx, tenant));
    const org = await forAccount(store.db, accountId).organizations.create({ name: `${tenant}-org`, description: '', now });
    for (const n of [1, 2]) {
      const space = await forAccount(store.db, accountId).spaces.create({ organizationId: org.id, name: `${tenant}-space-${n}`, description: '', isPrivate: false, now });
      spaces.push({ accountId, id: space.id, name: space.name });
    }
  }
});
afterAll(() => opened?.close());

describe('PreparedQuery', () => {
  it('reads each call with its own arguments, and finds nothing across accounts', async () => {
    for (const space of spaces) {
      expect((await forAccount(store.db, space.accountId).spaces.find(space.id))?.name).toBe(space.name);
      const other = spaces.find((s) => s.accountId !== space.accountId)!;
      expect(await forAccount(store.db, other.accountId).spaces.find(space.id)).toBeUndefined();
    }
  });

  it('runs inside a transaction with the transaction\'s view', async () => {
    const [space] = spaces;
    await store.db.transaction().execute(async (trx) => {
      await trx.updateTable('spaces').set({ name: 'renamed inside' }).where('id', '=', space!.id).execute();
      expect((await forAccount(trx, space!.accountId).spaces.find(space!.id))?.name).toBe('renamed inside');
    });
  });

  it('binds a list of ids as one value (inIdList): each call reads its own list, of any length', async () => {
    const named = new PreparedQuery((db, accountId: number, ids: unknown) =>
      db.selectFrom('spaces').select('name').where('account_id', '=', accountId).where(inIdList(db, 'id', ids)).orderBy('id'));
    const [, a2, b1, b2] = spaces;
    const names = async (accountId: number, ids: number[]) => (await named.all(store.db, accountId, idList(store.db, ids))).map((r) => r.name);
    expect(await names(b1!.accountId, [b2!.id, a2!.id, b1!.id])).toEqual([b1!.name, b2!.name]);
    expect(await names(b1!.accountId, [b2!.id])).toEqual([b2!.name]);
    expect(await names(a2!.accountId, [b1!.id, a2!.id])).toEqual([a2!.name]);
    expect(await names(b1!.accountId, [])).toEqual([]);
  });

  it('refuses a query that does not bind each of its arguments as a value', async () => {
    const ignoresOne = new PreparedQuery((db, accountId: number, _unused: number) => db.selectFrom('spaces').select('id').where('account_id', '=', accountId));
    await expect(ignoresOne.all(store.db, 1, 2)).rejects.toThrow(/must bind each of its 2 arguments as a value/);
  });
});
