import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrator.js';
import { AccessScopeRows } from '../../src/store/repositories/access-scope.js';
import type { Database } from '../../src/store/schema.js';
import { testBackend } from '../helpers/database.js';

/**
 * Issue 13: a dry run of a change confined to a few users reads their rows (AccessScopeRows) before and after it.
 * With `user_id in (…)` of two or more ids, SQLite's planner (no statistics) searched the account's index of role
 * bindings and of API keys instead, reading every row of the account: on a 100k-user account, read() of three users
 * took 649 ms, against 0.74 ms through the per-user indexes. The plans do not depend on the rows, so an empty database
 * shows them: every statement of the reads must search by user.
 */
describe.skipIf(testBackend !== 'sqlite')('the rows of a dry run confined to some users, on SQLite', () => {
  let dataDir: string;
  let connection: SQLite.Database;
  let db: Kysely<Database>;
  const sent: { sql: string; parameters: readonly unknown[] }[] = [];
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'ax-access-scope-'));
    const store = openStore({ dataDir });
    await migrateToLatest(store.db);
    await store.close();
    connection = new SQLite(join(dataDir, 'ax.db'));
    db = new Kysely<Database>({
      dialect: new SqliteDialect({ database: connection }),
      log: (event) => {
        if (event.level === 'query') sent.push({ sql: event.query.sql, parameters: event.query.parameters });
      },
    });
  });
  afterAll(async () => {
    await db?.destroy();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('are read through indexes by user, not by searching the whole account', async () => {
    const scope = new AccessScopeRows(db, 1);
    await scope.read([2, 3, 4], [5, 6]);
    await scope.liveServiceKeys([2, 3, 4], new Date().toISOString());
    const plans = sent.map(({ sql, parameters }) => ({
      sql: sql.slice(0, 60),
      plan: (connection.prepare(`explain query plan ${sql}`).all(...parameters) as { detail: string }[]).map((r) => r.detail).join(' | '),
    }));
    expect(plans).toHaveLength(7);
    for (const { sql, plan } of plans) {
      expect({ sql, plan }).toEqual({ sql, plan: expect.stringMatching(/USING (INTEGER PRIMARY KEY|INDEX \w+_(user|principal)\w*) \((user_id|rowid)=\?/) });
      expect({ sql, plan }).toEqual({ sql, plan: expect.not.stringMatching(/SCAN|\(account_id=\?\)/) });
    }
  });
});
