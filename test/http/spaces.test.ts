import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeId, parseId } from '../../src/domain/ids.js';
import { createSecondAccount, createUserWithKey, type FixtureUser } from '../helpers/fixtures.js';
import {
  addOrganizationMember, addSpaceMember, createOrganization, createProject, createSpace, enc, insertCustomRole,
  insertRoleBinding, restrictProject,
} from '../helpers/hierarchy.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
let userCount = 0;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

const db = () => server.context!.store.db;
const user = (role: 'ADMIN' | 'MEMBER' | 'ANNOTATOR' = 'MEMBER'): Promise<FixtureUser> =>
  createUserWithKey(server, { email: `spaces-user-${++userCount}@example.com`, role });
const dbId = (id: string) => parseId(id)!.n;

describe('POST /v2/spaces', () => {
  it('creates a space with defaults and answers 201 with the Space shape', async () => {
    const orgId = await createOrganization(server, 'create-org');
    const res = await server.api('POST', '/v2/spaces', { body: { name: 'alpha', organization_id: orgId } });
    expect(res.status).toBe(201);
    expect(Object.keys(res.body).sort()).toEqual(['created_at', 'description', 'id', 'is_private', 'name', 'organization_id']);
    expect(res.body).toMatchObject({ name: 'alpha', description: '', is_private: false, organization_id: orgId });
    expect(parseId(res.body.id)?.type).toBe('Space');
    expect(res.body.id.length % 4).toBe(0);
    expect(Buffer.from(res.body.id, 'base64').toString()).toMatch(/^Space:\d+$/);
    expect(new Date(res.body.created_at).toISOString()).toBe(res.body.created_at);
  });

  it('stores description and is_private', async () => {
    const orgId = await createOrganization(server, 'create-org-2');
    const res = await server.api('POST', '/v2/spaces', { body: { name: 'secret', organization_id: orgId, description: 'd', is_private: true } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: 'secret', description: 'd', is_private: true });
  });

  it('answers 409 for a name taken in the organization, and allows it in another organization', async () => {
    const a = await createOrganization(server, 'dup-org-a');
    const b = await createOrganization(server, 'dup-org-b');
    await createSpace(server, a, 'same');
    const dup = await server.api('POST', '/v2/spaces', { body: { name: 'same', organization_id: a } });
    expect(dup.status).toBe(409);
    expect(dup.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(dup.body.detail).toContain('same');
    expect((await server.api('POST', '/v2/spaces', { body: { name: 'same', organization_id: b } })).status).toBe(201);
  });

  it('answers 404 for an unknown organization and for another account\'s organization', async () => {
    const unknown = await server.api('POST', '/v2/spaces', { body: { name: 'x', organization_id: encodeId('Organization', 999999) } });
    expect(unknown.status).toBe(404);
    const other = await createSecondAccount(server, 'spaces-b-create@tenant-b.example');
    const foreignOrg = await server.api('POST', '/v2/organizations', { key: other.admin.key, body: { name: 'b-org' } });
    expect(foreignOrg.status).toBe(201);
    const cross = await server.api('POST', '/v2/spaces', { body: { name: 'x', organization_id: foreignOrg.body.id } });
    expect(cross.status).toBe(404);
  });

  it('answers 400 naming the field for malformed input', async () => {
    const orgId = await createOrganization(server, 'bad-input-org');
    const cases: [unknown, string][] = [
      [{ organization_id: orgId }, 'name'],
      [{ name: 'x' }, 'organization_id'],
      [{ name: '', organization_id: orgId }, 'name'],
      [{ name: '   ', organization_id: orgId }, 'name'],
      [{ name: 'x', organization_id: orgId, is_private: 'yes' }, 'is_private'],
      [{ name: 'x', organization_id: orgId, extra: 1 }, 'extra'],
      [{ name: 'x', organization_id: 'not-an-id' }, 'organization_id'],
      [{ name: 'x', organization_id: encodeId('Space', 1) }, 'organization_id'],
    ];
    for (const [body, field] of cases) {
      const res = await server.api('POST', '/v2/spaces', { body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.detail).toContain(field);
    }
  });

  it('needs SPACE_CREATE on the organization: READ_ONLY → 403, non-member → 404', async () => {
    const orgId = await createOrganization(server, 'perm-org');
    const readOnly = await user();
    await addOrganizationMember(server, orgId, readOnly.id, 'READ_ONLY');
    const denied = await server.api('POST', '/v2/spaces', { key: readOnly.key, body: { name: 'x', organization_id: orgId } });
    expect(denied.status).toBe(403);
    expect(denied.body.detail).toContain('SPACE_CREATE');
    const outsider = await user();
    expect((await server.api('POST', '/v2/spaces', { key: outsider.key, body: { name: 'x', organization_id: orgId } })).status).toBe(404);
  });

  it('makes an organization MEMBER who creates a private space its ADMIN, so it can see and manage it', async () => {
    const orgId = await createOrganization(server, 'member-creates-org');
    const member = await user();
    await addOrganizationMember(server, orgId, member.id, 'MEMBER');
    const spaceId = await createSpace(server, orgId, 'mine', { isPrivate: true, key: member.key });
    expect((await server.api('GET', `/v2/spaces/${enc(spaceId)}`, { key: member.key })).status).toBe(200);
    const rename = await server.api('PATCH', `/v2/spaces/${enc(spaceId)}`, { key: member.key, body: { name: 'mine-2' } });
    expect(rename.status).toBe(200);
    const membership = await db().selectFrom('space_memberships').innerJoin('roles', 'roles.id', 'space_memberships.role_id')
      .select('roles.predefined_key').where('space_id', '=', dbId(spaceId)).where('user_id', '=', member.dbId).executeTakeFirst();
    expect(membership?.predefined_key).toBe('ADMIN');
  });

  it('adds no membership when the creator already administers the organization', async () => {
    const orgId = await createOrganization(server, 'admin-creates-org');
    const spaceId = await createSpace(server, orgId, 's');
    const rows = await db().selectFrom('space_memberships').select('id').where('space_id', '=', dbId(spaceId)).execute();
    expect(rows).toEqual([]);
  });
});

describe('GET /v2/spaces/{space_id}', () => {
  it('answers the space by its percent-encoded id', async () => {
    const orgId = await createOrganization(server, 'get-org');
    // Padded ids of small numbers end in '=', which a client sends as %3D.
    const spaceId = await createSpace(server, orgId, 'get');
    expect(spaceId).toContain('=');
    expect(enc(spaceId)).toContain('%3D');
    const res = await server.api('GET', `/v2/spaces/${enc(spaceId)}`);
    expect(res.status).toBe(200);
    expect(res.body.id).toBe(spaceId);
  });

  it('answers 404 for unknown and foreign spaces, 400 for malformed ids', async () => {
    expect((await server.api('GET', `/v2/spaces/${enc(encodeId('Space', 999999))}`)).status).toBe(404);
    const orgId = await createOrganization(server, 'get-foreign-org');
    const spaceId = await createSpace(server, orgId, 's');
    const other = await createSecondAccount(server, 'spaces-b-get@tenant-b.example');
    expect((await server.api('GET', `/v2/spaces/${enc(spaceId)}`, { key: other.admin.key })).status).toBe(404);
    const bad = await server.api('GET', '/v2/spaces/nope');
    expect(bad.status).toBe(400);
    expect(bad.body.detail).toContain('space_id');
    expect((await server.api('GET', `/v2/spaces/${enc(encodeId('Project', 1))}`)).status).toBe(400);
    // A percent-encoded / or + stays inside the one path segment: the route matches and the id is judged.
    const slashed = await server.api('GET', `/v2/spaces/${enc('U3Bh/2U6+Q==')}`);
    expect(slashed.status).toBe(400);
    expect(slashed.body.detail).toContain('space_id');
  });

  it('hides a private space from a READ_ONLY organization member but shows it to a space member', async () => {
    const orgId = await createOrganization(server, 'private-get-org');
    const spaceId = await createSpace(server, orgId, 'hidden', { isPrivate: true });
    const publicId = await createSpace(server, orgId, 'open');
    const reader = await user();
    await addOrganizationMember(server, orgId, reader.id, 'READ_ONLY');
    expect((await server.api('GET', `/v2/spaces/${enc(spaceId)}`, { key: reader.key })).status).toBe(404);
    expect((await server.api('GET', `/v2/spaces/${enc(publicId)}`, { key: reader.key })).status).toBe(200);
    await addSpaceMember(server, spaceId, reader.id, 'READ_ONLY');
    expect((await server.api('GET', `/v2/spaces/${enc(spaceId)}`, { key: reader.key })).status).toBe(200);
  });
});

describe('GET /v2/spaces', () => {
  it('lists only what the caller may read: private spaces for members and admins only', async () => {
    const orgId = await createOrganization(server, 'list-vis-org');
    const open = await createSpace(server, orgId, 'vis-open');
    const closed = await createSpace(server, orgId, 'vis-closed', { isPrivate: true });
    const reader = await user();
    await addOrganizationMember(server, orgId, reader.id, 'READ_ONLY');
    const orgAdmin = await user();
    await addOrganizationMember(server, orgId, orgAdmin.id, 'ADMIN');
    const names = async (key?: string) =>
      (await server.api('GET', `/v2/spaces?org_id=${enc(orgId)}`, key ? { key } : {})).body.spaces.map((s: { id: string }) => s.id);
    expect(await names(reader.key)).toEqual([open]);
    expect(await names(orgAdmin.key)).toEqual([open, closed]);
    expect(await names()).toEqual([open, closed]);
    await addSpaceMember(server, closed, reader.id, 'MEMBER');
    expect(await names(reader.key)).toEqual([open, closed]);
    const outsider = await user();
    expect(await names(outsider.key)).toEqual([]);
  });

  it('filters by org_id and by a case-insensitive name substring, treating % and _ literally', async () => {
    const a = await createOrganization(server, 'filter-org-a');
    const b = await createOrganization(server, 'filter-org-b');
    const pct = await createSpace(server, a, 'Rate 100% Done');
    await createSpace(server, a, 'Rate 1000 Done');
    const under = await createSpace(server, b, 'snake_CASE');
    await createSpace(server, b, 'snakeXcase');
    const list = async (query: string) => (await server.api('GET', `/v2/spaces?${query}`)).body.spaces.map((s: { id: string }) => s.id);
    expect(await list(`name=${enc('100%')}`)).toEqual([pct]);
    expect(await list(`name=${enc('E_c')}`)).toEqual([under]);
    expect(await list(`org_id=${enc(b)}&name=SNAKE`)).toHaveLength(2);
    expect(await list(`org_id=${enc(a)}&name=snake`)).toEqual([]);
    expect(await list(`org_id=${enc(encodeId('Organization', 999999))}`)).toEqual([]);
    const bad = await server.api('GET', '/v2/spaces?org_id=zzz');
    expect(bad.status).toBe(400);
    expect(bad.body.detail).toContain('org_id');
  });

  it('pages through more spaces than the limit, for admins and for filtered members alike', async () => {
    const orgId = await createOrganization(server, 'page-org');
    const created: string[] = [];
    for (let i = 0; i < 7; i++) created.push(await createSpace(server, orgId, `page-${i}`, { isPrivate: i % 2 === 1 }));
    const reader = await user();
    await addOrganizationMember(server, orgId, reader.id, 'READ_ONLY');
    const collect = async (key?: string) => {
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let pages = 0; pages < 10; pages++) {
        const res = await server.api('GET', `/v2/spaces?org_id=${enc(orgId)}&limit=2${cursor ? `&cursor=${enc(cursor)}` : ''}`, key ? { key } : {});
        expect(res.status).toBe(200);
        expect(res.body.spaces.length).toBeLessThanOrEqual(2);
        seen.push(...res.body.spaces.map((s: { id: string }) => s.id));
        if (!res.body.pagination.has_more) {
          expect(res.body.pagination).toEqual({ has_more: false });
          return seen;
        }
        cursor = res.body.pagination.next_cursor;
      }
      throw new Error('pagination did not end');
    };
    expect(await collect()).toEqual(created);
    expect(await collect(reader.key)).toEqual(created.filter((_, i) => i % 2 === 0));
  });

  it('rejects bad limits and cursors from elsewhere with 400', async () => {
    expect((await server.api('GET', '/v2/spaces?limit=0')).status).toBe(400);
    expect((await server.api('GET', '/v2/spaces?limit=101')).status).toBe(400);
    expect((await server.api('GET', '/v2/spaces?cursor=forged.cursor')).status).toBe(400);
    expect((await server.api('GET', '/v2/spaces?bogus=1')).status).toBe(400);
  });

  it('never lists another account\'s spaces', async () => {
    const orgId = await createOrganization(server, 'cross-list-org');
    await createSpace(server, orgId, 'cross-list-space');
    const other = await createSecondAccount(server, 'spaces-b-list@tenant-b.example');
    const res = await server.api('GET', '/v2/spaces?name=cross-list', { key: other.admin.key });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ spaces: [], pagination: { has_more: false } });
  });
});

describe('PATCH /v2/spaces/{space_id}', () => {
  it('updates name, clears description with null, toggles is_private', async () => {
    const orgId = await createOrganization(server, 'patch-org');
    const created = await server.api('POST', '/v2/spaces', { body: { name: 'p', organization_id: orgId, description: 'old' } });
    const path = `/v2/spaces/${enc(created.body.id)}`;
    // Read twice first: the second GET is answered from the process's cached row and its serialized answer.
    for (let read = 0; read < 2; read++) expect((await server.api('GET', path)).body).toEqual(created.body);
    const renamed = await server.api('PATCH', path, { body: { name: 'p2' } });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: 'p2', description: 'old', is_private: false, created_at: created.body.created_at });
    const read = await server.api('GET', path);
    expect(read.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(read.body).toEqual(renamed.body);
    const cleared = await server.api('PATCH', path, { body: { description: null } });
    expect(cleared.body).toMatchObject({ name: 'p2', description: '' });
    const priv = await server.api('PATCH', path, { body: { is_private: true } });
    expect(priv.body).toMatchObject({ name: 'p2', description: '', is_private: true });
    expect((await server.api('GET', path)).body.is_private).toBe(true);
  });

  it('answers 400 for {} and bad fields, 409 for a taken name', async () => {
    const orgId = await createOrganization(server, 'patch-bad-org');
    const spaceId = await createSpace(server, orgId, 'one');
    await createSpace(server, orgId, 'two');
    const path = `/v2/spaces/${enc(spaceId)}`;
    const empty = await server.api('PATCH', path, { body: {} });
    expect(empty.status).toBe(400);
    expect(empty.body.detail).toContain('body');
    expect((await server.api('PATCH', path, { body: { name: null } })).status).toBe(400);
    expect((await server.api('PATCH', path, { body: { is_private: 1 } })).status).toBe(400);
    expect((await server.api('PATCH', path, { body: { organization_id: orgId } })).status).toBe(400);
    expect((await server.api('PATCH', path, { body: { name: 'two' } })).status).toBe(409);
  });

  it('needs SPACE_UPDATE: a space MEMBER gets 403, an outsider 404', async () => {
    const orgId = await createOrganization(server, 'patch-perm-org');
    const spaceId = await createSpace(server, orgId, 's', { isPrivate: true });
    const member = await user();
    await addOrganizationMember(server, orgId, member.id, 'MEMBER');
    await addSpaceMember(server, spaceId, member.id, 'MEMBER');
    const denied = await server.api('PATCH', `/v2/spaces/${enc(spaceId)}`, { key: member.key, body: { name: 'x' } });
    expect(denied.status).toBe(403);
    expect(denied.body.detail).toContain('SPACE_UPDATE');
    const outsider = await user();
    expect((await server.api('PATCH', `/v2/spaces/${enc(spaceId)}`, { key: outsider.key, body: { name: 'x' } })).status).toBe(404);
  });
});

describe('DELETE /v2/spaces/{space_id}', () => {
  it('deletes the space with its projects, restrictions, memberships (bots\' too) and bindings', async () => {
    const orgId = await createOrganization(server, 'delete-org');
    const spaceId = await createSpace(server, orgId, 'doomed');
    const keepId = await createSpace(server, orgId, 'kept');
    const projectId = await createProject(server, spaceId, 'p');
    const keptProject = await createProject(server, keepId, 'p');
    await restrictProject(server, projectId);
    const member = await user();
    await addOrganizationMember(server, orgId, member.id, 'MEMBER');
    await addSpaceMember(server, spaceId, member.id, 'MEMBER');
    await insertRoleBinding(server, member.id, 'READ_ONLY', { type: 'SPACE', id: spaceId });
    await insertRoleBinding(server, member.id, 'MEMBER', { type: 'PROJECT', id: projectId });
    const bot = await user();
    await addOrganizationMember(server, orgId, bot.id, 'READ_ONLY');
    await addSpaceMember(server, spaceId, bot.id, 'MEMBER');
    await db().updateTable('users').set({ is_bot: 1 }).where('id', '=', bot.dbId).execute();

    const del = await server.api('DELETE', `/v2/spaces/${enc(spaceId)}`);
    expect(del.status).toBe(204);
    expect(del.body).toBeUndefined();
    expect((await server.api('GET', `/v2/spaces/${enc(spaceId)}`)).status).toBe(404);
    expect((await server.api('GET', `/v2/projects/${enc(projectId)}`)).status).toBe(404);
    expect((await server.api('GET', `/v2/projects/${enc(keptProject)}`)).status).toBe(200);
    const sid = dbId(spaceId);
    const pid = dbId(projectId);
    expect(await db().selectFrom('projects').select('id').where('space_id', '=', sid).execute()).toEqual([]);
    expect(await db().selectFrom('resource_restrictions').select('project_id').where('project_id', '=', pid).execute()).toEqual([]);
    expect(await db().selectFrom('space_memberships').select('id').where('space_id', '=', sid).execute()).toEqual([]);
    expect(await db().selectFrom('role_bindings').select('id').where((eb) => eb.or([eb('space_id', '=', sid), eb('project_id', '=', pid)])).execute()).toEqual([]);
    expect((await server.api('DELETE', `/v2/spaces/${enc(spaceId)}`)).status).toBe(404);
  });

  it('needs SPACE_DELETE: a space MEMBER gets 403', async () => {
    const orgId = await createOrganization(server, 'delete-perm-org');
    const spaceId = await createSpace(server, orgId, 's');
    const member = await user();
    await addOrganizationMember(server, orgId, member.id, 'MEMBER');
    await addSpaceMember(server, spaceId, member.id, 'MEMBER');
    const denied = await server.api('DELETE', `/v2/spaces/${enc(spaceId)}`, { key: member.key });
    expect(denied.status).toBe(403);
    expect(denied.body.detail).toContain('SPACE_DELETE');
  });
});

describe('POST /v2/spaces/{space_id}/users', () => {
  it('adds a member and upserts its role, answering 200 with the SpaceMembership', async () => {
    const orgId = await createOrganization(server, 'members-org');
    const spaceId = await createSpace(server, orgId, 's');
    const u = await user();
    await addOrganizationMember(server, orgId, u.id, 'READ_ONLY');
    const path = `/v2/spaces/${enc(spaceId)}/users`;
    const first = await server.api('POST', path, { body: { user_id: u.id, role: { type: 'PREDEFINED', name: 'READ_ONLY' } } });
    expect(first.status).toBe(200);
    expect(Object.keys(first.body).sort()).toEqual(['id', 'role', 'source', 'space_id', 'user_id']);
    expect(first.body).toMatchObject({ space_id: spaceId, user_id: u.id, role: { type: 'PREDEFINED', name: 'READ_ONLY' } });
    expect(parseId(first.body.id)?.type).toBe('SpaceMembership');
    const second = await server.api('POST', path, { body: { user_id: u.id, role: { type: 'PREDEFINED', name: 'ANNOTATOR' } } });
    expect(second.status).toBe(200);
    expect(second.body).toEqual({ ...first.body, role: { type: 'PREDEFINED', name: 'ANNOTATOR' } });
  });

  it('accepts a CUSTOM role and echoes its id and name', async () => {
    const orgId = await createOrganization(server, 'members-custom-org');
    const spaceId = await createSpace(server, orgId, 's');
    const u = await user();
    await addOrganizationMember(server, orgId, u.id, 'READ_ONLY');
    const roleId = encodeId('Role', await insertCustomRole(server, 'space-reader', ['SPACE_READ', 'PROJECT_READ']));
    const res = await server.api('POST', `/v2/spaces/${enc(spaceId)}/users`, { body: { user_id: u.id, role: { type: 'CUSTOM', id: roleId } } });
    expect(res.status).toBe(200);
    expect(res.body.role).toEqual({ type: 'CUSTOM', id: roleId, name: 'space-reader' });
    const unknownRole = await server.api('POST', `/v2/spaces/${enc(spaceId)}/users`, {
      body: { user_id: u.id, role: { type: 'CUSTOM', id: encodeId('Role', 999999) } },
    });
    expect(unknownRole.status).toBe(404);
  });

  it('answers 422 when the user is not a member of the space\'s organization', async () => {
    const orgId = await createOrganization(server, 'members-422-org');
    const otherOrg = await createOrganization(server, 'members-422-other');
    const spaceId = await createSpace(server, orgId, 's');
    const u = await user();
    await addOrganizationMember(server, otherOrg, u.id, 'ADMIN');
    const res = await server.api('POST', `/v2/spaces/${enc(spaceId)}/users`, { body: { user_id: u.id, role: { type: 'PREDEFINED', name: 'MEMBER' } } });
    expect(res.status).toBe(422);
    expect(res.body.detail).toContain('organization');
    expect(await db().selectFrom('space_memberships').select('id').where('space_id', '=', dbId(spaceId)).execute()).toEqual([]);
  });

  it('answers 400 for bad bodies and 404 for unknown users and spaces', async () => {
    const orgId = await createOrganization(server, 'members-bad-org');
    const spaceId = await createSpace(server, orgId, 's');
    const path = `/v2/spaces/${enc(spaceId)}/users`;
    const u = await user();
    const badRole = await server.api('POST', path, { body: { user_id: u.id, role: { type: 'PREDEFINED', name: 'OWNER' } } });
    expect(badRole.status).toBe(400);
    expect(badRole.body.detail).toContain('role');
    const badUser = await server.api('POST', path, { body: { user_id: spaceId, role: { type: 'PREDEFINED', name: 'MEMBER' } } });
    expect(badUser.status).toBe(400);
    expect(badUser.body.detail).toContain('user_id');
    expect((await server.api('POST', path, { body: { user_id: u.id } })).status).toBe(400);
    const unknownUser = await server.api('POST', path, { body: { user_id: encodeId('User', 999999), role: { type: 'PREDEFINED', name: 'MEMBER' } } });
    expect(unknownUser.status).toBe(404);
    const unknownSpace = await server.api('POST', `/v2/spaces/${enc(encodeId('Space', 999999))}/users`, {
      body: { user_id: u.id, role: { type: 'PREDEFINED', name: 'MEMBER' } },
    });
    expect(unknownSpace.status).toBe(404);
  });

  it('enforces SPACE_UPDATE and the privilege ceiling', async () => {
    const orgId = await createOrganization(server, 'members-ceiling-org');
    const spaceId = await createSpace(server, orgId, 's', { isPrivate: true });
    const manager = await user();
    const target = await user();
    await addOrganizationMember(server, orgId, manager.id, 'READ_ONLY');
    await addOrganizationMember(server, orgId, target.id, 'READ_ONLY');
    const path = `/v2/spaces/${enc(spaceId)}/users`;
    const asMember = { user_id: target.id, role: { type: 'PREDEFINED', name: 'MEMBER' } };

    await addSpaceMember(server, spaceId, manager.id, 'MEMBER');
    const noUpdate = await server.api('POST', path, { key: manager.key, body: asMember });
    expect(noUpdate.status).toBe(403);
    expect(noUpdate.body.detail).toContain('SPACE_UPDATE');

    const limited = await insertCustomRole(server, 'space-manager', ['SPACE_READ', 'SPACE_UPDATE', 'PROJECT_READ']);
    await server.api('POST', path, { body: { user_id: manager.id, role: { type: 'CUSTOM', id: encodeId('Role', limited) } } });
    const overCeiling = await server.api('POST', path, { key: manager.key, body: asMember });
    expect(overCeiling.status).toBe(403);
    expect(overCeiling.body.detail).toMatch(/cannot grant a role with [A-Z_]+/);
    const withinCeiling = await server.api('POST', path, {
      key: manager.key, body: { user_id: target.id, role: { type: 'CUSTOM', id: encodeId('Role', limited) } },
    });
    expect(withinCeiling.status).toBe(200);
  });
});

describe('DELETE /v2/spaces/{space_id}/users/{user_id}', () => {
  it('removes the membership and the user\'s bindings on the space and its projects, nothing else', async () => {
    const orgId = await createOrganization(server, 'remove-org');
    const spaceId = await createSpace(server, orgId, 's');
    const otherSpace = await createSpace(server, orgId, 'other');
    const projectId = await createProject(server, spaceId, 'p');
    const otherProject = await createProject(server, otherSpace, 'p');
    const u = await user();
    const bystander = await user();
    await addOrganizationMember(server, orgId, u.id, 'READ_ONLY');
    await addOrganizationMember(server, orgId, bystander.id, 'READ_ONLY');
    await addSpaceMember(server, spaceId, u.id, 'MEMBER');
    await addSpaceMember(server, spaceId, bystander.id, 'MEMBER');
    await insertRoleBinding(server, u.id, 'MEMBER', { type: 'SPACE', id: spaceId });
    await insertRoleBinding(server, u.id, 'MEMBER', { type: 'PROJECT', id: projectId });
    const keptSpaceBinding = await insertRoleBinding(server, u.id, 'MEMBER', { type: 'SPACE', id: otherSpace });
    const keptProjectBinding = await insertRoleBinding(server, u.id, 'MEMBER', { type: 'PROJECT', id: otherProject });
    const keptBystander = await insertRoleBinding(server, bystander.id, 'MEMBER', { type: 'PROJECT', id: projectId });
    expect((await server.api('GET', `/v2/projects/${enc(projectId)}`, { key: u.key })).status).toBe(200);

    const res = await server.api('DELETE', `/v2/spaces/${enc(spaceId)}/users/${enc(u.id)}`);
    expect(res.status).toBe(204);
    expect(res.body).toBeUndefined();
    const bindings = await db().selectFrom('role_bindings').select('id').where('user_id', 'in', [u.dbId, bystander.dbId]).orderBy('id').execute();
    expect(bindings.map((b) => b.id)).toEqual([keptSpaceBinding, keptProjectBinding, keptBystander]);
    const memberships = await db().selectFrom('space_memberships').select('user_id').where('space_id', '=', dbId(spaceId)).execute();
    expect(memberships.map((m) => m.user_id)).toEqual([bystander.dbId]);
    expect((await server.api('GET', `/v2/projects/${enc(projectId)}`, { key: u.key })).status).toBe(404);

    expect((await server.api('DELETE', `/v2/spaces/${enc(spaceId)}/users/${enc(u.id)}`)).status).toBe(404);
  });

  it('answers 400 for malformed ids and 403 without SPACE_UPDATE', async () => {
    const orgId = await createOrganization(server, 'remove-perm-org');
    const spaceId = await createSpace(server, orgId, 's');
    const member = await user();
    await addOrganizationMember(server, orgId, member.id, 'MEMBER');
    await addSpaceMember(server, spaceId, member.id, 'MEMBER');
    const bad = await server.api('DELETE', `/v2/spaces/${enc(spaceId)}/users/${enc(spaceId)}`);
    expect(bad.status).toBe(400);
    expect(bad.body.detail).toContain('user_id');
    expect((await server.api('DELETE', `/v2/spaces/${enc(spaceId)}/users/${enc(member.id)}`, { key: member.key })).status).toBe(403);
  });
});
