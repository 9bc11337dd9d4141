import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSecondAccount } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * Issue 9 §2: organizations, spaces, projects, restrictions, roles, role bindings, API keys, users and the audit log are read and written through the account-scoped store
 * (src/store/account-store.ts), which filters every query by the caller's account. Another tenant's admin sees
 * none of them and changes none of them: every answer is the 404 of a row that does not exist.
 */
let server: TestServer;
let other: { key: string };
const enc = encodeURIComponent;

beforeAll(async () => {
  server = await startTestServer();
  other = (await createSecondAccount(server)).admin;
});
afterAll(async () => server?.close());

describe('organizations are scoped to the account', () => {
  it('another account\'s admin can neither list, read, rename, delete nor add members to them', async () => {
    const org = (await server.api('POST', '/v2/organizations', { body: { name: 'tenant-a-org' } })).body;
    const me = (await server.api('GET', '/v2/me')).body;
    const path = `/v2/organizations/${enc(org.id)}`;

    const listed = await server.api('GET', '/v2/organizations?limit=100', { key: other.key });
    expect(listed.status).toBe(200);
    expect(JSON.stringify(listed.body)).not.toContain(org.id);
    expect((await server.api('GET', '/v2/organizations?name=tenant-a', { key: other.key })).body.organizations).toEqual([]);
    expect((await server.api('GET', path, { key: other.key })).status).toBe(404);
    expect((await server.api('GET', `${path}/users`, { key: other.key })).status).toBe(404);
    expect((await server.api('PATCH', path, { key: other.key, body: { name: 'taken over' } })).status).toBe(404);
    expect((await server.api('POST', `${path}/users`, { key: other.key, body: { user_id: me.id, role: { type: 'PREDEFINED', name: 'ADMIN' } } })).status)
      .toBe(404);
    expect((await server.api('DELETE', `${path}/users/${enc(me.id)}`, { key: other.key })).status).toBe(404);
    expect((await server.api('DELETE', path, { key: other.key })).status).toBe(404);

    const still = await server.api('GET', path);
    expect(still.status).toBe(200);
    expect(still.body.name).toBe('tenant-a-org');
  });

  it('another account\'s admin can neither list, read, change nor delete its spaces or their members', async () => {
    const org = (await server.api('POST', '/v2/organizations', { body: { name: 'tenant-a-spaces' } })).body;
    const space = (await server.api('POST', '/v2/spaces', { body: { name: 'tenant-a-space', organization_id: org.id } })).body;
    const me = (await server.api('GET', '/v2/me')).body;
    const path = `/v2/spaces/${enc(space.id)}`;

    expect(JSON.stringify((await server.api('GET', '/v2/spaces?limit=100', { key: other.key })).body)).not.toContain(space.id);
    expect((await server.api('GET', `/v2/spaces?org_id=${enc(org.id)}`, { key: other.key })).body.spaces).toEqual([]);
    expect((await server.api('GET', path, { key: other.key })).status).toBe(404);
    expect((await server.api('GET', `${path}/users`, { key: other.key })).status).toBe(404);
    expect((await server.api('PATCH', path, { key: other.key, body: { name: 'taken over' } })).status).toBe(404);
    expect((await server.api('POST', `${path}/users`, { key: other.key, body: { user_id: me.id, role: { type: 'PREDEFINED', name: 'ADMIN' } } })).status)
      .toBe(404);
    expect((await server.api('DELETE', `${path}/users/${enc(me.id)}`, { key: other.key })).status).toBe(404);
    expect((await server.api('DELETE', path, { key: other.key })).status).toBe(404);
    expect((await server.api('POST', '/v2/spaces', { key: other.key, body: { name: 'in their org', organization_id: org.id } })).status).toBe(404);
    expect((await server.api('GET', path)).body.name).toBe('tenant-a-space');
  });

  it('another account\'s admin can neither list, read, rename, restrict nor delete its projects', async () => {
    const org = (await server.api('POST', '/v2/organizations', { body: { name: 'tenant-a-projects' } })).body;
    const space = (await server.api('POST', '/v2/spaces', { body: { name: 'tenant-a-project-space', organization_id: org.id } })).body;
    const project = (await server.api('POST', '/v2/projects', { body: { name: 'tenant-a-project', space_id: space.id } })).body;
    const restricted = (await server.api('POST', '/v2/projects', { body: { name: 'tenant-a-restricted', space_id: space.id } })).body;
    expect((await server.api('POST', '/v2/resource-restrictions', { body: { resource_id: restricted.id } })).status).toBeLessThan(300);
    const path = `/v2/projects/${enc(project.id)}`;

    expect(JSON.stringify((await server.api('GET', '/v2/projects?limit=100', { key: other.key })).body)).not.toContain(project.id);
    expect((await server.api('GET', '/v2/projects?space_name=tenant-a', { key: other.key })).body.projects).toEqual([]);
    expect((await server.api('GET', path, { key: other.key })).status).toBe(404);
    expect((await server.api('PATCH', path, { key: other.key, body: { name: 'taken over' } })).status).toBe(404);
    expect((await server.api('POST', '/v2/projects', { key: other.key, body: { name: 'in their space', space_id: space.id } })).status).toBe(404);
    expect((await server.api('POST', '/v2/resource-restrictions', { key: other.key, body: { resource_id: project.id } })).status).toBe(404);
    expect(JSON.stringify((await server.api('GET', '/v2/resource-restrictions?limit=100', { key: other.key })).body)).not.toContain(restricted.id);
    expect((await server.api('DELETE', `/v2/resource-restrictions/${enc(restricted.id)}`, { key: other.key })).status).toBe(404);
    expect((await server.api('DELETE', path, { key: other.key })).status).toBe(404);
    expect((await server.api('GET', path)).body.name).toBe('tenant-a-project');
    expect(JSON.stringify((await server.api('GET', '/v2/resource-restrictions?limit=100')).body)).toContain(restricted.id);
  });

  it('another account\'s admin can neither list, read, change nor delete its custom roles', async () => {
    const role = (await server.api('POST', '/v2/roles', { body: { name: 'tenant-a-role', permissions: ['PROJECT_READ'] } })).body;
    const path = `/v2/roles/${enc(role.id)}`;
    expect(JSON.stringify((await server.api('GET', '/v2/roles?limit=100', { key: other.key })).body)).not.toContain(role.id);
    expect((await server.api('GET', path, { key: other.key })).status).toBe(404);
    expect((await server.api('PATCH', path, { key: other.key, body: { permissions: ['PROJECT_DELETE'] } })).status).toBe(404);
    expect((await server.api('DELETE', `${path}?force=true`, { key: other.key })).status).toBe(404);
    const still = (await server.api('GET', path)).body;
    expect(still.name).toBe('tenant-a-role');
    expect(still.permissions).toEqual(['PROJECT_READ']);
  });

  it('another account\'s admin can neither list, read, change nor delete its role bindings', async () => {
    const org = (await server.api('POST', '/v2/organizations', { body: { name: 'tenant-a-bindings' } })).body;
    const space = (await server.api('POST', '/v2/spaces', { body: { name: 'tenant-a-binding-space', organization_id: org.id } })).body;
    const me = (await server.api('GET', '/v2/me')).body;
    const roles = (await server.api('GET', '/v2/roles?is_predefined=true')).body.roles as { id: string; name: string }[];
    const readOnly = roles.find((r) => r.name === 'Read Only')!.id;
    const binding = (await server.api('POST', '/v2/role-bindings', {
      body: { user_id: me.id, role_id: readOnly, resource_type: 'SPACE', resource_id: space.id },
    })).body;
    const path = `/v2/role-bindings/${enc(binding.id)}`;
    const theirRoles = (await server.api('GET', '/v2/roles?is_predefined=true', { key: other.key })).body.roles as { id: string; name: string }[];
    const theirAdmin = theirRoles.find((r) => r.name === 'Admin')!.id;

    const listed = await server.api('GET', '/v2/role-bindings?resource_type=SPACE&limit=100', { key: other.key });
    expect(listed.status).toBe(200);
    expect(JSON.stringify(listed.body)).not.toContain(binding.id);
    expect((await server.api('GET', path, { key: other.key })).status).toBe(404);
    expect((await server.api('PATCH', path, { key: other.key, body: { role_id: theirAdmin } })).status).toBe(404);
    expect((await server.api('DELETE', path, { key: other.key })).status).toBe(404);
    expect((await server.api('GET', path)).body.role_id).toBe(readOnly);
  });

  it('another account\'s admin can neither list, refresh nor revoke its API keys', async () => {
    const key = (await server.api('POST', '/v2/api-keys', { body: { name: 'tenant-a-key', key_type: 'USER' } })).body;
    const id = key.id;
    const me = (await server.api('GET', '/v2/me')).body;
    const listed = await server.api('GET', '/v2/api-keys?limit=100', { key: other.key });
    expect(listed.status).toBe(200);
    expect(JSON.stringify(listed.body)).not.toContain(id);
    expect((await server.api('GET', `/v2/api-keys?user_id=${enc(me.id)}`, { key: other.key })).status).toBe(404);
    expect((await server.api('POST', `/v2/api-keys/${enc(id)}/refresh`, { key: other.key, body: {} })).status).toBe(404);
    expect((await server.api('PUT', `/v2/api-keys/${enc(id)}/revoke`, { key: other.key })).status).toBe(404);
    expect((await server.api('GET', '/v2/me', { key: key.key })).status).toBe(200);
  });

  it('another account\'s admin can neither list, read, change, re-invite nor delete its users', async () => {
    const invited = (await server.api('POST', '/v2/users', {
      body: { name: 'Tenant A Person', email: 'person@tenant-a.example', role: { type: 'PREDEFINED', name: 'MEMBER' }, invite_mode: 'NONE' },
    })).body;
    const id = invited.user?.id ?? invited.id;
    const path = `/v2/users/${enc(id)}`;
    const listed = await server.api('GET', '/v2/users?limit=100&email=tenant-a', { key: other.key });
    expect(listed.status).toBe(200);
    expect(JSON.stringify(listed.body)).not.toContain(id);
    expect((await server.api('GET', path, { key: other.key })).status).toBe(404);
    expect((await server.api('PATCH', path, { key: other.key, body: { name: 'taken over' } })).status).toBe(404);
    expect((await server.api('POST', `${path}/resend-invitation`, { key: other.key })).status).toBe(404);
    expect((await server.api('DELETE', path, { key: other.key })).status).toBe(404);
    // The same email is free in the other account: emails are unique per account.
    const theirs = await server.api('POST', '/v2/users', {
      key: other.key,
      body: { name: 'Their Person', email: 'person@tenant-a.example', role: { type: 'PREDEFINED', name: 'MEMBER' }, invite_mode: 'NONE' },
    });
    expect(theirs.status).toBe(201);
    expect(JSON.stringify(theirs.body)).not.toContain(id);
    expect((await server.api('GET', path)).body.name).toBe('Tenant A Person');
  });

  it('each account\'s audit log holds only its own changes', async () => {
    await server.api('POST', '/v2/organizations', { key: other.key, body: { name: 'tenant-b-org' } });
    const mine = (await server.api('GET', '/v2/audit-logs?limit=100')).body;
    const theirs = (await server.api('GET', '/v2/audit-logs?limit=100', { key: other.key })).body;
    const names = (page: { logs: { operation_text?: string }[] }) => page.logs.map((l) => l.operation_text ?? '').join('\n');
    expect(names(theirs)).toContain('tenant-b-org');
    expect(names(theirs)).not.toContain('tenant-a-org');
    expect(names(mine)).toContain('tenant-a-org');
    expect(names(mine)).not.toContain('tenant-b-org');
  });
});
