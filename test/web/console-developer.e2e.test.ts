import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { gotoSettled, newConsolePage, openConsole, signInToConsole, type ConsoleBrowser } from '../helpers/console-browser.js';
import { setPassword } from '../helpers/console-session.js';
import { createUserWithKey, type FixtureUser } from '../helpers/fixtures.js';
import { addOrganizationMember, addSpaceMember, createOrganization, createSpace } from '../helpers/hierarchy.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * What the console says the developer flag allows, against what the server does: a USER key needs is_developer and
 * the account role ADMIN or MEMBER, and an account ANNOTATOR creates no key at all (USER nor SERVICE, even as an
 * organization and space admin). The console never tells an annotator developer that it "may create API keys".
 */
let server: TestServer;
let browser: ConsoleBrowser;
let admin: Page;
let annotator: FixtureUser;
let member: FixtureUser;
const ANNOTATOR_PASSWORD = 'annotator-console-password-1';
const pageErrors: string[] = [];
let orgId = '';
let spaceId = '';

function developerFact(page: Page) {
  return page.locator('dl.user-facts dt:text-is("Developer") + dd');
}

beforeAll(async () => {
  server = await startTestServer();
  orgId = await createOrganization(server, 'labeling');
  spaceId = await createSpace(server, orgId, 'queues');
  annotator = await createUserWithKey(server, { email: 'ann@example.com', name: 'Ann Annotator', role: 'ANNOTATOR' });
  member = await createUserWithKey(server, { email: 'mo@example.com', name: 'Mo Member', role: 'MEMBER' });
  await setPassword(server, annotator.dbId, ANNOTATOR_PASSWORD);
  await addOrganizationMember(server, orgId, annotator.id, 'ADMIN');
  await addSpaceMember(server, spaceId, annotator.id, 'ADMIN');
  ({ browser, page: admin } = await openConsole(server));
  admin.on('pageerror', (e) => pageErrors.push(e.message));
  await signInToConsole(admin, 'admin@localhost', server.adminPassword);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  expect(pageErrors).toEqual([]);
});

describe('the developer flag in the console', { timeout: 60_000 }, () => {
  it('the server refuses an annotator developer every key, and gives a member developer a user key', async () => {
    expect((await server.api('GET', `/v2/users/${encodeURIComponent(annotator.id)}`)).body.is_developer).toBe(true);
    const user = await server.api('POST', '/v2/api-keys', { key: annotator.key, body: { key_type: 'USER', name: 'ann-laptop' } });
    expect(user.status).toBe(403);
    const service = await server.api('POST', '/v2/api-keys', {
      key: annotator.key,
      body: { key_type: 'SERVICE', name: 'ann-bot', organizations: [{ org_id: orgId, spaces: [{ space_id: spaceId }] }] },
    });
    expect(service.status).toBe(403);
    expect((await server.api('POST', '/v2/api-keys', { key: member.key, body: { key_type: 'USER', name: 'mo-laptop' } })).status).toBe(201);
  });

  it('an annotator developer\'s user page and profile promise no API keys; a member developer\'s says user keys', async () => {
    await gotoSettled(admin, `/users/${encodeURIComponent(annotator.id)}`);
    expect(await developerFact(admin).textContent()).toBe('Yes (no API keys while the account role is Annotator)');
    await gotoSettled(admin, `/users/${encodeURIComponent(member.id)}`);
    expect(await developerFact(admin).textContent()).toBe('Yes (may create user API keys)');

    const page = await newConsolePage(browser, server);
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await signInToConsole(page, annotator.email, ANNOTATOR_PASSWORD);
    await gotoSettled(page, '/profile');
    expect(await developerFact(page).textContent()).toBe('Yes (no API keys while the account role is Annotator)');
    await page.context().close();
  });

  it('the developer checkbox of the edit and invite dialogs follows the account role chosen', async () => {
    await gotoSettled(admin, `/users/${encodeURIComponent(member.id)}`);
    await admin.getByRole('button', { name: 'Edit user' }).click();
    const edit = admin.getByRole('dialog');
    await edit.getByRole('checkbox', { name: 'Developer (may create user API keys)' }).waitFor();
    await edit.getByLabel('Account role').selectOption('ANNOTATOR');
    await edit.getByRole('checkbox', { name: 'Developer (no API keys while the account role is Annotator)' }).waitFor();
    await edit.getByRole('button', { name: 'Cancel' }).click();
    await edit.waitFor({ state: 'detached' });

    await gotoSettled(admin, '/users');
    await admin.getByRole('button', { name: 'Invite user' }).click();
    const invite = admin.getByRole('dialog');
    await invite.getByRole('checkbox', { name: 'Developer (may create user API keys)' }).waitFor();
    await invite.getByLabel('Account role').selectOption('ANNOTATOR');
    await invite.getByRole('checkbox', { name: 'Developer (no API keys while the account role is Annotator)' }).waitFor();
    expect(await admin.getByText('may create API keys').count()).toBe(0);
    await invite.getByRole('button', { name: 'Cancel' }).click();
    await invite.waitFor({ state: 'detached' });
  });

  it('a user who is no longer a developer is offered no refresh of its user keys (the server refuses it), only revoke', async () => {
    const dev = await createUserWithKey(server, { email: 'ex-dev@example.com', name: 'Ex Developer', role: 'MEMBER' });
    await setPassword(server, dev.dbId, ANNOTATOR_PASSWORD);
    const key = await server.api('POST', '/v2/api-keys', { key: dev.key, body: { key_type: 'USER', name: 'ex-dev-laptop' } });
    expect(key.status).toBe(201);
    expect((await server.api('PATCH', `/v2/users/${encodeURIComponent(dev.id)}`, { body: { is_developer: false } })).status).toBe(200);
    expect((await server.api('POST', `/v2/api-keys/${encodeURIComponent(key.body.id)}/refresh`, { key: dev.key, body: {} })).status).toBe(403);

    const page = await newConsolePage(browser, server);
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await signInToConsole(page, dev.email, ANNOTATOR_PASSWORD);
    await gotoSettled(page, '/settings/api-keys');
    await page.getByRole('button', { name: 'Revoke ex-dev-laptop' }).waitFor();
    expect(await page.getByRole('button', { name: 'Refresh ex-dev-laptop' }).count()).toBe(0);
    await page.context().close();

    // The member developer still refreshes its own.
    const mo = await newConsolePage(browser, server);
    mo.on('pageerror', (e) => pageErrors.push(e.message));
    await setPassword(server, member.dbId, ANNOTATOR_PASSWORD);
    await signInToConsole(mo, member.email, ANNOTATOR_PASSWORD);
    await gotoSettled(mo, '/settings/api-keys');
    await mo.getByRole('button', { name: 'Refresh mo-laptop' }).waitFor();
    await mo.context().close();
  });
});
