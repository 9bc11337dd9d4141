import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoAxeViolations } from '../helpers/axe.js';
import { adminAndMemberConsoles, type ConsoleBrowser, gotoSettled } from '../helpers/console-browser.js';
import { screenshot } from '../helpers/console-screenshot.js';
import { setPassword } from '../helpers/console-session.js';
import { createUserWithKey } from '../helpers/fixtures.js';
import { addOrganizationMember, addSpaceMember, createOrganization, createProject, createSpace, restrictProject } from '../helpers/hierarchy.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * Issue 14 (the console as an admin's daily tool), the access page and the access model: reasons in names (no
 * "organization 1", no reason twice, no "Deny denied"), permissions grouped by resource with a search, a check
 * whose answer goes once its question changes (defect 5), the model explained where memberships and bindings are
 * given, one spelling per role, and error messages written for people.
 */
const MAYA = { email: 'maya@example.com', name: 'Maya Member', password: 'maya-access-password-1' };
const BOB = { email: 'bob@example.com', name: 'Bob Builder' };

let server: TestServer;
let browser: ConsoleBrowser;
let admin: Page;
let member: Page;
const pageErrors: string[] = [];
const ids = { org: '', space: '', project: '' };

function reasons(scope: Locator): Locator {
  return scope.locator('ul.reasons li');
}

beforeAll(async () => {
  server = await startTestServer();
  ids.org = await createOrganization(server, 'team-alpha');
  ids.space = await createSpace(server, ids.org, 'alpha-space');
  ids.project = await createProject(server, ids.space, 'checkout-traces');
  await restrictProject(server, ids.project);
  const maya = await createUserWithKey(server, { email: MAYA.email, name: MAYA.name, role: 'MEMBER' });
  await setPassword(server, maya.dbId, MAYA.password);
  await createUserWithKey(server, { email: BOB.email, name: BOB.name, role: 'MEMBER' });
  await addOrganizationMember(server, ids.org, maya.id, 'READ_ONLY');
  await addSpaceMember(server, ids.space, maya.id, 'MEMBER');

  ({ browser, admin, member } = await adminAndMemberConsoles(server, MAYA, pageErrors));
}, 90_000);

afterAll(async () => {
  expect(pageErrors).toEqual([]);
  await browser?.close();
  await server?.close();
});

describe('the access page', { timeout: 60_000 }, () => {
  it('says why in names: no internal ids, no reason twice, no "Deny denied"', async () => {
    await gotoSettled(admin, `/access?org=${ids.org}&space=${ids.space}`);
    const maya = admin.getByRole('row').filter({ hasText: MAYA.email });
    await expect.poll(() => reasons(maya).allInnerTexts()).toEqual([
      'Gives Account role Member, as a member of organization ‘team-alpha’',
      'Gives Member of organization ‘team-alpha’ as Read Only',
      'Gives Member of space ‘alpha-space’ as Member',
    ]);
    const text = await admin.locator('main').innerText();
    expect(text).not.toMatch(/\b(organization|space|project) \d+\b/);
    expect(text).not.toMatch(/READ_ONLY|Read-only|Deny denied|denied:/);
    await screenshot(admin, 'access-principals');
    for (const row of await admin.getByRole('row').all()) {
      const lines = await reasons(row).allInnerTexts();
      expect(new Set(lines).size).toBe(lines.length);
    }
    await expectNoAxeViolations(admin);
  });

  it('groups a principal\'s permissions by resource, with a search', async () => {
    await gotoSettled(admin, `/access?org=${ids.org}&space=${ids.space}`);
    const maya = admin.getByRole('row').filter({ hasText: MAYA.email });
    await maya.locator('summary').click();
    await maya.getByRole('searchbox', { name: 'Search these permissions' }).fill('dataset read');
    await expect.poll(async () => (await maya.locator('.permission-list dt').allInnerTexts()).sort()).toEqual(['Dataset', 'Dataset example', 'Dataset view']);
    expect(await maya.locator('.permission-list dd .chip').allInnerTexts()).toEqual(['Read', 'Read', 'Read']);
    await expectNoAxeViolations(admin);
  });

  it('offers permissions grouped by resource, in words, narrowed by a search', async () => {
    await gotoSettled(admin, `/access?org=${ids.org}&space=${ids.space}`);
    const select = admin.getByLabel('Permission to check');
    expect(await select.locator('optgroup').count()).toBeGreaterThan(30);
    const check = admin.getByRole('region', { name: 'Check a permission' });
    await check.getByRole('searchbox').fill('span annotate');
    await expect.poll(() => select.locator('option').allInnerTexts()).toEqual(['Choose a permission', 'Project span: Annotate']);
    await expectNoAxeViolations(admin);
  });

  it('answers a check in names, and drops the answer when the email changes (defect 5)', async () => {
    await gotoSettled(admin, `/access?org=${ids.org}&space=${ids.space}`);
    const check = admin.getByRole('region', { name: 'Check a permission' });
    await check.getByLabel('User email').fill(MAYA.email);
    await check.getByLabel('Permission to check').selectOption('DATASET_READ');
    await check.getByRole('button', { name: 'Check' }).click();
    const answer = check.getByRole('status').filter({ hasText: 'use' });
    await expect.poll(() => answer.locator('.alert-title').innerText()).toBe(`${MAYA.email} can use “Dataset: Read” on alpha-space`);
    // The reasons name their resources once the page has fetched the names ("this space" until then).
    await expect.poll(() => reasons(answer).allInnerTexts()).toEqual(['Gives Member of space ‘alpha-space’ as Member']);
    await expectNoAxeViolations(admin);

    await check.getByLabel('User email').fill(BOB.email);
    await expect.poll(() => check.getByText(`${MAYA.email} can use`).count()).toBe(0);
    await check.getByRole('button', { name: 'Check' }).click();
    const refusal = check.getByRole('alert');
    await expect.poll(() => refusal.locator('.alert-title').innerText()).toBe(`${BOB.email} cannot use “Dataset: Read” on alpha-space`);
    await expect.poll(() => reasons(refusal).allInnerTexts()).toEqual(['Blocks No membership or role binding on space ‘alpha-space’ or above it gives this permission']);
    await expectNoAxeViolations(admin);
  });

  it('explains a restricted project in words', async () => {
    await gotoSettled(admin, `/access?org=${ids.org}&space=${ids.space}&project=${ids.project}`);
    const check = admin.getByRole('region', { name: 'Check a permission' });
    await check.getByLabel('User email').fill(MAYA.email);
    await check.getByLabel('Permission to check').selectOption('PROJECT_SPAN_READ');
    await check.getByRole('button', { name: 'Check' }).click();
    const refusal = check.getByRole('alert');
    await expect.poll(() => reasons(refusal).allInnerTexts()).toEqual([
      'Blocks Project ‘checkout-traces’ is restricted, and no role binding on it gives this permission',
      'Blocks Member of space ‘alpha-space’ as Member, which does not reach a restricted project',
    ]);
    await screenshot(admin, 'access-check');
  });

  it('stops offering Rename and Delete once the admin restricts the project, and offers them again when lifted', async () => {
    const project = await createProject(server, ids.space, 'restrict-on-page');
    await gotoSettled(admin, `/projects/${project}`);
    const header = admin.getByRole('button', { name: 'Rename' });
    await header.waitFor();
    await admin.getByRole('button', { name: 'Restrict project' }).click();
    await admin.getByRole('dialog').getByRole('button', { name: 'Restrict project' }).click();
    await admin.getByRole('button', { name: 'Remove restriction' }).waitFor();
    await expect.poll(() => admin.getByRole('button', { name: 'Rename' }).count()).toBe(0);
    expect(await admin.getByRole('button', { name: 'Delete', exact: true }).count()).toBe(0);
    await admin.getByRole('button', { name: 'Remove restriction' }).click();
    await admin.getByRole('dialog').getByRole('button', { name: 'Remove restriction' }).click();
    await admin.getByRole('button', { name: 'Restrict project' }).waitFor();
    await admin.getByRole('button', { name: 'Rename' }).waitFor();
  });

  it('lets a member check their own access, in the same words', async () => {
    await gotoSettled(member, `/access?org=${ids.org}&space=${ids.space}`);
    const check = member.getByRole('region', { name: 'Check a permission' });
    await check.getByLabel('Permission to check').selectOption('SPACE_UPDATE');
    await check.getByRole('button', { name: 'Check' }).click();
    await expect.poll(() => check.getByRole('alert').locator('.alert-title').innerText()).toBe('You cannot use “Space: Update” on alpha-space');
    await expectNoAxeViolations(member);
  });
});

describe('the access model on the page', { timeout: 60_000 }, () => {
  it('explains members and role bindings where bindings are given, and spells each role one way', async () => {
    await gotoSettled(admin, `/spaces/${ids.space}`);
    const bindings = admin.getByRole('region', { name: 'Role bindings' });
    await bindings.getByText('Role bindings or members: which to use?').click();
    const help = await bindings.locator('.model-help dl').innerText();
    expect(help).toContain('Members');
    expect(help).toContain('Use members for the people of a team');
    expect(help).toContain('Use a binding for an exception');
    await screenshot(admin, 'space-bindings-help');
    await expectNoAxeViolations(admin);

    await bindings.getByRole('button', { name: 'Add binding' }).click();
    const roles = await admin.getByRole('dialog').getByLabel('Role').locator('option:not([disabled])').allInnerTexts();
    expect(roles).toEqual(['Admin', 'Member', 'Read Only', 'Annotator']);
    await admin.keyboard.press('Escape');

    await gotoSettled(admin, `/organizations/${ids.org}`);
    await expect.poll(() => admin.getByRole('row').filter({ hasText: MAYA.email }).innerText()).toContain('Read Only');
    const members = admin.getByRole('region', { name: 'Members' });
    await members.getByText('Members or role bindings: which to use?').click();
    expect(await members.locator('.model-help dl').innerText()).toContain('Use a binding for an exception');
    await expectNoAxeViolations(admin);
  });

  it('says what went wrong in a sentence, not as "Conflict: …"', async () => {
    await gotoSettled(admin, `/spaces/${ids.space}`);
    const bindings = admin.getByRole('region', { name: 'Role bindings' });
    for (let i = 0; i < 2; i++) {
      await bindings.getByRole('button', { name: 'Add binding' }).click();
      const form = admin.getByRole('dialog');
      await form.getByLabel('User email').fill(BOB.email);
      await form.getByLabel('Role').selectOption({ label: 'Read Only' });
      await form.getByRole('button', { name: 'Add binding' }).click();
      if (i === 0) await form.waitFor({ state: 'detached' });
    }
    const error = admin.getByRole('dialog').getByRole('alert');
    await expect.poll(() => error.innerText()).toBe('This person already has a role binding on this space; change the role on their row instead.');
    await expectNoAxeViolations(admin);
    await admin.keyboard.press('Escape');
  });

  it('says a taken name once, not as "name already exists: An organization named … already exists."', async () => {
    await gotoSettled(admin, '/organizations');
    await admin.getByRole('button', { name: 'New organization' }).click();
    const form = admin.getByRole('dialog');
    await form.getByLabel('Name').fill('team-alpha');
    await form.getByRole('button', { name: 'Create organization' }).click();
    await expect.poll(() => form.getByRole('alert').innerText()).toBe('An organization named "team-alpha" already exists.');
    await admin.keyboard.press('Escape');
  });

  it('says a wrong current password plainly, not "Forbidden: current_password is not your current password"', async () => {
    const created = await server.api('POST', '/v2/users', { body: { name: 'Tom Temp', email: 'tom@example.com', role: { type: 'PREDEFINED', name: 'MEMBER' }, invite_mode: 'TEMPORARY_PASSWORD' } });
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, baseURL: server.url });
    const tom = await context.newPage();
    await tom.goto('/login');
    await tom.getByLabel('Email', { exact: true }).fill('tom@example.com');
    await tom.getByLabel('Password', { exact: true }).fill(created.body.temporary_password);
    await tom.getByRole('button', { name: 'Sign in' }).click();
    await tom.getByLabel('Current password').fill('not the temporary one');
    await tom.getByLabel('New password', { exact: true }).fill('tom-chosen-password-1');
    await tom.getByLabel('Confirm new password').fill('tom-chosen-password-1');
    await tom.getByRole('button', { name: 'Save password and continue' }).click();
    await expect.poll(() => tom.getByRole('alert').innerText()).toBe('The current password you entered is not right.');
    await expectNoAxeViolations(tom);
    await context.close();
  });
});
