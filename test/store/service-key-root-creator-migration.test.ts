import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/database.js';
import * as m001 from '../../src/store/migrations/001-initial.js';
import * as m002 from '../../src/store/migrations/002-user-tokens-by-user.js';
import * as m003 from '../../src/store/migrations/003-service-key-root-creator.js';
import { openTestStore, type TestStore } from '../helpers/test-store.js';

/**
 * Migration 003 backfills api_keys.root_creator_user_id on rows written before it: the creator for keys made by
 * people, and through bots (a bot's key minted by another bot, minted by a person) the person at the root.
 */
let opened: TestStore | undefined;
let store: Store;
const now = new Date().toISOString();

beforeAll(async () => {
  opened = await openTestStore('ax-m003-');
  store = opened.store;
  await m001.up(store.db);
  await m002.up(store.db);
});
afterAll(() => opened?.close());

describe('migration 003-service-key-root-creator', () => {
  it('records the person at the root of every key, through chains of bots, and adds accounts.access_version = 0', async () => {
    const db = store.db;
    const { id: accountId } = await db.insertInto('accounts').values({ name: 'm003', created_at: now }).returning('id').executeTakeFirstOrThrow();
    const user = async (email: string, bot: boolean) => (await db.insertInto('users').values({
      account_id: accountId, name: email, email, email_lower: email, role: 'MEMBER', status: 'ACTIVE', is_developer: 1, is_bot: bot ? 1 : 0,
      password_hash: null, must_change_password: 0, deleted_at: null, created_at: now, updated_at: now,
    }).returning('id').executeTakeFirstOrThrow()).id;
    let n = 0;
    const key = async (principal: number, creator: number, type: 'USER' | 'SERVICE') => (await db.insertInto('api_keys').values({
      account_id: accountId, user_id: principal, created_by_user_id: creator, key_type: type, name: `k${++n}`, description: null,
      public_id: `pub${n}`, secret_hash: 'x', last4: 'abcd', status: 'ACTIVE', expires_at: null, revoked_at: null, last_used_at: null,
      replaced_by_id: null, created_at: now,
    }).returning('id').executeTakeFirstOrThrow()).id;
    const person = await user('person@example.com', false);
    const [bot1, bot2, bot3] = [await user('b1@bots.invalid', true), await user('b2@bots.invalid', true), await user('b3@bots.invalid', true)];
    const own = await key(person, person, 'USER');
    const first = await key(bot1, person, 'SERVICE');
    const second = await key(bot2, bot1, 'SERVICE');
    const third = await key(bot3, bot2, 'SERVICE');

    await m003.up(db);

    const rows = await db.selectFrom('api_keys').select(['id', 'root_creator_user_id']).orderBy('id').execute();
    expect(rows).toEqual([own, first, second, third].map((id) => ({ id, root_creator_user_id: person })));
    const account = await sql<{ v: number }>`select access_version as v from accounts where id = ${accountId}`.execute(db);
    expect(Number(account.rows[0]!.v)).toBe(0);
  });
});
