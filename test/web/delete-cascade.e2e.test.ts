import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUserWithKey } from '../helpers/fixtures.js';
import { addOrganizationMember, addSpaceMember, createOrganization, createProject, createSpace, restrictProject } from '../helpers/hierarchy.js';
import { openConsole, signInToConsole, type ConsoleBrowser, gotoSettled } from '../helpers/console-browser.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * Issue 9 §1 in the console: the delete dialogs of organizations, spaces and projects show the server's own dry
 * run (`DELETE …?dry_run=true`), not counts the browser worked out by listing.
 */
let server: TestServer;
let browser: ConsoleBrowser;
let page: Page;

beforeAll(async () => {
  server = await startTestServer();
  ({ browser, page } = await openConsole(server));
  await signInToConsole(page, 'admin@localhost', server.adminPassword);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

let count = 0;
/** An organization with a space holding two projects (one restricted), a member, and a service key whose bot is in the space. */
async function world() {
  const n = ++count;
  const org = `console-delete-org-${n}`;
  const orgId = await createOrganization(server, org);
  const spaceId = await createSpace(server, orgId, `console-delete-space-${n}`);
  await restrictProject(server, await createProject(server, spaceId, `console-delete-project-${n}`));
  const projectId = await createProject(server, spaceId, `console-delete-open-project-${n}`);
  const member = await createUserWithKey(server, { email: `console-delete-${n}@example.com` });
  await addOrganizationMember(server, orgId, member.id, 'READ_ONLY');
  await addSpaceMember(server, spaceId, member.id, 'MEMBER');
  const key = await server.api('POST', '/v2/api-keys', {
    body: { key_type: 'SERVICE', name: `console-delete-svc-${n}`, organizations: [{ org_id: orgId, spaces: [{ space_id: spaceId }] }] },
  });
  expect(key.status).toBe(201);
  return { org, orgId, spaceId, projectId };
}

async function cascadeLines(dialog: string): Promise<string[]> {
  const list = page.getByRole('dialog', { name: dialog }).getByRole('list', { name: 'What this deletes' });
  await list.waitFor();
  return (await list.getByRole('listitem').allTextContents()).map((line) => line.trim());
}

describe('delete dialogs show what the server says the delete takes', { timeout: 60_000 }, () => {
  it('an organization: its spaces, projects, memberships, bindings and the service key left in no space; cancelling keeps it', async () => {
    const w = await world();
    await gotoSettled(page, '/organizations');
    await page.getByRole('button', { name: `Delete ${w.org}` }).click();
    const lines = await cascadeLines('Delete organization');
    expect(lines[0]).toBe('1 space and 2 projects, with 1 restriction;');
    expect(lines[1]).toBe('2 organization memberships, 2 space memberships and 0 role bindings;');
    expect(lines[2]).toMatch(/^1 service key left in no space/);
    await page.getByRole('dialog', { name: 'Delete organization' }).getByRole('button', { name: 'Cancel' }).click();
    expect((await server.api('GET', `/v2/organizations/${encodeURIComponent(w.orgId)}`)).status).toBe(200);
  });

  it('a space: its projects, memberships and bindings', async () => {
    const w = await world();
    await gotoSettled(page, `/spaces/${encodeURIComponent(w.spaceId)}`);
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    const lines = await cascadeLines('Delete space');
    expect(lines.slice(0, 2)).toEqual(['2 projects, with 1 restriction;', '2 space memberships and 0 role bindings on the space and its projects;']);
    expect(lines[2]).toMatch(/^1 service key left in no space/);
  });

  it('a project: its restriction and bindings; confirming deletes it', async () => {
    const w = await world();
    await gotoSettled(page, `/projects/${encodeURIComponent(w.projectId)}`);
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    expect(await cascadeLines('Delete project')).toEqual(['0 restrictions and 0 project role bindings.']);
    const dialog = page.getByRole('dialog', { name: 'Delete project' });
    await dialog.getByRole('button', { name: 'Delete project' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect((await server.api('GET', `/v2/projects/${encodeURIComponent(w.projectId)}`)).status).toBe(404);
  });
});
