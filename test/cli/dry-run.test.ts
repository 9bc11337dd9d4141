import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createUserWithKey } from '../helpers/fixtures.js';
import { addOrganizationMember, createOrganization, createProject, createSpace, insertRoleBinding } from '../helpers/hierarchy.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { runAx } from './ax-process.js';

/**
 * Issue 17 §1 through the real `ax` binary: `--dry-run` on the commands that move rights prints who would gain or
 * lose which permissions where (a table, or the server's own answer with -o json) and changes nothing.
 */
let server: TestServer;
let count = 0;
vi.setConfig({ testTimeout: 120_000 });

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server?.close());

const env = () => ({ ARIZE_API_KEY: server.adminKey, ARIZE_ENDPOINT: server.url, ARIZE_DIRECTORY: server.profileDir });
const auditCount = async () => Number((await server.context!.store.db.selectFrom('audit_logs').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

async function world() {
  const n = ++count;
  const org = `dry-cli-org-${n}`;
  const space = `dry-cli-space-${n}`;
  const orgId = await createOrganization(server, org);
  const spaceId = await createSpace(server, orgId, space);
  const projectId = await createProject(server, spaceId, `dry-cli-project-${n}`);
  const user = await createUserWithKey(server, { email: `dry-cli-${n}@example.com` });
  await addOrganizationMember(server, orgId, user.id, 'READ_ONLY');
  return { org, orgId, space, spaceId, projectId, user };
}

describe('ax … --dry-run', () => {
  it('role-bindings create --dry-run prints a table of what the user would gain, and creates nothing', async () => {
    const w = await world();
    const audits = await auditCount();
    const result = await runAx(['role-bindings', 'create', '--user-id', w.user.email, '--role-id', 'Member', '--resource-type', 'SPACE', '--resource-id', w.spaceId, '--dry-run'], { env: env() });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/PRINCIPAL\s+TYPE\s+RESOURCE\s+GAINED\s+LOST/);
    expect(result.stdout).toContain(w.user.email);
    expect(result.stdout).toContain(`PROJECT dry-cli-project-${count}`);
    expect(result.stdout).toContain('PROJECT_SPAN_READ');
    expect(result.stderr).toContain('Dry run: nothing was changed.');
    expect(await auditCount()).toBe(audits);
    const bindings = await server.api('GET', `/v2/role-bindings?resource_type=SPACE&resource_id=${encodeURIComponent(w.spaceId)}`);
    expect(bindings.body.role_bindings).toEqual([]);
  });

  it('role-bindings delete --dry-run -o json prints the server\'s preview, asks nothing and deletes nothing', async () => {
    const w = await world();
    const bindingId = Buffer.from(`RoleBinding:${await insertRoleBinding(server, w.user.id, 'ADMIN', { type: 'PROJECT', id: w.projectId })}`).toString('base64');
    const result = await runAx(['role-bindings', 'delete', bindingId, '--dry-run', '-o', 'json'], { env: env() });
    expect(result.code, result.stderr).toBe(0);
    const preview = JSON.parse(result.stdout);
    expect(preview).toMatchObject({ dry_run: true, cascade: { role_bindings: 1 } });
    expect(preview.principals).toEqual([expect.objectContaining({ user_id: w.user.id, principal_type: 'USER' })]);
    expect((await server.api('GET', `/v2/role-bindings/${encodeURIComponent(bindingId)}`)).status).toBe(200);
  });

  it('organizations remove-user --dry-run prints the rights lost and what goes with the membership', async () => {
    const w = await world();
    const result = await runAx(['organizations', 'remove-user', w.org, '--user-id', w.user.email, '--dry-run'], { env: env() });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`ORGANIZATION ${w.org}`);
    expect(result.stdout).toContain('Would remove: 1 organization membership.');
    const members = await server.api('GET', `/v2/organizations/${encodeURIComponent(w.orgId)}/users`);
    expect(members.body.memberships.map((m: { user_id: string }) => m.user_id)).toContain(w.user.id);
  });

  it('resource-restrictions restrict --dry-run names who loses access to the project', async () => {
    const w = await world();
    const result = await runAx(['resource-restrictions', 'restrict', '--resource-id', w.projectId, '--dry-run', '-o', 'json'], { env: env() });
    expect(result.code, result.stderr).toBe(0);
    const preview = JSON.parse(result.stdout);
    expect(preview.principals.find((p: { user_id: string }) => p.user_id === w.user.id).changes).toEqual([
      expect.objectContaining({ resource_type: 'PROJECT', resource_id: w.projectId, gained: [] }),
    ]);
    expect((await server.api('GET', '/v2/resource-restrictions')).body.resource_restrictions).toEqual([]);
  });

  it('users delete --dry-run previews one user; several are a usage error (exit 2)', async () => {
    const w = await world();
    const one = await runAx(['users', 'delete', w.user.email, '--dry-run'], { env: env() });
    expect(one.code, one.stderr).toBe(0);
    expect(one.stdout).toContain(w.user.email);
    expect((await server.api('GET', `/v2/users/${encodeURIComponent(w.user.id)}`)).status).toBe(200);
    const two = await runAx(['users', 'delete', w.user.email, 'someone@example.com', '--dry-run'], { env: env() });
    expect(two.code).toBe(2);
    expect(two.stderr).toContain('--dry-run previews one user at a time');
  });

  it('organizations delete --dry-run prints who loses what and everything that would go; asks nothing, deletes nothing', async () => {
    const w = await world();
    const audits = await auditCount();
    const result = await runAx(['organizations', 'delete', w.org, '--dry-run'], { env: env() });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(w.user.email);
    expect(result.stdout).toContain(`ORGANIZATION ${w.org}`);
    expect(result.stdout).toContain('Would remove: 1 space, 1 project, 1 organization membership.');
    expect(result.stderr).toContain('Dry run: nothing was changed.');
    expect(await auditCount()).toBe(audits);
    expect((await server.api('GET', `/v2/organizations/${encodeURIComponent(w.orgId)}`)).status).toBe(200);
  });

  it('spaces and projects delete --dry-run -o json print the server\'s answer', async () => {
    const w = await world();
    const space = JSON.parse((await runAx(['spaces', 'delete', w.space, '--dry-run', '-o', 'json'], { env: env() })).stdout);
    expect(space).toMatchObject({ dry_run: true, projects: 1 });
    expect(space.principals.map((p: { user_id: string }) => p.user_id)).toContain(w.user.id);
    const project = await runAx(['projects', 'delete', w.projectId, '--dry-run', '-o', 'json'], { env: env() });
    expect(project.code, project.stderr).toBe(0);
    expect(JSON.parse(project.stdout)).toMatchObject({ dry_run: true, role_bindings: 0 });
    expect((await server.api('GET', `/v2/projects/${encodeURIComponent(w.projectId)}`)).status).toBe(200);
  });

  it('users set-role --dry-run prints what the person would gain, and changes nothing', async () => {
    const w = await world();
    const result = await runAx(['users', 'set-role', w.user.email, 'admin', '--dry-run'], { env: env() });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`${w.user.email}\\s+USER\\s+ACCOUNT`));
    expect(result.stderr).toContain('Dry run: nothing was changed.');
    expect((await server.api('GET', `/v2/users/${encodeURIComponent(w.user.id)}`)).body.role).toEqual({ type: 'PREDEFINED', name: 'MEMBER' });
  });
});
