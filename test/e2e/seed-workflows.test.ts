import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * The seed's enterprise workflows, end to end over HTTP against the real `ax serve` process: onboard a team,
 * SSO role ids, restrict a project, audit access, offboard a user, multi-tenant service keys, rotate with grace.
 */
let server: TestServer;
const enc = encodeURIComponent;

beforeAll(async () => {
  server = await startTestServer({ spawn: true, testClock: true });
});
afterAll(async () => server?.close());

async function ok(method: string, path: string, body?: unknown, key?: string) {
  const res = await server.api(method, path, { ...(body === undefined ? {} : { body }), ...(key ? { key } : {}) });
  expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
  return res.body;
}

/** Invites a person by mail and completes the mailed invitation link, then gives them a USER key. */
async function onboardPerson(name: string, email: string): Promise<{ id: string; key: string }> {
  const user = await ok('POST', '/v2/users', { name, email, role: { type: 'PREDEFINED', name: 'MEMBER' }, invite_mode: 'EMAIL_LINK' });
  const mail = await server.waitForMail(email);
  const token = /\/invite\/([A-Za-z0-9_-]+)/.exec(mail.text)?.[1];
  expect(token, mail.text).toBeDefined();
  const accept = await fetch(`${server.url}/auth/invitations/${token}/accept`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ password: 'a long enough password' }),
  });
  expect(accept.status).toBe(200);
  const cookie = accept.headers.get('set-cookie')!.split(';')[0]!;
  const session = (await accept.json()) as { csrf_token: string };
  const keyRes = await fetch(`${server.url}/v2/api-keys`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': session.csrf_token },
    body: JSON.stringify({ key_type: 'USER', name: `${name}'s key` }),
  });
  expect(keyRes.status).toBe(201);
  return { id: user.id, key: ((await keyRes.json()) as { key: string }).key };
}

describe('seed workflows over HTTP', () => {
  let orgId: string;
  let spaceId: string;
  let jane: { id: string; key: string };
  let omar: { id: string; key: string };
  let roleId: string;
  let projectId: string;

  it('onboards a team: org → space → invited people → memberships → custom role → binding → service key', async () => {
    orgId = (await ok('POST', '/v2/organizations', { name: 'Platform Team', description: 'Core ML platform' })).id;
    spaceId = (await ok('POST', '/v2/spaces', { name: 'team-alpha', organization_id: orgId })).id;
    jane = await onboardPerson('Jane Doe', 'jane@example.com');
    omar = await onboardPerson('Omar Ali', 'omar@example.com');
    for (const u of [jane, omar]) {
      await ok('POST', `/v2/organizations/${enc(orgId)}/users`, { user_id: u.id, role: { type: 'PREDEFINED', name: 'MEMBER' } });
      await ok('POST', `/v2/spaces/${enc(spaceId)}/users`, { user_id: u.id, role: { type: 'PREDEFINED', name: 'MEMBER' } });
    }
    roleId = (await ok('POST', '/v2/roles', { name: 'Data Scientist', permissions: ['PROJECT_READ', 'PROJECT_SPAN_READ', 'DATASET_CREATE', 'EXPERIMENT_CREATE'] })).id;
    const binding = await ok('POST', '/v2/role-bindings', { user_id: jane.id, role_id: roleId, resource_type: 'SPACE', resource_id: spaceId });
    expect(binding.resource_id).toBe(spaceId);
    const svc = await ok('POST', '/v2/api-keys', {
      key_type: 'SERVICE', name: 'team-alpha-traces', expires_at: '2099-01-01T00:00:00Z',
      organizations: [{ org_id: orgId, spaces: [{ space_id: spaceId, role: { type: 'PREDEFINED', name: 'MEMBER' } }] }],
    });
    const spaceSeenByBot = await server.api('GET', `/v2/spaces/${enc(spaceId)}`, { key: svc.key });
    expect(spaceSeenByBot.status).toBe(200);
    expect((await server.api('GET', `/v2/spaces/${enc(spaceId)}`, { key: jane.key })).status).toBe(200);
  });

  it('hands out stable custom role ids for SSO mappings', async () => {
    const custom = await ok('GET', '/v2/roles?is_predefined=false&limit=100');
    expect(custom.roles.map((r: { id: string }) => r.id)).toContain(roleId);
    const again = await ok('GET', `/v2/roles/${enc(roleId)}`);
    expect(again.id).toBe(roleId);
    expect(Buffer.from(roleId, 'base64').toString()).toMatch(/^Role:/);
  });

  it('restricts a project to named people: space members lose access, a PROJECT binding restores it', async () => {
    projectId = (await ok('POST', '/v2/projects', { name: 'payments-llm', space_id: spaceId })).id;
    expect((await server.api('GET', `/v2/projects/${enc(projectId)}`, { key: omar.key })).status).toBe(200);
    await ok('POST', '/v2/resource-restrictions', { resource_id: projectId });
    const check = async (userId: string) => ok('POST', '/v2/access/check', { user_id: userId, permission: 'PROJECT_SPAN_READ', resource_id: projectId });
    expect((await check(omar.id)).allowed).toBe(false);
    await ok('POST', '/v2/role-bindings', { user_id: omar.id, role_id: roleId, resource_type: 'PROJECT', resource_id: projectId });
    const allowed = await check(omar.id);
    expect(allowed.allowed).toBe(true);
    expect(JSON.stringify(allowed.reasons)).toMatch(/PROJECT_BINDING/);
    const who = await ok('GET', `/v2/access/principals?resource_id=${enc(projectId)}`);
    expect(who.principals.map((p: { user_id: string }) => p.user_id)).toContain(omar.id);
  });

  it('audits access: every mutation above is in the audit log, with no secret in it', async () => {
    const logs = await ok('GET', '/v2/audit-logs?operation_type=MUTATION&limit=100');
    const names = logs.logs.map((l: { operation_name: string }) => l.operation_name);
    for (const op of ['POST /v2/organizations', 'POST /v2/spaces', 'POST /v2/users', 'POST /v2/role-bindings', 'POST /v2/resource-restrictions', 'POST /v2/api-keys']) {
      expect(names).toContain(op);
    }
    const text = JSON.stringify(logs);
    expect(text).not.toContain(jane.key);
    expect(text).not.toContain('a long enough password');
  });

  it('offboards a user: delete cascades and their key fails at once', async () => {
    await ok('DELETE', `/v2/users/${enc(jane.id)}`);
    expect((await server.api('GET', '/v2/me', { key: jane.key })).status).toBe(401);
    const bindings = await ok('GET', `/v2/role-bindings?resource_type=SPACE&user_id=${enc(jane.id)}`);
    expect(bindings.role_bindings).toEqual([]);
    const keys = await ok('GET', `/v2/api-keys?user_id=${enc(jane.id)}&status=REVOKED`);
    expect(keys.api_keys.length).toBeGreaterThanOrEqual(1);
  });

  it('scopes service keys per tenant: a key for one space cannot see another', async () => {
    const betaId = (await ok('POST', '/v2/spaces', { name: 'tenant-beta', organization_id: orgId })).id;
    const keyFor = async (space: string, name: string) => (await ok('POST', '/v2/api-keys', {
      key_type: 'SERVICE', name, organizations: [{ org_id: orgId, spaces: [{ space_id: space }] }],
    })).key as string;
    const alphaKey = await keyFor(spaceId, 'tenant-alpha');
    const betaKey = await keyFor(betaId, 'tenant-beta');
    expect((await server.api('POST', '/v2/projects', { key: alphaKey, body: { name: 'alpha-run', space_id: spaceId } })).status).toBe(201);
    // The bot is a READ_ONLY member of the organization (the default), so it sees the other space but may not write in it.
    expect((await server.api('POST', '/v2/projects', { key: alphaKey, body: { name: 'sneaky', space_id: betaId } })).status).toBe(403);
    expect((await server.api('POST', '/v2/projects', { key: betaKey, body: { name: 'beta-run', space_id: betaId } })).status).toBe(201);
    const admin = await server.api('POST', '/v2/api-keys', { key: alphaKey, body: {
      key_type: 'SERVICE', name: 'escalate', organizations: [{ org_id: orgId, spaces: [{ space_id: spaceId, role: { type: 'PREDEFINED', name: 'ADMIN' } }] }],
    } });
    expect(admin.status).toBe(403);
  });

  it('rotates a key with a grace period: old and new both work until the grace ends', async () => {
    const original = await ok('POST', '/v2/api-keys', { key_type: 'USER', name: 'rotating' });
    const rotated = await ok('POST', `/v2/api-keys/${enc(original.id)}/refresh`, { grace_period_seconds: 2 });
    expect((await server.api('GET', '/v2/me', { key: original.key })).status).toBe(200);
    expect((await server.api('GET', '/v2/me', { key: rotated.key })).status).toBe(200);
    await server.advanceClock(2001);
    expect((await server.api('GET', '/v2/me', { key: original.key })).status).toBe(401);
    expect((await server.api('GET', '/v2/me', { key: rotated.key })).status).toBe(200);
    await server.api('PUT', `/v2/api-keys/${enc(rotated.id)}/revoke`);
    expect((await server.api('GET', '/v2/me', { key: rotated.key })).status).toBe(401);
  });
});
