import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memberWithServiceKey } from '../helpers/hierarchy.js';
import { openConsole, signInToConsole, type ConsoleBrowser, gotoSettled } from '../helpers/console-browser.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * Issue 8, item 1 in the console: removing a member and deleting a user show the server's cascade with the
 * service keys the person created, and let the admin keep, revoke or rotate them (rotated secrets shown once).
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
const newMemberWithServiceKey = () => memberWithServiceKey(server, { prefix: 'console-cascade', keyName: 'etl', personName: 'Cascade Person' }, ++count);

const me = (key: string) => server.api('GET', '/v2/me', { key });

describe('removal dialogs show the person\'s service keys', { timeout: 60_000 }, () => {
  it('deleting a user lists the key by name; "Rotate them" shows the new secret once and the old one stops', async () => {
    const w = await newMemberWithServiceKey();
    await gotoSettled(page, '/users');
    await page.getByRole('button', { name: `Delete ${w.member.email}` }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete user' });
    const keys = confirm.getByRole('list', { name: 'Service keys they created' });
    await keys.getByText(w.svc.name).waitFor();
    expect(await keys.textContent()).toContain(w.svc.redacted_key);
    const choice = confirm.getByRole('group', { name: 'Their service keys' });
    expect(await choice.getByRole('radio', { name: /Keep them/ }).isChecked()).toBe(true);
    await choice.getByRole('radio', { name: /Rotate them/ }).check();
    await confirm.getByRole('button', { name: 'Delete user' }).click();
    const secrets = page.getByRole('dialog', { name: 'New service key secrets' });
    const field = secrets.getByLabel(w.svc.name);
    await field.waitFor();
    const newKey = await field.inputValue();
    expect(newKey).toMatch(/^ak-/);
    expect((await me(w.svc.key)).status).toBe(401);
    expect((await me(newKey)).status).toBe(200);
    await secrets.getByRole('button', { name: 'Done' }).click();
    await secrets.waitFor({ state: 'detached' });
  });

  it('removing a member from an organization offers the same choice; "Revoke them" revokes the key with the removal', async () => {
    const w = await newMemberWithServiceKey();
    await gotoSettled(page, `/organizations/${encodeURIComponent(w.orgId)}`);
    await page.getByRole('button', { name: `Remove ${w.member.email}` }).click();
    const confirm = page.getByRole('dialog', { name: 'Remove member' });
    await confirm.getByText('removes them from 1 space of this organization;').waitFor();
    await confirm.getByRole('list', { name: 'Service keys they created' }).getByText(w.svc.name).waitFor();
    await confirm.getByRole('radio', { name: /Revoke them/ }).check();
    await confirm.getByRole('button', { name: 'Remove' }).click();
    await confirm.waitFor({ state: 'detached' });
    expect((await me(w.svc.key)).status).toBe(401);
  });
});
