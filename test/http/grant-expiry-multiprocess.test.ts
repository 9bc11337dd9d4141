import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackend } from '../helpers/database.js';
import { type ProcessPair, startProcessPair } from '../helpers/server-process.js';

/**
 * Issue 17 §2 on two server processes sharing one PostgreSQL database, each with its own injected clock: a role
 * binding that expires stops counting on both at the instant each one's clock reaches it — neither waits for the
 * sweeper or for the change feed.
 */
const ADMIN_KEY = `ak-jit-mp-admin-${Math.random().toString(36).slice(2)}`;
const HOUR = 3_600_000;

async function api(url: string, method: string, path: string, options: { key?: string; body?: unknown } = {}) {
  const res = await fetch(url + path, {
    method,
    headers: { ...(options.key === undefined ? { authorization: `Bearer ${ADMIN_KEY}` } : { authorization: `Bearer ${options.key}` }), ...(options.body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) as Record<string, unknown> : undefined };
}

describe.skipIf(testBackend !== 'postgres')(
  'an expiring grant on two server processes (runs with AX_TEST_DB=postgres; skipped on SQLite, where one process owns the file)',
  () => {
    let pair: ProcessPair;
    beforeAll(async () => { pair = await startProcessPair({ adminKey: ADMIN_KEY, env: { AX_TEST_CLOCK: '1' } }); });
    afterAll(async () => { await pair?.stop(); });

    const advance = async (ms: number) => {
      for (const server of [pair.a, pair.b]) {
        const res = await fetch(`${server.url}/__test/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advance_ms: ms }) });
        expect(res.status).toBe(200);
      }
    };

    it('stops counting on both processes at the instant, before any sweep', async () => {
      const { a, b } = pair;
      const org = (await api(a.url, 'POST', '/v2/organizations', { body: { name: 'jit-mp-org' } })).body!.id as string;
      const space = (await api(a.url, 'POST', '/v2/spaces', { body: { name: 'jit-mp-space', organization_id: org } })).body!.id as string;
      const project = (await api(a.url, 'POST', '/v2/projects', { body: { name: 'jit-mp-project', space_id: space } })).body!.id as string;
      const user = await pair.insertUserWithKey('jit-mp@example.com');
      const roles = (await api(a.url, 'GET', '/v2/roles?is_predefined=true')).body!.roles as { id: string; name: string }[];
      const member = roles.find((r) => r.name === 'Member')!.id;
      const created = await api(a.url, 'POST', '/v2/role-bindings', {
        body: { user_id: user.id, role_id: member, resource_type: 'PROJECT', resource_id: project, expires_at: new Date(Date.now() + HOUR).toISOString(), reason: 'on call' },
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const read = (url: string) => api(url, 'GET', `/v2/projects/${encodeURIComponent(project)}`, { key: user.key });
      // Both processes see the binding (B through the change feed), then hold their snapshot.
      for (let i = 0; i < 50 && (await read(b.url)).status !== 200; i++) await read(a.url);
      expect((await read(a.url)).status).toBe(200);
      expect((await read(b.url)).status).toBe(200);

      // The clocks run with real time too: a minute of margin before the instant.
      await advance(HOUR - 60_000);
      expect((await read(a.url)).status).toBe(200);
      expect((await read(b.url)).status).toBe(200);
      await advance(60_000);
      expect((await read(a.url)).status).toBe(404);
      expect((await read(b.url)).status).toBe(404);
    });
  },
);
