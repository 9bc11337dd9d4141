import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PREDEFINED_ROLES } from '../../src/domain/predefined-roles.js';
import { createUserWithKey, type FixtureUser } from '../helpers/fixtures.js';
import { addOrganizationMember, addSpaceMember, createOrganization, createSpace, enc } from '../helpers/hierarchy.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * Identity.md §5.5 point 3: `GET /v2/api-keys?orphaned=true` lists to account admins the SERVICE keys whose creator
 * (the person at the root of the key's chain of creators) is deactivated, deleted, or no longer holds every
 * permission of the key's roles on its spaces — the creation-time ceiling, evaluated now — each with its reason.
 */
let server: TestServer;
let count = 0;
const unique = (prefix: string) => `${prefix}-${++count}`;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

interface Hierarchy { orgId: string; spaceId: string }
interface ListedKey { id: string; name: string; key_type: string; created_by_user_id: string; orphaned?: { reason: string; missing_permission?: string } }

async function hierarchy(): Promise<Hierarchy> {
  const orgId = await createOrganization(server, unique('orphans-org'));
  return { orgId, spaceId: await createSpace(server, orgId, unique('orphans-space')) };
}

/** An organization READ_ONLY member with this role in the space. */
async function spaceMember(h: Hierarchy, spaceRole: 'MEMBER' | 'ADMIN' = 'MEMBER'): Promise<FixtureUser> {
  const u = await createUserWithKey(server, { email: `${unique('orphans-user')}@example.com` });
  await addOrganizationMember(server, h.orgId, u.id, 'READ_ONLY');
  await addSpaceMember(server, h.spaceId, u.id, spaceRole);
  return u;
}

async function serviceKey(h: Hierarchy, key: string, spaceRole: 'MEMBER' | 'ADMIN' = 'MEMBER'): Promise<{ id: string; key: string; bot_user: { id: string } }> {
  const res = await server.api('POST', '/v2/api-keys', {
    key, body: { key_type: 'SERVICE', name: unique('orphans-svc'), organizations: [{ org_id: h.orgId, spaces: [{ space_id: h.spaceId, role: { type: 'PREDEFINED', name: spaceRole } }] }] },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

/** The orphaned keys of the space (the server is shared by the tests of this file: each works in a space of its own). */
async function orphans(h: Hierarchy, query = ''): Promise<ListedKey[]> {
  const res = await server.api('GET', `/v2/api-keys?orphaned=true&space_id=${enc(h.spaceId)}${query}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.api_keys;
}

const reasons = (keys: ListedKey[]) => keys.map((k) => [k.id, k.orphaned]);

describe('GET /v2/api-keys?orphaned=true', () => {
  it('lists a deactivated creator\'s keys (those its bots minted too), a deleted creator\'s, a demoted creator\'s with the missing permission, and not a healthy key', async () => {
    const h = await hierarchy();
    const [deactivated, deleted, removed, demoted, healthy] = [
      await spaceMember(h), await spaceMember(h), await spaceMember(h), await spaceMember(h, 'ADMIN'), await spaceMember(h),
    ];
    const deactivatedKey = await serviceKey(h, deactivated.key);
    const mintedByBot = await serviceKey(h, deactivatedKey.key);
    const deletedKey = await serviceKey(h, deleted.key);
    const removedKey = await serviceKey(h, removed.key);
    const demotedKey = await serviceKey(h, demoted.key, 'ADMIN');
    const healthyKey = await serviceKey(h, healthy.key);
    expect(await orphans(h)).toEqual([]);

    expect((await server.api('POST', `/v2/users/${enc(deactivated.id)}/deactivate`)).status).toBe(204);
    expect((await server.api('DELETE', `/v2/users/${enc(deleted.id)}`)).status).toBe(204);
    expect((await server.api('DELETE', `/v2/spaces/${enc(h.spaceId)}/users/${enc(removed.id)}`)).status).toBe(204);
    // An existing member given another role: the space ADMIN who gave its key ADMIN is a MEMBER now.
    await addSpaceMember(server, h.spaceId, demoted.id, 'MEMBER');
    const adminOnly = PREDEFINED_ROLES.ADMIN.permissions.find((p) => !PREDEFINED_ROLES.MEMBER.permissions.includes(p));
    expect(adminOnly).toMatch(/^[A-Z_]+$/);

    const listed = await orphans(h);
    expect(reasons(listed)).toEqual([
      [deactivatedKey.id, { reason: 'CREATOR_DEACTIVATED' }],
      [mintedByBot.id, { reason: 'CREATOR_DEACTIVATED' }],
      [deletedKey.id, { reason: 'CREATOR_DELETED' }],
      [removedKey.id, { reason: 'CREATOR_LACKS_ROLES', missing_permission: 'SERVICE_KEY_CREATE' }],
      [demotedKey.id, { reason: 'CREATOR_LACKS_ROLES', missing_permission: adminOnly }],
    ]);
    expect(listed.map((k) => k.id)).not.toContain(healthyKey.id);
    expect(listed[0]).toMatchObject({ key_type: 'SERVICE', status: 'ACTIVE', created_by_user_id: deactivated.id });
    // The bot-minted key's creator is the bot; the person at the root of the chain is who is gone.
    expect(listed[1]!.created_by_user_id).not.toBe(deactivated.id);

    // The ordinary list carries no reason.
    const ordinary = await server.api('GET', `/v2/api-keys?space_id=${enc(h.spaceId)}`);
    expect(ordinary.body.api_keys.map((k: ListedKey) => k.id)).toContain(deletedKey.id);
    expect(ordinary.body.api_keys.every((k: ListedKey) => k.orphaned === undefined)).toBe(true);

    // A transfer to someone who holds the key's roles ends the orphaning.
    const heir = await spaceMember(h, 'ADMIN');
    expect((await server.api('POST', `/v2/api-keys/${enc(demotedKey.id)}/transfer`, { body: { created_by_user_id: heir.id } })).status).toBe(200);
    expect((await orphans(h)).map((k) => k.id)).not.toContain(demotedKey.id);
    // So does a reactivation.
    expect((await server.api('POST', `/v2/users/${enc(deactivated.id)}/reactivate`)).status).toBe(204);
    expect((await orphans(h)).map((k) => k.id)).toEqual([deletedKey.id, removedKey.id]);
  });

  it('pages with its own cursor, and narrows by the other filters', async () => {
    const h = await hierarchy();
    const a = await spaceMember(h);
    const b = await spaceMember(h);
    const keys = [await serviceKey(h, a.key), await serviceKey(h, b.key), await serviceKey(h, a.key)];
    await serviceKey(h, (await spaceMember(h)).key);
    for (const u of [a, b]) expect((await server.api('POST', `/v2/users/${enc(u.id)}/deactivate`)).status).toBe(204);

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const res = await server.api('GET', `/v2/api-keys?orphaned=true&space_id=${enc(h.spaceId)}&limit=1${cursor ? `&cursor=${enc(cursor)}` : ''}`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.api_keys).toHaveLength(1);
      seen.push(res.body.api_keys[0].id);
      cursor = res.body.pagination.next_cursor;
    } while (cursor !== undefined);
    expect(seen).toEqual(keys.map((k) => k.id));

    expect((await orphans(h, `&created_by_user_id=${enc(a.id)}`)).map((k) => k.id)).toEqual([keys[0]!.id, keys[2]!.id]);
    expect((await orphans(h, `&user_id=${enc(b.id)}&key_type=SERVICE`)).map((k) => k.id)).toEqual([keys[1]!.id]);

    // A cursor of the ordinary list is not one of this list (and the other way round).
    const ordinary = await server.api('GET', `/v2/api-keys?space_id=${enc(h.spaceId)}&limit=1`);
    const foreign = await server.api('GET', `/v2/api-keys?orphaned=true&cursor=${enc(ordinary.body.pagination.next_cursor)}`);
    expect(foreign.status).toBe(400);
    expect(foreign.body.code).toBe('INVALID_CURSOR');
  });

  it('judges a key whose bot an admin gave a custom organization role by that role\'s permissions (no 500; transfer too)', async () => {
    const h = await hierarchy();
    const creator = await spaceMember(h);
    const svc = await serviceKey(h, creator.key);
    const role = await server.api('POST', '/v2/roles', { body: { name: unique('orphans-org-role'), permissions: ['ORGANIZATION_UPDATE'] } });
    expect(role.status, JSON.stringify(role.body)).toBe(201);
    const member = await server.api('POST', `/v2/organizations/${enc(h.orgId)}/users`, {
      body: { user_id: svc.bot_user.id, role: { type: 'CUSTOM', id: role.body.id } },
    });
    expect(member.status, JSON.stringify(member.body)).toBe(200);

    expect(reasons(await orphans(h))).toEqual([[svc.id, { reason: 'CREATOR_LACKS_ROLES', missing_permission: 'ORGANIZATION_UPDATE' }]]);
    const refused = await server.api('POST', `/v2/api-keys/${enc(svc.id)}/transfer`, { body: { created_by_user_id: creator.id } });
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toContain('ORGANIZATION_UPDATE');
  });

  it('is for account admins (403), lists no USER or revoked keys (400), and orphaned=false is the ordinary list', async () => {
    const h = await hierarchy();
    const member = await spaceMember(h);
    const forbidden = await server.api('GET', '/v2/api-keys?orphaned=true', { key: member.key });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.detail).toContain('account admin');

    for (const query of ['key_type=USER', 'status=REVOKED']) {
      const res = await server.api('GET', `/v2/api-keys?orphaned=true&${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.detail).toContain(query.split('=')[0]);
    }
    expect((await server.api('GET', '/v2/api-keys?orphaned=maybe')).status).toBe(400);

    const own = await serviceKey(h, member.key);
    const plain = await server.api('GET', '/v2/api-keys?orphaned=false', { key: member.key });
    expect(plain.status).toBe(200);
    expect(plain.body.api_keys.map((k: ListedKey) => k.id)).toContain(own.id);
  });
});
