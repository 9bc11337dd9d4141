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
let roleCount = 0;
/** Wire ids of the predefined roles, by key. */
const predefined: Record<string, string> = {};

beforeAll(async () => {
  server = await startTestServer({ testClock: true });
  const res = await server.api('GET', '/v2/roles?is_predefined=true');
  for (const r of res.body.roles) {
    const key = Object.values(PREDEFINED_ROLES).find((p) => p.name === r.name)!.key;
    predefined[key] = r.id;
  }
});
afterAll(async () => {
  await server?.close();
});

const db = () => server.context!.store.db;
const user = (role: 'ADMIN' | 'MEMBER' | 'ANNOTATOR' = 'MEMBER'): Promise<FixtureUser> =>
  createUserWithKey(server, { email: `bindings-user-${++userCount}@example.com`, role });
const dbId = (id: string) => parseId(id)!.n;

async function customRole(permissions: string[]): Promise<string> {
  const res = await server.api('POST', '/v2/roles', { body: { name: `binding-role-${++roleCount}`, permissions } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id;
}

function bind(body: { user_id: string; role_id: string; resource_type: string; resource_id: string }, key?: string) {
  return server.api('POST', '/v2/role-bindings', { body, ...(key ? { key } : {}) });
}

/** An organization with one space and one project in it. */
async function hierarchy(name: string, options: { isPrivate?: boolean } = {}) {
  const orgId = await createOrganization(server, `${name}-org`);
  const spaceId = await createSpace(server, orgId, `${name}-space`, options);
  const projectId = await createProject(server, spaceId, `${name}-project`);
  return { orgId, spaceId, projectId };
}

/** A user who is an organization READ_ONLY member and a space member with `spaceRole`, optionally also bound to a custom "binder" role. */
async function spaceUser(h: { orgId: string; spaceId: string }, spaceRole: 'ADMIN' | 'MEMBER' | 'READ_ONLY', binder?: string[]): Promise<FixtureUser> {
  const u = await user();
  await addOrganizationMember(server, h.orgId, u.id, 'READ_ONLY');
  await addSpaceMember(server, h.spaceId, u.id, spaceRole);
  if (binder) {
    const res = await bind({ user_id: u.id, role_id: await customRole(binder), resource_type: 'SPACE', resource_id: h.spaceId });
    expect(res.status).toBe(201);
  }
  return u;
}

/**
 * A user of the hierarchy's organization (READ_ONLY), whom its members can see: a non-admin binding a user it
 * cannot see is answered as for a user that does not exist (issue 8).
 */
async function orgUser(h: { orgId: string }): Promise<FixtureUser> {
  const u = await user();
  await addOrganizationMember(server, h.orgId, u.id, 'READ_ONLY');
  return u;
}

async function listAll(query: string, key?: string): Promise<Json[]> {
  const items: Json[] = [];
  let cursor: string | undefined;
  do {
    const res = await server.api('GET', `/v2/role-bindings?${query}&limit=2${cursor ? `&cursor=${enc(cursor)}` : ''}`, key ? { key } : {});
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    items.push(...res.body.role_bindings);
    cursor = res.body.pagination.next_cursor;
    expect(res.body.pagination.has_more).toBe(cursor !== undefined);
  } while (cursor);
  return items;
}

describe('POST /v2/role-bindings', () => {
  it('binds a custom role on a space: 201 with the RoleBinding shape, and the grant takes effect', async () => {
    const h = await hierarchy('create');
    const target = await user();
    const roleId = await customRole(['PROJECT_READ', 'DATASET_READ']);
    const res = await bind({ user_id: target.id, role_id: roleId, resource_type: 'SPACE', resource_id: h.spaceId });
    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(Object.keys(res.body).sort()).toEqual(['created_at', 'id', 'resource_id', 'resource_type', 'role_id', 'source', 'updated_at', 'user_id']);
    expect(res.body.source).toBe('MANUAL');
    expect(res.body).toMatchObject({ user_id: target.id, role_id: roleId, resource_type: 'SPACE', resource_id: h.spaceId });
    expect(Buffer.from(res.body.id, 'base64').toString()).toMatch(/^RoleBinding:\d+$/);
    expect(res.body.created_at).toBe(res.body.updated_at);
    const got = await server.api('GET', `/v2/role-bindings/${enc(res.body.id)}`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(res.body);
    const check = await server.api('POST', '/v2/access/check', { body: { user_id: target.id, permission: 'DATASET_READ', resource_id: h.projectId } });
    expect(check.body.allowed).toBe(true);
    expect(check.body.reasons[0]).toMatchObject({ effect: 'ALLOW', source: 'SPACE_BINDING', role_id: roleId, binding_id: res.body.id });
  });

  it('binds a predefined role on a project', async () => {
    const h = await hierarchy('create-project');
    const target = await user();
    const res = await bind({ user_id: target.id, role_id: predefined.READ_ONLY!, resource_type: 'PROJECT', resource_id: h.projectId });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ resource_type: 'PROJECT', resource_id: h.projectId, role_id: predefined.READ_ONLY });
  });

  it('allows one binding per (user, resource): a second create is 409 whatever its role', async () => {
    const h = await hierarchy('dup');
    const target = await user();
    const body = { user_id: target.id, role_id: predefined.READ_ONLY!, resource_type: 'SPACE', resource_id: h.spaceId };
    expect((await bind(body)).status).toBe(201);
    const same = await bind(body);
    expect(same.status).toBe(409);
    expect(same.body.title).toBe('role binding already exists');
    const otherRole = await bind({ ...body, role_id: predefined.MEMBER! });
    expect(otherRole.status).toBe(409);
    const rows = await db().selectFrom('role_bindings').select('role_id').where('user_id', '=', target.dbId).execute();
    expect(rows).toEqual([{ role_id: dbId(predefined.READ_ONLY!) }]);
    // The same user on another resource, and another user on the same resource, are fine.
    expect((await bind({ ...body, resource_type: 'PROJECT', resource_id: h.projectId })).status).toBe(201);
    expect((await bind({ ...body, user_id: (await user()).id })).status).toBe(201);
  });

  it('answers 400 naming the field for missing or malformed fields', async () => {
    const h = await hierarchy('bad-input');
    const target = await user();
    const good = { user_id: target.id, role_id: predefined.READ_ONLY!, resource_type: 'SPACE', resource_id: h.spaceId };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...good, user_id: undefined }, 'user_id'],
      [{ ...good, role_id: undefined }, 'role_id'],
      [{ ...good, resource_type: undefined }, 'resource_type'],
      [{ ...good, resource_id: undefined }, 'resource_id'],
      [{ ...good, resource_type: 'ORGANIZATION' }, 'resource_type'],
      [{ ...good, resource_type: 'space' }, 'resource_type'],
      [{ ...good, user_id: 'nope' }, 'user_id'],
      [{ ...good, user_id: h.spaceId }, 'user_id'],
      [{ ...good, role_id: target.id }, 'role_id'],
      [{ ...good, resource_id: 'nope' }, 'resource_id'],
      [{ ...good, extra: true }, 'extra'],
    ];
    for (const [body, field] of cases) {
      const res = await server.api('POST', '/v2/role-bindings', { body: JSON.parse(JSON.stringify(body)) });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.detail, JSON.stringify(body)).toContain(field);
    }
  });

  it('answers 400 "invalid resource_type" when resource_id is an id of another type than resource_type', async () => {
    const h = await hierarchy('mismatch');
    const target = await user();
    const cases = [
      { resource_type: 'SPACE', resource_id: h.projectId },
      { resource_type: 'PROJECT', resource_id: h.spaceId },
      { resource_type: 'SPACE', resource_id: h.orgId },
    ];
    for (const c of cases) {
      const res = await bind({ user_id: target.id, role_id: predefined.READ_ONLY!, ...c });
      expect(res.status, JSON.stringify(c)).toBe(400);
      expect(res.body.title).toBe('invalid resource_type');
      expect(res.body.detail).toContain('resource_id');
      expect(res.body.detail).toContain(c.resource_type);
    }
    expect(await db().selectFrom('role_bindings').select('id').where('user_id', '=', target.dbId).execute()).toEqual([]);
  });

  it('answers 404 for an unknown, deleted or foreign user, role or resource', async () => {
    const h = await hierarchy('missing');
    const target = await user();
    const good = { user_id: target.id, role_id: predefined.READ_ONLY!, resource_type: 'SPACE', resource_id: h.spaceId };
    const other = await createSecondAccount(server, 'bindings-b-404@tenant-b.example');
    const foreignRole = await server.api('POST', '/v2/roles', { key: other.admin.key, body: { name: 'foreign', permissions: ['TAG_READ'] } });
    const foreignOrg = await server.api('POST', '/v2/organizations', { key: other.admin.key, body: { name: 'foreign-org' } });
    const foreignSpace = await server.api('POST', '/v2/spaces', { key: other.admin.key, body: { name: 'foreign-space', organization_id: foreignOrg.body.id } });
    expect(foreignSpace.status).toBe(201);
    const deleted = await user();
    await db().updateTable('users').set({ deleted_at: new Date().toISOString() }).where('id', '=', deleted.dbId).execute();
    await server.context!.changes.publish({ accountId: 1, userIds: [deleted.dbId] });
    const cases: [Record<string, string>, string][] = [
      [{ user_id: encodeId('User', 999999) }, 'user'],
      [{ user_id: deleted.id }, 'user'],
      [{ user_id: other.admin.id }, 'user'],
      [{ role_id: encodeId('Role', 999999) }, 'role'],
      [{ role_id: foreignRole.body.id }, 'role'],
      [{ resource_id: encodeId('Space', 999999) }, 'space'],
      [{ resource_id: foreignSpace.body.id }, 'space'],
      [{ resource_type: 'PROJECT', resource_id: encodeId('Project', 999999) }, 'project'],
    ];
    for (const [patch, what] of cases) {
      const res = await bind({ ...good, ...patch });
      expect(res.status, JSON.stringify(patch)).toBe(404);
      expect(res.body.detail, JSON.stringify(patch)).toContain(what);
    }
    expect(await db().selectFrom('role_bindings').select('id').where('user_id', 'in', [target.dbId, deleted.dbId, other.admin.dbId]).execute()).toEqual([]);
  });

  it('answers a non-admin 404 naming the user for a user it shares no organization with, before an unknown role', async () => {
    const h = await hierarchy('invisible-user');
    const spaceAdmin = await spaceUser(h, 'ADMIN');
    const stranger = await user();
    const base = { role_id: predefined.READ_ONLY!, resource_type: 'SPACE', resource_id: h.spaceId };
    for (const role_id of [predefined.READ_ONLY!, encodeId('Role', 999999)]) {
      const res = await bind({ ...base, user_id: stranger.id, role_id }, spaceAdmin.key);
      expect(res.status, role_id).toBe(404);
      expect(res.body.detail, role_id).toContain('user');
    }
    const unknownRole = await bind({ ...base, user_id: (await orgUser(h)).id, role_id: encodeId('Role', 999999) }, spaceAdmin.key);
    expect(unknownRole.status).toBe(404);
    expect(unknownRole.body.detail).toContain('role');
    // Themselves they always see, organization or not.
    expect((await bind({ ...base, user_id: spaceAdmin.id, resource_type: 'PROJECT', resource_id: h.projectId }, spaceAdmin.key)).status).toBe(201);
    expect(await db().selectFrom('role_bindings').select('id').where('user_id', '=', stranger.dbId).execute()).toEqual([]);
  });

  it('needs ROLE_BINDING_CREATE on the resource: 404 when invisible, 403 naming it when visible', async () => {
    const h = await hierarchy('needs-create');
    const target = await orgUser(h);
    const body = { user_id: target.id, role_id: predefined.READ_ONLY!, resource_type: 'SPACE', resource_id: h.spaceId };
    const outsider = await user();
    expect((await bind(body, outsider.key)).status).toBe(404);
    const member = await spaceUser(h, 'MEMBER');
    const denied = await bind(body, member.key);
    expect(denied.status).toBe(403);
    expect(denied.body.detail).toContain('ROLE_BINDING_CREATE');
    const spaceAdmin = await spaceUser(h, 'ADMIN');
    expect((await bind(body, spaceAdmin.key)).status).toBe(201);
  });

  it('enforces the privilege ceiling: a MEMBER who may bind can bind Read Only but not Admin', async () => {
    const h = await hierarchy('ceiling-member');
    const member = await spaceUser(h, 'MEMBER', ['ROLE_BINDING_CREATE']);
    const a = await orgUser(h);
    const b = await orgUser(h);
    const admin = await bind({ user_id: a.id, role_id: predefined.ADMIN!, resource_type: 'SPACE', resource_id: h.spaceId }, member.key);
    expect(admin.status).toBe(403);
    // The first permission of the Admin set (catalogue order) that a MEMBER lacks.
    expect(admin.body.detail).toContain('ORGANIZATION_UPDATE');
    expect(admin.body.detail).toContain('Admin');
    const readOnly = await bind({ user_id: b.id, role_id: predefined.READ_ONLY!, resource_type: 'SPACE', resource_id: h.spaceId }, member.key);
    expect(readOnly.status).toBe(201);
    const onProject = await bind({ user_id: a.id, role_id: predefined.MEMBER!, resource_type: 'PROJECT', resource_id: h.projectId }, member.key);
    expect(onProject.status).toBe(201);
    expect(await db().selectFrom('role_bindings').select('role_id').where('user_id', '=', a.dbId).execute())
      .toEqual([{ role_id: dbId(predefined.MEMBER!) }]);
  });

  it('enforces the privilege ceiling: READ_ONLY cannot bind anything that carries a write', async () => {
    const h = await hierarchy('ceiling-read-only');
    const reader = await spaceUser(h, 'READ_ONLY', ['ROLE_BINDING_CREATE']);
    const target = await orgUser(h);
    const base = { user_id: target.id, resource_type: 'SPACE', resource_id: h.spaceId };
    const member = await bind({ ...base, role_id: predefined.MEMBER! }, reader.key);
    expect(member.status).toBe(403);
    expect(member.body.detail).toContain('ALYX_RUN');
    const annotator = await bind({ ...base, role_id: predefined.ANNOTATOR! }, reader.key);
    expect(annotator.status).toBe(403);
    expect(annotator.body.detail).toContain('PROJECT_SPAN_ANNOTATE');
    const custom = await bind({ ...base, role_id: await customRole(['DATASET_READ', 'DATASET_CREATE']) }, reader.key);
    expect(custom.status).toBe(403);
    expect(custom.body.detail).toContain('DATASET_CREATE');
    expect(await db().selectFrom('role_bindings').select('id').where('user_id', '=', target.dbId).execute()).toEqual([]);
    expect((await bind({ ...base, role_id: predefined.READ_ONLY! }, reader.key)).status).toBe(201);
  });

  it('lets a space admin bind on a restricted project of the space, which space members cannot even see', async () => {
    const h = await hierarchy('restricted');
    await restrictProject(server, h.projectId);
    const spaceAdmin = await spaceUser(h, 'ADMIN');
    const member = await spaceUser(h, 'MEMBER', ['ROLE_BINDING_CREATE']);
    const target = await orgUser(h);
    const body = { user_id: target.id, role_id: predefined.MEMBER!, resource_type: 'PROJECT', resource_id: h.projectId };
    expect((await bind(body, member.key)).status).toBe(404);
    expect((await bind(body, spaceAdmin.key)).status).toBe(201);
  });
});

describe('GET /v2/role-bindings', () => {
  it('requires resource_type (400 when missing or unknown)', async () => {
    for (const query of ['', 'resource_type=', 'resource_type=ORGANIZATION', 'resource_type=space']) {
      const res = await server.api('GET', `/v2/role-bindings?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.detail, query).toContain('resource_type');
    }
  });

  it('lists bindings of the type, filters by user_id and pages by cursor', async () => {
    const h = await hierarchy('list');
    const a = await user();
    const b = await user();
    const ids: string[] = [];
    for (const [u, type, resource] of [[a, 'SPACE', h.spaceId], [b, 'SPACE', h.spaceId], [a, 'PROJECT', h.projectId]] as const) {
      const res = await bind({ user_id: u.id, role_id: predefined.READ_ONLY!, resource_type: type, resource_id: resource });
      expect(res.status).toBe(201);
      ids.push(res.body.id);
    }
    const spaces = await listAll('resource_type=SPACE');
    expect(spaces.map((x) => x.id)).toEqual(expect.arrayContaining([ids[0], ids[1]]));
    expect(spaces.every((x) => x.resource_type === 'SPACE')).toBe(true);
    expect(new Set(spaces.map((x) => x.id)).size).toBe(spaces.length);
    expect(spaces.map((x) => dbId(x.id))).toEqual([...spaces.map((x) => dbId(x.id))].sort((x, y) => x - y));
    expect((await listAll(`resource_type=SPACE&user_id=${enc(a.id)}`)).map((x) => x.id)).toEqual([ids[0]]);
    expect((await listAll(`resource_type=PROJECT&user_id=${enc(a.id)}`)).map((x) => x.id)).toEqual([ids[2]]);
    expect(await listAll(`resource_type=PROJECT&user_id=${enc(encodeId('User', 999999))}`)).toEqual([]);
    const bad = await server.api('GET', '/v2/role-bindings?resource_type=SPACE&user_id=nope');
    expect(bad.status).toBe(400);
    expect(bad.body.detail).toContain('user_id');
    const forged = await server.api('GET', '/v2/role-bindings?resource_type=SPACE&cursor=abc.def');
    expect(forged.status).toBe(400);
  });

  it('filters by resource_id, alone or with user_id, and an unknown resource gives an empty page', async () => {
    const h = await hierarchy('list-resource');
    const otherSpace = await createSpace(server, h.orgId, 'list-resource-space-2');
    const [a, b] = [await user(), await user()];
    const ids: string[] = [];
    for (const [u, type, resource] of [[a, 'SPACE', h.spaceId], [b, 'SPACE', h.spaceId], [a, 'SPACE', otherSpace], [a, 'PROJECT', h.projectId]] as const) {
      const res = await bind({ user_id: u.id, role_id: predefined.READ_ONLY!, resource_type: type, resource_id: resource });
      expect(res.status).toBe(201);
      ids.push(res.body.id);
    }
    expect((await listAll(`resource_type=SPACE&resource_id=${enc(h.spaceId)}`)).map((x) => x.id)).toEqual([ids[0], ids[1]]);
    expect((await listAll(`resource_type=SPACE&resource_id=${enc(h.spaceId)}&user_id=${enc(b.id)}`)).map((x) => x.id)).toEqual([ids[1]]);
    expect((await listAll(`resource_type=SPACE&resource_id=${enc(otherSpace)}&user_id=${enc(b.id)}`))).toEqual([]);
    expect((await listAll(`resource_type=PROJECT&resource_id=${enc(h.projectId)}`)).map((x) => x.id)).toEqual([ids[3]]);
    expect(await listAll(`resource_type=SPACE&resource_id=${enc(encodeId('Space', 999999))}`)).toEqual([]);

    // A non-admin sees the resource's bindings only where it holds ROLE_BINDING_READ.
    const spaceAdmin = await spaceUser(h, 'ADMIN');
    const onOther = `resource_type=SPACE&resource_id=${enc(otherSpace)}`;
    expect((await listAll(`resource_type=SPACE&resource_id=${enc(h.spaceId)}&user_id=${enc(a.id)}`, spaceAdmin.key)).map((x) => x.id)).toEqual([ids[0]]);
    const premise = await server.api('POST', '/v2/access/check', { body: { user_id: spaceAdmin.id, permission: 'ROLE_BINDING_READ', resource_id: otherSpace } });
    expect(premise.body.allowed).toBe(false);
    expect(await listAll(onOther, spaceAdmin.key)).toEqual([]);
    expect((await listAll(onOther)).map((x) => x.id)).toEqual([ids[2]]);
  });

  it('answers 400 naming resource_id when it is malformed or of another type than resource_type', async () => {
    const h = await hierarchy('list-mismatch');
    for (const [type, id] of [['SPACE', h.projectId], ['PROJECT', h.spaceId], ['SPACE', h.orgId], ['PROJECT', 'not-an-id']]) {
      const res = await server.api('GET', `/v2/role-bindings?resource_type=${type}&resource_id=${enc(id!)}`);
      expect(res.status, `${type} ${id}`).toBe(400);
      expect(res.body.detail, `${type} ${id}`).toContain('resource_id');
    }
    const mismatch = await server.api('GET', `/v2/role-bindings?resource_type=SPACE&resource_id=${enc(h.projectId)}`);
    expect(mismatch.body.title).toBe('invalid resource_type');
    expect(mismatch.body.code).toBe('RESOURCE_TYPE_MISMATCH');
  });

  it('shows a non-admin only the bindings on resources where it holds ROLE_BINDING_READ', async () => {
    const mine = await hierarchy('list-vis-mine');
    const theirs = await hierarchy('list-vis-theirs');
    const spaceAdmin = await spaceUser(mine, 'ADMIN');
    const member = await spaceUser(mine, 'MEMBER');
    const target = await user();
    const onMineSpace = await bind({ user_id: target.id, role_id: predefined.READ_ONLY!, resource_type: 'SPACE', resource_id: mine.spaceId });
    const onMineProject = await bind({ user_id: target.id, role_id: predefined.READ_ONLY!, resource_type: 'PROJECT', resource_id: mine.projectId });
    const onTheirs = await bind({ user_id: target.id, role_id: predefined.READ_ONLY!, resource_type: 'SPACE', resource_id: theirs.spaceId });
    expect([onMineSpace.status, onMineProject.status, onTheirs.status]).toEqual([201, 201, 201]);
    const q = `user_id=${enc(target.id)}`;
    expect((await listAll(`resource_type=SPACE&${q}`, spaceAdmin.key)).map((x) => x.id)).toEqual([onMineSpace.body.id]);
    expect((await listAll(`resource_type=PROJECT&${q}`, spaceAdmin.key)).map((x) => x.id)).toEqual([onMineProject.body.id]);
    // MEMBER holds ROLE_BINDING_READ (every *_READ) on its space, but nothing on the other organization's space.
    expect((await listAll(`resource_type=SPACE&${q}`, member.key)).map((x) => x.id)).toEqual([onMineSpace.body.id]);
    const outsider = await user();
    expect(await listAll(`resource_type=SPACE&${q}`, outsider.key)).toEqual([]);
    expect((await listAll(`resource_type=SPACE&${q}`)).map((x) => x.id)).toEqual([onMineSpace.body.id, onTheirs.body.id]);
  });

  it('pages correctly for a non-admin who reads bindings on several resources', async () => {
    const h = await hierarchy('list-page');
    const extra = await createSpace(server, h.orgId, 'list-page-space-2');
    const orgAdmin = await user();
    await addOrganizationMember(server, h.orgId, orgAdmin.id, 'ADMIN');
    const created: string[] = [];
    for (let i = 0; i < 5; i++) {
      const u = await user();
      const res = await bind({ user_id: u.id, role_id: predefined.READ_ONLY!, resource_type: 'SPACE', resource_id: i % 2 ? extra : h.spaceId });
      created.push(res.body.id);
    }
    const seen = (await listAll('resource_type=SPACE', orgAdmin.key)).map((x) => x.id);
    expect(seen).toEqual(created);
  });
});

describe('GET /v2/role-bindings/{binding_id}', () => {
  it('needs ROLE_BINDING_READ on the binding\'s resource: 404 when invisible, across accounts and for unknown ids', async () => {
    const h = await hierarchy('get');
    const target = await user();
    const created = await bind({ user_id: target.id, role_id: predefined.READ_ONLY!, resource_type: 'SPACE', resource_id: h.spaceId });
    const path = `/v2/role-bindings/${enc(created.body.id)}`;
    const outsider = await user();
    expect((await server.api('GET', path, { key: outsider.key })).status).toBe(404);
    const member = await spaceUser(h, 'MEMBER');
    expect((await server.api('GET', path, { key: member.key })).status).toBe(200);
    // An organization READ_ONLY member sees the (non-private) space but holds no ROLE_BINDING_READ on it.
    const orgReader = await user();
    await addOrganizationMember(server, h.orgId, orgReader.id, 'READ_ONLY');
    const forbidden = await server.api('GET', path, { key: orgReader.key });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.detail).toContain('ROLE_BINDING_READ');
    const other = await createSecondAccount(server, 'bindings-b-get@tenant-b.example');
    expect((await server.api('GET', path, { key: other.admin.key })).status).toBe(404);
    expect((await server.api('GET', `/v2/role-bindings/${enc(encodeId('RoleBinding', 999999))}`)).status).toBe(404);
    const bad = await server.api('GET', `/v2/role-bindings/${enc(h.spaceId)}`);
    expect(bad.status).toBe(400);
    expect(bad.body.detail).toContain('binding_id');
  });
});

describe('PATCH /v2/role-bindings/{binding_id}', () => {
  it('changes only the role (200) and applies the same ceiling as a create', async () => {
    const h = await hierarchy('patch');
    const target = await user();
    const created = await bind({ user_id: target.id, role_id: predefined.READ_ONLY!, resource_type: 'SPACE', resource_id: h.spaceId });
    const path = `/v2/role-bindings/${enc(created.body.id)}`;
    await server.advanceClock(1000);
    const changed = await server.api('PATCH', path, { body: { role_id: predefined.MEMBER } });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ ...created.body, role_id: predefined.MEMBER, updated_at: expect.any(String) });
    expect(changed.body.updated_at > created.body.updated_at).toBe(true);
    const member = await spaceUser(h, 'MEMBER', ['ROLE_BINDING_CREATE']);
    const up = await server.api('PATCH', path, { key: member.key, body: { role_id: predefined.ADMIN } });
    expect(up.status).toBe(403);
    expect(up.body.detail).toContain('ORGANIZATION_UPDATE');
    expect((await server.api('PATCH', path, { key: member.key, body: { role_id: predefined.READ_ONLY } })).status).toBe(200);
    const plain = await spaceUser(h, 'MEMBER');
    const noCreate = await server.api('PATCH', path, { key: plain.key, body: { role_id: predefined.READ_ONLY } });
    expect(noCreate.status).toBe(403);
    expect(noCreate.body.detail).toContain('ROLE_BINDING_CREATE');
  });

  it('answers 400 for a body without role_id or with other fields, 404 for unknown bindings and roles', async () => {
    const h = await hierarchy('patch-bad');
    const target = await user();
    const created = await bind({ user_id: target.id, role_id: predefined.READ_ONLY!, resource_type: 'SPACE', resource_id: h.spaceId });
    const path = `/v2/role-bindings/${enc(created.body.id)}`;
    for (const body of [{}, { role_id: predefined.MEMBER, user_id: target.id }, { resource_id: h.projectId }, { role_id: 'nope' }]) {
      const res = await server.api('PATCH', path, { body });
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    expect((await server.api('PATCH', path, { body: { role_id: encodeId('Role', 999999) } })).status).toBe(404);
    expect((await server.api('PATCH', `/v2/role-bindings/${enc(encodeId('RoleBinding', 999999))}`, { body: { role_id: predefined.MEMBER } })).status).toBe(404);
    expect((await server.api('GET', path)).body.role_id).toBe(predefined.READ_ONLY);
  });
});

describe('DELETE /v2/role-bindings/{binding_id}', () => {
  it('needs ROLE_BINDING_DELETE: 403 naming it, then 204 for a space admin, then 404', async () => {
    const h = await hierarchy('delete');
    const target = await user();
    const created = await bind({ user_id: target.id, role_id: predefined.MEMBER!, resource_type: 'PROJECT', resource_id: h.projectId });
    const path = `/v2/role-bindings/${enc(created.body.id)}`;
    const creatorOnly = await spaceUser(h, 'MEMBER', ['ROLE_BINDING_CREATE']);
    const denied = await server.api('DELETE', path, { key: creatorOnly.key });
    expect(denied.status).toBe(403);
    expect(denied.body.detail).toContain('ROLE_BINDING_DELETE');
    const outsider = await user();
    expect((await server.api('DELETE', path, { key: outsider.key })).status).toBe(404);
    const other = await createSecondAccount(server, 'bindings-b-delete@tenant-b.example');
    expect((await server.api('DELETE', path, { key: other.admin.key })).status).toBe(404);
    const spaceAdmin = await spaceUser(h, 'ADMIN');
    const res = await server.api('DELETE', path, { key: spaceAdmin.key });
    expect(res.status).toBe(204);
    expect(res.body).toBeUndefined();
    expect((await server.api('GET', path)).status).toBe(404);
    expect((await server.api('DELETE', path)).status).toBe(404);
    const check = await server.api('POST', '/v2/access/check', { body: { user_id: target.id, permission: 'DATASET_CREATE', resource_id: h.projectId } });
    expect(check.body.allowed).toBe(false);
  });
});
