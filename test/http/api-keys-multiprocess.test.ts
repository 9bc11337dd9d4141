import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackend } from '../helpers/database.js';
import { msUntilRefused, type ProcessPair, type ServerProcess, startProcessPair } from '../helpers/server-process.js';
import type { Json } from '../helpers/server.js';

/**
 * Two server processes sharing one PostgreSQL database (the scale-out deployment): what one process revokes,
 * rotates or deletes, the other refuses within one second (LISTEN/NOTIFY drops its cached key). Each check
 * first makes the other process cache the key, so only the notification can explain a prompt 401 (the cache's
 * own TTL is 60 s).
 */
const ADMIN_KEY = `ak-multiprocess-admin-${Math.random().toString(36).slice(2)}`;
const DEADLINE_MS = 1000;

interface Answer { status: number; body: Json }

async function call(url: string, method: string, path: string, key: string, body?: unknown): Promise<Answer> {
  const res = await fetch(url + path, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

describe.skipIf(testBackend !== 'postgres')(
  'two server processes on one PostgreSQL database (runs with AX_TEST_DB=postgres; skipped on SQLite, where one process owns the file)',
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

    async function newUserKey(server: ServerProcess): Promise<{ id: string; key: string }> {
      const res = await call(server.url, 'POST', '/v2/api-keys', ADMIN_KEY, { key_type: 'USER', name: 'multiprocess' });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body;
    }

    it('a key revoked on A is refused by B within 1 s', async () => {
      const k = await newUserKey(a);
      expect((await call(b.url, 'GET', '/v2/me', k.key)).status).toBe(200);
      const since = performance.now();
      expect((await call(a.url, 'PUT', `/v2/api-keys/${encodeURIComponent(k.id)}/revoke`, ADMIN_KEY)).status).toBe(204);
      expect(await msUntilRefused(b.url, k.key, since)).toBeLessThan(DEADLINE_MS);
    });

    it('a key revoked on B is refused by A within 1 s (either way round)', async () => {
      const k = await newUserKey(b);
      expect((await call(a.url, 'GET', '/v2/me', k.key)).status).toBe(200);
      const since = performance.now();
      expect((await call(b.url, 'PUT', `/v2/api-keys/${encodeURIComponent(k.id)}/revoke`, ADMIN_KEY)).status).toBe(204);
      expect(await msUntilRefused(a.url, k.key, since)).toBeLessThan(DEADLINE_MS);
    });

    it('a refresh on A without grace retires the old key on B within 1 s; the new key works on B', async () => {
      const k = await newUserKey(a);
      expect((await call(b.url, 'GET', '/v2/me', k.key)).status).toBe(200);
      const since = performance.now();
      const fresh = await call(a.url, 'POST', `/v2/api-keys/${encodeURIComponent(k.id)}/refresh`, ADMIN_KEY, {});
      expect(fresh.status).toBe(200);
      expect(await msUntilRefused(b.url, k.key, since)).toBeLessThan(DEADLINE_MS);
      expect((await call(b.url, 'GET', '/v2/me', fresh.body.key)).status).toBe(200);
    });

    it('a refresh with grace on A leaves the old key working on B until the grace ends', async () => {
      const k = await newUserKey(a);
      expect((await call(b.url, 'GET', '/v2/me', k.key)).status).toBe(200);
      const fresh = await call(a.url, 'POST', `/v2/api-keys/${encodeURIComponent(k.id)}/refresh`, ADMIN_KEY, { grace_period_seconds: 2 });
      expect(fresh.status).toBe(200);
      const since = performance.now();
      await new Promise((r) => setTimeout(r, 200));
      expect((await call(b.url, 'GET', '/v2/me', k.key)).status).toBe(200);
      expect(await msUntilRefused(b.url, k.key, since)).toBeLessThan(2000 + DEADLINE_MS);
      expect((await call(b.url, 'GET', '/v2/me', fresh.body.key)).status).toBe(200);
    });

    it('a SERVICE key revoked on A is refused by B within 1 s', async () => {
      const org = await call(a.url, 'POST', '/v2/organizations', ADMIN_KEY, { name: 'mp-org' });
      const space = await call(a.url, 'POST', '/v2/spaces', ADMIN_KEY, { name: 'mp-space', organization_id: org.body.id });
      expect(space.status, JSON.stringify(space.body)).toBe(201);
      const svc = await call(a.url, 'POST', '/v2/api-keys', ADMIN_KEY, {
        key_type: 'SERVICE', name: 'mp-bot', organizations: [{ org_id: org.body.id, spaces: [{ space_id: space.body.id }] }],
      });
      expect(svc.status, JSON.stringify(svc.body)).toBe(201);
      expect((await call(b.url, 'GET', `/v2/spaces/${encodeURIComponent(space.body.id)}`, svc.body.key)).status).toBe(200);
      const since = performance.now();
      expect((await call(a.url, 'PUT', `/v2/api-keys/${encodeURIComponent(svc.body.id)}/revoke`, ADMIN_KEY)).status).toBe(204);
      expect(await msUntilRefused(b.url, svc.body.key, since)).toBeLessThan(DEADLINE_MS);
    });

    it('deleting a user on A makes B refuse that user\'s USER key within 1 s', async () => {
      const u = await pair.insertUserWithKey('leaver@example.com');
      expect((await call(b.url, 'GET', '/v2/me', u.key)).status).toBe(200);
      const since = performance.now();
      expect((await call(a.url, 'DELETE', `/v2/users/${encodeURIComponent(u.id)}`, ADMIN_KEY)).status).toBe(204);
      expect(await msUntilRefused(b.url, u.key, since)).toBeLessThan(DEADLINE_MS);
    });

    it('a change too large for one NOTIFY (a user with 800 keys deleted) still reaches B, and A answers 204', async () => {
      const u = await pair.insertUserWithKey('hoarder@example.com', 799);
      expect((await call(b.url, 'GET', '/v2/me', u.key)).status).toBe(200);
      const since = performance.now();
      const deleted = await call(a.url, 'DELETE', `/v2/users/${encodeURIComponent(u.id)}`, ADMIN_KEY);
      expect(deleted.status, JSON.stringify(deleted.body)).toBe(204);
      expect(await msUntilRefused(b.url, u.key, since)).toBeLessThan(DEADLINE_MS);
    });

    it('removing a user from a space on A takes the space from its USER key on B within 1 s', async () => {
      const u = await pair.insertUserWithKey('mover@example.com');
      const org = await call(a.url, 'POST', '/v2/organizations', ADMIN_KEY, { name: 'mp-org-2' });
      const space = await call(a.url, 'POST', '/v2/spaces', ADMIN_KEY, { name: 'mp-private', organization_id: org.body.id, is_private: true });
      const member = { user_id: u.id, role: { type: 'PREDEFINED', name: 'MEMBER' } };
      expect((await call(a.url, 'POST', `/v2/organizations/${encodeURIComponent(org.body.id)}/users`, ADMIN_KEY, member)).status).toBe(200);
      expect((await call(a.url, 'POST', `/v2/spaces/${encodeURIComponent(space.body.id)}/users`, ADMIN_KEY, member)).status).toBe(200);
      const path = `/v2/spaces/${encodeURIComponent(space.body.id)}`;
      expect((await call(b.url, 'GET', path, u.key)).status).toBe(200);
      const since = performance.now();
      expect((await call(a.url, 'DELETE', `${path}/users/${encodeURIComponent(u.id)}`, ADMIN_KEY)).status).toBe(204);
      let elapsed = 0;
      for (;;) {
        const res = await call(b.url, 'GET', path, u.key);
        elapsed = performance.now() - since;
        if (res.status === 404 || elapsed > 5000) break;
      }
      expect(elapsed).toBeLessThan(DEADLINE_MS);
    });
  },
);
