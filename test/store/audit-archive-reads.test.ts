import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forAccount } from '../../src/store/account-store.js';
import { migrateToLatest } from '../../src/store/migrator.js';
import { accountsWithAuditBefore } from '../../src/store/repositories/audit-logs.js';
import { openTestStore, type TestStore } from '../helpers/test-store.js';

/**
 * What the audit archive reads at each run (every AX_AUDIT_CHECKPOINT_INTERVAL with a retention set): the accounts
 * with entries older than the cutoff, and where each account's kept entries start in its chain. Both are asked of
 * indexes now (query-plans.test.ts pins SQLite's plans); these are their answers, on the run's backend, over entries
 * written by the real writer.
 */
describe('the audit archive\'s reads', () => {
  let opened: TestStore | undefined;
  const ids: number[] = [];
  const at = (day: number) => new Date(Date.UTC(2026, 0, day)).toISOString();

  beforeAll(async () => {
    opened = await openTestStore('ax-archive-reads-');
    const db = opened.store.db;
    await migrateToLatest(db);
    for (const name of ['early', 'late', 'silent']) {
      ids.push((await db.insertInto('accounts').values({ name, created_at: at(1) }).returning('id').executeTakeFirstOrThrow()).id);
    }
    const write = (account: number, day: number) => forAccount(db, account).auditLogs.recordMutation({ userId: 1, ip: '10.0.0.1', operation: `day ${day}`, at: at(day) });
    // The early account's entries: days 1 and 5, then one whose writer's clock was behind (day 3, written last).
    for (const day of [1, 5, 3]) await write(ids[0]!, day);
    await write(ids[1]!, 5);
  });
  afterAll(() => opened?.close());

  it('names the accounts with an entry before the cutoff, and only those', async () => {
    const db = opened!.store.db;
    expect(await accountsWithAuditBefore(db, at(1))).toEqual([]);
    expect(await accountsWithAuditBefore(db, at(2))).toEqual([ids[0]]);
    expect(await accountsWithAuditBefore(db, at(6))).toEqual([ids[0], ids[1]]);
  });

  it('finds the first place in the chain, after what is archived, written at or after the cutoff', async () => {
    const logs = forAccount(opened!.store.db, ids[0]!).auditLogs;
    expect(await logs.firstSeqFrom(at(1), 0)).toBe(1);
    // Day 5 is the chain's second place, before the day-3 entry written after it: the kept entries start there.
    expect(await logs.firstSeqFrom(at(2), 0)).toBe(2);
    expect(await logs.firstSeqFrom(at(4), 0)).toBe(2);
    expect(await logs.firstSeqFrom(at(4), 2)).toBeUndefined();
    expect(await logs.firstSeqFrom(at(2), 2)).toBe(3);
    expect(await logs.firstSeqFrom(at(6), 0)).toBeUndefined();
  });
});
