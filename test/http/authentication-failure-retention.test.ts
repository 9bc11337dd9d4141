import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pruneAuthenticationFailures } from '../../src/services/authentication-failure-retention.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * Failed authentications are kept AX_AUTH_FAILURE_RETENTION_DAYS (7 here; 90 by default): each process's pruning
 * pass deletes the rows whose 10-minute window ended before the cutoff, for an account and for failures of no
 * account alike, and nothing younger.
 */
const DAY = 86_400_000;
const MINUTE = 60_000;
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ testClock: true, env: { AX_AUTH_FAILURE_RETENTION_DAYS: '7' } });
});
afterAll(async () => {
  await server?.close();
});

interface Failure { reason: string; operation: string; first_at: string }

/** Every failure the operator account's admin can list (its own and those of no account), over a wide window. */
async function listed(): Promise<string[]> {
  const res = await server.api('GET', '/v2/audit-logs/authentication-failures?start_time=2000-01-01T00:00:00Z&end_time=2100-01-01T00:00:00Z&limit=100');
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return (res.body.failures as Failure[]).map((f) => `${f.first_at} ${f.operation} ${f.reason}`).sort();
}

/** One failure of no account (a malformed key) and one of the operator account (a wrong password), on `route`. */
async function fail(route: string): Promise<void> {
  expect((await server.api('GET', route, { key: `ak-${'Z'.repeat(12)}-${'q'.repeat(49)}` })).status).toBe(401);
  expect((await server.api('POST', '/auth/login', { key: null, body: { email: 'admin@localhost', password: `wrong-${route}-0123456789` } })).status).toBe(401);
}

describe('failed authentications past their retention', () => {
  it('are deleted once their window has ended before the cutoff, with or without an account', async () => {
    await fail('/v2/organizations');
    const old = await listed();
    expect(old).toHaveLength(2);

    // Seven days and five minutes on, the first rows' window has not yet ended seven days ago: they stay.
    await server.advanceClock(7 * DAY + 5 * MINUTE);
    expect(await pruneAuthenticationFailures(server.context!)).toBe(0);
    expect(await listed()).toEqual(old);

    await fail('/v2/spaces');
    const recent = (await listed()).filter((line) => !old.includes(line));
    expect(recent).toHaveLength(2);

    // Twenty minutes later it has: the old rows go, the recent ones stay.
    await server.advanceClock(20 * MINUTE);
    expect(await pruneAuthenticationFailures(server.context!)).toBe(2);
    expect(await listed()).toEqual(recent);
    expect(await pruneAuthenticationFailures(server.context!)).toBe(0);
  });
});

describe('a backlog of failed authentications', () => {
  it('is deleted in batches, all of it', async () => {
    const db = server.context!.store.db;
    const at = new Date(server.context!.clock.now() - 30 * DAY).toISOString();
    const rows = Array.from({ length: 2_500 }, (_, i) => ({
      bucket: `backlog-${i}`, account_id: null, user_id: null, ip: `10.0.${i >> 8}.${i & 255}`, reason: 'unknown', operation: 'GET /v2/spaces',
      count: 1, first_at: at, last_at: at,
    }));
    for (let i = 0; i < rows.length; i += 500) await db.insertInto('authentication_failures').values(rows.slice(i, i + 500)).execute();
    expect(await pruneAuthenticationFailures(server.context!)).toBe(2_500);
    expect(await db.selectFrom('authentication_failures').select('id').where('bucket', 'like', 'backlog-%').execute()).toEqual([]);
  });
});
