import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { stripAnsi } from '../../src/cli/output/style.js';
import { createUserWithKey } from '../helpers/fixtures.js';
import { addOrganizationMember, addSpaceMember, createOrganization, createProject, createSpace, enc, restrictProject } from '../helpers/hierarchy.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { runAxInTty } from './tty.js';

/**
 * Issue 9 §1 through the real `ax` binary: the delete confirmations of organizations, spaces and projects show
 * the server's own dry run (`DELETE …?dry_run=true`), and declining changes nothing.
 */
let server: TestServer;
let count = 0;
vi.setConfig({ testTimeout: 120_000 });

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server?.close());

const env = () => ({ ARIZE_API_KEY: server.adminKey, ARIZE_ENDPOINT: server.url, ARIZE_DIRECTORY: server.profileDir });

/** An organization with a space holding two projects (one restricted), a member, and a service key whose bot is in the space. */
async function world() {
  const n = ++count;
  const org = `delete-org-${n}`;
  const space = `delete-space-${n}`;
  const orgId = await createOrganization(server, org);
  const spaceId = await createSpace(server, orgId, space);
  await restrictProject(server, await createProject(server, spaceId, `delete-project-${n}`));
  const projectId = await createProject(server, spaceId, `delete-open-project-${n}`);
  const member = await createUserWithKey(server, { email: `delete-${n}@example.com` });
  await addOrganizationMember(server, orgId, member.id, 'READ_ONLY');
  await addSpaceMember(server, spaceId, member.id, 'MEMBER');
  const key = await server.api('POST', '/v2/api-keys', {
    body: { key_type: 'SERVICE', name: `delete-svc-${n}`, organizations: [{ org_id: orgId, spaces: [{ space_id: spaceId }] }] },
  });
  expect(key.status).toBe(201);
  return { org, orgId, space, spaceId, projectId };
}

describe('delete confirmations show what the server says the delete takes', () => {
  it('organizations delete: spaces, projects, memberships, bindings and stranded service keys; declining keeps it', async () => {
    const w = await world();
    const result = await runAxInTty(['organizations', 'delete', w.org], { env: env(), input: 'n\n' });
    const text = stripAnsi(result.stdout);
    expect(result.code, text).toBe(0);
    expect(text).toContain(`This will delete organization ${w.org}:`);
    expect(text).toContain('- 1 space and 2 projects with all their traces, datasets and 1 restriction');
    expect(text).toContain('- 2 organization memberships, 2 space memberships and 0 role bindings');
    expect(text).toContain('- leaves 1 service key in no space');
    expect(text).toContain(`Organization ${w.org} not deleted.`);
    expect((await server.api('GET', `/v2/organizations/${enc(w.orgId)}`)).status).toBe(200);
  });

  it('spaces delete: its projects, memberships and bindings, asking for the name', async () => {
    const w = await world();
    const result = await runAxInTty(['spaces', 'delete', w.space], { env: env(), input: 'nope\n' });
    const text = stripAnsi(result.stdout);
    expect(text).toContain('- 2 projects with all their traces, datasets and 1 restriction');
    expect(text).toContain('- 2 space memberships and 0 role bindings on the space and its projects');
    expect(text).toContain('- leaves 1 service key in no space');
    expect(text).toContain(`Space ${w.space} not deleted.`);
    expect((await server.api('GET', `/v2/spaces/${enc(w.spaceId)}`)).status).toBe(200);
  });

  it('projects delete: its restriction and PROJECT bindings', async () => {
    const w = await world();
    const result = await runAxInTty(['projects', 'delete', w.projectId], { env: env(), input: 'n\n' });
    const text = stripAnsi(result.stdout);
    expect(text).toContain('- 0 restrictions and 0 PROJECT role bindings');
    expect((await server.api('GET', `/v2/projects/${enc(w.projectId)}`)).status).toBe(200);
  });
});

/**
 * cli.md: on a terminal, the question says what will happen. A target that does not exist has nothing to say, so it
 * fails with the API's 404 line (exit 4) before anything is asked, as it would with --force.
 */
describe('a destructive command on a terminal looks its target up before asking', () => {
  it('api-keys revoke: names the key in what it will do, and declining keeps it', async () => {
    const created = await server.api('POST', '/v2/api-keys', { body: { key_type: 'USER', name: 'tty-revoke-key' } });
    expect(created.status).toBe(201);
    const { id, redacted_key: redacted } = created.body;
    const result = await runAxInTty(['api-keys', 'revoke', id], { env: env(), input: 'n\n' });
    const text = stripAnsi(result.stdout);
    expect(result.code, text).toBe(0);
    expect(text).toContain(`! This will revoke API key ${id}:`);
    expect(text).toContain(`- USER key tty-revoke-key (${redacted}), created by `);
    expect(text).toContain('- every request made with it fails from now on (401)');
    expect(text).toContain(`Revoke API key ${id}? (y/N)`);
    expect(text).toContain(`API key ${id} not revoked.`);
    expect((await server.api('GET', `/v2/api-keys/${enc(id)}`)).body.status).toBe('ACTIVE');
  });

  it('resource-restrictions unrestrict: says how many gain access, and declining keeps the restriction', async () => {
    const w = await world();
    const restricted = await createProject(server, w.spaceId, `tty-unrestrict-${count}`);
    await restrictProject(server, restricted);
    const result = await runAxInTty(['resource-restrictions', 'unrestrict', '--resource-id', restricted], { env: env(), input: 'n\n' });
    const text = stripAnsi(result.stdout);
    expect(result.code, text).toBe(0);
    expect(text).toMatch(/- \d+ principals? gains? access to it \(--dry-run lists who and what\)/);
    expect(text).toContain(`Project ${restricted} stays restricted.`);
    const still = await server.api('DELETE', `/v2/resource-restrictions/${enc(restricted)}?dry_run=true`);
    expect(still.status).toBe(200);
  });

  it('resource-restrictions unrestrict of a project that is not restricted: the 404 line and exit 4, no question', async () => {
    const w = await world();
    const result = await runAxInTty(['resource-restrictions', 'unrestrict', '--resource-id', w.projectId], { env: env(), input: 'y\n' });
    const text = stripAnsi(result.stdout);
    expect(result.code, text).toBe(4);
    expect(text).toMatch(/^✗ Error: 404 Not Found; /m);
    expect(text).not.toContain('(y/N)');
  });

  it.each([
    ['api-keys', 'revoke', 'QXBpS2V5Ojk5OTk5'],
    ['users', 'delete', 'VXNlcjo5OTk5OQ=='],
    // These looked their target up before asking already; kept here so they go on doing so.
    ['roles', 'delete', 'Um9sZTo5OTk5OQ=='],
    ['organizations', 'delete', 'T3JnYW5pemF0aW9uOjk5OTk5'],
    ['spaces', 'delete', 'U3BhY2U6OTk5OTk='],
    ['projects', 'delete', 'UHJvamVjdDo5OTk5OQ=='],
    ['role-bindings', 'delete', 'Um9sZUJpbmRpbmc6OTk5OTk='],
  ])('%s %s of a missing id: the 404 error line and exit 4, no question', async (...args) => {
    const result = await runAxInTty(args, { env: env(), input: 'y\n' });
    const text = stripAnsi(result.stdout);
    expect(result.code, text).toBe(4);
    expect(text).toMatch(/^✗ Error: 404 Not Found; /m);
    expect(text).not.toContain('(y/N)');
    expect(text).not.toContain('This will');
  });

  it('users delete of several ids that are all missing: the outcome of each and exit 4, no question', async () => {
    const result = await runAxInTty(['users', 'delete', 'VXNlcjo5OTk5OQ==', 'VXNlcjo5OTk5OA=='], { env: env(), input: 'y\n' });
    const text = stripAnsi(result.stdout);
    expect(result.code, text).toBe(4);
    expect(text).not.toContain('(y/N)');
    expect(text).toMatch(/VXNlcjo5OTk5OQ==\s.*not_found/);
    expect(text).toMatch(/VXNlcjo5OTk5OA==\s.*not_found/);
    expect(text).toContain('0 deleted, 2 not found, 0 failed');
  });

  it('users delete of one user and one missing id: asks about the one, deletes it, reports the other once', async () => {
    const user = await createUserWithKey(server, { email: 'delete-mixed@example.com' });
    const result = await runAxInTty(['users', 'delete', user.id, 'VXNlcjo5OTk5Nw=='], { env: env(), input: 'y\n' });
    const text = stripAnsi(result.stdout);
    expect(result.code, text).toBe(4);
    expect(text).toContain('This will delete 1 user:');
    expect(text).toContain('Delete 1 user? (y/N)');
    expect(text).not.toContain('2 users');
    expect(text).toMatch(/VXNlcjo5OTk5Nw==: cannot be deleted \(404 /);
    expect(text).toContain('1 deleted, 1 not found, 0 failed');
    expect((await server.api('GET', `/v2/users/${enc(user.id)}`)).status).toBe(404);
  });
});
