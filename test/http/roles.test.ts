import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeId, parseId } from '../../src/domain/ids.js';
import { PERMISSIONS } from '../../src/domain/permissions.js';
import { PREDEFINED_ROLES } from '../../src/domain/predefined-roles.js';
import { createSecondAccount, createUserWithKey, type FixtureUser } from '../helpers/fixtures.js';
import {
  addOrganizationMember, addSpaceMember, createOrganization, createProject, createSpace, enc,
} from '../helpers/hierarchy.js';
import { startTestServer, type TestServer, type Json } from '../helpers/server.js';

let server: TestServer;
let userCount = 0;

beforeAll(async () => {
  server = await startTestServer({ testClock: true });
});
afterAll(async () => {
  await server?.close();
});

const db = () => server.context!.store.db;
const user = (role: 'ADMIN' | 'MEMBER' | 'ANNOTATOR' = 'MEMBER'): Promise<FixtureUser> =>
  createUserWithKey(server, { email: `roles-user-${++userCount}@example.com`, role });
const dbId = (id: string) => parseId(id)!.n;

async function createRole(name: string, permissions: string[], extra: Record<string, unknown> = {}): Promise<Json> {
  const res = await server.api('POST', '/v2/roles', { body: { name, permissions, ...extra } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

async function allRoles(query: string, key?: string): Promise<Json[]> {
  const roles: Json[] = [];
  let cursor: string | undefined;
  do {
    const res = await server.api('GET', `/v2/roles?${query}&limit=2${cursor ? `&cursor=${enc(cursor)}` : ''}`, key ? { key } : {});
    expect(res.status).toBe(200);
    roles.push(...res.body.roles);
    cursor = res.body.pagination.next_cursor;
    expect(res.body.pagination.has_more).toBe(cursor !== undefined);
  } while (cursor);
  return roles;
}

async function bindingCount(roleId: string): Promise<number> {
  return (await db().selectFrom('role_bindings').select('id').where('role_id', '=', dbId(roleId)).execute()).length;
}

async function check(userId: string, permission: string, resourceId: string): Promise<boolean> {
  const res = await server.api('POST', '/v2/access/check', { body: { user_id: userId, permission, resource_id: resourceId } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.allowed;
}

describe('GET /v2/roles', () => {
  it('publishes the predefined roles from the one table to any user of the account', async () => {
    const annotator = await user('ANNOTATOR');
    const roles = await allRoles('is_predefined=true', annotator.key);
    expect(roles.map((r) => r.name)).toEqual(['Admin', 'Member', 'Read Only', 'Annotator']);
    for (const role of roles) {
      const key = (Object.keys(PREDEFINED_ROLES) as (keyof typeof PREDEFINED_ROLES)[]).find((k) => PREDEFINED_ROLES[k].name === role.name)!;
      expect(role.permissions).toEqual([...PREDEFINED_ROLES[key].permissions]);
      expect(role.is_predefined).toBe(true);
      expect(role.description).toBe(PREDEFINED_ROLES[key].description);
      expect(Object.keys(role).sort()).toEqual(['created_at', 'description', 'id', 'is_predefined', 'name', 'permissions', 'updated_at']);
      expect(Buffer.from(role.id, 'base64').toString()).toMatch(/^Role:\d+$/);
    }
    expect(roles.find((r) => r.name === 'Read Only').permissions.every((p: string) => p.endsWith('_READ'))).toBe(true);
  });

  it('filters by is_predefined: false = custom only, absent = both', async () => {
    const custom = await createRole('list-filter-custom', ['PROJECT_READ']);
    const customOnly = await allRoles('is_predefined=false');
    expect(customOnly.map((r) => r.id)).toContain(custom.id);
    expect(customOnly.every((r) => r.is_predefined === false)).toBe(true);
    const both = await allRoles('');
    expect(both.map((r) => r.name)).toEqual(expect.arrayContaining(['Admin', 'Member', 'Read Only', 'Annotator', 'list-filter-custom']));
    expect(both).toHaveLength(customOnly.length + 4);
    const member = await user();
    expect((await allRoles('', member.key)).map((r) => r.id)).toEqual(both.map((r) => r.id));
  });

  it('answers 400 naming the parameter for a bad is_predefined, limit or cursor', async () => {
    for (const query of ['is_predefined=yes', 'is_predefined=', 'limit=0', 'limit=101', 'limit=x', 'cursor=forged', 'unknown=1']) {
      const res = await server.api('GET', `/v2/roles?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(res.body.detail ?? res.body.title, query).toMatch(/is_predefined|limit|cursor|unknown/);
    }
    const orgs = await server.api('POST', '/v2/organizations', { body: { name: 'roles-cursor-org-1' } });
    await server.api('POST', '/v2/organizations', { body: { name: 'roles-cursor-org-2' } });
    expect(orgs.status).toBe(201);
    const orgPage = await server.api('GET', '/v2/organizations?limit=1');
    const foreign = await server.api('GET', `/v2/roles?cursor=${enc(orgPage.body.pagination.next_cursor)}`);
    expect(foreign.status).toBe(400);
    expect(foreign.body.title).toBe('Invalid cursor');
  });
});

describe('POST /v2/roles', () => {
  it('creates a custom role: 201, duplicates folded, catalogue order, no description when none given', async () => {
    const res = await server.api('POST', '/v2/roles', {
      body: { name: 'Data Scientist', permissions: ['PROJECT_READ', 'DATASET_CREATE', 'PROJECT_READ', 'DATASET_CREATE'] },
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(Object.keys(res.body).sort()).toEqual(['created_at', 'id', 'is_predefined', 'name', 'permissions', 'updated_at']);
    expect(res.body).toMatchObject({ name: 'Data Scientist', permissions: ['DATASET_CREATE', 'PROJECT_READ'], is_predefined: false });
    expect(res.body.created_at).toBe(res.body.updated_at);
    expect(new Date(res.body.created_at).toISOString()).toBe(res.body.created_at);
    const got = await server.api('GET', `/v2/roles/${enc(res.body.id)}`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(res.body);
  });

  it('keeps a description', async () => {
    const role = await createRole('described', ['TAG_READ'], { description: 'reads tags' });
    expect(role.description).toBe('reads tags');
  });

  it('answers 400 "invalid permission" naming an unknown permission, and creates nothing', async () => {
    const res = await server.api('POST', '/v2/roles', { body: { name: 'bad-perm', permissions: ['PROJECT_READ', 'NOT_A_PERMISSION'] } });
    expect(res.status).toBe(400);
    expect(res.body.title).toBe('invalid permission');
    expect(res.body.detail).toContain('NOT_A_PERMISSION');
    expect(res.body.detail).toContain('permissions[1]');
    const lower = await server.api('POST', '/v2/roles', { body: { name: 'bad-perm', permissions: ['project_read'] } });
    expect(lower.status).toBe(400);
    expect(lower.body.detail).toContain('project_read');
    expect(await db().selectFrom('roles').select('id').where('name', '=', 'bad-perm').execute()).toEqual([]);
  });

  it('answers 400 naming the field for an empty permission list and other malformed bodies', async () => {
    const cases: [unknown, string][] = [
      [{ name: 'x', permissions: [] }, 'permissions'],
      [{ name: 'x' }, 'permissions'],
      [{ permissions: ['PROJECT_READ'] }, 'name'],
      [{ name: '', permissions: ['PROJECT_READ'] }, 'name'],
      [{ name: '  ', permissions: ['PROJECT_READ'] }, 'name'],
      [{ name: 'x', permissions: 'PROJECT_READ' }, 'permissions'],
      [{ name: 'x', permissions: [7] }, 'permissions'],
      [{ name: 'x', permissions: ['PROJECT_READ'], description: 5 }, 'description'],
      [{ name: 'x', permissions: ['PROJECT_READ'], is_predefined: true }, 'is_predefined'],
    ];
    for (const [body, field] of cases) {
      const res = await server.api('POST', '/v2/roles', { body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.detail, JSON.stringify(body)).toContain(field);
    }
  });

  it('answers 409 when the name is taken, by a custom role or by a predefined one', async () => {
    await createRole('taken-name', ['PROJECT_READ']);
    const dup = await server.api('POST', '/v2/roles', { body: { name: 'taken-name', permissions: ['TAG_READ'] } });
    expect(dup.status).toBe(409);
    expect(dup.body.detail).toContain('taken-name');
    for (const name of ['Admin', 'Member', 'Read Only', 'Annotator']) {
      expect((await server.api('POST', '/v2/roles', { body: { name, permissions: ['TAG_READ'] } })).status, name).toBe(409);
    }
  });

  it('needs an account admin (403), whatever the caller holds elsewhere', async () => {
    const orgId = await createOrganization(server, 'roles-create-perm-org');
    const orgAdmin = await user();
    await addOrganizationMember(server, orgId, orgAdmin.id, 'ADMIN');
    const res = await server.api('POST', '/v2/roles', { key: orgAdmin.key, body: { name: 'by-org-admin', permissions: ['TAG_READ'] } });
    expect(res.status).toBe(403);
    expect(res.body.detail).toContain('account admin required');
    expect(await db().selectFrom('roles').select('id').where('name', '=', 'by-org-admin').execute()).toEqual([]);
  });

  it('accepts every permission of the catalogue', async () => {
    const role = await createRole('everything', [...PERMISSIONS].reverse());
    expect(role.permissions).toEqual([...PERMISSIONS]);
  });
});

describe('GET /v2/roles/{role_id}', () => {
  it('answers 404 for unknown and foreign roles, 400 for malformed or foreign-typed ids', async () => {
    expect((await server.api('GET', `/v2/roles/${enc(encodeId('Role', 999999))}`)).status).toBe(404);
    const bad = await server.api('GET', '/v2/roles/nope');
    expect(bad.status).toBe(400);
    expect(bad.body.detail).toContain('role_id');
    expect((await server.api('GET', `/v2/roles/${enc(encodeId('Space', 1))}`)).status).toBe(400);
  });
});

describe('PATCH /v2/roles/{role_id}', () => {
  it('renames, replaces the permission set and clears the description (then omitted)', async () => {
    const role = await createRole('patch-me', ['PROJECT_READ', 'TAG_READ'], { description: 'before' });
    await server.advanceClock(1000);
    const renamed = await server.api('PATCH', `/v2/roles/${enc(role.id)}`, { body: { name: 'patched' } });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ id: role.id, name: 'patched', description: 'before', permissions: ['PROJECT_READ', 'TAG_READ'] });
    expect(renamed.body.updated_at > role.updated_at).toBe(true);
    expect(renamed.body.created_at).toBe(role.created_at);
    const replaced = await server.api('PATCH', `/v2/roles/${enc(role.id)}`, { body: { permissions: ['DATASET_READ', 'DATASET_READ'] } });
    expect(replaced.status).toBe(200);
    expect(replaced.body.permissions).toEqual(['DATASET_READ']);
    const cleared = await server.api('PATCH', `/v2/roles/${enc(role.id)}`, { body: { description: null } });
    expect(cleared.status).toBe(200);
    expect('description' in cleared.body).toBe(false);
    expect((await server.api('GET', `/v2/roles/${enc(role.id)}`)).body).toEqual(cleared.body);
  });

  it('answers 400 for {}, an empty permission list and an unknown permission; 409 for a taken name', async () => {
    const role = await createRole('patch-bad', ['PROJECT_READ']);
    const empty = await server.api('PATCH', `/v2/roles/${enc(role.id)}`, { body: {} });
    expect(empty.status).toBe(400);
    const none = await server.api('PATCH', `/v2/roles/${enc(role.id)}`, { body: { permissions: [] } });
    expect(none.status).toBe(400);
    expect(none.body.detail).toContain('permissions');
    const unknown = await server.api('PATCH', `/v2/roles/${enc(role.id)}`, { body: { permissions: ['NOPE'] } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.title).toBe('invalid permission');
    expect(unknown.body.detail).toContain('NOPE');
    const nullName = await server.api('PATCH', `/v2/roles/${enc(role.id)}`, { body: { name: null } });
    expect(nullName.status).toBe(400);
    const taken = await server.api('PATCH', `/v2/roles/${enc(role.id)}`, { body: { name: 'Admin' } });
    expect(taken.status).toBe(409);
    expect((await server.api('GET', `/v2/roles/${enc(role.id)}`)).body.permissions).toEqual(['PROJECT_READ']);
  });

  it('refuses predefined roles with 403 "predefined roles cannot be modified"', async () => {
    const predefined = await allRoles('is_predefined=true');
    for (const role of predefined) {
      const res = await server.api('PATCH', `/v2/roles/${enc(role.id)}`, { body: { name: `${role.name} 2` } });
      expect(res.status).toBe(403);
      expect(res.body.title).toBe('predefined roles cannot be modified');
    }
    expect((await allRoles('is_predefined=true')).map((r) => r.name)).toEqual(['Admin', 'Member', 'Read Only', 'Annotator']);
  });

  it('needs an account admin (403); 404 for unknown roles', async () => {
    const role = await createRole('patch-perm', ['PROJECT_READ']);
    const member = await user();
    const res = await server.api('PATCH', `/v2/roles/${enc(role.id)}`, { key: member.key, body: { name: 'hijacked' } });
    expect(res.status).toBe(403);
    expect(res.body.detail).toContain('account admin required');
    expect((await server.api('PATCH', `/v2/roles/${enc(encodeId('Role', 999999))}`, { body: { name: 'x' } })).status).toBe(404);
  });

  it('changes what holders of the role may do at once', async () => {
    const orgId = await createOrganization(server, 'patch-effect-org');
    const spaceId = await createSpace(server, orgId, 'patch-effect-space');
    const role = await createRole('patch-effect', ['PROJECT_READ']);
    const holder = await user();
    const bound = await server.api('POST', '/v2/role-bindings', {
      body: { user_id: holder.id, role_id: role.id, resource_type: 'SPACE', resource_id: spaceId },
    });
    expect(bound.status).toBe(201);
    expect(await check(holder.id, 'DATASET_CREATE', spaceId)).toBe(false);
    expect((await server.api('PATCH', `/v2/roles/${enc(role.id)}`, { body: { permissions: ['DATASET_CREATE'] } })).status).toBe(200);
    expect(await check(holder.id, 'DATASET_CREATE', spaceId)).toBe(true);
    expect(await check(holder.id, 'PROJECT_READ', spaceId)).toBe(false);
  });
});

describe('DELETE /v2/roles/{role_id}', () => {
  it('deletes an unused custom role: 204 with no body, then 404', async () => {
    const role = await createRole('delete-unused', ['PROJECT_READ']);
    const res = await server.api('DELETE', `/v2/roles/${enc(role.id)}`);
    expect(res.status).toBe(204);
    expect(res.body).toBeUndefined();
    expect((await server.api('GET', `/v2/roles/${enc(role.id)}`)).status).toBe(404);
    expect((await server.api('DELETE', `/v2/roles/${enc(role.id)}`)).status).toBe(404);
  });

  it('answers 409 while a binding or membership uses the role, and leaves everything in place', async () => {
    const orgId = await createOrganization(server, 'delete-used-org');
    const spaceId = await createSpace(server, orgId, 'delete-used-space');
    const role = await createRole('delete-used', ['PROJECT_READ']);
    const holder = await user();
    await server.api('POST', '/v2/role-bindings', { body: { user_id: holder.id, role_id: role.id, resource_type: 'SPACE', resource_id: spaceId } });
    const res = await server.api('DELETE', `/v2/roles/${enc(role.id)}`);
    expect(res.status).toBe(409);
    expect(res.body.title).toBe('role in use');
    expect(res.body.detail).toContain('1 role binding');
    expect(res.body.detail).toContain('force=true');
    expect((await server.api('GET', `/v2/roles/${enc(role.id)}`)).status).toBe(200);
    expect(await bindingCount(role.id)).toBe(1);
    expect((await server.api('DELETE', `/v2/roles/${enc(role.id)}?force=false`)).status).toBe(409);

    const membershipRole = await createRole('delete-used-membership', ['SPACE_READ', 'PROJECT_READ']);
    const member = await user();
    await addOrganizationMember(server, orgId, member.id, 'READ_ONLY');
    const added = await server.api('POST', `/v2/spaces/${enc(spaceId)}/users`, { body: { user_id: member.id, role: { type: 'CUSTOM', id: membershipRole.id } } });
    expect(added.status).toBe(200);
    const byMembership = await server.api('DELETE', `/v2/roles/${enc(membershipRole.id)}`);
    expect(byMembership.status).toBe(409);
    expect(byMembership.body.detail).toContain('1 space membership');
  });

  it('with force=true removes the role, its bindings and memberships (with their cascades) in one go', async () => {
    const orgId = await createOrganization(server, 'force-org');
    const spaceId = await createSpace(server, orgId, 'force-space');
    const projectId = await createProject(server, spaceId, 'force-project');
    const otherSpace = await createSpace(server, orgId, 'force-other-space');
    const role = await createRole('force-me', ['ORGANIZATION_READ', 'SPACE_READ', 'PROJECT_READ', 'DATASET_READ']);
    const bound = await user();
    const spaceMember = await user();
    const orgMember = await user();
    const bystander = await user();
    await server.api('POST', '/v2/role-bindings', { body: { user_id: bound.id, role_id: role.id, resource_type: 'PROJECT', resource_id: projectId } });
    await addOrganizationMember(server, orgId, spaceMember.id, 'READ_ONLY');
    const spaceAdd = await server.api('POST', `/v2/spaces/${enc(spaceId)}/users`, { body: { user_id: spaceMember.id, role: { type: 'CUSTOM', id: role.id } } });
    expect(spaceAdd.status).toBe(200);
    // The space member also holds a PROJECT binding in that space with another role: removing the membership takes it.
    const spaceMemberBinding = await server.api('POST', '/v2/role-bindings', {
      body: { user_id: spaceMember.id, role_id: (await allRoles('is_predefined=true')).find((r) => r.name === 'Read Only').id, resource_type: 'PROJECT', resource_id: projectId },
    });
    expect(spaceMemberBinding.status).toBe(201);
    const orgAdd = await server.api('POST', `/v2/organizations/${enc(orgId)}/users`, { body: { user_id: orgMember.id, role: { type: 'CUSTOM', id: role.id } } });
    expect(orgAdd.status).toBe(200);
    await addSpaceMember(server, otherSpace, orgMember.id, 'MEMBER');
    await addOrganizationMember(server, orgId, bystander.id, 'MEMBER');
    await addSpaceMember(server, otherSpace, bystander.id, 'MEMBER');
    expect(await check(bound.id, 'DATASET_READ', projectId)).toBe(true);
    expect(await check(orgMember.id, 'DATASET_READ', otherSpace)).toBe(true);

    const res = await server.api('DELETE', `/v2/roles/${enc(role.id)}?force=true`);
    expect(res.status).toBe(204);
    expect((await server.api('GET', `/v2/roles/${enc(role.id)}`)).status).toBe(404);
    expect(await bindingCount(role.id)).toBe(0);
    const ids = [bound, spaceMember, orgMember].map((u) => u.dbId);
    expect(await db().selectFrom('role_bindings').select('id').where('user_id', 'in', ids).execute()).toEqual([]);
    expect(await db().selectFrom('space_memberships').select('id').where('user_id', 'in', ids).execute()).toEqual([]);
    expect(await db().selectFrom('organization_memberships').select('user_id').where('user_id', 'in', ids).execute())
      .toEqual([{ user_id: spaceMember.dbId }]);
    expect(await db().selectFrom('space_memberships').select('user_id').where('user_id', '=', bystander.dbId).execute())
      .toEqual([{ user_id: bystander.dbId }]);
    expect(await check(bound.id, 'DATASET_READ', projectId)).toBe(false);
    expect(await check(orgMember.id, 'DATASET_READ', otherSpace)).toBe(false);
    expect(await check(bystander.id, 'DATASET_READ', otherSpace)).toBe(true);
  });

  it('answers 400 for a force value that is not a boolean', async () => {
    const role = await createRole('force-bad', ['PROJECT_READ']);
    const res = await server.api('DELETE', `/v2/roles/${enc(role.id)}?force=yes`);
    expect(res.status).toBe(400);
    expect(res.body.detail).toContain('force');
    expect((await server.api('GET', `/v2/roles/${enc(role.id)}`)).status).toBe(200);
  });

  it('refuses predefined roles with 403, even with force', async () => {
    for (const role of await allRoles('is_predefined=true')) {
      const res = await server.api('DELETE', `/v2/roles/${enc(role.id)}?force=true`);
      expect(res.status).toBe(403);
      expect(res.body.title).toBe('predefined roles cannot be modified');
    }
    expect(await allRoles('is_predefined=true')).toHaveLength(4);
  });

  it('needs an account admin (403)', async () => {
    const role = await createRole('delete-perm', ['PROJECT_READ']);
    const member = await user();
    const res = await server.api('DELETE', `/v2/roles/${enc(role.id)}`, { key: member.key });
    expect(res.status).toBe(403);
    expect((await server.api('GET', `/v2/roles/${enc(role.id)}`)).status).toBe(200);
  });
});

describe('roles across accounts', () => {
  it('keeps each account to its own roles: foreign roles are 404, names are per account', async () => {
    const ours = await createRole('tenant-shared-name', ['PROJECT_READ']);
    const other = await createSecondAccount(server, 'roles-b@tenant-b.example');
    const theirs = await server.api('POST', '/v2/roles', { key: other.admin.key, body: { name: 'tenant-shared-name', permissions: ['TAG_READ'] } });
    expect(theirs.status).toBe(201);
    const theirList = await allRoles('', other.admin.key);
    expect(theirList.map((r) => r.name)).toEqual(['Admin', 'Member', 'Read Only', 'Annotator', 'tenant-shared-name']);
    expect(theirList.map((r) => r.id)).not.toContain(ours.id);
    expect((await server.api('GET', `/v2/roles/${enc(ours.id)}`, { key: other.admin.key })).status).toBe(404);
    expect((await server.api('PATCH', `/v2/roles/${enc(ours.id)}`, { key: other.admin.key, body: { name: 'x' } })).status).toBe(404);
    expect((await server.api('DELETE', `/v2/roles/${enc(ours.id)}`, { key: other.admin.key })).status).toBe(404);
    expect((await server.api('GET', `/v2/roles/${enc(theirs.body.id)}`)).status).toBe(404);
    expect((await allRoles('')).map((r) => r.id)).not.toContain(theirs.body.id);
  });
});
