import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackend } from '../helpers/database.js';
import { createUserWithKey } from '../helpers/fixtures.js';
import { callProcess, type ProcessPair, snapshotBuildsOf, startProcessPair } from '../helpers/server-process.js';
import type { TestServer } from '../helpers/server.js';
import { serverCountingSnapshotBuilds } from '../helpers/snapshot-builds.js';

/**
 * A role binding's removal patches the loaded access snapshot and moves it to the access version the removal
 * raised the account to: the change takes effect at once, and neither the next request nor the next grant
 * (which compares its snapshot's version with the database's) rebuilds the snapshot.
 */
const enc = encodeURIComponent;
const ADMIN_KEY = `ak-revoke-mp-admin-${Math.random().toString(36).slice(2)}`;

describe('a role binding removal in the process that makes it', () => {
  const counting = serverCountingSnapshotBuilds();
  let server: TestServer;
  const builds = counting.builds;
  beforeAll(() => { server = counting.server(); });

  it('takes effect at once and leaves the snapshot current for the next grant', async () => {
    const org = (await server.api('POST', '/v2/organizations', { body: { name: 'revoke-org' } })).body;
    const space = (await server.api('POST', '/v2/spaces', { body: { name: 'revoke-space', organization_id: org.id } })).body;
    const other = (await server.api('POST', '/v2/spaces', { body: { name: 'revoke-other', organization_id: org.id } })).body;
    const user = await createUserWithKey(server, { email: 'revoked@example.com' });
    const roles = (await server.api('GET', '/v2/roles?is_predefined=true')).body.roles as { id: string; name: string }[];
    const member = roles.find((r) => r.name === 'Member')!.id;
    const bind = (spaceId: string) => server.api('POST', '/v2/role-bindings', { body: { user_id: user.id, role_id: member, resource_type: 'SPACE', resource_id: spaceId } });
    const read = async (spaceId: string) => (await server.api('GET', `/v2/spaces/${enc(spaceId)}`, { key: user.key })).status;

    const binding = (await bind(space.id)).body;
    expect(await read(space.id)).toBe(200);
    const before = builds();

    expect((await server.api('DELETE', `/v2/role-bindings/${enc(binding.id)}`)).status).toBe(204);
    expect(await read(space.id)).toBe(404);
    expect((await bind(other.id)).status).toBe(201);
    expect(await read(other.id)).toBe(200);
    expect(await read(space.id)).toBe(404);
    expect(builds()).toBe(before);
  });
});

const api = (url: string, method: string, path: string, options: { key?: string; body?: unknown } = {}) =>
  callProcess(url, options.key ?? ADMIN_KEY, method, path, options.body);

describe.skipIf(testBackend !== 'postgres')(
  'a role binding removal seen by another process (runs with AX_TEST_DB=postgres; skipped on SQLite, where one process owns the file)',
  () => {
    let pair: ProcessPair;
    beforeAll(async () => { pair = await startProcessPair({ adminKey: ADMIN_KEY }); });
    afterAll(async () => { await pair?.stop(); });

    it('takes effect there through the change feed, patched rather than rebuilt', async () => {
      const { a, b } = pair;
      const org = (await api(a.url, 'POST', '/v2/organizations', { body: { name: 'revoke-mp-org' } })).body!.id as string;
      const space = (await api(a.url, 'POST', '/v2/spaces', { body: { name: 'revoke-mp-space', organization_id: org } })).body!.id as string;
      const user = await pair.insertUserWithKey('revoke-mp@example.com');
      const roles = (await api(a.url, 'GET', '/v2/roles?is_predefined=true')).body!.roles as { id: string; name: string }[];
      const member = roles.find((r) => r.name === 'Member')!.id;
      const created = await api(a.url, 'POST', '/v2/role-bindings', { body: { user_id: user.id, role_id: member, resource_type: 'SPACE', resource_id: space } });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const read = async (url: string) => (await api(url, 'GET', `/v2/spaces/${enc(space)}`, { key: user.key })).status;
      for (let i = 0; i < 50 && (await read(b.url)) !== 200; i++) await read(a.url);
      expect(await read(b.url)).toBe(200);
      const before = await snapshotBuildsOf(b.url);

      expect((await api(a.url, 'DELETE', `/v2/role-bindings/${enc(created.body!.id as string)}`)).status).toBe(204);
      expect(await read(a.url)).toBe(404);
      let status = 200;
      for (let i = 0; i < 100 && status !== 404; i++) status = await read(b.url);
      expect(status).toBe(404);
      expect(await snapshotBuildsOf(b.url)).toBe(before);
    });
  },
);
