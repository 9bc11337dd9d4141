import { Agent, get as httpGet } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeId, parseId } from '../../src/domain/ids.js';
import { ShiftableClock } from '../../src/server/test-clock.js';
import { createSecondAccount, createUserWithKey, type FixtureUser } from '../helpers/fixtures.js';
import { addOrganizationMember, addSpaceMember, createOrganization, createSpace, enc } from '../helpers/hierarchy.js';
import { startTestServer, type TestServer, type Json } from '../helpers/server.js';

let server: TestServer;
/** Real time, moved forward past a grace period instead of sleeping through it. */
const clock = new ShiftableClock();
let userCount = 0;
let nameCount = 0;

beforeAll(async () => {
  server = await startTestServer({ clock });
});
afterAll(async () => {
  await server?.close();
});

const db = () => server.context!.store.db;
const dbId = (id: string) => parseId(id)!.n;
const user = (role: 'ADMIN' | 'MEMBER' | 'ANNOTATOR' = 'MEMBER'): Promise<FixtureUser> =>
  createUserWithKey(server, { email: `keys-user-${++userCount}@example.com`, role });
const unique = (prefix: string) => `${prefix}-${++nameCount}`;
const inOneHour = () => new Date(Date.now() + 3_600_000).toISOString();
type Role = { type: 'PREDEFINED'; name: string } | { type: 'CUSTOM'; id: string };
const predefined = (name: string): Role => ({ type: 'PREDEFINED', name });

function createKey(body: unknown, key?: string) {
  return server.api('POST', '/v2/api-keys', { body, ...(key ? { key } : {}) });
}

async function userKey(key?: string, extra: Record<string, unknown> = {}): Promise<Json> {
  const res = await createKey({ key_type: 'USER', name: unique('user-key'), ...extra }, key);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

/** An organization with one space; `members` join the organization and the space with the given roles. */
async function hierarchy(options: { isPrivate?: boolean } = {}) {
  const orgId = await createOrganization(server, unique('keys-org'));
  const spaceId = await createSpace(server, orgId, unique('keys-space'), options);
  return { orgId, spaceId };
}

async function member(h: { orgId: string; spaceId: string }, spaceRole: 'ADMIN' | 'MEMBER' | 'READ_ONLY', orgRole: 'ADMIN' | 'MEMBER' | 'READ_ONLY' = 'READ_ONLY') {
  const u = await user();
  await addOrganizationMember(server, h.orgId, u.id, orgRole);
  await addSpaceMember(server, h.spaceId, u.id, spaceRole);
  return u;
}

function serviceBody(orgId: string, spaces: { space_id: string; role?: Role }[], extra: Record<string, unknown> = {}) {
  return { key_type: 'SERVICE', name: unique('svc'), organizations: [{ org_id: orgId, spaces }], ...extra };
}

async function serviceKey(h: { orgId: string; spaceId: string }, key?: string, extra: Record<string, unknown> = {}): Promise<Json> {
  const res = await createKey(serviceBody(h.orgId, [{ space_id: h.spaceId }], extra), key);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

const me = (key: string) => server.api('GET', '/v2/me', { key });
const revoke = (id: string, key?: string) => server.api('PUT', `/v2/api-keys/${enc(id)}/revoke`, key ? { key } : {});
const refresh = (id: string, body: unknown, key?: string) =>
  server.api('POST', `/v2/api-keys/${enc(id)}/refresh`, { ...(body === undefined ? {} : { body }), ...(key ? { key } : {}) });

async function list(query = '', key?: string): Promise<Json> {
  const res = await server.api('GET', `/v2/api-keys${query ? `?${query}` : ''}`, key ? { key } : {});
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

const API_KEY_FIELDS = ['created_at', 'created_by_user_id', 'id', 'key_type', 'name', 'redacted_key', 'status'];

describe('POST /v2/api-keys (USER)', () => {
  it('creates a USER key for the caller: 201, the ApiKey shape plus the raw key, which authenticates as the caller', async () => {
    const u = await user();
    const res = await createKey({ key_type: 'USER', name: 'laptop' }, u.key);
    expect(res.status).toBe(201);
    expect(Object.keys(res.body).sort()).toEqual([...API_KEY_FIELDS, 'key'].sort());
    expect(res.body).toMatchObject({ name: 'laptop', key_type: 'USER', status: 'ACTIVE', created_by_user_id: u.id });
    expect(parseId(res.body.id)?.type).toBe('ApiKey');
    expect(res.body.key).toMatch(/^ak-[0-9A-Za-z]{12}-[0-9A-Za-z]{49}$/);
    expect(res.body.redacted_key).toMatch(/^ak-[0-9A-Za-z]{3}\.\.\.[0-9A-Za-z]{4}$/);
    expect(res.body.redacted_key.slice(-4)).toBe(res.body.key.slice(-4));
    expect(new Date(res.body.created_at).toISOString()).toBe(res.body.created_at);
    const who = await me(res.body.key);
    expect(who.status).toBe(200);
    expect(who.body).toMatchObject({ id: u.id, is_bot: false, key_type: 'USER' });
  });

  it('stores description and expires_at (normalized to UTC) and omits them when absent', async () => {
    const at = Math.floor(Date.now() / 1000) * 1000 + 86_400_000;
    const offset = `${new Date(at + 2 * 3_600_000).toISOString().slice(0, 19)}+02:00`; // the same instant, written at +02:00
    const res = await createKey({ key_type: 'USER', name: 'ci', description: 'for CI', expires_at: offset });
    expect(res.status).toBe(201);
    expect(res.body.description).toBe('for CI');
    expect(res.body.expires_at).toBe(new Date(at).toISOString());
  });

  it('lets an account MEMBER create one for itself; the ANNOTATOR account role grants no keys (403)', async () => {
    const member = await user('MEMBER');
    const created = await userKey(member.key);
    expect((await me(created.key)).body.id).toBe(member.id);
    const annotator = await user('ANNOTATOR');
    const refused = await createKey({ key_type: 'USER', name: unique('annotator-key') }, annotator.key);
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toContain('ANNOTATOR');
  });

  it.each([
    ['an expires_at in the past', { expires_at: new Date(Date.now() - 1000).toISOString() }, 422, 'expires_at'],
    ['an expires_at of now-ish (not in the future)', { expires_at: new Date(Date.now() - 1).toISOString() }, 422, 'expires_at'],
    ['an expires_at that is not RFC 3339', { expires_at: 'tomorrow' }, 400, 'expires_at'],
    ['an empty name', { name: '' }, 400, 'name'],
    ['a blank name', { name: '   ' }, 400, 'name'],
    ['a 257-character name', { name: 'n'.repeat(257) }, 400, 'name'],
    ['a 1001-character description', { description: 'd'.repeat(1001) }, 400, 'description'],
    ['a NUL character in the name (PostgreSQL text cannot hold it)', { name: 'a\u0000b' }, 400, 'name'],
    ['a NUL character in the description', { description: 'x\u0000' }, 400, 'description'],
    ['an unknown field', { scopes: ['all'] }, 400, 'scopes'],
    ['a SERVICE-only field on a USER key', { organizations: [] }, 400, 'organizations'],
  ])('answers %s with the status given, naming the field', async (_what, patch, status, field) => {
    const res = await createKey({ key_type: 'USER', name: 'bad', ...patch });
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body.detail).toContain(field);
  });

  it('needs is_developer (Arize: "developer permissions (can use the Arize API)"): 403 without it, 201 once an admin sets it', async () => {
    const m = await user('MEMBER');
    const path = `/v2/users/${enc(m.id)}`;
    expect((await server.api('PATCH', path, { body: { is_developer: false } })).status).toBe(200);
    const refused = await createKey({ key_type: 'USER', name: unique('no-dev') }, m.key);
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toContain('is_developer');
    expect((await server.api('PATCH', path, { body: { is_developer: true } })).status).toBe(200);
    await userKey(m.key);
  });

  it('needs is_developer to refresh a USER key too: no new secret for a user who may no longer create one', async () => {
    const m = await user('MEMBER');
    const path = `/v2/users/${enc(m.id)}`;
    const own = await userKey(m.key);
    expect((await server.api('PATCH', path, { body: { is_developer: false } })).status).toBe(200);
    for (const caller of [m.key, undefined]) {
      const refused = await server.api('POST', `/v2/api-keys/${enc(own.id)}/refresh`, { body: {}, ...(caller ? { key: caller } : {}) });
      expect(refused.status).toBe(403);
      expect(refused.body.detail).toContain('is_developer');
    }
    expect((await server.api('GET', `/v2/api-keys/${enc(own.id)}`)).body.status).toBe('ACTIVE');
    expect((await server.api('PATCH', path, { body: { is_developer: true } })).status).toBe(200);
    expect((await server.api('POST', `/v2/api-keys/${enc(own.id)}/refresh`, { body: {}, key: m.key })).status).toBe(200);
  });

  it('accepts a 256-character name and a 1000-character description', async () => {
    const res = await createKey({ key_type: 'USER', name: 'n'.repeat(256), description: 'd'.repeat(1000) });
    expect(res.status).toBe(201);
  });

  it.each([
    ['an unknown key_type', { key_type: 'ROBOT', name: 'x' }],
    ['a missing key_type', { name: 'x' }],
    ['a lower-case key_type', { key_type: 'user', name: 'x' }],
    ['a body that is not an object', ['USER']],
  ])('answers %s with 400 naming key_type or the body', async (_what, body) => {
    const res = await createKey(body);
    expect(res.status).toBe(400);
    expect(res.body.detail).toMatch(/key_type|body/);
  });

  it('refuses a USER key to a bot (service key principal): 403', async () => {
    const h = await hierarchy();
    const svc = await serviceKey(h);
    const res = await createKey({ key_type: 'USER', name: 'mine' }, svc.key);
    expect(res.status).toBe(403);
    expect(res.body.detail).toContain('USER');
  });

  it('answers 401 without a key', async () => {
    const res = await server.api('POST', '/v2/api-keys', { key: null, body: { key_type: 'USER', name: 'x' } });
    expect(res.status).toBe(401);
  });

  it('never writes the raw key to the audit log, and audits the creation', async () => {
    const u = await user();
    const created = await userKey(u.key);
    const rows = await db().selectFrom('audit_logs').selectAll().where('user_id', '=', u.dbId).execute();
    expect(rows.some((r) => r.operation_name === 'POST /v2/api-keys')).toBe(true);
    const all = await db().selectFrom('audit_logs').selectAll().execute();
    for (const r of all) expect(JSON.stringify(r)).not.toContain(created.key.slice(3));
    const stored = await db().selectFrom('api_keys').selectAll().where('id', '=', dbId(created.id)).executeTakeFirstOrThrow();
    expect(JSON.stringify(stored)).not.toContain(created.key.slice(16));
  });
});

describe('POST /v2/api-keys (SERVICE)', () => {
  it('creates the key and its bot user with the defaults resolved (account MEMBER, org READ_ONLY, space MEMBER)', async () => {
    const h = await hierarchy();
    const res = await createKey({ key_type: 'SERVICE', name: 'pipeline', description: 'ingest', organizations: [{ org_id: h.orgId, spaces: [{ space_id: h.spaceId }] }] });
    expect(res.status).toBe(201);
    expect(Object.keys(res.body).sort()).toEqual([...API_KEY_FIELDS, 'bot_user', 'description', 'key'].sort());
    expect(res.body).toMatchObject({ name: 'pipeline', description: 'ingest', key_type: 'SERVICE', status: 'ACTIVE', created_by_user_id: encodeId('User', 1) });
    expect(res.body.bot_user).toEqual({
      id: expect.any(String),
      name: 'pipeline',
      account_role: { type: 'PREDEFINED', name: 'MEMBER' },
      organizations: [{ org_id: h.orgId, role: { type: 'PREDEFINED', name: 'READ_ONLY' }, spaces: [{ space_id: h.spaceId, role: { type: 'PREDEFINED', name: 'MEMBER' } }] }],
    });
    const who = await me(res.body.key);
    expect(who.status).toBe(200);
    expect(who.body).toMatchObject({ id: res.body.bot_user.id, name: 'pipeline', is_bot: true, key_type: 'SERVICE', role: { type: 'PREDEFINED', name: 'MEMBER' } });
    expect(who.body.email).toMatch(/^bot-[0-9a-f-]{36}@bots\.invalid$/);
  });

  it('scopes the key to what was named: the bot reads its space, not another space of the same organization', async () => {
    const h = await hierarchy();
    const other = await createSpace(server, h.orgId, unique('other-space'), { isPrivate: true });
    const svc = await serviceKey(h);
    expect((await server.api('GET', `/v2/spaces/${enc(h.spaceId)}`, { key: svc.key })).status).toBe(200);
    expect((await server.api('GET', `/v2/spaces/${enc(other)}`, { key: svc.key })).status).toBe(404);
    expect((await server.api('GET', '/v2/users', { key: svc.key })).status).not.toBe(500);
  });

  it('does not list bot users in GET /v2/users', async () => {
    const h = await hierarchy();
    const svc = await serviceKey(h);
    const users = await server.api('GET', '/v2/users?limit=100');
    expect(users.status).toBe(200);
    expect(users.body.users.map((u: { id: string }) => u.id)).not.toContain(svc.bot_user.id);
  });

  it('gives the roles asked for, including a CUSTOM space role and account role ADMIN (caller is an account admin)', async () => {
    const h = await hierarchy();
    const role = await server.api('POST', '/v2/roles', { body: { name: unique('svc-role'), permissions: ['PROJECT_READ', 'DATASET_READ'] } });
    expect(role.status).toBe(201);
    const res = await createKey(serviceBody(h.orgId, [{ space_id: h.spaceId, role: { type: 'CUSTOM', id: role.body.id } }], {
      account_role: predefined('ADMIN'),
      organizations: [{ org_id: h.orgId, role: predefined('ADMIN'), spaces: [{ space_id: h.spaceId, role: { type: 'CUSTOM', id: role.body.id } }] }],
    }));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.bot_user.account_role).toEqual({ type: 'PREDEFINED', name: 'ADMIN' });
    expect(res.body.bot_user.organizations[0].role).toEqual({ type: 'PREDEFINED', name: 'ADMIN' });
    expect(res.body.bot_user.organizations[0].spaces[0].role).toEqual({ type: 'CUSTOM', id: role.body.id, name: role.body.name });
    expect((await me(res.body.key)).body.role).toEqual({ type: 'PREDEFINED', name: 'ADMIN' });
  });

  it('spans several organizations and spaces', async () => {
    const a = await hierarchy();
    const b = await hierarchy();
    const a2 = await createSpace(server, a.orgId, unique('a2'));
    const res = await createKey({
      key_type: 'SERVICE', name: 'multi', organizations: [
        { org_id: a.orgId, spaces: [{ space_id: a.spaceId }, { space_id: a2, role: predefined('READ_ONLY') }] },
        { org_id: b.orgId, role: predefined('MEMBER'), spaces: [{ space_id: b.spaceId, role: predefined('ADMIN') }] },
      ],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const bot = dbId(res.body.bot_user.id);
    const spaces = await db().selectFrom('space_memberships').select('space_id').where('user_id', '=', bot).orderBy('space_id').execute();
    expect(spaces.map((s) => s.space_id)).toEqual([dbId(a.spaceId), dbId(a2), dbId(b.spaceId)].sort((x, y) => x - y));
    expect(res.body.bot_user.organizations[1].spaces[0].role).toEqual({ type: 'PREDEFINED', name: 'ADMIN' });
  });

  describe('the privilege ceiling', () => {
    it('lets a space MEMBER mint keys up to MEMBER on its space', async () => {
      const h = await hierarchy();
      const m = await member(h, 'MEMBER');
      const res = await createKey(serviceBody(h.orgId, [{ space_id: h.spaceId, role: predefined('MEMBER') }]), m.key);
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(res.body.created_by_user_id).toBe(m.id);
      const ro = await createKey(serviceBody(h.orgId, [{ space_id: h.spaceId, role: predefined('READ_ONLY') }]), m.key);
      expect(ro.status).toBe(201);
    });

    it('refuses a space MEMBER a key with space role ADMIN: 403 naming the first permission it lacks', async () => {
      const h = await hierarchy();
      const m = await member(h, 'MEMBER');
      const res = await createKey(serviceBody(h.orgId, [{ space_id: h.spaceId, role: predefined('ADMIN') }]), m.key);
      expect(res.status).toBe(403);
      expect(res.body.detail).toMatch(/organizations\[0\]\.spaces\[0\]\.role: cannot give the key [A-Z_]+/);
    });

    it('refuses a READ_ONLY space member any service key: 403 naming SERVICE_KEY_CREATE', async () => {
      const h = await hierarchy();
      const ro = await member(h, 'READ_ONLY');
      const res = await createKey(serviceBody(h.orgId, [{ space_id: h.spaceId, role: predefined('READ_ONLY') }]), ro.key);
      expect(res.status).toBe(403);
      expect(res.body.detail).toContain('SERVICE_KEY_CREATE');
    });

    it('lets a space ADMIN mint up to ADMIN on its space', async () => {
      const h = await hierarchy();
      const a = await member(h, 'ADMIN');
      const res = await createKey(serviceBody(h.orgId, [{ space_id: h.spaceId, role: predefined('ADMIN') }]), a.key);
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    });

    it('refuses an organization role above the caller\'s own (org READ_ONLY cannot give org MEMBER: SPACE_CREATE)', async () => {
      const h = await hierarchy();
      const m = await member(h, 'ADMIN', 'READ_ONLY');
      const res = await createKey({ key_type: 'SERVICE', name: 'x', organizations: [{ org_id: h.orgId, role: predefined('MEMBER'), spaces: [{ space_id: h.spaceId }] }] }, m.key);
      expect(res.status).toBe(403);
      expect(res.body.detail).toMatch(/organizations\[0\]\.role: .*SPACE_CREATE/);
      const asOrgMember = await member(h, 'MEMBER', 'MEMBER');
      const ok = await createKey({ key_type: 'SERVICE', name: 'x', organizations: [{ org_id: h.orgId, role: predefined('MEMBER'), spaces: [{ space_id: h.spaceId }] }] }, asOrgMember.key);
      expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    });

    it('refuses org role ADMIN to an organization MEMBER', async () => {
      const h = await hierarchy();
      const m = await member(h, 'ADMIN', 'MEMBER');
      const res = await createKey({ key_type: 'SERVICE', name: 'x', organizations: [{ org_id: h.orgId, role: predefined('ADMIN'), spaces: [{ space_id: h.spaceId }] }] }, m.key);
      expect(res.status).toBe(403);
      expect(res.body.detail).toContain('organizations[0].role');
    });

    it('refuses account role ADMIN to anyone but an account admin', async () => {
      const h = await hierarchy();
      const a = await member(h, 'ADMIN', 'ADMIN');
      const res = await createKey(serviceBody(h.orgId, [{ space_id: h.spaceId }], { account_role: predefined('ADMIN') }), a.key);
      expect(res.status).toBe(403);
      expect(res.body.detail).toContain('account_role');
    });

    it('refuses a key above the caller\'s account role: an ANNOTATOR who administers an organization gets 403, not a MEMBER bot', async () => {
      const h = await hierarchy();
      const annotator = await user('ANNOTATOR');
      await addOrganizationMember(server, h.orgId, annotator.id, 'ADMIN');
      await addSpaceMember(server, h.spaceId, annotator.id, 'ADMIN');
      const res = await createKey(serviceBody(h.orgId, [{ space_id: h.spaceId }]), annotator.key);
      expect(res.status, JSON.stringify(res.body)).toBe(403);
      expect(res.body.detail).toContain('account_role');
      expect(res.body.detail).toContain('ANNOTATOR');
      // What the console offers agrees: no account role a key of theirs may get.
      const grantable = await server.api('GET', `/v2/access/grantable-roles?resource_id=${enc(h.spaceId)}`, { key: annotator.key });
      expect(grantable.body.account_roles).toEqual([]);
    });

    it('refuses a CUSTOM space role carrying a permission the caller lacks on the space', async () => {
      const h = await hierarchy();
      const m = await member(h, 'MEMBER');
      const role = await server.api('POST', '/v2/roles', { body: { name: unique('too-much'), permissions: ['PROJECT_READ', 'ROLE_BINDING_CREATE'] } });
      const res = await createKey(serviceBody(h.orgId, [{ space_id: h.spaceId, role: { type: 'CUSTOM', id: role.body.id } }]), m.key);
      expect(res.status).toBe(403);
      expect(res.body.detail).toContain('ROLE_BINDING_CREATE');
    });

    it('measures a bot by its own rights: a MEMBER bot mints MEMBER keys for its space, not ADMIN ones, and none elsewhere', async () => {
      const h = await hierarchy();
      const elsewhere = await hierarchy();
      const bot = await serviceKey(h);
      const ok = await createKey(serviceBody(h.orgId, [{ space_id: h.spaceId, role: predefined('MEMBER') }]), bot.key);
      expect(ok.status, JSON.stringify(ok.body)).toBe(201);
      expect(ok.body.created_by_user_id).toBe(bot.bot_user.id);
      const admin = await createKey(serviceBody(h.orgId, [{ space_id: h.spaceId, role: predefined('ADMIN') }]), bot.key);
      expect(admin.status).toBe(403);
      const other = await createKey(serviceBody(elsewhere.orgId, [{ space_id: elsewhere.spaceId }]), bot.key);
      expect(other.status).toBe(404);
    });

    it('creates nothing when a check fails half-way (no bot user, no membership, no key)', async () => {
      const h = await hierarchy();
      const m = await member(h, 'MEMBER');
      const count = async () => (await db().selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).where('is_bot', '=', 1).executeTakeFirstOrThrow()).n;
      const before = Number(await count());
      const keysBefore = (await db().selectFrom('api_keys').select('id').execute()).length;
      const res = await createKey(serviceBody(h.orgId, [{ space_id: h.spaceId }, { space_id: (await hierarchy()).spaceId }]), m.key);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(Number(await count())).toBe(before);
      expect((await db().selectFrom('api_keys').select('id').execute()).length).toBe(keysBefore);
    });
  });

  describe('validation', () => {
    it.each([
      ['account_role ANNOTATOR', { account_role: predefined('ANNOTATOR') }, 'account_role'],
      ['a CUSTOM account_role', { account_role: { type: 'CUSTOM', id: encodeId('Role', 1) } }, 'account_role'],
    ])('answers %s with 422', async (_what, extra, field) => {
      const h = await hierarchy();
      const res = await createKey(serviceBody(h.orgId, [{ space_id: h.spaceId }], extra));
      expect(res.status).toBe(422);
      expect(res.body.detail).toContain(field);
    });

    it('answers 422 for an ANNOTATOR or CUSTOM organization role and an ANNOTATOR space role', async () => {
      const h = await hierarchy();
      const role = await server.api('POST', '/v2/roles', { body: { name: unique('org-role'), permissions: ['ORGANIZATION_READ'] } });
      for (const orgRole of [predefined('ANNOTATOR'), { type: 'CUSTOM', id: role.body.id }]) {
        const res = await createKey({ key_type: 'SERVICE', name: 'x', organizations: [{ org_id: h.orgId, role: orgRole, spaces: [{ space_id: h.spaceId }] }] });
        expect(res.status).toBe(422);
        expect(res.body.detail).toContain('organizations[0].role');
      }
      const res = await createKey(serviceBody(h.orgId, [{ space_id: h.spaceId, role: predefined('ANNOTATOR') }]));
      expect(res.status).toBe(422);
      expect(res.body.detail).toContain('organizations[0].spaces[0].role');
    });

    it('answers 422 for no organization, an organization without spaces, a space of another organization and a space listed twice', async () => {
      const h = await hierarchy();
      const other = await hierarchy();
      const cases: [unknown, string][] = [
        [[], 'organizations'],
        [[{ org_id: h.orgId, spaces: [] }], 'organizations[0].spaces'],
        [[{ org_id: h.orgId, spaces: [{ space_id: other.spaceId }] }], 'organizations[0].spaces[0].space_id'],
        [[{ org_id: h.orgId, spaces: [{ space_id: h.spaceId }, { space_id: h.spaceId }] }], 'organizations[0].spaces[1].space_id'],
        [[{ org_id: h.orgId, spaces: [{ space_id: h.spaceId }] }, { org_id: h.orgId, spaces: [{ space_id: h.spaceId }] }], 'organizations[1].org_id'],
      ];
      for (const [organizations, field] of cases) {
        const res = await createKey({ key_type: 'SERVICE', name: 'x', organizations });
        expect(res.status, field).toBe(422);
        expect(res.body.detail).toContain(field);
      }
    });

    it('answers 400 for a missing organizations list, malformed ids, unknown nested fields and unknown role names', async () => {
      const h = await hierarchy();
      const cases: [unknown, string][] = [
        [{ key_type: 'SERVICE', name: 'x' }, 'organizations'],
        [{ key_type: 'SERVICE', name: 'x', organizations: [{ org_id: 'my-org', spaces: [{ space_id: h.spaceId }] }] }, 'org_id'],
        [{ key_type: 'SERVICE', name: 'x', organizations: [{ org_id: h.orgId, spaces: [{ space_id: h.orgId }] }] }, 'space_id'],
        [{ key_type: 'SERVICE', name: 'x', organizations: [{ org_id: h.orgId, spaces: [{ space_id: h.spaceId, color: 'red' }] }] }, 'color'],
        [{ key_type: 'SERVICE', name: 'x', organizations: [{ org_id: h.orgId, spaces: [{ space_id: h.spaceId }] }], scopes: [] }, 'scopes'],
        [{ key_type: 'SERVICE', name: 'x', account_role: predefined('READ_ONLY'), organizations: [{ org_id: h.orgId, spaces: [{ space_id: h.spaceId }] }] }, 'account_role'],
      ];
      for (const [body, field] of cases) {
        const res = await createKey(body);
        expect(res.status, JSON.stringify(res.body)).toBe(400);
        expect(res.body.detail).toContain(field);
      }
    });

    it('answers 404 for an unknown organization or space, a private space the caller cannot see, and another tenant\'s organization', async () => {
      const h = await hierarchy();
      const hidden = await createSpace(server, h.orgId, unique('hidden'), { isPrivate: true });
      const m = await member(h, 'MEMBER');
      const tenant = await createSecondAccount(server, 'keys-b@tenant-b.example');
      const foreign = await server.api('POST', '/v2/organizations', { key: tenant.admin.key, body: { name: 'b-org' } });
      const cases: [unknown, string | undefined][] = [
        [[{ org_id: encodeId('Organization', 999_999), spaces: [{ space_id: h.spaceId }] }], undefined],
        [[{ org_id: h.orgId, spaces: [{ space_id: encodeId('Space', 999_999) }] }], undefined],
        [[{ org_id: h.orgId, spaces: [{ space_id: hidden }] }], m.key],
        [[{ org_id: foreign.body.id, spaces: [{ space_id: h.spaceId }] }], undefined],
      ];
      for (const [organizations, key] of cases) {
        const res = await createKey({ key_type: 'SERVICE', name: 'x', organizations }, key);
        expect(res.status, JSON.stringify(res.body)).toBe(404);
      }
    });
  });
});

describe('GET /v2/api-keys', () => {
  it('lists the caller\'s own ACTIVE keys by default, in id order, without the raw key or null fields', async () => {
    const u = await user();
    const other = await user();
    const a = await userKey(u.key);
    const b = await userKey(u.key, { description: 'second' });
    await userKey(other.key);
    const res = await list('', u.key);
    const ids = res.api_keys.map((k: { id: string }) => k.id);
    expect(ids).toHaveLength(3); // the fixture's own key, a and b; not the other user's
    expect(ids.slice(1)).toEqual([a.id, b.id]);
    for (const k of res.api_keys) {
      expect(k.created_by_user_id).toBe(u.id);
      expect(k).not.toHaveProperty('key');
      expect(Object.values(k)).not.toContain(null);
    }
    const { key: _raw, ...withoutKey } = b;
    expect(res.api_keys[2]).toEqual(withoutKey);
    expect(res.pagination).toEqual({ has_more: false });
  });

  it('reports last_used_at once a key has been used', async () => {
    const u = await user();
    const k = await userKey(u.key);
    expect((await list('', u.key)).api_keys.find((x: { id: string }) => x.id === k.id)).not.toHaveProperty('last_used_at');
    expect((await me(k.key)).status).toBe(200);
    await expect.poll(async () => (await list('', u.key)).api_keys.find((x: { id: string }) => x.id === k.id)?.last_used_at, { timeout: 5000 })
      .toEqual(expect.any(String));
  });

  it('filters by key_type and status (REVOKED lists revoked keys only)', async () => {
    const h = await hierarchy();
    const m = await member(h, 'MEMBER');
    const uk = await userKey(m.key);
    const sk = await serviceKey(h, m.key);
    const gone = await userKey(m.key);
    expect((await revoke(gone.id, m.key)).status).toBe(204);
    const ids = async (q: string) => (await list(q, m.key)).api_keys.map((k: { id: string }) => k.id);
    expect(await ids('key_type=USER')).toEqual(expect.arrayContaining([uk.id]));
    expect(await ids('key_type=USER')).not.toContain(sk.id);
    expect(await ids('key_type=SERVICE')).toEqual([sk.id]);
    expect(await ids('')).not.toContain(gone.id);
    expect(await ids('status=REVOKED')).toEqual([gone.id]);
    expect((await list('status=REVOKED', m.key)).api_keys[0].status).toBe('REVOKED');
    for (const q of ['key_type=BOT', 'status=EXPIRED', 'limit=0', 'limit=101', 'color=red']) {
      expect((await server.api('GET', `/v2/api-keys?${q}`, { key: m.key })).status, q).toBe(400);
    }
  });

  it('pages with limit and an opaque cursor; a forged cursor is a 400', async () => {
    const u = await user();
    const created = [];
    for (let i = 0; i < 5; i++) created.push((await userKey(u.key)).id);
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await list(`limit=2${cursor ? `&cursor=${enc(cursor)}` : ''}`, u.key);
      seen.push(...page.api_keys.map((k: { id: string }) => k.id));
      cursor = page.pagination.next_cursor;
      expect(page.pagination.has_more).toBe(cursor !== undefined);
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen.slice(-5)).toEqual(created);
    expect((await server.api('GET', '/v2/api-keys?cursor=abc.def', { key: u.key })).status).toBe(400);
    const orgs = await server.api('GET', '/v2/organizations?limit=1');
    if (orgs.body.pagination.next_cursor) {
      expect((await server.api('GET', `/v2/api-keys?cursor=${enc(orgs.body.pagination.next_cursor)}`)).status).toBe(400);
    }
  });

  it('user_id: account admins list anyone\'s keys; others only their own (403 otherwise); unknown user 404', async () => {
    const u = await user();
    const other = await user();
    const k = await userKey(u.key);
    expect((await list(`user_id=${enc(u.id)}`)).api_keys.map((x: { id: string }) => x.id)).toContain(k.id);
    expect((await list(`user_id=${enc(u.id)}`, u.key)).api_keys.map((x: { id: string }) => x.id)).toContain(k.id);
    const denied = await server.api('GET', `/v2/api-keys?user_id=${enc(u.id)}`, { key: other.key });
    expect(denied.status).toBe(403);
    expect(denied.body.detail).toContain('user_id');
    expect((await server.api('GET', `/v2/api-keys?user_id=${enc(encodeId('User', 999_999))}`)).status).toBe(404);
    expect((await server.api('GET', '/v2/api-keys?user_id=bob')).status).toBe(400);
    const tenant = await createSecondAccount(server, 'keys-list-b@tenant-b.example');
    expect((await server.api('GET', `/v2/api-keys?user_id=${enc(u.id)}`, { key: tenant.admin.key })).status).toBe(404);
  });

  it('space_id: service keys whose bot is a member of the space (own keys; an account admin sees all); invisible space 404', async () => {
    const h = await hierarchy();
    const elsewhere = await hierarchy({ isPrivate: true });
    const m = await member(h, 'MEMBER');
    const mine = await serviceKey(h, m.key);
    const admins = await serviceKey(h);
    const notHere = await serviceKey(elsewhere);
    const ofSpace = async (key?: string) => (await list(`space_id=${enc(h.spaceId)}`, key)).api_keys.map((k: { id: string }) => k.id);
    expect(await ofSpace(m.key)).toEqual([mine.id]);
    expect(await ofSpace()).toEqual([mine.id, admins.id]);
    expect(await ofSpace()).not.toContain(notHere.id);
    expect((await list(`space_id=${enc(h.spaceId)}&user_id=${enc(encodeId('User', 1))}`)).api_keys.map((k: { id: string }) => k.id)).toEqual([admins.id]);
    expect((await list(`space_id=${enc(h.spaceId)}&key_type=USER`)).api_keys).toEqual([]);
    expect((await server.api('GET', `/v2/api-keys?space_id=${enc(elsewhere.spaceId)}`, { key: m.key })).status).toBe(404);
    expect((await server.api('GET', `/v2/api-keys?space_id=${enc(encodeId('Space', 999_999))}`)).status).toBe(404);
  });
});

describe('POST /v2/api-keys/{id}/refresh', () => {
  it('grace 0 (default): a new record with the same name, description, type and creator; the old key stops at once', async () => {
    const u = await user();
    const old = await userKey(u.key, { description: 'rotating' });
    const res = await refresh(old.id, {}, u.key);
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual([...API_KEY_FIELDS, 'description', 'key'].sort());
    expect(res.body.id).not.toBe(old.id);
    expect(res.body).toMatchObject({ name: old.name, description: 'rotating', key_type: 'USER', status: 'ACTIVE', created_by_user_id: u.id });
    expect(res.body.key).not.toBe(old.key);
    expect((await me(old.key)).status).toBe(401);
    expect((await me(res.body.key)).body.id).toBe(u.id);
    const revoked = (await list('status=REVOKED', u.key)).api_keys.map((k: { id: string }) => k.id);
    expect(revoked).toContain(old.id);
    const stored = await db().selectFrom('api_keys').selectAll().where('id', '=', dbId(old.id)).executeTakeFirstOrThrow();
    expect(stored.replaced_by_id).toBe(dbId(res.body.id));
  });

  it('accepts a POST without a body as {}', async () => {
    const old = await userKey();
    const res = await server.api('POST', `/v2/api-keys/${enc(old.id)}/refresh`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  });

  it('with a grace period the old key keeps working, ACTIVE with expires_at = now + grace, then reads REVOKED and fails', async () => {
    const u = await user();
    const old = await userKey(u.key);
    const before = clock.now();
    const res = await refresh(old.id, { grace_period_seconds: 3 }, u.key);
    expect(res.status).toBe(200);
    expect((await me(old.key)).status).toBe(200);
    expect((await me(res.body.key)).status).toBe(200);
    const listed = (await list('', u.key)).api_keys.find((k: { id: string }) => k.id === old.id);
    expect(listed.status).toBe('ACTIVE');
    expect(Date.parse(listed.expires_at)).toBeGreaterThanOrEqual(before + 3000 - 1);
    expect(Date.parse(listed.expires_at)).toBeLessThanOrEqual(clock.now() + 3000);
    clock.advance(Math.max(0, Date.parse(listed.expires_at) - clock.now()) + 1);
    expect((await me(old.key)).status).toBe(401);
    expect((await list('', u.key)).api_keys.map((k: { id: string }) => k.id)).not.toContain(old.id);
    expect((await list('status=REVOKED', u.key)).api_keys.find((k: { id: string }) => k.id === old.id)?.status).toBe('REVOKED');
    expect((await me(res.body.key)).status).toBe(200);
  });

  it('a refreshed SERVICE key keeps its bot user; the answer has no bot_user', async () => {
    const h = await hierarchy();
    const svc = await serviceKey(h);
    const res = await refresh(svc.id, { grace_period_seconds: 0 });
    expect(res.status).toBe(200);
    expect(res.body).not.toHaveProperty('bot_user');
    expect(res.body.key_type).toBe('SERVICE');
    expect((await me(res.body.key)).body.id).toBe(svc.bot_user.id);
    expect((await me(svc.key)).status).toBe(401);
    expect((await server.api('GET', `/v2/spaces/${enc(h.spaceId)}`, { key: res.body.key })).status).toBe(200);
  });

  it('an expiring key: expires_at is required and may not extend it (422); the grace ends at the old expiry at the latest', async () => {
    const u = await user();
    const expiry = new Date(Date.now() + 30_000).toISOString();
    const old = await userKey(u.key, { expires_at: expiry });
    const missing = await refresh(old.id, { grace_period_seconds: 60 }, u.key);
    expect(missing.status).toBe(422);
    expect(missing.body.detail).toContain('expires_at');
    const later = await refresh(old.id, { expires_at: new Date(Date.now() + 60_000).toISOString() }, u.key);
    expect(later.status).toBe(422);
    expect(later.body.detail).toContain('expires_at');
    const past = await refresh(old.id, { expires_at: new Date(Date.now() - 1000).toISOString() }, u.key);
    expect(past.status).toBe(422);
    const ok = await refresh(old.id, { expires_at: expiry, grace_period_seconds: 3600 }, u.key);
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.expires_at).toBe(expiry);
    const stored = await db().selectFrom('api_keys').selectAll().where('id', '=', dbId(old.id)).executeTakeFirstOrThrow();
    expect(stored.expires_at).toBe(expiry);
  });

  it('an unbounded key may get an expiry or stay unbounded', async () => {
    const old = await userKey();
    const at = inOneHour();
    const res = await refresh(old.id, { expires_at: at });
    expect(res.status).toBe(200);
    expect(res.body.expires_at).toBe(at);
    const again = await refresh((await userKey()).id, {});
    expect(again.body).not.toHaveProperty('expires_at');
  });

  it.each([
    [{ grace_period_seconds: 86_401 }, 'grace_period_seconds'],
    [{ grace_period_seconds: -1 }, 'grace_period_seconds'],
    [{ grace_period_seconds: 1.5 }, 'grace_period_seconds'],
    [{ expires_at: 'soon' }, 'expires_at'],
    [{ rotate: true }, 'rotate'],
  ])('answers %o with 400 naming the field', async (body, field) => {
    const old = await userKey();
    const res = await refresh(old.id, body);
    expect(res.status).toBe(400);
    expect(res.body.detail).toContain(field);
  });

  it('accepts the maximum grace of 86400 seconds', async () => {
    const res = await refresh((await userKey()).id, { grace_period_seconds: 86_400 });
    expect(res.status).toBe(200);
  });

  it('answers 422 for a revoked key and for a key already refreshed', async () => {
    const revoked = await userKey();
    await revoke(revoked.id);
    expect((await refresh(revoked.id, {})).status).toBe(422);
    const inGrace = await userKey();
    expect((await refresh(inGrace.id, { grace_period_seconds: 600 })).status).toBe(200);
    const second = await refresh(inGrace.id, {});
    expect(second.status).toBe(422);
    expect(second.body.detail).toContain('already refreshed');
  });

  it('who: the creator or an account admin; another user gets 404; the key\'s own bot gets 403', async () => {
    const u = await user();
    const stranger = await user();
    const k = await userKey(u.key);
    expect((await refresh(k.id, {}, stranger.key)).status).toBe(404);
    const byAdmin = await refresh(k.id, {});
    expect(byAdmin.status).toBe(200);
    expect(byAdmin.body.created_by_user_id).toBe(u.id);
    expect((await me(byAdmin.body.key)).body.id).toBe(u.id);
    const h = await hierarchy();
    const svc = await serviceKey(h);
    const self = await refresh(svc.id, {}, svc.key);
    expect(self.status).toBe(403);
    const tenant = await createSecondAccount(server, 'keys-refresh-b@tenant-b.example');
    expect((await refresh(byAdmin.body.id, {}, tenant.admin.key)).status).toBe(404);
  });

  it('answers 400 for a malformed id and 404 for an unknown one', async () => {
    expect((await refresh('nope', {})).status).toBe(400);
    expect((await refresh(encodeId('User', 1), {})).status).toBe(400);
    expect((await refresh(encodeId('ApiKey', 999_999), {})).status).toBe(404);
  });
});

describe('PUT /v2/api-keys/{id}/revoke', () => {
  it('revokes at once (204, no body), idempotently; the key then answers 401', async () => {
    const u = await user();
    const k = await userKey(u.key);
    expect((await me(k.key)).status).toBe(200);
    const res = await revoke(k.id, u.key);
    expect(res.status).toBe(204);
    expect(res.body).toBeUndefined();
    expect((await me(k.key)).status).toBe(401);
    expect((await revoke(k.id, u.key)).status).toBe(204);
    expect((await list('status=REVOKED', u.key)).api_keys.map((x: { id: string }) => x.id)).toContain(k.id);
  });

  it('a revocation ends the key on a keep-alive connection it was already used on', async () => {
    const u = await user();
    const k = await userKey(u.key);
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const get = () => new Promise<{ status: number; reusedSocket: boolean }>((resolve, reject) => {
        const req = httpGet(`${server.url}/v2/me`, { agent, headers: { authorization: `Bearer ${k.key}` } }, (res) => {
          res.resume().on('end', () => resolve({ status: res.statusCode!, reusedSocket: req.reusedSocket }));
        });
        req.on('error', reject);
      });
      expect((await get()).status).toBe(200);
      expect(await get()).toEqual({ status: 200, reusedSocket: true });
      expect((await revoke(k.id, u.key)).status).toBe(204);
      expect(await get()).toEqual({ status: 401, reusedSocket: true });
    } finally {
      agent.destroy();
    }
  });

  it('a key can revoke itself', async () => {
    const k = await userKey();
    expect((await revoke(k.id, k.key)).status).toBe(204);
    expect((await me(k.key)).status).toBe(401);
  });

  it('who: the creator or an account admin; another user gets 404; the key\'s own bot gets 403; another tenant 404', async () => {
    const u = await user();
    const stranger = await user();
    const k = await userKey(u.key);
    expect((await revoke(k.id, stranger.key)).status).toBe(404);
    const tenant = await createSecondAccount(server, 'keys-revoke-b@tenant-b.example');
    expect((await revoke(k.id, tenant.admin.key)).status).toBe(404);
    expect((await me(k.key)).status).toBe(200);
    const h = await hierarchy();
    const svc = await serviceKey(h);
    expect((await revoke(svc.id, svc.key)).status).toBe(403);
    expect((await revoke(k.id)).status).toBe(204);
    expect((await me(k.key)).status).toBe(401);
  });

  it('revoking a SERVICE key retires its bot user: memberships gone, user soft-deleted', async () => {
    const h = await hierarchy();
    const svc = await serviceKey(h);
    const bot = dbId(svc.bot_user.id);
    expect((await revoke(svc.id)).status).toBe(204);
    expect((await me(svc.key)).status).toBe(401);
    const row = await db().selectFrom('users').selectAll().where('id', '=', bot).executeTakeFirstOrThrow();
    expect(row.deleted_at).not.toBeNull();
    expect(await db().selectFrom('space_memberships').select('id').where('user_id', '=', bot).execute()).toEqual([]);
    expect(await db().selectFrom('organization_memberships').select('id').where('user_id', '=', bot).execute()).toEqual([]);
  });

  it('keeps the bot while another of its keys can still authenticate (refresh grace), and retires it once none can', async () => {
    const h = await hierarchy();
    const svc = await serviceKey(h);
    const bot = dbId(svc.bot_user.id);
    const fresh = await refresh(svc.id, { grace_period_seconds: 600 });
    expect((await revoke(fresh.body.id)).status).toBe(204);
    expect((await me(svc.key)).status).toBe(200);
    expect((await db().selectFrom('users').select('deleted_at').where('id', '=', bot).executeTakeFirstOrThrow()).deleted_at).toBeNull();
    expect((await revoke(svc.id)).status).toBe(204);
    expect((await db().selectFrom('users').select('deleted_at').where('id', '=', bot).executeTakeFirstOrThrow()).deleted_at).not.toBeNull();
  });

  it('answers 400 for a malformed id and 404 for an unknown one', async () => {
    expect((await revoke('not-an-id')).status).toBe(400);
    expect((await revoke(encodeId('ApiKey', 999_999))).status).toBe(404);
  });

  it('has no DELETE or PATCH: 404 problems (GET by id, ours, answers the key)', async () => {
    const k = await userKey();
    expect((await server.api('GET', `/v2/api-keys/${enc(k.id)}`)).body).toMatchObject({ id: k.id, status: 'ACTIVE' });
    for (const method of ['DELETE', 'PATCH']) {
      const res = await server.api(method, `/v2/api-keys/${enc(k.id)}`);
      expect(res.status, method).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }
    expect((await me(k.key)).status).toBe(200);
  });
});

describe('USER keys follow their owner at request time', () => {
  it('loses a space with its owner\'s membership, and fails once the owner is deleted', async () => {
    const h = await hierarchy({ isPrivate: true });
    const m = await member(h, 'MEMBER');
    const k = await userKey(m.key);
    expect((await server.api('GET', `/v2/spaces/${enc(h.spaceId)}`, { key: k.key })).status).toBe(200);
    expect((await server.api('DELETE', `/v2/spaces/${enc(h.spaceId)}/users/${enc(m.id)}`)).status).toBe(204);
    expect((await server.api('GET', `/v2/spaces/${enc(h.spaceId)}`, { key: k.key })).status).toBe(404);
    expect((await server.api('DELETE', `/v2/users/${enc(m.id)}`)).status).toBe(204);
    expect((await me(k.key)).status).toBe(401);
  });

  it('fails once the owner is deactivated, even if the key row was untouched', async () => {
    const u = await user();
    const k = await userKey(u.key);
    expect((await me(k.key)).status).toBe(200);
    await db().updateTable('users').set({ status: 'EXPIRED' }).where('id', '=', u.dbId).execute();
    await server.context!.changes.publish({ accountId: 1, userIds: [u.dbId] });
    expect((await me(k.key)).status).toBe(401);
  });

  it('a service key survives its creator\'s deletion', async () => {
    const h = await hierarchy();
    const m = await member(h, 'MEMBER');
    const svc = await serviceKey(h, m.key);
    expect((await server.api('DELETE', `/v2/users/${enc(m.id)}`)).status).toBe(204);
    expect((await me(svc.key)).status).toBe(200);
    expect((await server.api('GET', `/v2/spaces/${enc(h.spaceId)}`, { key: svc.key })).status).toBe(200);
  });
});

describe('OpenAPI', () => {
  it('documents the four operations', async () => {
    const res = await server.api('GET', '/v2/openapi.json', { key: null });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.paths['/v2/api-keys'])).toEqual(expect.arrayContaining(['get', 'post']));
    expect(res.body.paths['/v2/api-keys/{api_key_id}/refresh']).toHaveProperty('post');
    expect(res.body.paths['/v2/api-keys/{api_key_id}/revoke']).toHaveProperty('put');
  });
});
