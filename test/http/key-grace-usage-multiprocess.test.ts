import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackend } from '../helpers/database.js';
import { type ProcessPair, startProcessPair } from '../helpers/server-process.js';
import type { Json } from '../helpers/server.js';

/**
 * Issue 18, rotation telemetry across processes: two servers on one PostgreSQL database count the uses of one old
 * key in its grace period, each in memory, and add them up in the database (each flushes every second), so either
 * process lists the sum and the latest use.
 */
const ADMIN_KEY = `ak-grace-multiprocess-${Math.random().toString(36).slice(2)}`;

async function call(url: string, method: string, path: string, key: string, options: { body?: unknown; ip?: string } = {}): Promise<{ status: number; body: Json }> {
  const res = await fetch(url + path, {
    method,
    headers: {
      authorization: `Bearer ${key}`, ...(options.ip ? { 'x-forwarded-for': options.ip } : {}),
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

describe.skipIf(testBackend !== 'postgres')('grace usage on two server processes (PostgreSQL; skipped on SQLite)', () => {
  let pair: ProcessPair;
  beforeAll(async () => {
    pair = await startProcessPair({ adminKey: ADMIN_KEY, env: { AX_TRUST_PROXY: 'true' } });
  }, 150_000);
  afterAll(async () => { await pair?.stop(); });

  it('adds up the uses counted on each process', { timeout: 60_000 }, async () => {
    const { a, b } = pair;
    const created = await call(a.url, 'POST', '/v2/api-keys', ADMIN_KEY, { body: { key_type: 'USER', name: 'rotated-on-two' } });
    expect(created.status).toBe(201);
    const refreshed = await call(a.url, 'POST', `/v2/api-keys/${encodeURIComponent(created.body.id)}/refresh`, ADMIN_KEY, { body: { grace_period_seconds: 3600 } });
    expect(refreshed.status).toBe(200);
    for (let i = 0; i < 4; i++) expect((await call(a.url, 'GET', '/v2/me', created.body.key, { ip: '10.0.0.1' })).status).toBe(200);
    for (let i = 0; i < 3; i++) expect((await call(b.url, 'GET', '/v2/me', created.body.key, { ip: '10.0.0.2' })).status).toBe(200);

    for (const server of [a, b]) {
      await expect.poll(async () => (await call(server.url, 'GET', `/v2/api-keys/${encodeURIComponent(created.body.id)}`, ADMIN_KEY)).body.grace_usage, { timeout: 5000 })
        .toMatchObject({ uses_since_refresh: 7, uses_last_hour: 7, last_used_ip: '10.0.0.2' });
    }
  });
});
