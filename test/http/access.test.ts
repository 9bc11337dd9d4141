import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeId, parseId } from '../../src/domain/ids.js';
import { PREDEFINED_ROLES } from '../../src/domain/predefined-roles.js';
import { createSecondAccount, createUserWithKey, type FixtureUser } from '../helpers/fixtures.js';
import {
  addOrganizationMember, addSpaceMember, createOrganization, createProject, createSpace, enc, restrictProject,
} from '../helpers/hierarchy.js';
import { startTestServer, type TestServer, type Json } from '../helpers/server.js';

let server: TestServer;
let userCount = 0;
let adminId: string;
/** Wire ids of the predefined roles, by key. */
const predefined: Record<string, string> = {};

beforeAll(async () => {
  server = await startTestServer();
  adminId = (await server.api('GET', '/v2/me')).body.id;
  for (const r of (await server.api('GET', '/v2/roles?is_predefined=true')).body.roles) {
    predefined[Object.values(PREDEFINED_ROLES).find((p) => p.name === r.name)!.key] = r.id;
  }
});
afterAll(async () => {
  await server?.close();
});

const user = (role: 'ADMIN' | 'MEMBER' | 'ANNOTATOR' = 'MEMBER'): Promise<FixtureUser> =>
  createUserWithKey(server, { email: `access-user-${++userCount}@example.com`, name: `Access User ${userCount}`, role });
const dbId = (id: string) => parseId(id)!.n;

function check(body: Record<string, unknown>, key?: string) {
  return server.api('POST', '/v2/access/check', { body, ...(key ? { key } : {}) });
}

async function hierarchy(name: string) {
  const orgId = await createOrganization(server, `${name}-org`);
  const spaceId = await createSpace(server, orgId, `${name}-space`);
  const projectId = await createProject(server, spaceId, `${name}-project`);
  return { orgId, spaceId, projectId };
}

describe('POST /v2/access/check', () => {
  it('allows through a space membership and says so: source, role, resource where the grant sits', async () => {
    const h = await hierarchy('allow');
    const member = await user();
    await addOrganizationMember(server, h.orgId, member.id, 'READ_ONLY');
    await addSpaceMember(server, h.spaceId, member.id, 'MEMBER');
    const res = await check({ user_id: member.id, permission: 'DATASET_CREATE', resource_id: h.projectId });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.body.allowed).toBe(true);
    expect(res.body.reasons).toHaveLength(1);
    const [reason] = res.body.reasons;
    expect(Object.keys(reason).sort()).toEqual(['effect', 'grant_source', 'resource_id', 'resource_type', 'role_id', 'role_name', 'source', 'text']);
    expect(reason).toMatchObject({
      effect: 'ALLOW', source: 'SPACE_MEMBERSHIP', grant_source: 'MANUAL', role_id: predefined.MEMBER, role_name: 'Member',
      resource_type: 'SPACE', resource_id: h.spaceId,
    });
    expect(reason.text).toContain('space membership MEMBER');
    expect(reason.text).toContain('allow-space');
  });

  it('denies with a reason when nothing grants the permission', async () => {
    const h = await hierarchy('deny');
    const reader = await user();
    await addOrganizationMember(server, h.orgId, reader.id, 'READ_ONLY');
    await addSpaceMember(server, h.spaceId, reader.id, 'READ_ONLY');
    const res = await check({ user_id: reader.id, permission: 'DATASET_CREATE', resource_id: h.spaceId });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      allowed: false,
      reasons: [{ effect: 'DENY', source: 'NONE', text: expect.stringContaining('DATASET_CREATE'), resource_type: 'SPACE', resource_id: h.spaceId }],
    });
  });

  it('explains a restricted project: the restriction denies, the cut grant is named, a PROJECT binding allows', async () => {
    const h = await hierarchy('restricted');
    await restrictProject(server, h.projectId);
    const member = await user();
    await addOrganizationMember(server, h.orgId, member.id, 'READ_ONLY');
    await addSpaceMember(server, h.spaceId, member.id, 'MEMBER');
    const denied = await check({ user_id: member.id, permission: 'PROJECT_SPAN_READ', resource_id: h.projectId });
    expect(denied.status).toBe(200);
    expect(denied.body.allowed).toBe(false);
    const restriction = denied.body.reasons.find((r: Json) => r.source === 'RESTRICTION');
    expect(restriction).toMatchObject({ effect: 'DENY', resource_type: 'PROJECT', resource_id: h.projectId });
    expect(restriction.text).toContain('restricted');
    expect(restriction.text).toContain('PROJECT_SPAN_READ');
    const cut = denied.body.reasons.find((r: Json) => r.source === 'SPACE_MEMBERSHIP');
    expect(cut).toMatchObject({ effect: 'DENY', role_name: 'Member', resource_type: 'SPACE', resource_id: h.spaceId });
    expect(cut.text).toContain('does not reach restricted');

    const binding = await server.api('POST', '/v2/role-bindings', {
      body: { user_id: member.id, role_id: predefined.READ_ONLY, resource_type: 'PROJECT', resource_id: h.projectId },
    });
    expect(binding.status).toBe(201);
    const allowed = await check({ user_id: member.id, permission: 'PROJECT_SPAN_READ', resource_id: h.projectId });
    expect(allowed.body.allowed).toBe(true);
    expect(allowed.body.reasons).toEqual([expect.objectContaining({
      effect: 'ALLOW', source: 'PROJECT_BINDING', role_id: predefined.READ_ONLY, binding_id: binding.body.id,
      resource_type: 'PROJECT', resource_id: h.projectId,
    })]);
  });

  it('names the account role for account admins, with the account id as resource', async () => {
    const h = await hierarchy('account-admin');
    const res = await check({ user_id: adminId, permission: 'PROJECT_DELETE', resource_id: h.projectId });
    expect(res.body.allowed).toBe(true);
    expect(res.body.reasons).toEqual([{
      effect: 'ALLOW', source: 'ACCOUNT_ROLE', role_name: 'ADMIN', text: 'account role ADMIN', resource_type: 'ACCOUNT',
      resource_id: encodeId('Account', 1), grant_source: 'MANUAL',
    }]);
  });

  it('lets anyone ask about themselves on what they can see, and only account admins about others (403)', async () => {
    const h = await hierarchy('who-asks');
    const member = await user();
    await addOrganizationMember(server, h.orgId, member.id, 'MEMBER');
    const self = await check({ user_id: member.id, permission: 'SPACE_CREATE', resource_id: h.orgId }, member.key);
    expect(self.status).toBe(200);
    expect(self.body.allowed).toBe(true);
    expect(self.body.reasons[0]).toMatchObject({ source: 'ORGANIZATION_MEMBERSHIP', resource_type: 'ORGANIZATION', resource_id: h.orgId });
    const other = await check({ user_id: adminId, permission: 'SPACE_CREATE', resource_id: h.orgId }, member.key);
    expect(other.status).toBe(403);
    expect(other.body.detail).toContain('account admin required');
    const orgAdmin = await user();
    await addOrganizationMember(server, h.orgId, orgAdmin.id, 'ADMIN');
    expect((await check({ user_id: member.id, permission: 'SPACE_CREATE', resource_id: h.orgId }, orgAdmin.key)).status).toBe(403);
    // Not even the existence of another organization leaks through a self check.
    const hidden = await hierarchy('who-asks-hidden');
    expect((await check({ user_id: member.id, permission: 'SPACE_READ', resource_id: hidden.spaceId }, member.key)).status).toBe(404);
  });

  it('hides a restricted project from a self check by a space member (404), but explains it to an account admin', async () => {
    const h = await hierarchy('restricted-self');
    await restrictProject(server, h.projectId);
    const member = await user();
    await addOrganizationMember(server, h.orgId, member.id, 'READ_ONLY');
    await addSpaceMember(server, h.spaceId, member.id, 'MEMBER');
    expect((await check({ user_id: member.id, permission: 'PROJECT_READ', resource_id: h.projectId }, member.key)).status).toBe(404);
    const byAdmin = await check({ user_id: member.id, permission: 'PROJECT_READ', resource_id: h.projectId });
    expect(byAdmin.status).toBe(200);
    expect(byAdmin.body.allowed).toBe(false);
  });

  it('answers 400 for an unknown permission (naming it), a resource id of another type and malformed bodies', async () => {
    const h = await hierarchy('bad');
    const good = { user_id: adminId, permission: 'PROJECT_READ', resource_id: h.projectId };
    const unknown = await check({ ...good, permission: 'PROJECT_TELEPORT' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.title).toBe('invalid permission');
    expect(unknown.body.detail).toContain('PROJECT_TELEPORT');
    const cases: [Record<string, unknown>, string][] = [
      [{ ...good, resource_id: adminId }, 'resource_id'],
      [{ ...good, resource_id: predefined.ADMIN }, 'resource_id'],
      [{ ...good, resource_id: encodeId('Account', 1) }, 'resource_id'],
      [{ ...good, resource_id: 'nope' }, 'resource_id'],
      [{ ...good, user_id: h.spaceId }, 'user_id'],
      [{ ...good, user_id: undefined }, 'user_id'],
      [{ ...good, permission: undefined }, 'permission'],
      [{ ...good, resource_id: undefined }, 'resource_id'],
      [{ ...good, extra: 1 }, 'extra'],
    ];
    for (const [body, field] of cases) {
      const res = await check(JSON.parse(JSON.stringify(body)));
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.detail, JSON.stringify(body)).toContain(field);
    }
  });

  it('answers 404 for unknown and foreign users and resources', async () => {
    const h = await hierarchy('missing');
    const other = await createSecondAccount(server, 'access-b-check@tenant-b.example');
    const foreignOrg = await server.api('POST', '/v2/organizations', { key: other.admin.key, body: { name: 'foreign' } });
    const cases = [
      { user_id: encodeId('User', 999999), resource_id: h.orgId },
      { user_id: other.admin.id, resource_id: h.orgId },
      { user_id: adminId, resource_id: encodeId('Project', 999999) },
      { user_id: adminId, resource_id: foreignOrg.body.id },
    ];
    for (const c of cases) {
      expect((await check({ ...c, permission: 'ORGANIZATION_READ' })).status, JSON.stringify(c)).toBe(404);
    }
    // Tenant B's admin cannot ask about tenant A's users or resources either.
    expect((await check({ user_id: other.admin.id, permission: 'ORGANIZATION_READ', resource_id: h.orgId }, other.admin.key)).status).toBe(404);
    expect((await check({ user_id: adminId, permission: 'ORGANIZATION_READ', resource_id: foreignOrg.body.id }, other.admin.key)).status).toBe(404);
  });

  it('writes no audit row (it changes nothing)', async () => {
    const h = await hierarchy('no-audit');
    const before = await server.context!.store.db.selectFrom('audit_logs').select('id').execute();
    expect((await check({ user_id: adminId, permission: 'PROJECT_READ', resource_id: h.projectId })).status).toBe(200);
    const after = await server.context!.store.db.selectFrom('audit_logs').select('id').execute();
    expect(after).toHaveLength(before.length);
  });
});

describe('GET /v2/access/principals', () => {
  it('lists who holds what on a space, and why, ascending by user', async () => {
    const h = await hierarchy('who');
    const member = await user();
    await addOrganizationMember(server, h.orgId, member.id, 'READ_ONLY');
    await addSpaceMember(server, h.spaceId, member.id, 'MEMBER');
    const bound = await user();
    const role = await server.api('POST', '/v2/roles', { body: { name: 'who-custom', permissions: ['PROJECT_READ', 'TAG_READ'] } });
    const binding = await server.api('POST', '/v2/role-bindings', {
      body: { user_id: bound.id, role_id: role.body.id, resource_type: 'SPACE', resource_id: h.spaceId },
    });
    expect(binding.status).toBe(201);
    const outsider = await user();
    const res = await server.api('GET', `/v2/access/principals?resource_id=${enc(h.spaceId)}`);
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(['principals']);
    const ids = res.body.principals.map((p: Json) => p.user_id);
    expect(ids).toEqual([...ids].sort((a: string, b: string) => dbId(a) - dbId(b)));
    expect(ids).toContain(adminId);
    expect(ids).not.toContain(outsider.id);
    const byId = new Map(res.body.principals.map((p: Json) => [p.user_id, p]));
    const m: Json = byId.get(member.id);
    expect(Object.keys(m).sort()).toEqual(['grants', 'is_bot', 'permissions', 'user', 'user_id']);
    expect(m.user).toEqual({ name: `Access User ${userCount - 2}`, email: member.email });
    expect(m.is_bot).toBe(false);
    expect(m.permissions).toEqual(expect.arrayContaining(['DATASET_CREATE', 'SPACE_READ']));
    expect(m.permissions).not.toContain('SPACE_DELETE');
    expect(m.grants).toEqual(expect.arrayContaining([
      expect.objectContaining({ effect: 'ALLOW', source: 'SPACE_MEMBERSHIP', role_name: 'Member', resource_type: 'SPACE', resource_id: h.spaceId }),
      expect.objectContaining({ effect: 'ALLOW', source: 'ORGANIZATION_MEMBERSHIP', role_name: 'Read Only', resource_type: 'ORGANIZATION', resource_id: h.orgId }),
    ]));
    const b: Json = byId.get(bound.id);
    expect(b.permissions).toEqual(['PROJECT_READ', 'TAG_READ']);
    expect(b.grants).toEqual([expect.objectContaining({
      effect: 'ALLOW', source: 'SPACE_BINDING', role_id: role.body.id, role_name: 'who-custom', binding_id: binding.body.id,
      resource_type: 'SPACE', resource_id: h.spaceId,
    })]);
    const admin: Json = byId.get(adminId);
    expect(admin.grants).toEqual([expect.objectContaining({ source: 'ACCOUNT_ROLE', resource_type: 'ACCOUNT' })]);
  });

  it('leaves space members out of a restricted project and lists its PROJECT bindings', async () => {
    const h = await hierarchy('who-restricted');
    await restrictProject(server, h.projectId);
    const member = await user();
    await addOrganizationMember(server, h.orgId, member.id, 'READ_ONLY');
    await addSpaceMember(server, h.spaceId, member.id, 'MEMBER');
    const bound = await user();
    await server.api('POST', '/v2/role-bindings', {
      body: { user_id: bound.id, role_id: predefined.READ_ONLY, resource_type: 'PROJECT', resource_id: h.projectId },
    });
    const res = await server.api('GET', `/v2/access/principals?resource_id=${enc(h.projectId)}`);
    expect(res.status).toBe(200);
    const ids = res.body.principals.map((p: Json) => p.user_id);
    expect(ids).toContain(bound.id);
    expect(ids).not.toContain(member.id);
  });

  it('needs ROLE_BINDING_READ on the resource (403) or account admin; 404 when invisible', async () => {
    const h = await hierarchy('who-perm');
    const path = `/v2/access/principals?resource_id=${enc(h.spaceId)}`;
    const spaceAdmin = await user();
    await addOrganizationMember(server, h.orgId, spaceAdmin.id, 'READ_ONLY');
    await addSpaceMember(server, h.spaceId, spaceAdmin.id, 'ADMIN');
    expect((await server.api('GET', path, { key: spaceAdmin.key })).status).toBe(200);
    const orgReader = await user();
    await addOrganizationMember(server, h.orgId, orgReader.id, 'READ_ONLY');
    const denied = await server.api('GET', path, { key: orgReader.key });
    expect(denied.status).toBe(403);
    expect(denied.body.detail).toContain('ROLE_BINDING_READ');
    const outsider = await user();
    expect((await server.api('GET', path, { key: outsider.key })).status).toBe(404);
    const other = await createSecondAccount(server, 'access-b-who@tenant-b.example');
    expect((await server.api('GET', path, { key: other.admin.key })).status).toBe(404);
  });

  it('drops bots whose every key is revoked or expired, also from a snapshot built before the expiry; check agrees (issue 8)', async () => {
    const h = await hierarchy('who-bots');
    const serviceKey = async (name: string, extra: Record<string, unknown> = {}) => {
      const res = await server.api('POST', '/v2/api-keys', {
        body: { key_type: 'SERVICE', name, organizations: [{ org_id: h.orgId, spaces: [{ space_id: h.spaceId }] }], ...extra },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return { keyId: res.body.id as string, botId: res.body.bot_user.id as string };
    };
    const expiring = await serviceKey('who-bots-expiring', { expires_at: new Date(Date.now() + 3_600_000).toISOString() });
    const rotated = await serviceKey('who-bots-rotated');
    const lasting = await serviceKey('who-bots-lasting');
    // Refreshed with a grace period, then the new key revoked: only the old key, until its grace ends, still works.
    const refreshed = await server.api('POST', `/v2/api-keys/${enc(rotated.keyId)}/refresh`, { body: { grace_period_seconds: 3600 } });
    expect(refreshed.status).toBe(200);
    expect((await server.api('PUT', `/v2/api-keys/${enc(refreshed.body.id)}/revoke`)).status).toBe(204);

    const path = `/v2/access/principals?resource_id=${enc(h.spaceId)}`;
    const listed = async () => (await server.api('GET', path)).body.principals.map((p: Json) => p.user_id);
    expect(await listed()).toEqual(expect.arrayContaining([expiring.botId, rotated.botId, lasting.botId]));

    // Time passes: both remaining keys lapse. Nothing is written through the API, so the cached snapshot stays.
    const lapsed = new Date(Date.now() - 1000).toISOString();
    await server.context!.store.db.updateTable('api_keys').set({ expires_at: lapsed })
      .where('id', 'in', [dbId(expiring.keyId), dbId(rotated.keyId)]).execute();

    const now = await listed();
    expect(now).not.toContain(expiring.botId);
    expect(now).not.toContain(rotated.botId);
    expect(now).toContain(lasting.botId);
    for (const bot of [expiring, rotated]) {
      const res = await check({ user_id: bot.botId, permission: 'SPACE_READ', resource_id: h.spaceId });
      expect(res.status).toBe(200);
      expect(res.body.allowed).toBe(false);
      expect(res.body.reasons).toEqual([expect.objectContaining({ effect: 'DENY', source: 'NONE', text: expect.stringContaining('no working API key') })]);
    }
    expect((await check({ user_id: lasting.botId, permission: 'SPACE_READ', resource_id: h.spaceId })).body.allowed).toBe(true);
  });

  it('answers 400 for a missing or wrong-typed resource_id, 404 for an unknown one', async () => {
    for (const query of ['', `resource_id=${enc(adminId)}`, 'resource_id=nope', `resource_id=${enc(encodeId('Account', 1))}`]) {
      const res = await server.api('GET', `/v2/access/principals?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.detail, query).toContain('resource_id');
    }
    expect((await server.api('GET', `/v2/access/principals?resource_id=${enc(encodeId('Space', 999999))}`)).status).toBe(404);
  });
});
