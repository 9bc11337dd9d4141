import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeId, parseId } from '../../src/domain/ids.js';
import { createUserWithKey, type FixtureUser } from '../helpers/fixtures.js';
import { addOrganizationMember, addSpaceMember, createOrganization, createSpace, enc } from '../helpers/hierarchy.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * Issue 8, item 1: a removed member keeps no control of the service keys it created. The keys keep working
 * (they belong to the account); reading, revoking and refreshing them need the creator's rights today, and the
 * removals report them, with the choice to keep, revoke or rotate them in the same transaction.
 */
let server: TestServer;
let count = 0;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

const db = () => server.context!.store.db;
const unique = (prefix: string) => `${prefix}-${++count}`;
const dbId = (id: string) => parseId(id)!.n;
const me = (key: string) => server.api('GET', '/v2/me', { key });

async function hierarchy() {
  const orgId = await createOrganization(server, unique('control-org'));
  const spaceId = await createSpace(server, orgId, unique('control-space'));
  return { orgId, spaceId };
}

/** An organization READ_ONLY member who is a space MEMBER: may create service keys up to MEMBER on the space. */
async function spaceMember(h: { orgId: string; spaceId: string }): Promise<FixtureUser> {
  const u = await createUserWithKey(server, { email: `${unique('control-user')}@example.com` });
  await addOrganizationMember(server, h.orgId, u.id, 'READ_ONLY');
  await addSpaceMember(server, h.spaceId, u.id, 'MEMBER');
  return u;
}

/** The create answer of a SERVICE key, as far as these tests read it. */
interface ServiceKeyAnswer { id: string; name: string; key: string; redacted_key: string; created_by_user_id: string; bot_user: { id: string } }

async function serviceKey(h: { orgId: string; spaceId: string }, key: string, name = unique('svc')): Promise<ServiceKeyAnswer> {
  const res = await server.api('POST', '/v2/api-keys', {
    key, body: { key_type: 'SERVICE', name, organizations: [{ org_id: h.orgId, spaces: [{ space_id: h.spaceId }] }] },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

const refresh = (id: string, key?: string) => server.api('POST', `/v2/api-keys/${enc(id)}/refresh`, { body: {}, ...(key ? { key } : {}) });
const revoke = (id: string, key?: string) => server.api('PUT', `/v2/api-keys/${enc(id)}/revoke`, key ? { key } : {});
const ids = (items: { id: string }[]) => items.map((item) => item.id);
const ownKeys = async (key: string) => ids((await server.api('GET', '/v2/api-keys?key_type=SERVICE', { key })).body.api_keys);
const auditCount = async () => Number((await db().selectFrom('audit_logs').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

describe('control of a service key follows its creator\'s rights today', () => {
  it('a member removed from the organization can no longer refresh, revoke or list the key it created (404), and the key keeps working', async () => {
    const h = await hierarchy();
    const m = await spaceMember(h);
    const svc = await serviceKey(h, m.key);
    expect(await ownKeys(m.key)).toEqual([svc.id]);
    expect((await server.api('DELETE', `/v2/organizations/${enc(h.orgId)}/users/${enc(m.id)}`)).status).toBe(204);
    const refreshed = await refresh(svc.id, m.key);
    expect(refreshed.status, JSON.stringify(refreshed.body)).toBe(404);
    expect((await revoke(svc.id, m.key)).status).toBe(404);
    expect(await ownKeys(m.key)).toEqual([]);
    // The key belongs to the account: it still works, and an account admin still controls it.
    expect((await server.api('GET', `/v2/spaces/${enc(h.spaceId)}`, { key: svc.key })).status).toBe(200);
    const byAdmin = await refresh(svc.id);
    expect(byAdmin.status).toBe(200);
    expect((await me(svc.key)).status).toBe(401);
    expect((await me(byAdmin.body.key)).status).toBe(200);
  });

  it('a creator removed from the space alone loses control too', async () => {
    const h = await hierarchy();
    const m = await spaceMember(h);
    const svc = await serviceKey(h, m.key);
    expect((await server.api('DELETE', `/v2/spaces/${enc(h.spaceId)}/users/${enc(m.id)}`)).status).toBe(204);
    expect((await refresh(svc.id, m.key)).status).toBe(404);
    expect((await revoke(svc.id, m.key)).status).toBe(404);
  });

  it('checks the privilege ceiling again at refresh: a creator who no longer holds the key\'s role gets 403 and may still revoke', async () => {
    const h = await hierarchy();
    const m = await spaceMember(h);
    const svc = await serviceKey(h, m.key);
    // Still reads and revokes service keys on the space, but no longer holds everything MEMBER carries.
    const role = await server.api('POST', '/v2/roles', {
      body: { name: unique('key-keeper'), permissions: ['SPACE_READ', 'SERVICE_KEY_READ', 'SERVICE_KEY_REVOKE', 'SERVICE_KEY_CREATE'] },
    });
    expect(role.status).toBe(201);
    const changed = await server.api('POST', `/v2/spaces/${enc(h.spaceId)}/users`, { body: { user_id: m.id, role: { type: 'CUSTOM', id: role.body.id } } });
    expect(changed.status).toBe(200);
    const refused = await refresh(svc.id, m.key);
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toMatch(/cannot give the key [A-Z_]+/);
    expect(await ownKeys(m.key)).toEqual([svc.id]);
    expect((await revoke(svc.id, m.key)).status).toBe(204);
  });
});

describe('removals report the service keys the person created, and act on them in the same transaction', () => {
  it('DELETE without parameters answers 204 with no body, as Arize\'s clients expect', async () => {
    const h = await hierarchy();
    const m = await spaceMember(h);
    await serviceKey(h, m.key);
    const res = await server.api('DELETE', `/v2/organizations/${enc(h.orgId)}/users/${enc(m.id)}`);
    expect(res.status).toBe(204);
    expect(res.body).toBeUndefined();
  });

  it('dry_run=true answers the cascade (counts and service keys) and writes and audits nothing', async () => {
    const h = await hierarchy();
    const m = await spaceMember(h);
    const svc = await serviceKey(h, m.key, unique('pipeline'));
    const bound = await server.api('POST', '/v2/role-bindings', { body: { user_id: m.id, role_id: (await server.api('GET', '/v2/roles?is_predefined=true')).body.roles[0].id, resource_type: 'SPACE', resource_id: h.spaceId } });
    expect(bound.status).toBe(201);
    const audits = await auditCount();
    const res = await server.api('DELETE', `/v2/organizations/${enc(h.orgId)}/users/${enc(m.id)}?dry_run=true`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body).toEqual({
      dry_run: true, service_keys_action: 'keep', organization_memberships: 1, space_memberships: 1, role_bindings: 1, user_keys_revoked: 0,
      service_keys: [{ id: svc.id, name: svc.name, redacted_key: svc.redacted_key, created_by_user_id: m.id, spaces: [h.spaceId] }],
      principals: expect.any(Array),
    });
    expect(await auditCount()).toBe(audits);
    expect(await db().selectFrom('organization_memberships').select('id').where('user_id', '=', m.dbId).execute()).toHaveLength(1);
    expect(await db().selectFrom('role_bindings').select('id').where('user_id', '=', m.dbId).execute()).toHaveLength(1);
    expect((await refresh(svc.id, m.key)).status).toBe(200);
  });

  it('service_keys=revoke revokes them with the removal (204): the raw key the person may hold stops working', async () => {
    const h = await hierarchy();
    const m = await spaceMember(h);
    const svc = await serviceKey(h, m.key);
    const res = await server.api('DELETE', `/v2/spaces/${enc(h.spaceId)}/users/${enc(m.id)}?service_keys=revoke`);
    expect(res.status).toBe(204);
    expect((await me(svc.key)).status).toBe(401);
    const bot = await db().selectFrom('users').select('deleted_at').where('id', '=', dbId(svc.bot_user.id)).executeTakeFirstOrThrow();
    expect(bot.deleted_at).not.toBeNull();
  });

  it('service_keys=rotate answers 200 with each new raw key once (no-store); the old secret stops, the new one works with the same bot', async () => {
    const h = await hierarchy();
    const m = await spaceMember(h);
    const svc = await serviceKey(h, m.key);
    const res = await server.api('DELETE', `/v2/organizations/${enc(h.orgId)}/users/${enc(m.id)}?service_keys=rotate`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body.dry_run).toBe(false);
    expect(res.body.service_keys).toHaveLength(1);
    const rotated = res.body.service_keys[0];
    expect(rotated.replaces_key_id).toBe(svc.id);
    expect(rotated.id).not.toBe(svc.id);
    expect((await me(svc.key)).status).toBe(401);
    expect((await me(rotated.key)).status).toBe(200);
    expect((await server.api('GET', `/v2/spaces/${enc(h.spaceId)}`, { key: rotated.key })).status).toBe(200);
  });

  it('an organization removal reaches only the keys whose bot is in that organization', async () => {
    const h = await hierarchy();
    const other = await hierarchy();
    const m = await spaceMember(h);
    await addOrganizationMember(server, other.orgId, m.id, 'READ_ONLY');
    await addSpaceMember(server, other.spaceId, m.id, 'MEMBER');
    const here = await serviceKey(h, m.key);
    await serviceKey(other, m.key);
    const res = await server.api('DELETE', `/v2/organizations/${enc(h.orgId)}/users/${enc(m.id)}?dry_run=true`);
    expect(ids(res.body.service_keys)).toEqual([here.id]);
  });

  it('a key minted by the person\'s bot records the person at the root: user deletion lists it, and so does GET /v2/api-keys?created_by_user_id', async () => {
    const h = await hierarchy();
    const m = await spaceMember(h);
    const svc = await serviceKey(h, m.key);
    const minted = await serviceKey(h, svc.key);
    expect(minted.created_by_user_id).toBe(svc.bot_user.id);
    const row = await db().selectFrom('api_keys').select('root_creator_user_id').where('id', '=', dbId(minted.id)).executeTakeFirstOrThrow();
    expect(row.root_creator_user_id).toBe(m.dbId);
    const dry = await server.api('DELETE', `/v2/users/${enc(m.id)}?dry_run=true`);
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({ organization_memberships: 1, space_memberships: 1, role_bindings: 0, user_keys_revoked: 1 });
    expect(ids(dry.body.service_keys)).toEqual([svc.id, minted.id]);
    const listed = await server.api('GET', `/v2/api-keys?created_by_user_id=${enc(m.id)}&key_type=SERVICE`);
    expect(listed.status).toBe(200);
    expect(ids(listed.body.api_keys)).toEqual([svc.id, minted.id]);
    const notAdmin = await server.api('GET', `/v2/api-keys?created_by_user_id=${enc(m.id)}`, { key: (await spaceMember(h)).key });
    expect(notAdmin.status).toBe(403);
    const deleted = await server.api('DELETE', `/v2/users/${enc(m.id)}?service_keys=revoke`);
    expect(deleted.status).toBe(204);
    expect((await me(svc.key)).status).toBe(401);
    expect((await me(minted.key)).status).toBe(401);
  });

  it('revoke or rotate by someone who does not control every space of a key is refused whole (403), nothing removed', async () => {
    const h = await hierarchy();
    const other = await hierarchy();
    const m = await spaceMember(h);
    await addOrganizationMember(server, other.orgId, m.id, 'READ_ONLY');
    await addSpaceMember(server, other.spaceId, m.id, 'MEMBER');
    // One key across both organizations' spaces.
    const res = await server.api('POST', '/v2/api-keys', {
      key: m.key,
      body: { key_type: 'SERVICE', name: unique('wide'), organizations: [
        { org_id: h.orgId, spaces: [{ space_id: h.spaceId }] }, { org_id: other.orgId, spaces: [{ space_id: other.spaceId }] }] },
    });
    expect(res.status).toBe(201);
    const orgAdmin = await createUserWithKey(server, { email: `${unique('org-admin')}@example.com` });
    await addOrganizationMember(server, h.orgId, orgAdmin.id, 'ADMIN');
    const refused = await server.api('DELETE', `/v2/organizations/${enc(h.orgId)}/users/${enc(m.id)}?service_keys=revoke`, { key: orgAdmin.key });
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toContain('service_keys');
    expect(await db().selectFrom('organization_memberships').select('id').where('user_id', '=', m.dbId).where('organization_id', '=', dbId(h.orgId)).execute()).toHaveLength(1);
    expect((await server.api('DELETE', `/v2/organizations/${enc(h.orgId)}/users/${enc(m.id)}`, { key: orgAdmin.key })).status).toBe(204);
  });

  it('declares dry_run and service_keys in OpenAPI and refuses other values (400)', async () => {
    const h = await hierarchy();
    const m = await spaceMember(h);
    expect((await server.api('DELETE', `/v2/spaces/${enc(h.spaceId)}/users/${enc(m.id)}?service_keys=shred`)).status).toBe(400);
    const doc = await server.api('GET', '/v2/openapi.json', { key: null });
    for (const path of ['/v2/users/{user_id}', '/v2/organizations/{org_id}/users/{user_id}', '/v2/spaces/{space_id}/users/{user_id}']) {
      const names = (doc.body.paths[path].delete.parameters as { name: string }[]).map((p) => p.name);
      expect(names).toEqual(expect.arrayContaining(['dry_run', 'service_keys']));
    }
    expect((doc.body.paths['/v2/api-keys'].get.parameters as { name: string }[]).map((p) => p.name)).toContain('created_by_user_id');
  });
});

describe('role bindings for a user the caller cannot see (issue 8, Low)', () => {
  it('a space admin binding a user it shares no organization with gets exactly the answer for a user that does not exist', async () => {
    const h = await hierarchy();
    const spaceAdmin = await createUserWithKey(server, { email: `${unique('space-admin')}@example.com` });
    await addOrganizationMember(server, h.orgId, spaceAdmin.id, 'READ_ONLY');
    await addSpaceMember(server, h.spaceId, spaceAdmin.id, 'ADMIN');
    const hidden = await createUserWithKey(server, { email: `${unique('hidden')}@example.com` });
    const roles: { id: string; name: string }[] = (await server.api('GET', '/v2/roles?is_predefined=true')).body.roles;
    const body = (userId: string) => ({ user_id: userId, role_id: roles.find((r) => r.name === 'Read Only')?.id ?? roles[0]!.id, resource_type: 'SPACE', resource_id: h.spaceId });
    const invisible = await server.api('POST', '/v2/role-bindings', { key: spaceAdmin.key, body: body(hidden.id) });
    const missing = await server.api('POST', '/v2/role-bindings', { key: spaceAdmin.key, body: body(encodeId('User', 999_999)) });
    expect(invisible.status).toBe(404);
    expect({ ...invisible.body, instance: undefined }).toEqual({ ...missing.body, instance: undefined });
    expect(await db().selectFrom('role_bindings').select('id').where('user_id', '=', hidden.dbId).execute()).toEqual([]);
  });
});
