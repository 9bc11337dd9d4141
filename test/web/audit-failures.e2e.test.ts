import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openConsole, signInToConsole, type ConsoleBrowser, requestsSettled } from '../helpers/console-browser.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * Issue 8 (Arize fidelity): failed authentications are not audit entries any more; the console's audit page shows them
 * on a tab of their own, marked as failures, counted.
 */
let server: TestServer;
let browser: ConsoleBrowser;
let page: Page;

beforeAll(async () => {
  server = await startTestServer();
  ({ browser, page } = await openConsole(server));
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('the audit log page', { timeout: 60_000 }, () => {
  it('lists failed authentications on their own tab, marked and counted, and not among the actions', async () => {
    for (let i = 0; i < 4; i++) expect((await server.api('GET', '/v2/spaces', { key: 'ak-never-issued' })).status).toBe(401);
    expect((await server.api('POST', '/auth/login', { key: null, body: { email: 'admin@localhost', password: 'a wrong guess indeed' } })).status).toBe(401);

    await signInToConsole(page, 'admin@localhost', server.adminPassword);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('heading', { level: 1, name: 'Audit log' }).waitFor();
    await requestsSettled(page);
    expect(await page.getByRole('row').filter({ hasText: 'GET /v2/spaces' }).count()).toBe(0);

    await page.getByRole('tab', { name: 'Failed authentications' }).click();
    expect(new URL(page.url()).searchParams.get('view')).toBe('failures');
    const keyRow = page.getByRole('row').filter({ hasText: 'GET /v2/spaces' });
    await keyRow.waitFor();
    expect(await keyRow.getByRole('cell').allTextContents()).toEqual(expect.arrayContaining(['malformed', '4', '127.0.0.1']));
    await expect.poll(() => keyRow.locator('.badge-red').textContent()).toBe('malformed');
    const signInRow = page.getByRole('row').filter({ hasText: 'POST /auth/login' });
    await signInRow.waitFor();
    await expect.poll(() => signInRow.textContent()).toMatch(/wrong password.*admin@localhost/);

    await page.getByRole('tab', { name: 'Actions' }).click();
    expect(new URL(page.url()).searchParams.get('view')).toBeNull();
    await page.getByRole('table', { name: 'Audit log entries' }).waitFor();
  });
});
