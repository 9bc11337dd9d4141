import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUserWithKey, type FixtureUser } from '../helpers/fixtures.js';
import { addOrganizationMember, addSpaceMember, createOrganization, createProject, createSpace, enc } from '../helpers/hierarchy.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

// Issue 9 §1: the console asks a page's permissions in one request, and the privilege ceiling is answered by the
// server instead of being re-implemented in a client.

let server: TestServer;
let userCount = 0;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

const user = (role: 'ADMIN' | 'MEMBER' = 'MEMBER'): Promise<FixtureUser> =>
  createUserWithKey(server, { email: `batch-user-${++userCount}@example.com`, name: `Batch User ${userCount}`, role });

async function hierarchy(name: string) {
  const orgId = await createOrganization(server, `${name}-org`);
  const spaceId = await createSpace(server, orgId, `${name}-space`);
  const projectId = await createProject(server, spaceId, `${name}-project`);
  return { orgId, spaceId, projectId };
}

describe('POST /v2/access/checks', () => {
  it('answers every question in order, each exactly as POST /v2/access/check answers it', async () => {
    const h = await hierarchy('batch');
    const member = await user();
    await addOrganizationMember(server, h.orgId, member.id, 'READ_ONLY');
    await addSpaceMember(server, h.spaceId, member.id, 'MEMBER');
    const checks = [
      { user_id: member.id, permission: 'SPACE_UPDATE', resource_id: h.spaceId },
      { user_id: member.id, permission: 'PROJECT_CREATE', resource_id: h.spaceId },
      { user_id: member.id, permission: 'DATASET_CREATE', resource_id: h.projectId },
      { user_id: member.id, permission: 'ORGANIZATION_UPDATE', resource_id: h.orgId },
    ];
    const res = await server.api('POST', '/v2/access/checks', { body: { checks }, key: member.key });
    expect(res.status).toBe(200);
    expect(res.body.results.map((r: { allowed: boolean }) => r.allowed)).toEqual([false, true, true, false]);
    for (const [i, question] of checks.entries()) {
      const single = await server.api('POST', '/v2/access/check', { body: question, key: member.key });
      expect(res.body.results[i]).toEqual(single.body);
    }
  });

  it('answers a question the caller may not ask in its place, so that the others still get their answer', async () => {
    const h = await hierarchy('refused');
    const other = await hierarchy('invisible');
    const member = await user();
    const stranger = await user();
    await addOrganizationMember(server, h.orgId, member.id, 'READ_ONLY');
    await addSpaceMember(server, h.spaceId, member.id, 'MEMBER');
    const res = await server.api('POST', '/v2/access/checks', {
      key: member.key,
      body: { checks: [
        { user_id: member.id, permission: 'PROJECT_CREATE', resource_id: h.spaceId },
        { user_id: member.id, permission: 'SPACE_READ', resource_id: other.spaceId },
        { user_id: stranger.id, permission: 'SPACE_READ', resource_id: h.spaceId },
      ] },
    });
    expect(res.status).toBe(200);
    expect(res.body.results[0].allowed).toBe(true);
    expect(res.body.results[0]).not.toHaveProperty('problem');
    expect(res.body.results[1]).toEqual({ allowed: false, reasons: [], problem: { status: 404, title: 'Not Found', code: 'NOT_FOUND', detail: 'space not found' } });
    expect(res.body.results[2]).toMatchObject({ allowed: false, reasons: [], problem: { status: 403, code: 'FORBIDDEN' } });
    // The same questions alone are refused with exactly these problems.
    const alone = await server.api('POST', '/v2/access/check', { key: member.key, body: { user_id: member.id, permission: 'SPACE_READ', resource_id: other.spaceId } });
    expect(alone.status).toBe(404);
    expect(alone.body).toMatchObject(res.body.results[1].problem);
  });

  it('refuses a malformed batch as a whole: an empty list, more than 100 questions, an unknown permission', async () => {
    const h = await hierarchy('malformed');
    const admin = (await server.api('GET', '/v2/me')).body.id as string;
    const question = { user_id: admin, permission: 'SPACE_READ', resource_id: h.spaceId };
    expect((await server.api('POST', '/v2/access/checks', { body: { checks: [] } })).status).toBe(400);
    expect((await server.api('POST', '/v2/access/checks', { body: { checks: Array(101).fill(question) } })).status).toBe(400);
    const unknown = await server.api('POST', '/v2/access/checks', { body: { checks: [question, { ...question, permission: 'NOPE' }] } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.code).toBe('INVALID_PERMISSION');
    expect((await server.api('POST', '/v2/access/checks', { body: { checks: [question], extra: 1 } })).status).toBe(400);
  });

  it('still answers the single form as before', async () => {
    const h = await hierarchy('single');
    const admin = (await server.api('GET', '/v2/me')).body.id as string;
    const res = await server.api('POST', '/v2/access/check', { body: { user_id: admin, permission: 'SPACE_UPDATE', resource_id: h.spaceId } });
    expect(res.status).toBe(200);
    expect(res.body.allowed).toBe(true);
  });
});

describe('GET /v2/access/grantable-roles', () => {
  const grantable = (resourceId: string, key?: string) =>
    server.api('GET', `/v2/access/grantable-roles?resource_id=${enc(resourceId)}`, key ? { key } : {});

  it('answers the privilege ceiling: only the roles whose every permission the caller holds there', async () => {
    const h = await hierarchy('ceiling');
    const member = await user();
    await addOrganizationMember(server, h.orgId, member.id, 'READ_ONLY');
    await addSpaceMember(server, h.spaceId, member.id, 'MEMBER');
    const onSpace = await grantable(h.spaceId, member.key);
    expect(onSpace.status).toBe(200);
    expect(onSpace.body).toEqual({ resource_id: h.spaceId, roles: ['MEMBER', 'READ_ONLY', 'ANNOTATOR'], account_roles: ['MEMBER'] });
    const onOrg = await grantable(h.orgId, member.key);
    expect(onOrg.body.roles).toEqual(['READ_ONLY', 'ANNOTATOR']);
    const onProject = await grantable(h.projectId, member.key);
    expect(onProject.body.roles).toEqual(['MEMBER', 'READ_ONLY', 'ANNOTATOR']);
  });

  it('gives an account admin every role and both service-key account roles', async () => {
    const h = await hierarchy('admin-ceiling');
    const res = await grantable(h.spaceId);
    expect(res.body).toEqual({ resource_id: h.spaceId, roles: ['ADMIN', 'MEMBER', 'READ_ONLY', 'ANNOTATOR'], account_roles: ['ADMIN', 'MEMBER'] });
  });

  it('agrees with what the server then accepts: a role it leaves out is refused as a grant there', async () => {
    const h = await hierarchy('agree');
    const spaceAdmin = await user();
    const target = await user();
    await addOrganizationMember(server, h.orgId, spaceAdmin.id, 'READ_ONLY');
    await addSpaceMember(server, h.spaceId, spaceAdmin.id, 'ADMIN');
    const { roles } = (await grantable(h.orgId, spaceAdmin.key)).body as { roles: string[] };
    expect(roles).not.toContain('ADMIN');
    const refused = await server.api('POST', `/v2/organizations/${enc(h.orgId)}/users`, {
      key: spaceAdmin.key, body: { user_id: target.id, role: { type: 'PREDEFINED', name: 'ADMIN' } },
    });
    expect(refused.status).toBe(403);
  });

  it('is a 404 on a resource the caller cannot see, and a 400 on an id that is not an organization, space or project', async () => {
    const h = await hierarchy('hidden');
    const outsider = await user();
    expect((await grantable(h.spaceId, outsider.key)).status).toBe(404);
    const me = (await server.api('GET', '/v2/me')).body.id as string;
    const res = await grantable(me);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('INVALID_ID');
  });
});
