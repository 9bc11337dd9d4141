import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUserWithKey } from '../helpers/fixtures.js';
import { addOrganizationMember, addSpaceMember, createOrganization, createSpace } from '../helpers/hierarchy.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * The account admins' key inventory: `GET /v2/api-keys?all_users=true` lists every key of the account whoever created
 * it, each SERVICE key with its bot user's scope; a key a refresh replaced names its replacement.
 */
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

interface ListedKey {
  id: string; name: string; key_type: string; status: string; created_by_user_id: string; expires_at?: string; replaced_by_api_key_id?: string;
  bot_user?: { id: string; name: string; account_role: unknown; organizations: { org_id: string; role: unknown; spaces: { space_id: string; role: unknown }[] }[] };
}

async function list(query: string, key?: string): Promise<{ status: number; keys: ListedKey[]; body: unknown }> {
  const res = await server.api('GET', `/v2/api-keys?${query}`, key === undefined ? {} : { key });
  return { status: res.status, keys: res.body.api_keys ?? [], body: res.body };
}

describe('GET /v2/api-keys?all_users=true', () => {
  it('lists to an account admin a member\'s user and service keys with the service key\'s scope; a member is refused', async () => {
    const orgId = await createOrganization(server, 'inventory-org');
    const spaceId = await createSpace(server, orgId, 'inventory-space');
    const member = await createUserWithKey(server, { email: 'inventory-member@example.com' });
    await addOrganizationMember(server, orgId, member.id, 'READ_ONLY');
    await addSpaceMember(server, spaceId, member.id, 'MEMBER');
    const userKey = await server.api('POST', '/v2/api-keys', { key: member.key, body: { key_type: 'USER', name: 'member-laptop' } });
    expect(userKey.status).toBe(201);
    const serviceKey = await server.api('POST', '/v2/api-keys', {
      key: member.key,
      body: { key_type: 'SERVICE', name: 'member-pipeline', organizations: [{ org_id: orgId, spaces: [{ space_id: spaceId }] }] },
    });
    expect(serviceKey.status, JSON.stringify(serviceKey.body)).toBe(201);

    const own = await list('');
    expect(own.keys.map((k) => k.id)).not.toContain(userKey.body.id);

    const all = await list('all_users=true&limit=100');
    expect(all.status).toBe(200);
    const byId = new Map(all.keys.map((k) => [k.id, k]));
    expect(byId.get(userKey.body.id)).toMatchObject({ key_type: 'USER', created_by_user_id: member.id });
    expect(byId.get(userKey.body.id)?.bot_user).toBeUndefined();
    expect(byId.get(serviceKey.body.id)).toMatchObject({
      key_type: 'SERVICE',
      created_by_user_id: member.id,
      bot_user: {
        id: serviceKey.body.bot_user.id,
        name: 'member-pipeline',
        account_role: { type: 'PREDEFINED', name: 'MEMBER' },
        organizations: [{ org_id: orgId, role: { type: 'PREDEFINED', name: 'READ_ONLY' }, spaces: [{ space_id: spaceId, role: { type: 'PREDEFINED', name: 'MEMBER' } }] }],
      },
    });

    const services = await list(`all_users=true&key_type=SERVICE&limit=100`);
    expect(services.keys.every((k) => k.key_type === 'SERVICE')).toBe(true);
    const ofMember = await list(`all_users=true&user_id=${encodeURIComponent(member.id)}`);
    expect(ofMember.keys.map((k) => k.id)).toEqual(expect.arrayContaining([userKey.body.id, serviceKey.body.id]));
    expect(ofMember.keys.every((k) => k.created_by_user_id === member.id)).toBe(true);

    const refused = await list('all_users=true', member.key);
    expect(refused.status).toBe(403);
  });

  it('marks a key a refresh replaced with its replacement, valid until the end of the grace period', async () => {
    const created = await server.api('POST', '/v2/api-keys', { body: { key_type: 'USER', name: 'to-refresh' } });
    const refreshed = await server.api('POST', `/v2/api-keys/${created.body.id}/refresh`, { body: { grace_period_seconds: 3600 } });
    expect(refreshed.status).toBe(200);
    const { keys } = await list('all_users=true&limit=100');
    const old = keys.find((k) => k.id === created.body.id);
    expect(old).toMatchObject({ status: 'ACTIVE', replaced_by_api_key_id: refreshed.body.id });
    expect(old?.expires_at).toBeDefined();
    expect(keys.find((k) => k.id === refreshed.body.id)?.replaced_by_api_key_id).toBeUndefined();
  });
});
