import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoAxeViolations } from '../helpers/axe.js';
import { openConsole, signInToConsole, type ConsoleBrowser, gotoSettled } from '../helpers/console-browser.js';
import { screenshot } from '../helpers/console-screenshot.js';
import { setPassword } from '../helpers/console-session.js';
import { createUserWithKey } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * Issue 14 (the console as an admin's daily tool), first run: the account admin who signs in to an empty server is
 * guided (create an organization, a space, invite people, create a service key) instead of being told "You are not a
 * member of any organization yet."; a member of an empty account is told who can add them.
 */
const MAYA = { email: 'maya@example.com', name: 'Maya Member', password: 'maya-first-run-password-1' };

let server: TestServer;
let browser: ConsoleBrowser;
let admin: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  server = await startTestServer();
  const maya = await createUserWithKey(server, { email: MAYA.email, name: MAYA.name, role: 'MEMBER' });
  await setPassword(server, maya.dbId, MAYA.password);
  ({ browser, page: admin } = await openConsole(server));
  admin.on('pageerror', (e) => pageErrors.push(e.message));
}, 90_000);

afterAll(async () => {
  expect(pageErrors).toEqual([]);
  await browser?.close();
  await server?.close();
});

describe('the first run of a new server', { timeout: 60_000 }, () => {
  it('shows a member of an empty account who can add them, and no guide', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, baseURL: server.url });
    const member = await context.newPage();
    member.on('pageerror', (e) => pageErrors.push(e.message));
    await signInToConsole(member, MAYA.email, MAYA.password);
    await gotoSettled(member, '/organizations');
    await member.getByText('You are not a member of any organization yet. An account admin can add you to one.').waitFor();
    expect(await member.getByRole('heading', { name: 'Get started' }).count()).toBe(0);
    expect(await member.getByText('New server?').count()).toBe(0);
    await expectNoAxeViolations(member);
    await context.close();
  });

  it('points the account admin at the guide from the first page they see', async () => {
    await signInToConsole(admin, 'admin@localhost', server.adminPassword);
    const notice = admin.locator('.first-run-notice');
    await expect.poll(() => notice.innerText()).toContain('New server? Start with the setup guide');
    // The notice, not the API keys page under it (its own tests check that page).
    await expectNoAxeViolations(admin, '.first-run-notice');
    await notice.getByRole('link', { name: 'setup guide' }).click();
    await admin.getByRole('heading', { level: 1, name: 'Organizations' }).waitFor();
    expect(await admin.locator('.first-run-notice').count()).toBe(0);
  });

  it('guides the account admin through the four first steps instead of an empty table', async () => {
    await gotoSettled(admin, '/organizations');
    const guide = admin.getByRole('region', { name: 'Get started' });
    expect(await guide.locator('ol > li > strong').allInnerTexts()).toEqual([
      'Create an organization', 'Create a space', 'Invite people', 'Create a service key',
    ]);
    expect(await guide.getByRole('link', { name: 'Users' }).getAttribute('href')).toBe('/users');
    expect(await guide.getByRole('link', { name: 'API keys' }).getAttribute('href')).toBe('/settings/api-keys');
    expect(await admin.getByText('You are not a member of any organization yet').count()).toBe(0);
    expect(await admin.getByRole('table').count()).toBe(0);
    await expectNoAxeViolations(admin);
    await screenshot(admin, 'first-run');

    await guide.getByRole('button', { name: 'New organization' }).click();
    const form = admin.getByRole('dialog');
    await form.getByLabel('Name').fill('team-alpha');
    await form.getByRole('button', { name: 'Create organization' }).click();
    await admin.getByRole('heading', { level: 1, name: 'team-alpha' }).waitFor();

    await gotoSettled(admin, '/organizations');
    await admin.getByRole('row').filter({ hasText: 'team-alpha' }).waitFor();
    expect(await admin.getByRole('heading', { name: 'Get started' }).count()).toBe(0);
    await gotoSettled(admin, '/settings/api-keys');
    expect(await admin.locator('.first-run-notice').count()).toBe(0);
  });
});
