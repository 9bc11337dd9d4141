import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeId } from '../../src/domain/ids.js';
import { createSecondAccount, createUserWithKey, type FixtureUser } from '../helpers/fixtures.js';
import {
  addOrganizationMember, addSpaceMember, createOrganization, createProject, createSpace, enc, insertRoleBinding, restrictProject,
} from '../helpers/hierarchy.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
let userCount = 0;
let sceneCount = 0;

beforeAll(async () => {
  server = await startTestServer({ testClock: true });
});
afterAll(async () => {
  await server?.close();
});

const user = (): Promise<FixtureUser> => createUserWithKey(server, { email: `restrictions-user-${++userCount}@example.com` });

/** An organization with one space and project, a space MEMBER and a space ADMIN (both READ_ONLY in the org). */
async function scene() {
  const n = ++sceneCount;
  const orgId = await createOrganization(server, `restrict-org-${n}`);
  const spaceId = await createSpace(server, orgId, 'space');
  const projectId = await createProject(server, spaceId, 'project');
  const member = await user();
  const spaceAdmin = await user();
  for (const [u, role] of [[member, 'MEMBER'], [spaceAdmin, 'ADMIN']] as const) {
    await addOrganizationMember(server, orgId, u.id, 'READ_ONLY');
    await addSpaceMember(server, spaceId, u.id, role);
  }
  return { orgId, spaceId, projectId, member, spaceAdmin };
}

const restrictionsOf = async (key?: string) => {
  const res = await server.api('GET', '/v2/resource-restrictions?limit=100', key ? { key } : {});
  expect(res.status).toBe(200);
  return res.body.resource_restrictions.map((r: { resource_id: string }) => r.resource_id) as string[];
};

describe('POST /v2/resource-restrictions', () => {
  it('restricts a project, answering 200 (not 201) with the record; again → 200 with the same record', async () => {
    const { projectId } = await scene();
    const first = await server.api('POST', '/v2/resource-restrictions', { body: { resource_id: projectId } });
    expect(first.status).toBe(200);
    expect(Object.keys(first.body).sort()).toEqual(['created_at', 'resource_id', 'resource_type']);
    expect(first.body).toMatchObject({ resource_id: projectId, resource_type: 'PROJECT' });
    expect(new Date(first.body.created_at).toISOString()).toBe(first.body.created_at);
    await server.advanceClock(1000);
    const again = await server.api('POST', '/v2/resource-restrictions', { body: { resource_id: projectId } });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
  });

  it('answers every one of concurrent duplicate restricts with the one record', async () => {
    const { projectId } = await scene();
    const results = await Promise.all(Array.from({ length: 6 }, () =>
      server.api('POST', '/v2/resource-restrictions', { body: { resource_id: projectId } })));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(new Set(results.map((r) => r.body.created_at)).size).toBe(1);
  });

  it('answers 400 naming resource_id for ids that are not project ids, 404 for unknown projects', async () => {
    const { orgId, spaceId } = await scene();
    for (const resourceId of [spaceId, orgId, encodeId('User', 1), 'garbage']) {
      const res = await server.api('POST', '/v2/resource-restrictions', { body: { resource_id: resourceId } });
      expect(res.status, resourceId).toBe(400);
      expect(res.body.detail).toContain('resource_id');
    }
    const missing = await server.api('POST', '/v2/resource-restrictions', { body: {} });
    expect(missing.status).toBe(400);
    expect(missing.body.detail).toContain('resource_id');
    const extra = await server.api('POST', '/v2/resource-restrictions', { body: { resource_id: encodeId('Project', 1), resource_type: 'PROJECT' } });
    expect(extra.status).toBe(400);
    expect(extra.body.detail).toContain('resource_type');
    const unknown = await server.api('POST', '/v2/resource-restrictions', { body: { resource_id: encodeId('Project', 999999) } });
    expect(unknown.status).toBe(404);
  });

  it('needs PROJECT_RESTRICT: a space MEMBER gets 403, a space ADMIN may restrict', async () => {
    const { projectId, member, spaceAdmin } = await scene();
    const denied = await server.api('POST', '/v2/resource-restrictions', { key: member.key, body: { resource_id: projectId } });
    expect(denied.status).toBe(403);
    expect(denied.body.detail).toContain('PROJECT_RESTRICT');
    const ok = await server.api('POST', '/v2/resource-restrictions', { key: spaceAdmin.key, body: { resource_id: projectId } });
    expect(ok.status).toBe(200);
  });

  it('answers 404 across accounts', async () => {
    const { projectId } = await scene();
    const other = await createSecondAccount(server, 'restrictions-b-post@tenant-b.example');
    expect((await server.api('POST', '/v2/resource-restrictions', { key: other.admin.key, body: { resource_id: projectId } })).status).toBe(404);
    expect((await server.api('DELETE', `/v2/resource-restrictions/${enc(projectId)}`, { key: other.admin.key })).status).toBe(404);
    expect(await restrictionsOf(other.admin.key)).toEqual([]);
  });
});

describe('restriction semantics', () => {
  it('takes data access from a space MEMBER at once; the space ADMIN still sees the project and lifts it', async () => {
    const { spaceId, projectId, member, spaceAdmin } = await scene();
    const path = `/v2/projects/${enc(projectId)}`;
    expect((await server.api('GET', path, { key: member.key })).status).toBe(200);

    await restrictProject(server, projectId);
    expect((await server.api('GET', path, { key: member.key })).status).toBe(404);
    expect((await server.api('GET', `/v2/projects?space_id=${enc(spaceId)}`, { key: member.key })).body.projects).toEqual([]);
    expect((await server.api('GET', path, { key: spaceAdmin.key })).status).toBe(200);
    expect(await restrictionsOf(spaceAdmin.key)).toContain(projectId);
    expect(await restrictionsOf(member.key)).not.toContain(projectId);
    // The member cannot even name the restricted project to lift its restriction.
    expect((await server.api('DELETE', `/v2/resource-restrictions/${enc(projectId)}`, { key: member.key })).status).toBe(404);

    const lifted = await server.api('DELETE', `/v2/resource-restrictions/${enc(projectId)}`, { key: spaceAdmin.key });
    expect(lifted.status).toBe(204);
    expect(lifted.body).toBeUndefined();
    expect((await server.api('GET', path, { key: member.key })).status).toBe(200);
    expect(await restrictionsOf()).not.toContain(projectId);
  });

  it('lets a PROJECT binding restore access to a restricted project', async () => {
    const { projectId, member } = await scene();
    await restrictProject(server, projectId);
    expect((await server.api('GET', `/v2/projects/${enc(projectId)}`, { key: member.key })).status).toBe(404);
    await insertRoleBinding(server, member.id, 'READ_ONLY', { type: 'PROJECT', id: projectId });
    expect((await server.api('GET', `/v2/projects/${enc(projectId)}`, { key: member.key })).status).toBe(200);
    expect(await restrictionsOf(member.key)).toContain(projectId);
    // READ_ONLY on the project reads it but may not lift its restriction.
    const denied = await server.api('DELETE', `/v2/resource-restrictions/${enc(projectId)}`, { key: member.key });
    expect(denied.status).toBe(403);
    expect(denied.body.detail).toContain('PROJECT_RESTRICT');
  });

  it('keeps an organization ADMIN\'s management rights on a restricted project in a private space', async () => {
    const orgId = await createOrganization(server, 'restrict-org-admin');
    const spaceId = await createSpace(server, orgId, 'private', { isPrivate: true });
    const projectId = await createProject(server, spaceId, 'p');
    const orgAdmin = await user();
    await addOrganizationMember(server, orgId, orgAdmin.id, 'ADMIN');
    expect((await server.api('POST', '/v2/resource-restrictions', { key: orgAdmin.key, body: { resource_id: projectId } })).status).toBe(200);
    expect((await server.api('GET', `/v2/projects/${enc(projectId)}`, { key: orgAdmin.key })).status).toBe(200);
    expect((await server.api('DELETE', `/v2/resource-restrictions/${enc(projectId)}`, { key: orgAdmin.key })).status).toBe(204);
  });
});

describe('DELETE /v2/resource-restrictions/{resource_id}', () => {
  it('answers 404 when the project is not restricted, 400 for ids that are not project ids', async () => {
    const { spaceId, projectId } = await scene();
    const notRestricted = await server.api('DELETE', `/v2/resource-restrictions/${enc(projectId)}`);
    expect(notRestricted.status).toBe(404);
    expect(notRestricted.body.detail).toContain('restriction');
    await restrictProject(server, projectId);
    expect((await server.api('DELETE', `/v2/resource-restrictions/${enc(projectId)}`)).status).toBe(204);
    expect((await server.api('DELETE', `/v2/resource-restrictions/${enc(projectId)}`)).status).toBe(404);
    const bad = await server.api('DELETE', `/v2/resource-restrictions/${enc(spaceId)}`);
    expect(bad.status).toBe(400);
    expect(bad.body.detail).toContain('resource_id');
    expect((await server.api('DELETE', `/v2/resource-restrictions/${enc(encodeId('Project', 999999))}`)).status).toBe(404);
  });
});

describe('GET /v2/resource-restrictions', () => {
  it('accepts resource_type=PROJECT and rejects any other type with 400 naming it', async () => {
    expect((await server.api('GET', '/v2/resource-restrictions?resource_type=PROJECT')).status).toBe(200);
    for (const type of ['SPACE', 'project', '']) {
      const res = await server.api('GET', `/v2/resource-restrictions?resource_type=${type}`);
      expect(res.status, type).toBe(400);
      expect(res.body.detail).toContain('resource_type');
    }
  });

  it('pages through more restrictions than the limit, for the admin and for a space admin', async () => {
    const { spaceId, spaceAdmin } = await scene();
    const restricted: string[] = [];
    for (let i = 0; i < 5; i++) {
      const projectId = await createProject(server, spaceId, `paged-${i}`);
      await restrictProject(server, projectId);
      restricted.push(projectId);
    }
    const collect = async (key?: string) => {
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let pages = 0; pages < 50; pages++) {
        const res = await server.api('GET', `/v2/resource-restrictions?resource_type=PROJECT&limit=2${cursor ? `&cursor=${enc(cursor)}` : ''}`, key ? { key } : {});
        expect(res.status).toBe(200);
        expect(res.body.resource_restrictions.length).toBeLessThanOrEqual(2);
        for (const r of res.body.resource_restrictions) expect(r.resource_type).toBe('PROJECT');
        seen.push(...res.body.resource_restrictions.map((r: { resource_id: string }) => r.resource_id));
        if (!res.body.pagination.has_more) {
          expect(res.body.pagination).toEqual({ has_more: false });
          return seen;
        }
        cursor = res.body.pagination.next_cursor;
      }
      throw new Error('pagination did not end');
    };
    const all = await collect();
    expect(all.filter((id) => restricted.includes(id))).toEqual(restricted);
    expect(await collect(spaceAdmin.key)).toEqual(restricted);
    expect((await server.api('GET', '/v2/resource-restrictions?cursor=abc.def')).status).toBe(400);
  });
});
