import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { parseId } from '../../src/domain/ids.js';
import { expectNoAxeViolations } from '../helpers/axe.js';
import { adminAndMemberConsoles, newConsolePage, requestsSettled, signInToConsole, type ConsoleBrowser, gotoSettled } from '../helpers/console-browser.js';
import { screenshot } from '../helpers/console-screenshot.js';
import { setPassword } from '../helpers/console-session.js';
import { createUserWithKey, type FixtureUser } from '../helpers/fixtures.js';
import { addOrganizationMember, addSpaceMember, createOrganization, createSpace } from '../helpers/hierarchy.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * Issue 14, the keys half of the console's defects, in real Chromium: focus after Invite, key tabs that never show the
 * other tab's rows on a slow link, the truth about revoking a refreshed service key's old key, and a member on /users.
 * Every page state checked here has no axe-core violation.
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
  ({ browser, admin, member } = await adminAndMemberConsoles(server, { email: maya.email, password: MAYA_PASSWORD }, pageErrors));
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  expect(pageErrors).toEqual([]);
});

describe('console keys and users defects (issue 14)', { timeout: 60_000 }, () => {
  it('moves focus into the dialog once a user is invited, so Escape closes it', async () => {
    await gotoSettled(admin, '/users');
    await admin.getByRole('button', { name: 'Invite user' }).click();
    const dialog = admin.getByRole('dialog');
    await dialog.getByLabel('Full name').fill('Ivan Invited');
    await dialog.getByLabel('Email', { exact: true }).fill('ivan@example.com');
    await dialog.getByRole('button', { name: 'Invite', exact: true }).click();
    await dialog.getByRole('heading', { name: 'User invited' }).waitFor();
    expect(await admin.evaluate(() => !!document.activeElement?.closest('[role="dialog"]'))).toBe(true);
    await expectNoAxeViolations(admin);
    await admin.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });

    // Inviting the same email again: "User already exists", focus inside too.
    await admin.getByRole('button', { name: 'Invite user' }).click();
    await dialog.getByLabel('Full name').fill('Ivan Again');
    await dialog.getByLabel('Email', { exact: true }).fill('ivan@example.com');
    await dialog.getByRole('button', { name: 'Invite', exact: true }).click();
    await dialog.getByRole('heading', { name: 'User already exists' }).waitFor();
    expect(await admin.evaluate(() => !!document.activeElement?.closest('[role="dialog"]'))).toBe(true);
    await admin.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  });

  it('never shows the other tab\'s keys while the chosen tab loads on a slow link', async () => {
    const userKey = await server.api('POST', '/v2/api-keys', { body: { key_type: 'USER', name: 'admin-laptop' } });
    expect(userKey.status).toBe(201);
    await gotoSettled(admin, '/settings/api-keys');
    await admin.getByRole('row').filter({ hasText: 'admin-laptop' }).waitFor();

    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    await admin.route((url) => url.pathname === '/v2/api-keys' && url.searchParams.get('key_type') === 'SERVICE', async (route) => {
      await held;
      await route.continue();
    });
    await admin.getByRole('tab', { name: 'Service Keys' }).click();
    await admin.getByText('Loading…').waitFor();
    expect(await admin.getByRole('row').filter({ hasText: 'admin-laptop' }).count()).toBe(0);
    expect(await admin.getByRole('button', { name: /^Revoke / }).count()).toBe(0);
    release();
    await admin.getByText('You have no active service keys.').waitFor();
    await admin.unrouteAll();
    await expectNoAxeViolations(admin);
  });

  it('says that revoking the old key of a refreshed service key leaves the new key and its bot working', async () => {
    const created = await server.api('POST', '/v2/api-keys', {
      body: { key_type: 'SERVICE', name: 'ci-traces', organizations: [{ org_id: orgId, spaces: [{ space_id: spaceId }] }] },
    });
    expect(created.status).toBe(201);
    const refreshed = await server.api('POST', `/v2/api-keys/${created.body.id}/refresh`, { body: { grace_period_seconds: 3600 } });
    expect(refreshed.status).toBe(200);

    await gotoSettled(admin, '/settings/api-keys?tab=service');
    const oldRow = admin.getByRole('row').filter({ hasText: created.body.redacted_key });
    await oldRow.getByRole('button', { name: 'Revoke ci-traces' }).click();
    const dialog = admin.getByRole('dialog');
    await dialog.getByText(/keeps working/).waitFor();
    expect(await dialog.textContent()).not.toContain('bot user is removed');
    expect(await dialog.textContent()).toContain(refreshed.body.redacted_key);
    await expectNoAxeViolations(admin);
    await screenshot(admin, 'api-key-revoke-replaced');
    await dialog.getByRole('button', { name: 'Revoke key' }).click();
    await dialog.waitFor({ state: 'detached' });

    // The new key still works: the bot was not removed.
    const asBot = await server.api('GET', '/v2/api-keys', { key: refreshed.body.key });
    expect(asBot.status).toBe(200);
  });

  it('tells a member once and plainly that /users is not for them', async () => {
    await gotoSettled(member, '/users');
    await member.getByRole('heading', { level: 1, name: 'Users' }).waitFor();
    await member.getByText('You cannot use this page.').waitFor();
    expect(await member.getByRole('table').count()).toBe(0);
    expect(await member.getByRole('button', { name: 'Invite user' }).count()).toBe(0);
    expect(await member.getByRole('alert').count()).toBe(0);
    await expectNoAxeViolations(member);
  });
});

describe('every key in the account, for account admins (issue 14)', { timeout: 60_000 }, () => {
  it('lists a member\'s keys with owner, scope and creator, filters them, marks a replaced key and revokes from the list', async () => {
    const pipeline = await server.api('POST', '/v2/api-keys', {
      key: maya.key,
      body: { key_type: 'SERVICE', name: 'maya-pipeline', organizations: [{ org_id: orgId, spaces: [{ space_id: spaceId }] }] },
    });
    expect(pipeline.status).toBe(201);
    const refreshed = await server.api('POST', `/v2/api-keys/${pipeline.body.id}/refresh`, { body: { grace_period_seconds: 86_400 } });
    expect(refreshed.status).toBe(200);

    await gotoSettled(admin, '/settings/api-keys');
    await admin.getByRole('tab', { name: 'All keys in the account' }).click();
    expect(new URL(admin.url()).searchParams.get('tab')).toBe('all');
    const table = admin.getByRole('table', { name: 'Every key in the account' });
    const oldRow = table.getByRole('row').filter({ hasText: pipeline.body.redacted_key });
    await oldRow.waitFor();
    expect(await oldRow.textContent()).toContain('Bot “maya-pipeline”');
    expect(await oldRow.textContent()).toMatch(/team-alpha \(Read.only\)/i);
    expect(await oldRow.textContent()).toContain('traces (Member)');
    expect(await oldRow.textContent()).toContain('Maya Member');
    await oldRow.getByText('Replaced').waitFor();
    await oldRow.getByText(/valid until/).waitFor();
    const newRow = table.getByRole('row').filter({ hasText: refreshed.body.redacted_key });
    await newRow.getByText('Active', { exact: true }).waitFor();
    const mayaUserKey = table.getByRole('row').filter({ hasText: 'fixture key' }).filter({ hasText: 'Maya Member' });
    expect(await mayaUserKey.textContent()).toContain('Everything its user may do');
    await expectNoAxeViolations(admin);
    await screenshot(admin, 'api-keys-inventory');

    // Filters: only service keys; only Maya's.
    await admin.getByLabel('Type', { exact: true }).selectOption('service');
    await table.getByRole('row').filter({ hasText: 'maya-pipeline' }).first().waitFor();
    await expect.poll(() => table.getByRole('row').filter({ hasText: 'Everything its user may do' }).count()).toBe(0);
    await admin.getByLabel('Type', { exact: true }).selectOption('');
    await admin.getByLabel('Created by', { exact: true }).selectOption({ label: maya.email });
    await mayaUserKey.waitFor();
    await expect.poll(() => table.getByRole('row').filter({ hasText: 'admin-laptop' }).count()).toBe(0);

    // Revoke Maya's own user key from the inventory: it stops working at once.
    await mayaUserKey.getByRole('button', { name: /^Revoke fixture key/ }).click();
    await admin.getByRole('dialog').getByRole('button', { name: 'Revoke key' }).click();
    await admin.getByRole('dialog').waitFor({ state: 'detached' });
    await expect.poll(() => table.getByRole('row').filter({ hasText: 'fixture key' }).count()).toBe(0);
    expect((await server.api('GET', '/v2/me', { key: maya.key })).status).toBe(401);
  });

  it('stacks the inventory into labelled cards at 390 px', async () => {
    await admin.setViewportSize({ width: 390, height: 844 });
    try {
      await gotoSettled(admin, '/settings/api-keys?tab=all');
      const card = admin.getByRole('row').filter({ hasText: 'maya-pipeline' }).first();
      await card.waitFor();
      expect((await card.boundingBox())?.width ?? 1000).toBeLessThanOrEqual(390);
      await expectNoAxeViolations(admin);
    } finally {
      await admin.setViewportSize({ width: 1280, height: 900 });
    }
  });

  it('offers a member no inventory: only their own keys', async () => {
    await gotoSettled(member, '/settings/api-keys?tab=all');
    await member.getByRole('tab', { name: 'User Keys', selected: true }).waitFor();
    expect(await member.getByRole('tab', { name: 'All keys in the account' }).count()).toBe(0);
    await expectNoAxeViolations(member);
  });

  it('calls a key past its own expiry Expired, not Active (the API keeps it ACTIVE and refuses it)', async () => {
    const lapsing = await server.api('POST', '/v2/api-keys', {
      body: { key_type: 'USER', name: 'lapsing-laptop', expires_at: new Date(Date.now() + 3_600_000).toISOString() },
    });
    expect(lapsing.status).toBe(201);
    await server.context!.store.db.updateTable('api_keys').set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .where('id', '=', parseId(lapsing.body.id)!.n).execute();
    expect((await server.api('GET', '/v2/me', { key: lapsing.body.key })).status).toBe(401);

    await gotoSettled(admin, '/settings/api-keys');
    const row = admin.getByRole('row').filter({ hasText: 'lapsing-laptop' });
    await row.waitFor();
    // The status cell and the expiry cell both say so; nothing in the row says Active.
    expect(await row.getByText('Expired', { exact: true }).count()).toBe(2);
    expect(await row.getByText('Active', { exact: true }).count()).toBe(0);
  });
});

describe('creating and refreshing a key (issue 14)', { timeout: 60_000 }, () => {
  it('defaults to 90 days, warns about never, and shows how to use the new key beside it', async () => {
    await gotoSettled(admin, '/settings/api-keys');
    await admin.getByRole('button', { name: '+ New API Key' }).click();
    const form = admin.getByRole('dialog');
    expect(await form.getByLabel('Expiration').inputValue()).toBe('90');
    expect(await form.getByText(/never expires works until someone revokes it/).count()).toBe(0);
    await form.getByLabel('Expiration').selectOption('never');
    await form.getByText(/never expires works until someone revokes it/).waitFor();
    await expectNoAxeViolations(admin);
    await form.getByLabel('Expiration').selectOption('90');
    await form.getByLabel('Key name').fill('notebook');
    await form.getByRole('button', { name: 'Create Key' }).click();
    await form.getByRole('heading', { name: 'API key created' }).waitFor();
    const raw = await form.getByRole('textbox').inputValue();
    const created = (await server.api('GET', '/v2/api-keys?limit=100')).body.api_keys.find((k: { name: string }) => k.name === 'notebook');
    const days = (Date.parse(created.expires_at) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(89.9);
    expect(days).toBeLessThan(90.1);

    const snippet = form.locator('.key-usage pre');
    expect(await snippet.textContent()).toBe(`curl -H "Authorization: Bearer ${raw}" ${server.url}/v2/me`);
    await form.getByRole('tab', { name: 'ax CLI' }).click();
    expect(await snippet.textContent()).toBe(`ax profiles create notebook --api-key ${raw} --endpoint ${server.url}`);
    await form.getByRole('tab', { name: 'Arize SDKs' }).click();
    const port = new URL(server.url).port;
    expect(await snippet.textContent()).toBe(
      `export ARIZE_API_KEY=${raw}\nexport ARIZE_API_HOST=127.0.0.1\nexport ARIZE_API_SCHEME=http\nexport ARIZE_API_PORT=${port}`,
    );
    await expectNoAxeViolations(admin);
    await form.getByRole('tab', { name: 'curl' }).click();
    await screenshot(admin, 'api-key-created');
    await form.getByRole('button', { name: 'Done' }).click();
    await form.waitFor({ state: 'detached' });
    expect((await server.api('GET', '/v2/me', { key: raw })).status).toBe(200);
  });

  it('offers an account ANNOTATOR no user key: the choice is disabled and says why', async () => {
    const annie = await createUserWithKey(server, { email: 'annie@example.com', name: 'Annie Annotator', role: 'ANNOTATOR' });
    await setPassword(server, annie.dbId, 'annie-console-password-1');
    await addOrganizationMember(server, orgId, annie.id, 'READ_ONLY');
    const page = await newConsolePage(browser, server);
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await signInToConsole(page, annie.email, 'annie-console-password-1');
    await gotoSettled(page, '/settings/api-keys');
    await page.getByRole('button', { name: '+ New API Key' }).click();
    const form = page.getByRole('dialog');
    await form.getByText('Your account role, Annotator, does not include user keys').waitFor();
    expect(await form.getByRole('radio', { name: /User Key/ }).isDisabled()).toBe(true);
    expect(await form.getByRole('button', { name: 'Create Key' }).isDisabled()).toBe(true);
    await expectNoAxeViolations(page);
  });

  it('offers an account ANNOTATOR no service key either, even as a space admin: its bot would need an account role above theirs', async () => {
    // The server refuses it (403: a service key's account role is never above its creator's, and never ANNOTATOR); the
    // dialog offered the choice, an empty Account role, and the 403 only after the form was filled in.
    const ada = await createUserWithKey(server, { email: 'ada@example.com', name: 'Ada Annotator', role: 'ANNOTATOR' });
    await setPassword(server, ada.dbId, 'ada-console-password-1');
    await addOrganizationMember(server, orgId, ada.id, 'READ_ONLY');
    await addSpaceMember(server, spaceId, ada.id, 'ADMIN');
    const page = await newConsolePage(browser, server);
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await signInToConsole(page, ada.email, 'ada-console-password-1');
    await gotoSettled(page, '/settings/api-keys?tab=service');
    await page.getByRole('button', { name: '+ New API Key' }).click();
    const form = page.getByRole('dialog');
    await requestsSettled(page);
    await form.getByText('A service key’s bot needs the Member account role').waitFor();
    expect(await form.getByRole('radio', { name: /Service Key/ }).isDisabled()).toBe(true);
    expect(await form.getByLabel('Space', { exact: true }).count()).toBe(0);
    expect(await form.getByRole('button', { name: 'Create Key' }).isDisabled()).toBe(true);
    await expectNoAxeViolations(page);
  });

  it('offers a MEMBER who is not a developer no user key: the choice is disabled and says why', async () => {
    // POST /v2/api-keys {key_type: USER} answers 403 to a user whose is_developer is false; the dialog offered the choice.
    const nora = await createUserWithKey(server, { email: 'nora@example.com', name: 'Nora Nondeveloper', role: 'MEMBER' });
    expect((await server.api('PATCH', `/v2/users/${nora.id}`, { body: { is_developer: false } })).status).toBe(200);
    await setPassword(server, nora.dbId, 'nora-console-password-1');
    const page = await newConsolePage(browser, server);
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await signInToConsole(page, nora.email, 'nora-console-password-1');
    await gotoSettled(page, '/settings/api-keys');
    await page.getByRole('button', { name: '+ New API Key' }).click();
    const form = page.getByRole('dialog');
    await form.getByText('You are not a developer, so you cannot create user keys').waitFor();
    expect(await form.getByRole('radio', { name: /User Key/ }).isDisabled()).toBe(true);
    expect(await form.getByRole('button', { name: 'Create Key' }).isDisabled()).toBe(true);
    await expectNoAxeViolations(page);
  });

  it('refreshes with a grace period chosen from a list, one hour by default', async () => {
    await gotoSettled(admin, '/settings/api-keys');
    await admin.getByRole('button', { name: 'Refresh notebook' }).click();
    const form = admin.getByRole('dialog');
    const grace = form.getByLabel('Old key keeps working for');
    expect(await grace.locator('option').allTextContents()).toEqual(['None: the old key stops at once', '1 hour', '1 day']);
    expect(await grace.inputValue()).toBe('3600');
    await expectNoAxeViolations(admin);
    await grace.selectOption('86400');
    await form.getByRole('button', { name: 'Refresh key' }).click();
    await form.getByRole('heading', { name: 'API key refreshed' }).waitFor();
    await form.getByRole('button', { name: 'Done' }).click();
    await form.waitFor({ state: 'detached' });
    const old = admin.getByRole('row').filter({ hasText: 'notebook' }).filter({ hasText: 'Replaced' });
    await old.getByText(/valid until/).waitFor();
    expect(await old.getByRole('button', { name: 'Refresh notebook' }).count()).toBe(0);
  });
});
