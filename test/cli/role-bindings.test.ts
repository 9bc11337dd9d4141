import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createUserWithKey } from '../helpers/fixtures.js';
import { addOrganizationMember, createOrganization, createProject, createSpace } from '../helpers/hierarchy.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { runAx } from './ax-process.js';

/**
 * `ax role-bindings create` through the real binary: the resource is named as everywhere else in ax (cli.md "names
 * or ids"), a space by its name and a project by its name within --space / ARIZE_SPACE.
 */
let server: TestServer;
vi.setConfig({ testTimeout: 120_000 });

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server?.close());

const env = (extra: Record<string, string> = {}) => ({ ARIZE_API_KEY: server.adminKey, ARIZE_ENDPOINT: server.url, ARIZE_DIRECTORY: server.profileDir, ...extra });

describe('ax role-bindings', () => {
  it('create binds on a space given by name, on a project given by name with --space or ARIZE_SPACE, and says when a name is not there', async () => {
    const orgId = await createOrganization(server, 'rb-names-org');
    const spaceId = await createSpace(server, orgId, 'rb-names-space');
    const projectId = await createProject(server, spaceId, 'rb-names-project');
    const user = await createUserWithKey(server, { email: 'rb-names@example.com' });
    await addOrganizationMember(server, orgId, user.id, 'READ_ONLY');

    const space = await runAx(['role-bindings', 'create', '--user-id', user.email, '--role-id', 'Member', '--resource-type', 'SPACE', '--resource-id', 'rb-names-space', '-o', 'json'], { env: env() });
    expect(space.code, space.stderr).toBe(0);
    expect(JSON.parse(space.stdout)).toMatchObject({ resource_type: 'SPACE', resource_id: spaceId, user_id: user.id });

    const project = await runAx(['role-bindings', 'create', '--user-id', user.email, '--role-id', 'Member', '--resource-type', 'project', '--resource-id', 'rb-names-project', '--space', 'rb-names-space', '-o', 'json'], { env: env() });
    expect(project.code, project.stderr).toBe(0);
    expect(JSON.parse(project.stdout)).toMatchObject({ resource_type: 'PROJECT', resource_id: projectId });

    // Again, the space from ARIZE_SPACE: the binding exists, so it exits 0 and says so.
    const again = await runAx(['role-bindings', 'create', '--user-id', user.email, '--role-id', 'Member', '--resource-type', 'PROJECT', '--resource-id', 'rb-names-project'], { env: env({ ARIZE_SPACE: 'rb-names-space' }) });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain('Role binding already exists');

    // A name that is not there: close names, exit 4; a project name without its space: exit 2.
    const missing = await runAx(['role-bindings', 'create', '--user-id', user.email, '--role-id', 'Member', '--resource-type', 'SPACE', '--resource-id', 'rb-names-spac'], { env: env() });
    expect(missing.code).toBe(4);
    expect(missing.stderr).toContain('✗ Error: no space named "rb-names-spac"; close names: "rb-names-space"');
    const noSpace = await runAx(['role-bindings', 'create', '--user-id', user.email, '--role-id', 'Member', '--resource-type', 'PROJECT', '--resource-id', 'rb-names-project'], { env: env() });
    expect(noSpace.code).toBe(2);
    expect(noSpace.stderr).toContain('✗ Error: project "rb-names-project" is a name, so its space is needed');
  });

  it('delete --force -o json keeps stdout for data: the ✓ line goes to stderr (a table prints it on stdout)', async () => {
    const orgId = await createOrganization(server, 'rb-json-org');
    const spaceId = await createSpace(server, orgId, 'rb-json-space');
    const user = await createUserWithKey(server, { email: 'rb-json@example.com' });
    await addOrganizationMember(server, orgId, user.id, 'READ_ONLY');
    const create = async () => {
      const created = await runAx(['role-bindings', 'create', '--user-id', user.email, '--role-id', 'Member', '--resource-type', 'SPACE', '--resource-id', spaceId, '-o', 'json'], { env: env() });
      expect(created.code, created.stderr).toBe(0);
      return (JSON.parse(created.stdout) as { id: string }).id;
    };
    const json = await runAx(['role-bindings', 'delete', await create(), '--force', '-o', 'json'], { env: env() });
    expect(json.code, json.stderr).toBe(0);
    expect(json.stdout).toBe('');
    expect(json.stderr).toMatch(/^✓ Deleted role binding \S+\n$/);
    const table = await runAx(['role-bindings', 'delete', await create(), '--force'], { env: env() });
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/^✓ Deleted role binding \S+\n$/);
  });
});
