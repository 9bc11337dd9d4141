import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUserWithKey } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * Replays requests shaped exactly as Arize's generated Go client (client-go-v2 0.22.0) sends them — bodies,
 * query strings, percent-encoded ids — and checks the answers field by field: the exact status code the
 * client's parser expects (a 200 where 201 is specified is silently dropped), a JSON content type, padded
 * base64 ids that its resolver recognises, `next_cursor` omitted on the last page, and no `null` anywhere.
 */
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server?.close());

/** The Go client's resolve.IsResourceID: standard padded base64 whose text contains ':'. */
function isResourceId(value: unknown): boolean {
  if (typeof value !== 'string' || !/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(value)) return false;
  return Buffer.from(value, 'base64').toString('utf8').includes(':');
}

function expectNoNulls(value: unknown, path = '$'): void {
  expect(value, `${path} is null`).not.toBeNull();
  if (Array.isArray(value)) value.forEach((v, i) => expectNoNulls(v, `${path}[${i}]`));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) expectNoNulls(v, `${path}.${k}`);
}

async function call(method: string, path: string, body?: unknown, expected?: number) {
  const res = await server.api(method, path, body === undefined ? {} : { body });
  if (expected !== undefined) expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).toBe(expected);
  if (res.status !== 204 && res.status < 400) {
    expect(res.headers.get('content-type')).toMatch(/json/);
    expectNoNulls(res.body);
  }
  if (res.status === 204) expect(res.body).toBeUndefined();
  return res;
}

const enc = encodeURIComponent;

describe('Arize Go client wire replay', () => {
  let orgId: string;
  let spaceId: string;
  let projectId: string;
  let userId: string;
  let roleId: string;

  it('organizations: create 201, resolve by name through ?name=&limit=100, get, update with null description', async () => {
    const created = await call('POST', '/v2/organizations', { name: 'Platform Team', description: 'Core ML platform' }, 201);
    expect(Object.keys(created.body).sort()).toEqual(['created_at', 'description', 'id', 'name']);
    expect(isResourceId(created.body.id)).toBe(true);
    orgId = created.body.id;
    const listed = await call('GET', `/v2/organizations?name=${enc('platform')}&limit=100`, undefined, 200);
    expect(listed.body.organizations.map((o: { name: string }) => o.name)).toContain('Platform Team');
    expect(listed.body.pagination).toEqual({ has_more: false });
    await call('GET', `/v2/organizations/${enc(orgId)}`, undefined, 200);
    const updated = await call('PATCH', `/v2/organizations/${enc(orgId)}`, { description: null }, 200);
    expect(updated.body.description).toBe('');
    await call('POST', '/v2/organizations', { name: 'Platform Team' }, 409);
  });

  it('users: invite 201 with invite_mode, same email again 200 with the plain User', async () => {
    const body = { name: 'Carol', email: 'carol@example.com', role: { type: 'PREDEFINED', name: 'MEMBER' }, invite_mode: 'EMAIL_LINK' };
    const created = await call('POST', '/v2/users', body, 201);
    expect(created.body).toMatchObject({ name: 'Carol', email: 'carol@example.com', status: 'INVITED', is_developer: true, invite_mode: 'EMAIL_LINK', role: { type: 'PREDEFINED', name: 'MEMBER' } });
    expect(created.body.temporary_password).toBeUndefined();
    userId = created.body.id;
    const again = await call('POST', '/v2/users', body, 200);
    expect(again.body.id).toBe(userId);
    expect(again.body.invite_mode).toBeUndefined();
    const byEmail = await call('GET', `/v2/users?email=${enc('CAROL@example')}&limit=100`, undefined, 200);
    expect(byEmail.body.users.map((u: { id: string }) => u.id)).toEqual([userId]);
    await call('PATCH', `/v2/users/${enc(userId)}`, { name: 'Carol D' }, 200);
  });

  it('organization members: upsert answers 200, a second add changes the role', async () => {
    const first = await call('POST', `/v2/organizations/${enc(orgId)}/users`, { user_id: userId, role: { type: 'PREDEFINED', name: 'MEMBER' } }, 200);
    expect(first.body).toMatchObject({ user_id: userId, organization_id: orgId, role: { type: 'PREDEFINED', name: 'MEMBER' } });
    const second = await call('POST', `/v2/organizations/${enc(orgId)}/users`, { user_id: userId, role: { type: 'PREDEFINED', name: 'ADMIN' } }, 200);
    expect(second.body.role).toEqual({ type: 'PREDEFINED', name: 'ADMIN' });
    expect(second.body.id).toBe(first.body.id);
  });

  it('spaces: create 201 with organization_id in the body, list filtered by org_id, add members (PREDEFINED and CUSTOM)', async () => {
    const created = await call('POST', '/v2/spaces', { name: 'team-alpha', organization_id: orgId, description: '' }, 201);
    expect(created.body).toMatchObject({ name: 'team-alpha', description: '', is_private: false });
    spaceId = created.body.id;
    const listed = await call('GET', `/v2/spaces?org_id=${enc(orgId)}&name=${enc('team-alpha')}&limit=100`, undefined, 200);
    expect(listed.body.spaces.map((s: { id: string }) => s.id)).toEqual([spaceId]);
    const role = await call('POST', '/v2/roles', { name: 'Data Scientist', permissions: ['PROJECT_READ', 'DATASET_CREATE', 'EXPERIMENT_CREATE'], description: 'Read traces, create datasets and experiments' }, 201);
    roleId = role.body.id;
    const member = await call('POST', `/v2/spaces/${enc(spaceId)}/users`, { user_id: userId, role: { type: 'CUSTOM', id: roleId } }, 200);
    expect(member.body.role).toEqual({ type: 'CUSTOM', id: roleId, name: 'Data Scientist' });
    const updated = await call('PATCH', `/v2/spaces/${enc(spaceId)}`, { name: 'team-alpha-v2' }, 200);
    expect(updated.body.is_private).toBe(false);
  });

  it('projects: empty list is exactly {"projects":[],"pagination":{"has_more":false}}; create 201; rename conflict 409', async () => {
    const empty = await call('GET', `/v2/projects?space_id=${enc(spaceId)}&limit=50`, undefined, 200);
    expect(empty.body).toEqual({ projects: [], pagination: { has_more: false } });
    const created = await call('POST', '/v2/projects', { name: 'my-project', space_id: spaceId }, 201);
    expect(Object.keys(created.body).sort()).toEqual(['created_at', 'id', 'name', 'space_id']);
    projectId = created.body.id;
    await call('POST', '/v2/projects', { name: 'other', space_id: spaceId }, 201);
    await call('PATCH', `/v2/projects/${enc(projectId)}`, { name: 'other' }, 409);
    const bySpaceName = await call('GET', `/v2/projects?space_name=${enc('ALPHA')}&name=my&limit=100`, undefined, 200);
    expect(bySpaceName.body.projects.map((p: { id: string }) => p.id)).toEqual([projectId]);
  });

  it('roles: list paginates with has_more/next_cursor; predefined roles cannot be deleted (403); unknown permission 400', async () => {
    const page1 = await call('GET', '/v2/roles?limit=2', undefined, 200);
    expect(page1.body.roles).toHaveLength(2);
    expect(page1.body.pagination.has_more).toBe(true);
    expect(typeof page1.body.pagination.next_cursor).toBe('string');
    const predefined = await call('GET', '/v2/roles?is_predefined=true&limit=100', undefined, 200);
    expect(predefined.body.roles.map((r: { name: string }) => r.name).sort()).toEqual(['Admin', 'Annotator', 'Member', 'Read Only']);
    const admin = predefined.body.roles.find((r: { name: string }) => r.name === 'Admin');
    expect((await call('DELETE', `/v2/roles/${enc(admin.id)}`, undefined, 403)).body.status).toBe(403);
    const bad = await call('POST', '/v2/roles', { name: 'x', permissions: ['NOT_A_PERMISSION'] }, 400);
    expect(bad.body.detail).toContain('NOT_A_PERMISSION');
    const cleared = await call('PATCH', `/v2/roles/${enc(roleId)}`, { description: null }, 200);
    expect(cleared.body.description).toBeUndefined();
  });

  it('role bindings: resource_type is required on list; duplicate create 409; resource_id of another type 400', async () => {
    await call('GET', '/v2/role-bindings?limit=50', undefined, 400);
    const body = { user_id: userId, role_id: roleId, resource_type: 'PROJECT', resource_id: projectId };
    const created = await call('POST', '/v2/role-bindings', body, 201);
    expect(Object.keys(created.body).sort()).toEqual(['created_at', 'id', 'resource_id', 'resource_type', 'role_id', 'source', 'updated_at', 'user_id']);
    await call('POST', '/v2/role-bindings', body, 409);
    await call('POST', '/v2/role-bindings', { ...body, resource_type: 'SPACE' }, 400);
    const listed = await call('GET', `/v2/role-bindings?resource_type=PROJECT&user_id=${enc(userId)}&limit=50`, undefined, 200);
    expect(listed.body.role_bindings.map((b: { id: string }) => b.id)).toEqual([created.body.id]);
  });

  it('resource restrictions: restrict 200 (never 201) and idempotent with the same created_at; unrestrict by project id 204, then 404', async () => {
    const first = await call('POST', '/v2/resource-restrictions', { resource_id: projectId }, 200);
    expect(first.body).toEqual({ resource_id: projectId, resource_type: 'PROJECT', created_at: first.body.created_at });
    const again = await call('POST', '/v2/resource-restrictions', { resource_id: projectId }, 200);
    expect(again.body.created_at).toBe(first.body.created_at);
    const listed = await call('GET', '/v2/resource-restrictions?resource_type=PROJECT&limit=50', undefined, 200);
    expect(listed.body.resource_restrictions.map((r: { resource_id: string }) => r.resource_id)).toContain(projectId);
    await call('DELETE', `/v2/resource-restrictions/${enc(projectId)}`, undefined, 204);
    await call('DELETE', `/v2/resource-restrictions/${enc(projectId)}`, undefined, 404);
  });

  it('api keys: USER create 201 with the raw key once; list shows only redacted_key; refresh {} 200 with a new id; revoke PUT 204 twice', async () => {
    const created = await call('POST', '/v2/api-keys', { key_type: 'USER', name: 'CI pipeline', expires_at: '2099-01-01T00:00:00Z' }, 201);
    expect(created.body).toMatchObject({ key_type: 'USER', status: 'ACTIVE', name: 'CI pipeline' });
    expect(created.body.key).toMatch(/^ak-/);
    expect(created.body.redacted_key).toMatch(/^ak-/);
    expect(created.body.redacted_key).not.toBe(created.body.key);
    const listed = await call('GET', '/v2/api-keys?key_type=USER&limit=50', undefined, 200);
    for (const k of listed.body.api_keys) expect(k.key).toBeUndefined();
    const refreshed = await call('POST', `/v2/api-keys/${enc(created.body.id)}/refresh`, { expires_at: '2098-01-01T00:00:00Z' }, 200);
    expect(refreshed.body.id).not.toBe(created.body.id);
    expect(refreshed.body.key).toMatch(/^ak-/);
    expect(refreshed.body.bot_user).toBeUndefined();
    await call('PUT', `/v2/api-keys/${enc(refreshed.body.id)}/revoke`, undefined, 204);
    await call('PUT', `/v2/api-keys/${enc(refreshed.body.id)}/revoke`, undefined, 204);
    await call('POST', `/v2/api-keys/${enc(refreshed.body.id)}/refresh`, { grace_period_seconds: 86401 }, 400);
  });

  it('api keys: SERVICE create 201 returns the fully resolved bot_user with defaults', async () => {
    const created = await call('POST', '/v2/api-keys', {
      key_type: 'SERVICE', name: 'svc-key', organizations: [{ org_id: orgId, spaces: [{ space_id: spaceId }] }],
    }, 201);
    expect(created.body.key_type).toBe('SERVICE');
    expect(created.body.bot_user).toMatchObject({
      name: 'svc-key',
      account_role: { type: 'PREDEFINED', name: 'MEMBER' },
      organizations: [{ org_id: orgId, role: { type: 'PREDEFINED', name: 'READ_ONLY' }, spaces: [{ space_id: spaceId, role: { type: 'PREDEFINED', name: 'MEMBER' } }] }],
    });
    expect(isResourceId(created.body.bot_user.id)).toBe(true);
    const annotator = await call('POST', '/v2/api-keys', {
      key_type: 'SERVICE', name: 'bad', organizations: [{ org_id: orgId, spaces: [{ space_id: spaceId, role: { type: 'PREDEFINED', name: 'ANNOTATOR' } }] }],
    }, 422);
    expect(annotator.body.status).toBe(422);
  });

  it('audit logs: the time window is inclusive RFC 3339, newest first, with the REST mutation recorded', async () => {
    const res = await call('GET', `/v2/audit-logs?start_time=${enc('2000-01-01T00:00:00Z')}&end_time=${enc('2100-01-01T00:00:00Z')}&operation_type=MUTATION&limit=100`, undefined, 200);
    const names = res.body.logs.map((l: { operation_name: string }) => l.operation_name);
    expect(names).toContain('POST /v2/organizations');
    const times = res.body.logs.map((l: { created_at: string }) => l.created_at);
    expect([...times].sort().reverse()).toEqual(times);
    expect(JSON.stringify(res.body)).not.toContain(server.adminKey);
  });

  it('a member without admin rights gets 403 on audit logs with the Arize detail', async () => {
    const member = await createUserWithKey(server, { email: 'plain@example.com' });
    const res = await server.api('GET', '/v2/audit-logs', { key: member.key });
    expect(res.status).toBe(403);
    expect(res.body.detail).toBe('account admin required');
  });

  it('deletes answer 204 with no body; deleting a user twice is 204 both times', async () => {
    await call('DELETE', `/v2/users/${enc(userId)}`, undefined, 204);
    await call('DELETE', `/v2/users/${enc(userId)}`, undefined, 204);
    await call('GET', `/v2/users/${enc(userId)}`, undefined, 404);
    await call('DELETE', `/v2/projects/${enc(projectId)}`, undefined, 204);
    await call('DELETE', `/v2/spaces/${enc(spaceId)}`, undefined, 204);
    await call('DELETE', `/v2/organizations/${enc(orgId)}`, undefined, 204);
  });
});
