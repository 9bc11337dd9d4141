import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { expectNoAxeViolations } from '../helpers/axe.js';
import { openConsole, signInToConsole, type ConsoleBrowser, gotoSettled } from '../helpers/console-browser.js';
import { startTestServer, type Json, type TestServer } from '../helpers/server.js';

/**
 * Issue 18, rotation telemetry in the console, in real Chromium: an old key in its grace period shows how much it is
 * still used ("Old key used 12 times in the last hour, last from 10.0.0.7 — grace ends in …"), as a warning when the
 * grace ends within 15 minutes while it is still in use.
 */
let server: TestServer;
let browser: ConsoleBrowser;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  server = await startTestServer({ env: { AX_TRUST_PROXY: 'true' } });
  ({ browser, page } = await openConsole(server));
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await signInToConsole(page, 'admin@localhost', server.adminPassword);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  expect(pageErrors).toEqual([]);
});

/** A USER key of the admin, refreshed with this grace period; its old raw key used `uses` times from `ip`. */
async function rotated(name: string, graceSeconds: number, uses: number, ip: string): Promise<void> {
  const created = await server.api('POST', '/v2/api-keys', { body: { key_type: 'USER', name } });
  expect(created.status).toBe(201);
  const old = created.body as Json;
  expect((await server.api('POST', `/v2/api-keys/${encodeURIComponent(old.id)}/refresh`, { body: { grace_period_seconds: graceSeconds } })).status).toBe(200);
  for (let i = 0; i < uses; i++) expect((await server.api('GET', '/v2/me', { key: old.key, headers: { 'x-forwarded-for': ip } })).status).toBe(200);
}

describe('console: grace usage of a replaced key', { timeout: 60_000 }, () => {
  it('says how much the old key is still used, and warns when its grace ends within 15 minutes while it is', async () => {
    await rotated('deploy-soon', 600, 12, '10.0.0.7');
    await rotated('deploy-later', 3600, 3, '10.0.0.8');
    await rotated('deploy-idle', 600, 0, '10.0.0.9');

    await gotoSettled(page, '/settings/api-keys');
    const replaced = (name: string) => page.getByRole('row').filter({ hasText: name }).filter({ hasText: 'Replaced' });

    const soon = replaced('deploy-soon');
    await soon.waitFor();
    await expect.poll(() => soon.textContent()).toMatch(/Still in use: Old key used 12 times in the last hour, last from 10\.0\.0\.7 — grace ends in (9|10) min/);
    expect(await soon.getByRole('alert').count()).toBe(1);
    expect(await soon.locator('.grace-usage-warning').count()).toBe(1);

    const later = replaced('deploy-later');
    expect(await later.textContent()).toMatch(/Old key used 3 times in the last hour, last from 10\.0\.0\.8 — grace ends in (59|60) min/);
    expect(await later.locator('.grace-usage-warning').count()).toBe(0);

    // Unused since the refresh: no warning even close to the end — nothing depends on it.
    const idle = replaced('deploy-idle');
    expect(await idle.textContent()).toMatch(/Old key not used since the refresh: safe to revoke — grace ends in (9|10) min/);
    expect(await idle.locator('.grace-usage-warning').count()).toBe(0);

    // The replacement keys are plain Active keys without any grace line.
    expect(await page.getByRole('row').filter({ hasText: 'deploy-soon' }).filter({ hasNotText: 'Replaced' }).locator('.grace-usage').count()).toBe(0);
    await expectNoAxeViolations(page);
  });
});
