import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeId, parseId } from '../../src/domain/ids.js';
import { createSecondAccount, createUserWithKey, type FixtureUser } from '../helpers/fixtures.js';
import { addOrganizationMember, addSpaceMember, createOrganization, createSpace, enc } from '../helpers/hierarchy.js';
import { startTestServer, type TestServer, type Json } from '../helpers/server.js';

/**
 * The member lists beyond Arize's surface, GET /v2/organizations/{org_id}/users and GET /v2/spaces/{space_id}/users:
 * every live member with its role and who it is (bots included), keyset-paginated by membership id, visible to
 * whoever may read the organization or space.
 */
let server: TestServer;
let foreignAdmin: FixtureUser;
let userCount = 0;

beforeAll(async () => {
  server = await startTestServer();
  foreignAdmin = (await createSecondAccount(server)).admin;
});
afterAll(async () => {
  await server?.close();
});

const db = () => server.context!.store.db;
const nameOf = (u: FixtureUser) => `Name of ${u.email}`;
const user = (role: 'ADMIN' | 'MEMBER' | 'ANNOTATOR' = 'MEMBER'): Promise<FixtureUser> => {
  const email = `members-user-${++userCount}@example.com`;
  return createUserWithKey(server, { email, name: `Name of ${email}`, role });
};
const dbId = (id: string) => parseId(id)!.n;

/** The two lists, each under its own path and parent field. */
const LISTS = [
  { title: 'GET /v2/organizations/{org_id}/users', noun: 'organization', path: (id: string) => `/v2/organizations/${enc(id)}/users`, parent: 'organization_id' },
  { title: 'GET /v2/spaces/{space_id}/users', noun: 'space', path: (id: string) => `/v2/spaces/${enc(id)}/users`, parent: 'space_id' },
] as const;

/** An organization with one space; `private` makes the space private. */
async function hierarchy(name: string, options: { isPrivate?: boolean } = {}) {
  const orgId = await createOrganization(server, `${name}-org`);
  const spaceId = await createSpace(server, orgId, `${name}-space`, options);
  return { orgId, spaceId };
}

/** The organization or space of `h` that a list is about. */
const parentOf = (noun: 'organization' | 'space', h: { orgId: string; spaceId: string }) => (noun === 'organization' ? h.orgId : h.spaceId);

/** A user who is a member of the organization and of its space. */
async function member(h: { orgId: string; spaceId: string }, role: 'ADMIN' | 'MEMBER' | 'READ_ONLY' = 'MEMBER'): Promise<FixtureUser> {
  const u = await user();
  await addOrganizationMember(server, h.orgId, u.id, role);
  await addSpaceMember(server, h.spaceId, u.id, role);
  return u;
}

async function listAll(path: string, key?: string, limit = 2): Promise<Json[]> {
  const items: Json[] = [];
  let cursor: string | undefined;
  do {
    const res = await server.api('GET', `${path}?limit=${limit}${cursor ? `&cursor=${enc(cursor)}` : ''}`, key ? { key } : {});
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.memberships.length).toBeLessThanOrEqual(limit);
    items.push(...res.body.memberships);
    cursor = res.body.pagination.next_cursor;
    expect(res.body.pagination.has_more).toBe(cursor !== undefined);
  } while (cursor);
  return items;
}

for (const { title, noun, path, parent } of LISTS) describe(title, () => {
  it('lists each member with its role and who it is, CUSTOM roles with id and name', async () => {
    const h = await hierarchy(`${noun}-shape`);
    const plain = await member(h, 'READ_ONLY');
    const custom = await user();
    const role = await server.api('POST', '/v2/roles', { body: { name: `${noun} member reader`, permissions: ['PROJECT_READ', 'SPACE_READ'] } });
    expect(role.status).toBe(201);
    const assignment = { type: 'CUSTOM', id: role.body.id };
    expect((await server.api('POST', `/v2/organizations/${enc(h.orgId)}/users`, { body: { user_id: custom.id, role: assignment } })).status).toBe(200);
    expect((await server.api('POST', `/v2/spaces/${enc(h.spaceId)}/users`, { body: { user_id: custom.id, role: assignment } })).status).toBe(200);

    const res = await server.api('GET', path(parentOf(noun, h)));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.body.pagination).toEqual({ has_more: false });
    const rows = res.body.memberships as Json[];
    expect(rows.map((m) => m.user_id)).toEqual([plain.id, custom.id]);
    for (const m of rows) {
      expect(Object.keys(m).sort()).toEqual(['id', parent, 'role', 'source', 'user', 'user_id'].sort());
      expect(m.source).toBe('MANUAL');
      expect(m[parent]).toBe(parentOf(noun, h));
      expect(Buffer.from(m.id, 'base64').toString()).toMatch(noun === 'organization' ? /^OrganizationMembership:\d+$/ : /^SpaceMembership:\d+$/);
    }
    expect(rows[0]).toMatchObject({ role: { type: 'PREDEFINED', name: 'READ_ONLY' }, user: { name: nameOf(plain), email: plain.email, is_bot: false } });
    expect(rows[1].role).toEqual({ type: 'CUSTOM', id: role.body.id, name: `${noun} member reader` });
    expect(Object.keys(rows[1].user).sort()).toEqual(['email', 'is_bot', 'name']);
  });

  it('follows role changes and removals', async () => {
    const h = await hierarchy(`${noun}-changes`);
    const u = await member(h, 'READ_ONLY');
    const gone = await member(h);
    if (noun === 'organization') await addOrganizationMember(server, h.orgId, u.id, 'ADMIN');
    else await addSpaceMember(server, h.spaceId, u.id, 'ADMIN');
    expect((await server.api('DELETE', `${path(parentOf(noun, h))}/${enc(gone.id)}`)).status).toBe(204);
    const rows = await listAll(path(parentOf(noun, h)));
    expect(rows.map((m) => [m.user_id, m.role])).toEqual([[u.id, { type: 'PREDEFINED', name: 'ADMIN' }]]);
  });

  it('pages by membership id with opaque cursors that only this kind of list accepts', async () => {
    const h = await hierarchy(`${noun}-pages`);
    const users: FixtureUser[] = [];
    for (let i = 0; i < 5; i++) users.push(await member(h));
    const rows = await listAll(path(parentOf(noun, h)));
    expect(rows.map((m) => m.user_id)).toEqual(users.map((u) => u.id));
    const ids = rows.map((m) => dbId(m.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(await listAll(path(parentOf(noun, h)), undefined, 100)).toEqual(rows);

    const first = await server.api('GET', `${path(parentOf(noun, h))}?limit=2`);
    const other = LISTS.find((l) => l.noun !== noun)!;
    const foreign = await server.api('GET', `${other.path(parentOf(other.noun, h))}?cursor=${enc(first.body.pagination.next_cursor)}`);
    expect(foreign.status).toBe(400);
    expect(foreign.body.code).toBe('INVALID_CURSOR');
    for (const query of ['limit=0', 'limit=101', 'cursor=forged', 'role=ADMIN']) {
      const bad = await server.api('GET', `${path(parentOf(noun, h))}?${query}`);
      expect(bad.status, query).toBe(400);
      expect(bad.body.detail, query).toContain(query.split('=')[0]);
    }
  });

  it('lists the bot of a service key, and no deleted user', async () => {
    const h = await hierarchy(`${noun}-bots`);
    const kept = await member(h);
    const deleted = await member(h);
    const softDeleted = await member(h);
    const created = await server.api('POST', '/v2/api-keys', {
      body: { key_type: 'SERVICE', name: `${noun}-pipeline`, organizations: [{ org_id: h.orgId, spaces: [{ space_id: h.spaceId }] }] },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const botId: string = created.body.bot_user.id;
    expect((await server.api('DELETE', `/v2/users/${enc(deleted.id)}`)).status).toBe(204);
    // A deleted user is never listed, even while a membership row of theirs still exists.
    await db().updateTable('users').set({ deleted_at: new Date().toISOString() }).where('id', '=', softDeleted.dbId).execute();

    const rows = await listAll(path(parentOf(noun, h)));
    expect(rows.map((m) => m.user_id)).toEqual([kept.id, botId]);
    expect(rows[1].user).toMatchObject({ name: `${noun}-pipeline`, is_bot: true });
    expect(rows[1].user.email).toMatch(/@bots\.invalid$/);
    expect(rows[1].role).toEqual(noun === 'organization' ? { type: 'PREDEFINED', name: 'READ_ONLY' } : { type: 'PREDEFINED', name: 'MEMBER' });
  });

  it(`needs ${noun === 'organization' ? 'ORGANIZATION_READ' : 'SPACE_READ'}: 404 for outsiders, unknown and foreign ids; 400 for malformed ids`, async () => {
    const h = await hierarchy(`${noun}-visibility`);
    const insider = await member(h, 'READ_ONLY');
    const outsider = await user();
    expect((await server.api('GET', path(parentOf(noun, h)), { key: insider.key })).status).toBe(200);
    const hidden = await server.api('GET', path(parentOf(noun, h)), { key: outsider.key });
    expect(hidden.status).toBe(404);
    expect(hidden.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(hidden.body.detail).toBe(`${noun} not found`);

    expect((await server.api('GET', path(parentOf(noun, h)), { key: foreignAdmin.key })).status).toBe(404);
    const unknown = encodeId(noun === 'organization' ? 'Organization' : 'Space', 999999);
    expect((await server.api('GET', path(unknown))).status).toBe(404);
    for (const bad of ['nope', encodeId(noun === 'organization' ? 'Space' : 'Organization', 1)]) {
      const res = await server.api('GET', path(bad));
      expect(res.status, bad).toBe(400);
      expect(res.body.detail, bad).toContain(noun === 'organization' ? 'org_id' : 'space_id');
    }
    expect((await server.api('GET', path(parentOf(noun, h)), { key: null })).status).toBe(401);
  });
});

describe('GET /v2/spaces/{space_id}/users on a private space', () => {
  it('answers space members and organization admins, and 404 to a READ_ONLY organization member outside the space', async () => {
    const h = await hierarchy('private-members', { isPrivate: true });
    const spaceMember = await member(h, 'READ_ONLY');
    const orgOnly = await user();
    await addOrganizationMember(server, h.orgId, orgOnly.id, 'READ_ONLY');
    const orgAdmin = await user();
    await addOrganizationMember(server, h.orgId, orgAdmin.id, 'ADMIN');
    const path = `/v2/spaces/${enc(h.spaceId)}/users`;
    expect((await server.api('GET', path, { key: spaceMember.key })).body.memberships.map((m: Json) => m.user_id)).toEqual([spaceMember.id]);
    expect((await server.api('GET', path, { key: orgAdmin.key })).status).toBe(200);
    expect((await server.api('GET', path, { key: orgOnly.key })).status).toBe(404);
    // The organization's own list still shows all three to its members.
    const org = await server.api('GET', `/v2/organizations/${enc(h.orgId)}/users`, { key: orgOnly.key });
    expect(org.body.memberships.map((m: Json) => m.user_id)).toEqual([spaceMember.id, orgOnly.id, orgAdmin.id]);
  });
});
