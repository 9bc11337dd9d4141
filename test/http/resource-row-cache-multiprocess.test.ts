import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackend } from '../helpers/database.js';
import { type ProcessPair, startProcessPair } from '../helpers/server-process.js';

/**
 * Issue 13: `GET /v2/{organizations|spaces|projects}/{id}` answers from rows each process keeps until the change feed
 * says their account changed. A rename or delete on process A must show on process B — which has already served
 * (and kept) the old row — within the change feed's second, never be kept for good.
 */
const ADMIN_KEY = `ak-rows-mp-admin-${Math.random().toString(36).slice(2)}`;
const DEADLINE_MS = 1000;

async function api(url: string, method: string, path: string, body?: unknown) {
  const res = await fetch(url + path, {
    method, headers: { authorization: `Bearer ${ADMIN_KEY}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) as Record<string, unknown> : undefined };
}

/** Polls `GET path` on `url` until `done` holds of the answer; the milliseconds it took. */
async function msUntil(url: string, path: string, done: (res: { status: number; body?: Record<string, unknown> }) => boolean): Promise<number> {
  const since = performance.now();
  for (;;) {
    const elapsed = performance.now() - since;
    if (done(await api(url, 'GET', path)) || elapsed > 5000) return elapsed;
  }
}

describe.skipIf(testBackend !== 'postgres')(
  'rows kept by a second server process follow changes made on the first (runs with AX_TEST_DB=postgres; skipped on SQLite, where one process owns the file)',
  () => {
    let pair: ProcessPair;
    beforeAll(async () => { pair = await startProcessPair({ adminKey: ADMIN_KEY }); });
    afterAll(async () => { await pair?.stop(); });

    it('a renamed organization, space and project, then a deleted project, show on B within a second', async () => {
      const { a, b } = pair;
      const org = (await api(a.url, 'POST', '/v2/organizations', { name: 'rows-org' })).body!.id as string;
      const space = (await api(a.url, 'POST', '/v2/spaces', { name: 'rows-space', organization_id: org })).body!.id as string;
      const project = (await api(a.url, 'POST', '/v2/projects', { name: 'rows-project', space_id: space })).body!.id as string;
      const paths = { org: `/v2/organizations/${encodeURIComponent(org)}`, space: `/v2/spaces/${encodeURIComponent(space)}`, project: `/v2/projects/${encodeURIComponent(project)}` };
      // B reads (and keeps) each row first.
      for (const path of Object.values(paths)) expect((await api(b.url, 'GET', path)).status).toBe(200);

      expect((await api(a.url, 'PATCH', paths.org, { name: 'rows-org-renamed' })).status).toBe(200);
      expect(await msUntil(b.url, paths.org, (r) => r.body?.name === 'rows-org-renamed')).toBeLessThan(DEADLINE_MS);
      expect((await api(a.url, 'PATCH', paths.space, { name: 'rows-space-renamed' })).status).toBe(200);
      expect(await msUntil(b.url, paths.space, (r) => r.body?.name === 'rows-space-renamed')).toBeLessThan(DEADLINE_MS);
      expect((await api(a.url, 'PATCH', paths.project, { name: 'rows-project-renamed' })).status).toBe(200);
      expect(await msUntil(b.url, paths.project, (r) => r.body?.name === 'rows-project-renamed')).toBeLessThan(DEADLINE_MS);

      expect((await api(a.url, 'DELETE', paths.project)).status).toBe(204);
      expect(await msUntil(b.url, paths.project, (r) => r.status === 404)).toBeLessThan(DEADLINE_MS);
    });
  },
);
