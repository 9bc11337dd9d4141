import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleBrowser, type ConsoleBrowser, gotoSettled, requestsSettled } from '../helpers/console-browser.js';
import { linkToken } from '../helpers/console-session.js';
import { REPO_ROOT, startTestServer, type TestServer } from '../helpers/server.js';

/**
 * The web console end to end in real Chromium (Debian's /usr/bin/chromium, never a downloaded browser) against
 * the real server: sign-in, the mailed invitation, API keys (shown once, refresh with grace, revoke), the
 * organization → space → project hierarchy, restrictions, what a MEMBER is (not) offered, temporary passwords,
 * password reset, roles, audit log and the access view. `npm run screenshots` runs it to refresh docs/screenshots.
 */

const SCREENSHOTS = join(REPO_ROOT, 'docs/screenshots');
const MAYA = { name: 'Maya Member', email: 'maya@example.com', password: 'maya-first-password-1' };
const TOM = { name: 'Tom Temp', email: 'tom@example.com', password: 'tom-chosen-password-1' };

let server: TestServer;
let browser: ConsoleBrowser;
let admin: Page;
let memberContext: BrowserContext;
let member: Page;
const pageErrors: string[] = [];
/** The admin's first user key, created through the console. */
let userKey = '';

/** Where the hierarchy created through the console lives. */
const urls = { organization: '', space: '', project: '' };

async function newPage(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (e) => pageErrors.push(e.message));
  return page;
}

async function newContext(width = 1280): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width, height: 900 }, baseURL: server.url });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  return context;
}

/** Saves a screenshot under `npm run screenshots` (AX_SCREENSHOTS=1) only: `npm test` leaves docs/ untouched. */
async function shot(page: Page, name: string): Promise<void> {
  await requestsSettled(page);
  if (process.env.AX_SCREENSHOTS === '1') await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Loads a console path and waits until its requests (data, then permission checks) have settled. */
async function open(page: Page, path: string): Promise<void> {
  await gotoSettled(page, path);
}

async function waitForHeading(page: Page, text: string): Promise<void> {
  await page.getByRole('heading', { level: 1, name: text, exact: true }).waitFor();
}

async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

function dialog(page: Page): Locator {
  return page.getByRole('dialog');
}

async function dialogClosed(page: Page): Promise<void> {
  await dialog(page).waitFor({ state: 'detached' });
}

async function focusedText(page: Page): Promise<string> {
  return page.evaluate(() => (document.activeElement?.textContent ?? '').trim());
}

/** Everything a person could find on the page: markup plus the live values of every field. */
async function pageText(page: Page): Promise<string> {
  const fields = await page.evaluate(() =>
    [...document.querySelectorAll('input, textarea')].map((el) => (el as HTMLInputElement).value).join('\n'));
  return `${await page.content()}\n${fields}`;
}

/** The token of the newest `/invite/<token>` or `/reset/<token>` link mailed to `to` (waits up to 10 s). */
async function mailedToken(to: string, kind: 'invite' | 'reset'): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const mail = (await server.mails()).reverse().find((m) => m.to.includes(to) && m.text.includes(`/${kind}/`));
    if (mail) return linkToken(server, mail, kind);
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no ${kind} mail to ${to} arrived`);
}

/** A table cell with exactly this text. */
function cell(scope: Locator, text: string): Locator {
  return scope.getByRole('cell', { name: text, exact: true });
}

function row(page: Page, text: string): Locator {
  return page.getByRole('row').filter({ hasText: text });
}

/** Retries `read` until it matches (the console loads data and permission answers asynchronously). */
function poll<T>(read: () => Promise<T>) {
  return expect.poll(read, { timeout: 15_000 });
}

/** Options of a <select>, as shown. */
async function optionLabels(select: Locator): Promise<string[]> {
  return select.locator('option:not([disabled])').allTextContents();
}

beforeAll(async () => {
  if (!existsSync(join(REPO_ROOT, 'dist/web/index.html'))) {
    throw new Error('dist/web/index.html is missing: run `npm run build` before the console tests');
  }
  await mkdir(SCREENSHOTS, { recursive: true });
  server = await startTestServer();
  browser = await consoleBrowser();
  admin = await newPage(await newContext());
  memberContext = await newContext();
  member = await newPage(memberContext);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('web console in Chromium', { timeout: 90_000 }, () => {
  it('signs in as the bootstrap admin', async () => {
    await open(admin, '/settings/api-keys');
    await waitForHeading(admin, 'Sign in');
    expect(new URL(admin.url()).pathname).toBe('/login');
    await shot(admin, 'login');

    await admin.getByLabel('Email', { exact: true }).fill('admin@localhost');
    await admin.getByLabel('Password', { exact: true }).fill('not the password');
    await admin.getByRole('button', { name: 'Sign in' }).click();
    await admin.getByRole('alert').filter({ hasText: 'Incorrect email or password' }).waitFor();

    await admin.getByLabel('Password', { exact: true }).fill(server.adminPassword);
    await admin.getByRole('button', { name: 'Sign in' }).click();
    await waitForHeading(admin, 'API Keys');
    expect(new URL(admin.url()).pathname).toBe('/settings/api-keys');
    const nav = admin.getByRole('navigation', { name: 'Main' });
    for (const link of ['API Keys', 'Organizations', 'Users', 'Roles', 'Access', 'Access reviews', 'Audit log']) {
      await nav.getByRole('link', { name: link, exact: true }).waitFor();
    }
  });

  it('creates an organization, a space and a project', async () => {
    await open(admin, '/organizations');
    await admin.getByRole('button', { name: 'New organization' }).click();
    await dialog(admin).getByLabel('Name').fill('Acme');
    await dialog(admin).getByLabel('Description (optional)').fill('Production ML teams');
    await dialog(admin).getByRole('button', { name: 'Create organization' }).click();
    await waitForHeading(admin, 'Acme');
    urls.organization = new URL(admin.url()).pathname;

    await admin.getByRole('button', { name: 'New space' }).click();
    await dialog(admin).getByLabel('Name').fill('ml-platform');
    await dialog(admin).getByRole('button', { name: 'Create space' }).click();
    await waitForHeading(admin, 'ml-platform');
    urls.space = new URL(admin.url()).pathname;

    await admin.getByRole('button', { name: 'New project' }).click();
    await dialog(admin).getByLabel('Name').fill('fraud-model');
    await dialog(admin).getByRole('button', { name: 'Create project' }).click();
    await waitForHeading(admin, 'fraud-model');
    urls.project = new URL(admin.url()).pathname;
    await admin.getByText('Not restricted', { exact: true }).waitFor();

    await open(admin, '/organizations');
    await row(admin, 'Acme').waitFor();
    await shot(admin, 'organizations');
  });

  it('invites a member by email link and the mailed link activates them', async () => {
    await open(admin, '/users');
    await admin.getByRole('button', { name: 'Invite user' }).click();
    const form = dialog(admin);
    await form.getByLabel('Full name').fill(MAYA.name);
    await form.getByLabel('Email', { exact: true }).fill(MAYA.email);
    await form.getByLabel('Account role').selectOption('MEMBER');
    expect(await form.getByRole('radio', { name: /Email link/ }).isChecked()).toBe(true);
    await form.getByRole('button', { name: 'Invite', exact: true }).click();
    await form.getByText(`An invitation email is on its way to ${MAYA.email}`).waitFor();
    await form.getByRole('button', { name: 'Done' }).click();
    await dialogClosed(admin);
    await row(admin, MAYA.email).getByText('Invited').waitFor();

    const token = await mailedToken(MAYA.email, 'invite');
    await member.goto(`/invite/${token}`);
    await member.getByText(`Welcome, ${MAYA.name}`).waitFor();
    await member.getByLabel('New password').fill(MAYA.password);
    await member.getByLabel('Confirm password').fill(MAYA.password);
    await member.getByRole('button', { name: 'Set password and sign in' }).click();
    await waitForHeading(member, 'API Keys');

    await open(admin, '/users');
    await row(admin, MAYA.email).getByText('Active').waitFor();
    await shot(admin, 'users');
  });

  it('adds the member to the organization and to the space', async () => {
    for (const path of [urls.organization, urls.space]) {
      await open(admin, path);
      await admin.getByRole('button', { name: 'Add member' }).click();
      const form = dialog(admin);
      await form.getByLabel('User email').fill(MAYA.email);
      await form.getByLabel('Role').selectOption({ label: 'Member' });
      await form.getByRole('button', { name: 'Add member' }).click();
      await dialogClosed(admin);
      await cell(row(admin, MAYA.email), 'Member').waitFor();
    }
    await shot(admin, 'space');
    await open(admin, urls.organization);
    await row(admin, MAYA.email).waitFor();
    await shot(admin, 'organization');
  });

  it('creates a user key whose raw value is shown once, with a working Copy button', async () => {
    await open(admin, '/settings/api-keys');
    await admin.getByRole('button', { name: '+ New API Key' }).click();
    const form = dialog(admin);
    expect(await form.getByRole('radio', { name: /User Key/ }).isChecked()).toBe(true);
    await form.getByLabel('Key name').fill('laptop');
    await form.getByRole('button', { name: 'Create Key' }).click();

    await form.getByRole('heading', { name: 'API key created' }).waitFor();
    await form.getByText('it will not be shown again').waitFor();
    const raw = await form.getByRole('textbox').inputValue();
    expect(raw).toMatch(/^ak-/);
    userKey = raw;
    await form.getByRole('button', { name: 'Copy', exact: true }).click();
    await form.getByRole('button', { name: 'Copied' }).waitFor();
    expect(await admin.evaluate(() => navigator.clipboard.readText())).toBe(raw);

    await form.getByRole('button', { name: 'Done' }).click();
    await dialogClosed(admin);
    expect(await focusedText(admin)).toBe('+ New API Key');
    await row(admin, 'laptop').waitFor();
    expect(await row(admin, 'laptop').textContent()).toContain(raw.slice(-4));
    expect(await pageText(admin)).not.toContain(raw);
    await admin.reload().then(() => requestsSettled(admin));
    await row(admin, 'laptop').waitFor();
    expect(await pageText(admin)).not.toContain(raw);

    const me = await server.api('GET', '/v2/me', { key: raw });
    expect(me.status).toBe(200);
    expect(me.body.email).toBe('admin@localhost');
    await shot(admin, 'api-keys');
  });

  it('creates a service key for one space, offering the roles the admin may grant', async () => {
    await open(admin, '/settings/api-keys');
    const userTab = admin.getByRole('tab', { name: 'User Keys' });
    await userTab.focus();
    await admin.keyboard.press('ArrowRight');
    await admin.getByRole('tab', { name: 'Service Keys', selected: true }).waitFor();
    expect(new URL(admin.url()).searchParams.get('tab')).toBe('service');

    // The Service Keys tab offers "+ New API Key or New Service Key", as Arize's page does; both open the dialog.
    await admin.getByRole('button', { name: 'New Service Key', exact: true }).click();
    const form = dialog(admin);
    const service = form.getByRole('radio', { name: /Service Key/ });
    await poll(() => service.isChecked()).toBe(true);
    await form.getByLabel('Key name').fill('ingest');
    await form.getByLabel('Space', { exact: true }).selectOption({ label: 'ml-platform' });
    const spaceRole = form.getByLabel('Space role');
    await poll(() => optionLabels(spaceRole)).toEqual(['Admin', 'Member', 'Read-Only Member']);
    expect(await spaceRole.inputValue()).toBe('PREDEFINED:MEMBER');
    await form.getByRole('button', { name: 'Advanced' }).click();
    await form.getByLabel('Org role').waitFor();
    expect(await optionLabels(form.getByLabel('Account role'))).toEqual(['Admin', 'Member']);
    await form.getByLabel('Expiration').selectOption('30');
    await form.getByRole('button', { name: 'Create Key' }).click();

    await form.getByRole('heading', { name: 'API key created' }).waitFor();
    const raw = await form.getByRole('textbox').inputValue();
    expect(raw).toMatch(/^ak-/);
    await form.getByRole('button', { name: 'Done' }).click();
    await dialogClosed(admin);
    await row(admin, 'ingest').waitFor();
    expect(await pageText(admin)).not.toContain(raw);

    const me = await server.api('GET', '/v2/me', { key: raw });
    expect(me.status).toBe(200);
    expect(me.body.is_bot).toBe(true);
  });

  it('refreshes a key with a grace period, then revokes both secrets', async () => {
    await open(admin, '/settings/api-keys');
    const before = await admin.getByRole('row').filter({ hasText: 'laptop' }).count();
    expect(before).toBe(1);
    const oldRedacted = (await row(admin, 'laptop').locator('code').textContent()) ?? '';
    await admin.getByRole('button', { name: 'Refresh laptop' }).click();
    const form = dialog(admin);
    await form.getByLabel('Old key keeps working for').selectOption('3600');
    await form.getByRole('button', { name: 'Refresh key' }).click();
    await form.getByRole('heading', { name: 'API key refreshed' }).waitFor();
    const fresh = await form.getByRole('textbox').inputValue();
    expect(fresh).toMatch(/^ak-/);
    await form.getByRole('button', { name: 'Done' }).click();
    await dialogClosed(admin);
    await poll(() => admin.getByRole('row').filter({ hasText: 'laptop' }).count()).toBe(2);
    expect(await pageText(admin)).not.toContain(fresh);

    // During the grace period both secrets work; the old one now expires in an hour.
    const oldRow = row(admin, oldRedacted);
    await oldRow.getByText('(in 1 hour)').waitFor();
    expect((await server.api('GET', '/v2/me', { key: userKey })).status).toBe(200);
    expect((await server.api('GET', '/v2/me', { key: fresh })).status).toBe(200);

    // Revoke the new secret: the row disappears from the active keys and the key stops working at once.
    const newRow = admin.getByRole('row').filter({ hasText: 'laptop' }).filter({ hasNot: admin.getByText('(in 1 hour)') });
    await newRow.getByRole('button', { name: 'Revoke laptop' }).click();
    await dialog(admin).getByText('Every client using it is refused from now on').waitFor();
    expect(await focusedText(admin)).toBe('Cancel');
    for (const key of ['Tab', 'Tab', 'Tab', 'Shift+Tab', 'Shift+Tab', 'Shift+Tab', 'Shift+Tab']) {
      await admin.keyboard.press(key);
      expect(await admin.evaluate(() => !!document.activeElement?.closest('[role="dialog"]')), `focus after ${key}`).toBe(true);
    }
    await dialog(admin).getByRole('button', { name: 'Revoke key' }).click();
    await dialogClosed(admin);
    await poll(() => admin.getByRole('row').filter({ hasText: 'laptop' }).count()).toBe(1);
    expect(await admin.evaluate(() => document.activeElement?.id)).toBe('main-heading');
    expect((await server.api('GET', '/v2/me', { key: fresh })).status).toBe(401);

    await oldRow.getByRole('button', { name: 'Revoke laptop' }).click();
    await dialog(admin).getByRole('button', { name: 'Revoke key' }).click();
    await dialogClosed(admin);
    await poll(() => admin.getByRole('row').filter({ hasText: 'laptop' }).count()).toBe(0);
    expect((await server.api('GET', '/v2/me', { key: userKey })).status).toBe(401);

    await admin.getByLabel('Status').selectOption('REVOKED');
    await poll(() => admin.getByRole('row').filter({ hasText: 'laptop' }).count()).toBe(2);
  });

  it('restricts a project and gives the member explicit access', async () => {
    await open(admin, urls.project);
    await admin.getByRole('button', { name: 'Restrict project' }).click();
    await dialog(admin).getByRole('button', { name: 'Restrict project' }).click();
    await dialogClosed(admin);
    await admin.getByText('Only explicit project role bindings grant access').waitFor();
    await admin.getByRole('button', { name: 'Remove restriction' }).waitFor();

    await admin.getByRole('button', { name: 'Add binding' }).click();
    const form = dialog(admin);
    await form.getByLabel('User email').fill(MAYA.email);
    await form.getByLabel('Role').selectOption({ label: 'Member' });
    await form.getByRole('button', { name: 'Add binding' }).click();
    await dialogClosed(admin);
    await cell(row(admin, MAYA.email), 'Member').waitFor();
    await shot(admin, 'project');

    await open(admin, urls.space);
    await row(admin, 'fraud-model').getByText('Restricted').waitFor();
  });

  it('shows a MEMBER only the actions a member may perform', async () => {
    await open(member, '/settings/api-keys');
    await waitForHeading(member, 'API Keys');
    const nav = member.getByRole('navigation', { name: 'Main' });
    expect(await nav.getByRole('link').allTextContents()).toEqual(['API Keys', 'CLI logins', 'Organizations', 'Roles', 'Access']);

    await open(member, '/organizations');
    await row(member, 'Acme').waitFor();
    expect(await member.getByRole('button', { name: 'New organization' }).count()).toBe(0);
    expect(await member.getByRole('button', { name: /^Delete/ }).count()).toBe(0);

    await open(member, urls.organization);
    await waitForHeading(member, 'Acme');
    for (const name of ['Edit', 'Delete', 'Add member', 'Change role', 'Remove']) {
      expect(await member.getByRole('button', { name, exact: true }).count(), name).toBe(0);
    }

    await open(member, urls.space);
    await member.getByRole('button', { name: 'New project' }).waitFor();
    for (const name of ['Edit', 'Delete', 'Add member', 'Add binding', 'Change role', 'Remove']) {
      expect(await member.getByRole('button', { name, exact: true }).count(), name).toBe(0);
    }

    await open(member, urls.project);
    await waitForHeading(member, 'fraud-model');
    await member.getByText('Only explicit project role bindings grant access').waitFor();
    // Her Member binding lets her rename or delete the project, but not manage its access.
    for (const name of ['Remove restriction', 'Restrict project', 'Add binding', 'Change role', 'Remove']) {
      expect(await member.getByRole('button', { name, exact: true }).count(), name).toBe(0);
    }

    await open(member, '/roles');
    await member.getByRole('button', { name: 'View Admin' }).waitFor();
    expect(await member.getByRole('button', { name: 'New role' }).count()).toBe(0);

    await open(member, '/users');
    expect(await member.getByRole('button', { name: 'Invite user' }).count()).toBe(0);
    expect(await member.getByRole('button', { name: /^(Delete|Reset password|Resend invitation)/ }).count()).toBe(0);

    await open(member, '/audit-log');
    await member.getByText('You cannot use this page.').waitFor();

    // A member may create service keys in the space, up to Member: Admin is not offered.
    await open(member, '/settings/api-keys?tab=service');
    const newKey = member.getByRole('button', { name: '+ New API Key' });
    await newKey.click();
    const form = dialog(member);
    const service = form.getByRole('radio', { name: /Service Key/ });
    await poll(() => service.isChecked()).toBe(true);
    await form.getByLabel('Space', { exact: true }).selectOption({ label: 'ml-platform' });
    await poll(() => optionLabels(form.getByLabel('Space role'))).toEqual(['Member', 'Read-Only Member']);
    expect(await optionLabels(form.getByLabel('Account role'))).toEqual(['Member']);
    await member.keyboard.press('Escape');
    await dialogClosed(member);
    expect(await focusedText(member)).toBe('+ New API Key');
  });

  it('works at 390 px: the sidebar collapses into a menu and tables stack', async () => {
    const phone = await newPage(await newContext(390));
    await signIn(phone, MAYA.email, MAYA.password);
    await waitForHeading(phone, 'API Keys');
    const nav = phone.getByRole('navigation', { name: 'Main' });
    expect(await nav.isVisible()).toBe(false);
    const menu = phone.getByRole('button', { name: 'Menu' });
    await menu.click();
    expect(await menu.getAttribute('aria-expanded')).toBe('true');
    await nav.getByRole('link', { name: 'Organizations' }).waitFor();
    await phone.keyboard.press('Escape');
    expect(await nav.isVisible()).toBe(false);
    expect(await focusedText(phone)).toBe('Menu');

    await phone.getByRole('button', { name: '+ New API Key' }).click();
    await dialog(phone).getByLabel('Key name').fill('notebook');
    await dialog(phone).getByRole('button', { name: 'Create Key' }).click();
    await dialog(phone).getByRole('heading', { name: 'API key created' }).waitFor();
    await dialog(phone).getByRole('button', { name: 'Done' }).click();
    await dialogClosed(phone);
    await row(phone, 'notebook').waitFor();
    await shot(phone, 'api-keys-390');
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await phone.context().close();
  });

  it('makes a TEMPORARY_PASSWORD user choose a new password at first sign-in', async () => {
    await open(admin, '/users');
    await admin.getByRole('button', { name: 'Invite user' }).click();
    const form = dialog(admin);
    await form.getByLabel('Full name').fill(TOM.name);
    await form.getByLabel('Email', { exact: true }).fill(TOM.email);
    await form.getByRole('radio', { name: /Temporary password/ }).check();
    await form.getByRole('button', { name: 'Invite', exact: true }).click();
    await form.getByRole('heading', { name: 'User invited' }).waitFor();
    const temporary = await form.getByRole('textbox', { name: 'Temporary password' }).inputValue();
    expect(temporary.length).toBeGreaterThan(8);
    await form.getByRole('button', { name: 'Done' }).click();
    await dialogClosed(admin);
    expect(await pageText(admin)).not.toContain(temporary);

    const tom = await newPage(await newContext());
    await signIn(tom, TOM.email, temporary);
    await waitForHeading(tom, 'Choose a new password');
    await tom.getByLabel('Current password').fill(temporary);
    await tom.getByLabel('New password', { exact: true }).fill(TOM.password);
    await tom.getByLabel('Confirm new password').fill(TOM.password);
    await tom.getByRole('button', { name: 'Save password and continue' }).click();
    await waitForHeading(tom, 'API Keys');

    await tom.getByRole('button', { name: 'Sign out' }).click();
    await waitForHeading(tom, 'Sign in');
    await tom.getByText('You have signed out.').waitFor();
    await signIn(tom, TOM.email, TOM.password);
    await waitForHeading(tom, 'API Keys');
    await tom.context().close();
  });

  it('resets a password from the mailed link', async () => {
    await open(admin, '/users');
    await admin.getByRole('button', { name: `Reset password of ${MAYA.email}` }).click();
    await dialog(admin).getByRole('button', { name: 'Send reset email' }).click();
    await dialogClosed(admin);
    const token = await mailedToken(MAYA.email, 'reset');

    MAYA.password = 'maya-second-password-2';
    await member.goto(`/reset/${token}`);
    await waitForHeading(member, 'Choose a new password');
    await member.getByLabel('New password').fill(MAYA.password);
    await member.getByLabel('Confirm password').fill(MAYA.password);
    await member.getByRole('button', { name: 'Change password' }).click();
    await waitForHeading(member, 'Sign in');
    await member.getByText('Your password has been changed').waitFor();
    await signIn(member, MAYA.email, MAYA.password);
    await waitForHeading(member, 'API Keys');
  });

  it('manages custom roles; predefined roles are read-only', async () => {
    await open(admin, '/roles');
    await admin.getByRole('button', { name: 'View Admin' }).click();
    await dialog(admin).getByText('Predefined role, read-only.').waitFor();
    expect(await dialog(admin).getByRole('checkbox').count()).toBe(0);
    await admin.keyboard.press('Escape');
    await dialogClosed(admin);
    expect(await focusedText(admin)).toBe('View');

    await admin.getByRole('button', { name: 'New role' }).click();
    const form = dialog(admin);
    await form.getByLabel('Name').fill('Data Scientist');
    await form.getByRole('checkbox', { name: 'Dataset read', exact: true }).check();
    await form.getByRole('checkbox', { name: 'Dataset create', exact: true }).check();
    await form.getByRole('checkbox', { name: 'All Experiment permissions', exact: true }).check();
    await form.getByText('6 of 132 selected').waitFor();
    await form.getByRole('button', { name: 'Create role' }).click();
    await dialogClosed(admin);
    await cell(row(admin, 'Data Scientist'), '6').waitFor();
    await shot(admin, 'roles');
  });

  it('filters the audit log and explains who has access to the restricted project', async () => {
    const adminUser = await server.api('GET', '/v2/users?email=admin%40localhost');
    const adminId: string = adminUser.body.users[0].id;
    await open(admin, '/audit-log');
    await admin.getByLabel('Operation').selectOption('MUTATION');
    await admin.getByLabel('User', { exact: true }).selectOption(adminId);
    await admin.getByRole('button', { name: 'Apply' }).click();
    await requestsSettled(admin);
    expect(new URL(admin.url()).searchParams.get('op')).toBe('MUTATION');
    expect(new URL(admin.url()).searchParams.get('user')).toBe(adminId);
    const rows = admin.getByRole('row').filter({ has: admin.locator(`a[href="/users/${encodeURIComponent(adminId)}"]`) });
    await poll(() => rows.count()).toBeGreaterThan(0);
    await admin.getByRole('button', { name: 'Clear' }).click();
    await requestsSettled(admin);
    await shot(admin, 'audit-log');

    await open(admin, '/access');
    await admin.getByLabel('Organization').selectOption({ label: 'Acme' });
    await admin.getByLabel('Space', { exact: true }).selectOption({ label: 'ml-platform' });
    await admin.getByLabel('Project').selectOption({ label: 'fraud-model' });
    const maya = row(admin, MAYA.email);
    await maya.waitFor();
    expect(await maya.getByRole('listitem').count()).toBeGreaterThan(0);

    await admin.getByLabel('User email').fill(MAYA.email);
    await admin.getByLabel('Permission to check').selectOption('PROJECT_SPAN_READ');
    await admin.getByRole('button', { name: 'Check' }).click();
    await admin.getByText(`${MAYA.email} can use “Project span: Read” on fraud-model`).waitFor();
    await shot(admin, 'access');
  });

  it('spells out the delete cascade and deletes a user', async () => {
    await open(admin, '/users');
    await admin.getByRole('button', { name: `Delete ${TOM.email}` }).click();
    const confirm = dialog(admin);
    // The server's own dry run (issue 8): counts, and the service keys the user created (none here).
    await confirm.getByText(/removes them from .*organization/).waitFor();
    await confirm.getByText(/revokes .*active user key/).waitFor();
    await confirm.getByText('They created no service keys that reach here.').waitFor();
    await confirm.getByRole('button', { name: 'Delete user' }).click();
    await dialogClosed(admin);
    await poll(() => row(admin, TOM.email).count()).toBe(0);

    await admin.getByRole('button', { name: 'Sign out' }).click();
    await waitForHeading(admin, 'Sign in');
    await open(admin, '/users');
    await waitForHeading(admin, 'Sign in');
  });

  it('raised no uncaught errors in any page', () => {
    expect(pageErrors).toEqual([]);
  });
});
