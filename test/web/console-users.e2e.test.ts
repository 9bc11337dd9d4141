import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { expectNoAxeViolations } from '../helpers/axe.js';
import { adminAndMemberConsoles, type ConsoleBrowser, gotoSettled } from '../helpers/console-browser.js';
import { screenshot } from '../helpers/console-screenshot.js';
import { setPassword } from '../helpers/console-session.js';
import { createUserWithKey, type FixtureUser } from '../helpers/fixtures.js';
import { addOrganizationMember, addSpaceMember, createOrganization, createSpace } from '../helpers/hierarchy.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * Issue 14, users in the console: an admin edits a user's name and developer flag and opens a user page with their
 * memberships, keys and recent activity; every signed-in user has a profile where they change their password.
 */
let server: TestServer;
let browser: ConsoleBrowser;
let admin: Page;
let member: Page;
let maya: FixtureUser;
const MAYA_PASSWORD = 'maya-console-password-1';
const pageErrors: string[] = [];
let orgId = '';
let spaceId = '';

beforeAll(async () => {
  server = await startTestServer();
  orgId = await createOrganization(server, 'team-alpha');
  spaceId = await createSpace(server, orgId, 'traces');
  maya = await createUserWithKey(server, { email: 'maya@example.com', name: 'Maya Member' });
  await setPassword(server, maya.dbId, MAYA_PASSWORD);
  await addOrganizationMember(server, orgId, maya.id, 'READ_ONLY');
  await addSpaceMember(server, spaceId, maya.id, 'MEMBER');
  const key = await server.api('POST', '/v2/api-keys', { key: maya.key, body: { key_type: 'USER', name: 'maya-notebook' } });
  expect(key.status).toBe(201);
  ({ browser, admin, member } = await adminAndMemberConsoles(server, { email: maya.email, password: MAYA_PASSWORD }, pageErrors));
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  expect(pageErrors).toEqual([]);
});

describe('users in the console (issue 14)', { timeout: 60_000 }, () => {
  it('lets an admin edit a user\'s name and developer flag from the Users list', async () => {
    await gotoSettled(admin, '/users');
    await admin.getByRole('button', { name: `Edit ${maya.email}` }).click();
    const dialog = admin.getByRole('dialog');
    await dialog.getByLabel('Full name').fill('Maya Moreno');
    await dialog.getByRole('checkbox', { name: /Developer/ }).uncheck();
    await dialog.getByLabel('Account role').waitFor();
    await expectNoAxeViolations(admin);
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    const row = admin.getByRole('row').filter({ hasText: maya.email });
    await row.getByText('Maya Moreno').waitFor();
    const user = await server.api('GET', `/v2/users/${encodeURIComponent(maya.id)}`);
    expect(user.body).toMatchObject({ name: 'Maya Moreno', is_developer: false });
  });

  it('lets an admin change a member\'s account role to Admin; the list shows it and the member\'s key gets admin rights', async () => {
    const riley = await createUserWithKey(server, { email: 'riley@example.com', name: 'Riley Role' });
    expect((await server.api('GET', '/v2/api-keys?all_users=true', { key: riley.key })).status).toBe(403);
    await gotoSettled(admin, '/users');
    const row = admin.getByRole('row').filter({ hasText: riley.email });
    await row.getByText('Member', { exact: true }).waitFor();
    await admin.getByRole('button', { name: `Edit ${riley.email}` }).click();
    const dialog = admin.getByRole('dialog');
    const select = dialog.getByLabel('Account role');
    expect(await select.inputValue()).toBe('MEMBER');
    await select.selectOption('ADMIN');
    await expectNoAxeViolations(admin);
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    await row.getByText('Admin', { exact: true }).waitFor();
    await expectNoAxeViolations(admin);
    expect((await server.api('GET', `/v2/users/${encodeURIComponent(riley.id)}`)).body.role).toEqual({ type: 'PREDEFINED', name: 'ADMIN' });
    expect((await server.api('GET', '/v2/api-keys?all_users=true', { key: riley.key })).status).toBe(200);
  });

  it('opens a user page with memberships, keys and recent activity', async () => {
    await gotoSettled(admin, '/users');
    await admin.getByRole('link', { name: 'Maya Moreno' }).click();
    await admin.getByRole('heading', { level: 1, name: 'Maya Moreno' }).waitFor();
    const memberships = admin.getByRole('table', { name: 'Memberships' });
    await memberships.getByRole('row').filter({ hasText: 'team-alpha' }).filter({ hasText: 'Organization' }).waitFor();
    await memberships.getByRole('row').filter({ hasText: 'traces' }).filter({ hasText: 'Space' }).getByText('Member', { exact: true }).waitFor();
    await admin.getByRole('table', { name: 'API keys' }).getByRole('row').filter({ hasText: 'maya-notebook' }).waitFor();
    await admin.getByRole('table', { name: 'Recent activity' }).getByRole('row').nth(1).waitFor();
    await expectNoAxeViolations(admin);
    await screenshot(admin, 'user-page');
  });

  it('gives a member their own profile, where they change their password; other user pages are not for them', async () => {
    // The name in the top bar leads to the profile.
    await gotoSettled(member, '/settings/api-keys');
    await member.locator('header a.topbar-user-name').click();
    await member.getByRole('heading', { level: 1, name: 'Your profile' }).waitFor();
    expect(new URL(member.url()).pathname).toBe('/profile');
    await member.getByRole('table', { name: 'Memberships' }).getByRole('row').filter({ hasText: 'traces' }).waitFor();
    expect(await member.getByRole('table', { name: 'Recent activity' }).count()).toBe(0);
    await expectNoAxeViolations(member);
    await screenshot(member, 'profile');

    await member.getByLabel('Current password').fill(MAYA_PASSWORD);
    await member.getByLabel('New password', { exact: true }).fill('maya-new-password-22');
    await member.getByLabel('Confirm new password').fill('maya-new-password-22');
    await member.getByRole('button', { name: 'Change password' }).click();
    await member.getByText('Your password was changed.').waitFor();
    // The page keeps working on the replaced session: a change right after is accepted.
    await member.getByRole('button', { name: 'Edit name' }).click();
    await member.getByRole('dialog').getByLabel('Full name').fill('Maya M.');
    await member.getByRole('dialog').getByRole('button', { name: 'Save' }).click();
    await member.getByRole('dialog').waitFor({ state: 'detached' });
    await member.getByText('Maya M.').first().waitFor();

    const login = await server.api('POST', '/auth/login', { key: null, body: { email: maya.email, password: 'maya-new-password-22' } });
    expect(login.status).toBe(200);

    const adminId = (await server.api('GET', '/v2/me')).body.id;
    await gotoSettled(member, `/users/${encodeURIComponent(adminId)}`);
    await member.getByText('You cannot use this page.').waitFor();
    await expectNoAxeViolations(member);
  });
});

/** The organization and space roles a user holds, from the member lists. */
async function rolesOf(userId: string): Promise<{ organization: unknown; space: unknown }> {
  const org = await server.api('GET', `/v2/organizations/${encodeURIComponent(orgId)}/users?limit=100`);
  const space = await server.api('GET', `/v2/spaces/${encodeURIComponent(spaceId)}/users?limit=100`);
  const find = (list: { user_id: string; role: unknown }[]) => list.find((m) => m.user_id === userId)?.role;
  return { organization: find(org.body.memberships), space: find(space.body.memberships) };
}

describe('granting access in one step (issue 14)', { timeout: 60_000 }, () => {
  it('adds someone to a space and, in the same dialog, to its organization they were not in', async () => {
    const nina = await createUserWithKey(server, { email: 'nina@example.com', name: 'Nina New' });
    await gotoSettled(admin, `/spaces/${encodeURIComponent(spaceId)}`);
    await admin.getByRole('button', { name: 'Add member' }).click();
    const dialog = admin.getByRole('dialog');
    await dialog.getByLabel('User email').fill(nina.email);
    await dialog.getByRole('button', { name: 'Add member' }).click();
    await dialog.getByText(`${nina.email} is not a member of team-alpha yet.`).waitFor();
    expect(await dialog.getByRole('alert').count()).toBe(0);
    expect(await dialog.textContent()).not.toContain('Unprocessable');
    await expectNoAxeViolations(admin);
    await screenshot(admin, 'space-add-member-and-organization');
    await dialog.getByLabel('Role in team-alpha').selectOption('PREDEFINED:MEMBER');
    await dialog.getByRole('button', { name: 'Add to team-alpha and traces' }).click();
    await dialog.waitFor({ state: 'detached' });
    await admin.getByRole('table', { name: 'Members of traces' }).getByRole('row').filter({ hasText: nina.email }).waitFor();
    expect(await rolesOf(nina.id)).toEqual({
      organization: { type: 'PREDEFINED', name: 'MEMBER' },
      space: { type: 'PREDEFINED', name: 'MEMBER' },
    });
  });

  it('invites a user straight into an organization and one of its spaces', async () => {
    await gotoSettled(admin, '/users');
    await admin.getByRole('button', { name: 'Invite user' }).click();
    const dialog = admin.getByRole('dialog');
    await dialog.getByLabel('Full name').fill('Omar Onboarded');
    await dialog.getByLabel('Email', { exact: true }).fill('omar@example.com');
    await dialog.getByLabel('Organization', { exact: true }).selectOption({ label: 'team-alpha' });
    await dialog.getByLabel('Space', { exact: true }).selectOption({ label: 'traces' });
    await dialog.getByLabel('Space role').selectOption('PREDEFINED:ADMIN');
    await expectNoAxeViolations(admin);
    await dialog.getByRole('button', { name: 'Invite', exact: true }).click();
    await dialog.getByText(/was added to team-alpha .* and its space traces/).waitFor();
    const omar = (await server.api('GET', '/v2/users?email=omar%40example.com')).body.users[0];
    expect(await rolesOf(omar.id)).toEqual({
      organization: { type: 'PREDEFINED', name: 'READ_ONLY' },
      space: { type: 'PREDEFINED', name: 'ADMIN' },
    });
    await expectNoAxeViolations(admin);
    await dialog.getByRole('button', { name: 'Done' }).click();
    await dialog.waitFor({ state: 'detached' });
  });
});
