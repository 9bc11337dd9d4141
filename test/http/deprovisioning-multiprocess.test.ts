import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackend } from '../helpers/database.js';
import { msUntilRefused, type ProcessPair, type ServerProcess, startProcessPair } from '../helpers/server-process.js';

/**
 * Deprovisioning across processes (identity.md §5.5): a user deactivated through one process is refused by the other
 * within one second. The other process first caches the user's key, so only the change feed can explain a prompt 401
 * (the key cache's own TTL is 60 s).
 */
const ADMIN_KEY = `ak-deprovisioning-admin-${Math.random().toString(36).slice(2)}`;
const DEADLINE_MS = 1000;

async function call(url: string, method: string, path: string, key: string): Promise<number> {
  const res = await fetch(url + path, { method, headers: { authorization: `Bearer ${key}` } });
  await res.arrayBuffer();
  return res.status;
}

describe.skipIf(testBackend !== 'postgres')(
  'deactivation seen by a second server process (runs with AX_TEST_DB=postgres; skipped on SQLite, where one process owns the file)',
  () => {
    let pair: ProcessPair;
    let a: ServerProcess;
    let b: ServerProcess;

    beforeAll(async () => {
      pair = await startProcessPair({ adminKey: ADMIN_KEY });
      ({ a, b } = pair);
    }, 90_000);

    afterAll(async () => {
      await pair?.stop();
    });

    it('a user deactivated on A: its USER key, cached on B, is refused by B within 1 s; after reactivation it stays refused', async () => {
      const u = await pair.insertUserWithKey('deprovisioned-mp@example.com');
      expect(await call(b.url, 'GET', '/v2/me', u.key)).toBe(200);
      const since = performance.now();
      expect(await call(a.url, 'POST', `/v2/users/${encodeURIComponent(u.id)}/deactivate`, ADMIN_KEY)).toBe(204);
      expect(await msUntilRefused(b.url, u.key, since)).toBeLessThan(DEADLINE_MS);
      expect(await call(b.url, 'POST', `/v2/users/${encodeURIComponent(u.id)}/reactivate`, ADMIN_KEY)).toBe(204);
      expect(await call(a.url, 'GET', '/v2/me', u.key)).toBe(401);
      expect(await call(b.url, 'GET', '/v2/me', u.key)).toBe(401);
    });
  },
);
