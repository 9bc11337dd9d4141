import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackend } from '../helpers/database.js';
import { type ProcessPair, startProcessPair } from '../helpers/server-process.js';

/**
 * Issue 18: two server processes on one PostgreSQL database write audit entries of the same account at once; the
 * account's chain never forks (each writer takes the next place under the chain head's row lock) and verifies on
 * both processes, with checkpoints signed by either.
 */
const ADMIN_KEY = `ak-chain-mp-admin-${Math.random().toString(36).slice(2)}`;

async function api(url: string, method: string, path: string, body?: unknown) {
  const res = await fetch(url + path, {
    method, headers: { authorization: `Bearer ${ADMIN_KEY}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) as Record<string, unknown> : undefined };
}

describe.skipIf(testBackend !== 'postgres')(
  'the audit chain with writers on two processes (runs with AX_TEST_DB=postgres; skipped on SQLite, where one process owns the file)',
  () => {
    let pair: ProcessPair;
    beforeAll(async () => { pair = await startProcessPair({ adminKey: ADMIN_KEY }); });
    afterAll(async () => { await pair?.stop(); });

    it('80 changes at once, half on each process, make one chain that verifies on both', async () => {
      const { a, b } = pair;
      const before = (await api(a.url, 'GET', '/v2/audit-logs/verify')).body!;
      expect(before.valid).toBe(true);
      const writes = Array.from({ length: 80 }, (_, i) => api(i % 2 === 0 ? a.url : b.url, 'POST', '/v2/organizations', { name: `chain-mp-${i}` }));
      // Checkpoints signed meanwhile, on both processes.
      const signs = [api(a.url, 'POST', '/v2/audit-logs/checkpoints'), api(b.url, 'POST', '/v2/audit-logs/checkpoints')];
      const statuses = (await Promise.all(writes)).map((r) => r.status);
      expect(statuses.every((s) => s === 201)).toBe(true);
      for (const s of await Promise.all(signs)) expect([201, 204]).toContain(s.status);
      expect((await api(b.url, 'POST', '/v2/audit-logs/checkpoints')).status).toBe(201);

      for (const url of [a.url, b.url]) {
        const result = (await api(url, 'GET', '/v2/audit-logs/verify')).body!;
        expect(result, JSON.stringify(result)).toMatchObject({ valid: true, entries_checked: Number(before.entries_checked) + 80 });
        expect(result.head_seq).toBe(result.entries_checked);
        expect(Number(result.checkpoints_checked)).toBeGreaterThanOrEqual(1);
      }
    });
  },
);
