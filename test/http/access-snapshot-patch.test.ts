import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUserWithKey } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * Binding changes patch the loaded access snapshot in place instead of rebuilding it; the effect must still be
 * immediate and exact: granted at once on create, changed at once on PATCH, gone at once on delete.
 */
let server: TestServer;
const enc = encodeURIComponent;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server?.close());

describe('role binding changes take effect at once', () => {
  it('grants on create, narrows on PATCH and revokes on delete, with the snapshot already loaded', async () => {
    const org = (await server.api('POST', '/v2/organizations', { body: { name: 'patch-org' } })).body;
    const space = (await server.api('POST', '/v2/spaces', { body: { name: 'patch-space', organization_id: org.id } })).body;
    const user = await createUserWithKey(server, { email: 'patched@example.com' });
    const roles = (await server.api('GET', '/v2/roles?is_predefined=true')).body.roles as { id: string; name: string }[];
    const roleId = (name: string) => roles.find((r) => r.name === name)!.id;
    const canCreateProject = async () =>
      (await server.api('POST', '/v2/access/check', { body: { user_id: user.id, permission: 'PROJECT_CREATE', resource_id: space.id } })).body.allowed;

    expect(await canCreateProject()).toBe(false);
    expect((await server.api('GET', `/v2/spaces/${enc(space.id)}`, { key: user.key })).status).toBe(404);

    const binding = (await server.api('POST', '/v2/role-bindings', { body: { user_id: user.id, role_id: roleId('Member'), resource_type: 'SPACE', resource_id: space.id } })).body;
    expect(await canCreateProject()).toBe(true);
    expect((await server.api('POST', '/v2/projects', { key: user.key, body: { name: 'p1', space_id: space.id } })).status).toBe(201);

    expect((await server.api('PATCH', `/v2/role-bindings/${enc(binding.id)}`, { body: { role_id: roleId('Read Only') } })).status).toBe(200);
    expect(await canCreateProject()).toBe(false);
    expect((await server.api('GET', `/v2/spaces/${enc(space.id)}`, { key: user.key })).status).toBe(200);

    expect((await server.api('DELETE', `/v2/role-bindings/${enc(binding.id)}`)).status).toBe(204);
    expect((await server.api('GET', `/v2/spaces/${enc(space.id)}`, { key: user.key })).status).toBe(404);
  });
});
