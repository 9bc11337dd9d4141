import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeId, parseId } from '../../src/domain/ids.js';
import { createSecondAccount, createUserWithKey, type FixtureUser } from '../helpers/fixtures.js';
import {
  addOrganizationMember, addSpaceMember, createOrganization, createProject, createSpace, enc, insertRoleBinding, restrictProject,
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
const user = (): Promise<FixtureUser> => createUserWithKey(server, { email: `projects-user-${++userCount}@example.com` });
const ids = (body: { projects: { id: string }[] }) => body.projects.map((p) => p.id);

/** A fresh organization and space, with a user holding `role` in the space (and READ_ONLY in the organization). */
async function spaceWithMember(name: string, role: 'ADMIN' | 'MEMBER' | 'READ_ONLY', options: { isPrivate?: boolean } = {}) {
  const orgId = await createOrganization(server, `${name}-org`);
  const spaceId = await createSpace(server, orgId, `${name}-space`, options);
  const member = await user();
  await addOrganizationMember(server, orgId, member.id, 'READ_ONLY');
  await addSpaceMember(server, spaceId, member.id, role);
  return { orgId, spaceId, member };
}

describe('POST /v2/projects', () => {
  it('creates a project and answers 201 with the Project shape', async () => {
    const orgId = await createOrganization(server, 'create-org');
    const spaceId = await createSpace(server, orgId, 's');
    const res = await server.api('POST', '/v2/projects', { body: { name: 'traces', space_id: spaceId } });
    expect(res.status).toBe(201);
    expect(Object.keys(res.body).sort()).toEqual(['created_at', 'id', 'name', 'space_id']);
    expect(res.body).toMatchObject({ name: 'traces', space_id: spaceId });
    expect(Buffer.from(res.body.id, 'base64').toString()).toMatch(/^Project:\d+$/);
    expect(new Date(res.body.created_at).toISOString()).toBe(res.body.created_at);
  });

  it('answers 409 for a name taken in the space and allows it in another space', async () => {
    const orgId = await createOrganization(server, 'dup-org');
    const a = await createSpace(server, orgId, 'a');
    const b = await createSpace(server, orgId, 'b');
    await createProject(server, a, 'same');
    const dup = await server.api('POST', '/v2/projects', { body: { name: 'same', space_id: a } });
    expect(dup.status).toBe(409);
    expect(dup.body.detail).toContain('same');
    expect((await server.api('POST', '/v2/projects', { body: { name: 'same', space_id: b } })).status).toBe(201);
  });

  it('answers 400 naming the field for bad input, 404 for unknown or foreign spaces', async () => {
    const orgId = await createOrganization(server, 'bad-org');
    const spaceId = await createSpace(server, orgId, 's');
    const cases: [unknown, string][] = [
      [{ space_id: spaceId }, 'name'],
      [{ name: 'x' }, 'space_id'],
      [{ name: '', space_id: spaceId }, 'name'],
      [{ name: 5, space_id: spaceId }, 'name'],
      [{ name: 'x', space_id: spaceId, restricted: true }, 'restricted'],
      [{ name: 'x', space_id: orgId }, 'space_id'],
    ];
    for (const [body, field] of cases) {
      const res = await server.api('POST', '/v2/projects', { body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.detail).toContain(field);
    }
    expect((await server.api('POST', '/v2/projects', { body: { name: 'x', space_id: encodeId('Space', 999999) } })).status).toBe(404);
    const other = await createSecondAccount(server, 'projects-b-create@tenant-b.example');
    expect((await server.api('POST', '/v2/projects', { key: other.admin.key, body: { name: 'x', space_id: spaceId } })).status).toBe(404);
  });

  it('needs PROJECT_CREATE on the space: READ_ONLY member → 403, MEMBER → 201', async () => {
    const reader = await spaceWithMember('create-ro', 'READ_ONLY');
    const denied = await server.api('POST', '/v2/projects', { key: reader.member.key, body: { name: 'x', space_id: reader.spaceId } });
    expect(denied.status).toBe(403);
    expect(denied.body.detail).toContain('PROJECT_CREATE');
    const writer = await spaceWithMember('create-member', 'MEMBER');
    const ok = await server.api('POST', '/v2/projects', { key: writer.member.key, body: { name: 'x', space_id: writer.spaceId } });
    expect(ok.status).toBe(201);
  });
});

describe('GET /v2/projects/{project_id}', () => {
  it('answers the project by its percent-encoded id; 404 unknown or foreign; 400 malformed', async () => {
    const orgId = await createOrganization(server, 'get-org');
    const spaceId = await createSpace(server, orgId, 's');
    const projectId = await createProject(server, spaceId, 'p');
    const res = await server.api('GET', `/v2/projects/${enc(projectId)}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: projectId, name: 'p', space_id: spaceId });
    expect((await server.api('GET', `/v2/projects/${enc(encodeId('Project', 999999))}`)).status).toBe(404);
    const other = await createSecondAccount(server, 'projects-b-get@tenant-b.example');
    expect((await server.api('GET', `/v2/projects/${enc(projectId)}`, { key: other.admin.key })).status).toBe(404);
    const bad = await server.api('GET', `/v2/projects/${enc(spaceId)}`);
    expect(bad.status).toBe(400);
    expect(bad.body.detail).toContain('project_id');
  });

  it('is 404 for a user with no access to the space', async () => {
    const { spaceId } = await spaceWithMember('get-outsider', 'MEMBER', { isPrivate: true });
    const projectId = await createProject(server, spaceId, 'p');
    const outsider = await user();
    expect((await server.api('GET', `/v2/projects/${enc(projectId)}`, { key: outsider.key })).status).toBe(404);
  });
});

describe('GET /v2/projects', () => {
  it('filters by space_id, by space_name across several spaces, and by name, treating % and _ literally', async () => {
    const orgId = await createOrganization(server, 'filter-org');
    const alpha1 = await createSpace(server, orgId, 'Team-Alpha-1');
    const alpha2 = await createSpace(server, orgId, 'team-ALPHA-2');
    const beta = await createSpace(server, orgId, 'team_beta');
    const a1 = await createProject(server, alpha1, 'Checkout 50% Off');
    const a2 = await createProject(server, alpha2, 'checkout 500 off');
    const b1 = await createProject(server, beta, 'search_v2');
    const b2 = await createProject(server, beta, 'searchXv2');
    const list = async (query: string) => {
      const res = await server.api('GET', `/v2/projects?${query}`);
      expect(res.status).toBe(200);
      return ids(res.body);
    };
    expect(await list(`space_id=${enc(beta)}`)).toEqual([b1, b2]);
    expect(await list('space_name=team-alpha')).toEqual([a1, a2]);
    expect(await list(`space_name=${enc('m_b')}`)).toEqual([b1, b2]);
    expect(await list(`name=${enc('50%')}`)).toEqual([a1]);
    expect(await list(`name=${enc('h_v')}`)).toEqual([b1]);
    expect(await list(`space_name=alpha&name=CHECKOUT`)).toEqual([a1, a2]);
    expect(await list(`space_id=${enc(alpha1)}&name=500`)).toEqual([]);
    expect(await list(`space_id=${enc(encodeId('Space', 999999))}`)).toEqual([]);
    const bad = await server.api('GET', '/v2/projects?space_id=nope');
    expect(bad.status).toBe(400);
    expect(bad.body.detail).toContain('space_id');
  });

  it('answers an empty page in the exact wire shape', async () => {
    const res = await server.api('GET', '/v2/projects?name=no-such-project-anywhere');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ projects: [], pagination: { has_more: false } });
  });

  it('pages through more projects than the limit, for the admin and for a space member', async () => {
    const { spaceId, member } = await spaceWithMember('page', 'READ_ONLY');
    const created: string[] = [];
    for (let i = 0; i < 7; i++) created.push(await createProject(server, spaceId, `page-${i}`));
    const collect = async (key?: string) => {
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let pages = 0; pages < 10; pages++) {
        const res = await server.api('GET', `/v2/projects?space_id=${enc(spaceId)}&limit=3${cursor ? `&cursor=${enc(cursor)}` : ''}`, key ? { key } : {});
        expect(res.status).toBe(200);
        expect(res.body.projects.length).toBeLessThanOrEqual(3);
        seen.push(...ids(res.body));
        if (!res.body.pagination.has_more) {
          expect(res.body.pagination.next_cursor).toBeUndefined();
          return seen;
        }
        cursor = res.body.pagination.next_cursor;
      }
      throw new Error('pagination did not end');
    };
    expect(await collect()).toEqual(created);
    expect(await collect(member.key)).toEqual(created);
  });

  it('rejects a cursor issued by another list', async () => {
    const orgId = await createOrganization(server, 'cursor-org');
    await createSpace(server, orgId, 'c1');
    await createSpace(server, orgId, 'c2');
    const spaces = await server.api('GET', `/v2/spaces?org_id=${enc(orgId)}&limit=1`);
    expect(spaces.body.pagination.has_more).toBe(true);
    const res = await server.api('GET', `/v2/projects?cursor=${enc(spaces.body.pagination.next_cursor)}`);
    expect(res.status).toBe(400);
    expect(res.body.detail).toContain('cursor');
  });

  it('shows a restricted project to the space ADMIN and to PROJECT bindings, not to space MEMBERs', async () => {
    const { orgId, spaceId, member } = await spaceWithMember('restricted-list', 'MEMBER');
    const spaceAdmin = await user();
    await addOrganizationMember(server, orgId, spaceAdmin.id, 'READ_ONLY');
    await addSpaceMember(server, spaceId, spaceAdmin.id, 'ADMIN');
    const open = await createProject(server, spaceId, 'open');
    const closed = await createProject(server, spaceId, 'closed');
    await restrictProject(server, closed);
    const list = async (key: string) => ids((await server.api('GET', `/v2/projects?space_id=${enc(spaceId)}`, { key })).body);
    expect(await list(member.key)).toEqual([open]);
    expect(await list(spaceAdmin.key)).toEqual([open, closed]);
    expect(ids((await server.api('GET', `/v2/projects?space_id=${enc(spaceId)}`)).body)).toEqual([open, closed]);
    await insertRoleBinding(server, member.id, 'READ_ONLY', { type: 'PROJECT', id: closed });
    expect(await list(member.key)).toEqual([open, closed]);
  });

  it('pages a space member past restricted projects in the middle of a page: the same projects, in order, with the same cursors as a whole read', async () => {
    const { spaceId, member } = await spaceWithMember('restricted-paging', 'MEMBER');
    const created: string[] = [];
    for (let i = 0; i < 9; i++) created.push(await createProject(server, spaceId, `restricted-paging-${i}`));
    for (const i of [1, 3, 4, 8]) await restrictProject(server, created[i]!);
    const readable = created.filter((_, i) => ![1, 3, 4, 8].includes(i));
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 10; pages++) {
      const res = await server.api('GET', `/v2/projects?space_id=${enc(spaceId)}&limit=2${cursor ? `&cursor=${enc(cursor)}` : ''}`, { key: member.key });
      expect(res.status).toBe(200);
      seen.push(...ids(res.body));
      if (!res.body.pagination.has_more) break;
      cursor = res.body.pagination.next_cursor;
    }
    expect(seen).toEqual(readable);
    const whole = await server.api('GET', `/v2/projects?space_id=${enc(spaceId)}&limit=100`, { key: member.key });
    expect(ids(whole.body)).toEqual(readable);
    expect(whole.body.pagination).toEqual({ has_more: false });
    const named = await server.api('GET', `/v2/projects?space_id=${enc(spaceId)}&name=paging-7`, { key: member.key });
    expect(ids(named.body)).toEqual([created[7]]);
  });

  it('never lists another account\'s projects', async () => {
    const orgId = await createOrganization(server, 'cross-org');
    const spaceId = await createSpace(server, orgId, 'cross-space');
    await createProject(server, spaceId, 'cross-project');
    const other = await createSecondAccount(server, 'projects-b-list@tenant-b.example');
    const res = await server.api('GET', '/v2/projects?name=cross-project', { key: other.admin.key });
    expect(res.body).toEqual({ projects: [], pagination: { has_more: false } });
    const bySpace = await server.api('GET', `/v2/projects?space_id=${enc(spaceId)}`, { key: other.admin.key });
    expect(bySpace.body.projects).toEqual([]);
  });
});

describe('PATCH /v2/projects/{project_id}', () => {
  it('renames; a taken name is 409; the name is required', async () => {
    const orgId = await createOrganization(server, 'patch-org');
    const spaceId = await createSpace(server, orgId, 's');
    const projectId = await createProject(server, spaceId, 'one');
    await createProject(server, spaceId, 'two');
    const path = `/v2/projects/${enc(projectId)}`;
    const created = (await server.api('GET', path)).body;
    // A second read is answered from the process's cached row and its serialized answer.
    const cached = await server.api('GET', path);
    expect(cached.body).toEqual(created);
    expect(cached.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const renamed = await server.api('PATCH', path, { body: { name: 'uno' } });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toEqual({ ...created, name: 'uno' });
    const taken = await server.api('PATCH', path, { body: { name: 'two' } });
    expect(taken.status).toBe(409);
    expect((await server.api('GET', path)).body.name).toBe('uno');
    const empty = await server.api('PATCH', path, { body: {} });
    expect(empty.status).toBe(400);
    expect(empty.body.detail).toContain('name');
    expect((await server.api('PATCH', path, { body: { name: 'x', space_id: spaceId } })).status).toBe(400);
    expect((await server.api('PATCH', `/v2/projects/${enc(encodeId('Project', 999999))}`, { body: { name: 'x' } })).status).toBe(404);
  });

  it('needs PROJECT_UPDATE: a READ_ONLY space member gets 403', async () => {
    const { spaceId, member } = await spaceWithMember('patch-ro', 'READ_ONLY');
    const projectId = await createProject(server, spaceId, 'p');
    const denied = await server.api('PATCH', `/v2/projects/${enc(projectId)}`, { key: member.key, body: { name: 'x' } });
    expect(denied.status).toBe(403);
    expect(denied.body.detail).toContain('PROJECT_UPDATE');
  });
});

describe('DELETE /v2/projects/{project_id}', () => {
  it('deletes a restricted project, with its restriction and PROJECT bindings, for a PROJECT binding holder', async () => {
    const { spaceId, member } = await spaceWithMember('delete', 'MEMBER');
    const projectId = await createProject(server, spaceId, 'p');
    const kept = await createProject(server, spaceId, 'kept');
    await restrictProject(server, projectId);
    // The restriction withholds PROJECT_DELETE even from the account admin: only PROJECT bindings carry it.
    const adminDenied = await server.api('DELETE', `/v2/projects/${enc(projectId)}`);
    expect(adminDenied.status).toBe(403);
    expect(adminDenied.body.detail).toContain('PROJECT_DELETE');
    await insertRoleBinding(server, member.id, 'MEMBER', { type: 'PROJECT', id: projectId });
    const keptBinding = await insertRoleBinding(server, member.id, 'MEMBER', { type: 'PROJECT', id: kept });
    const res = await server.api('DELETE', `/v2/projects/${enc(projectId)}`, { key: member.key });
    expect(res.status).toBe(204);
    expect(res.body).toBeUndefined();
    const pid = parseId(projectId)!.n;
    expect(await db().selectFrom('resource_restrictions').select('project_id').where('project_id', '=', pid).execute()).toEqual([]);
    const bindings = await db().selectFrom('role_bindings').select('id').where('user_id', '=', member.dbId).execute();
    expect(bindings.map((b) => b.id)).toEqual([keptBinding]);
    expect((await server.api('GET', `/v2/projects/${enc(projectId)}`)).status).toBe(404);
    expect((await server.api('DELETE', `/v2/projects/${enc(projectId)}`)).status).toBe(404);
  });

  it('needs PROJECT_DELETE: a READ_ONLY member gets 403, a MEMBER may delete', async () => {
    const reader = await spaceWithMember('delete-ro', 'READ_ONLY');
    const p1 = await createProject(server, reader.spaceId, 'p');
    const denied = await server.api('DELETE', `/v2/projects/${enc(p1)}`, { key: reader.member.key });
    expect(denied.status).toBe(403);
    expect(denied.body.detail).toContain('PROJECT_DELETE');
    const writer = await spaceWithMember('delete-member', 'MEMBER');
    const p2 = await createProject(server, writer.spaceId, 'p');
    expect((await server.api('DELETE', `/v2/projects/${enc(p2)}`, { key: writer.member.key })).status).toBe(204);
  });
});
