import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrganization, createProject, createSpace } from '../helpers/hierarchy.js';
import { openConsole, signInToConsole, type ConsoleBrowser, requestsSettled } from '../helpers/console-browser.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * Issue 9 §1: the console asks what the signed-in user may do on a page in one batched request
 * (POST /v2/access/checks), not one POST /v2/access/check per button (the space page sent 5), and takes the
 * privilege ceiling of the service key form from the server (GET /v2/access/grantable-roles).
 */
let server: TestServer;
let browser: ConsoleBrowser;
let page: Page;
const requests: { path: string; body: string | null }[] = [];

beforeAll(async () => {
  server = await startTestServer();
  ({ browser, page } = await openConsole(server));
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.pathname.startsWith('/v2/access/')) requests.push({ path: url.pathname, body: request.postData() });
  });
  await signInToConsole(page, 'admin@localhost', server.adminPassword);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('the console asks the server, in as few requests as it can', { timeout: 60_000 }, () => {
  it('asks every permission of the space page in one POST /v2/access/checks', async () => {
    const orgId = await createOrganization(server, 'batching-org');
    const spaceId = await createSpace(server, orgId, 'batching-space');
    await createProject(server, spaceId, 'batching-project');
    await requestsSettled(page);
    requests.length = 0;

    await page.goto(`/spaces/${encodeURIComponent(spaceId)}`);
    await page.getByRole('heading', { level: 1, name: 'batching-space' }).waitFor();
    await requestsSettled(page);

    expect(requests.filter((r) => r.path === '/v2/access/check')).toEqual([]);
    const batches = requests.filter((r) => r.path === '/v2/access/checks');
    expect(batches).toHaveLength(1);
    const asked = (JSON.parse(batches[0]!.body!) as { checks: { permission: string; resource_id: string }[] }).checks;
    expect(asked.length).toBeGreaterThanOrEqual(5);
    expect(asked.every((c) => c.resource_id === spaceId || c.resource_id === orgId)).toBe(true);
  });

  it('offers the service key roles the server answers as grantable on the chosen space', async () => {
    requests.length = 0;
    await page.goto('/settings/api-keys?tab=service');
    await page.getByRole('button', { name: '+ New API Key' }).click();
    const form = page.getByRole('dialog');
    await form.getByLabel('Space', { exact: true }).selectOption({ label: 'batching-space' });
    const spaceRole = form.getByLabel('Space role');
    await expect.poll(() => spaceRole.locator('option').allTextContents()).toEqual(['Admin', 'Member', 'Read-Only Member']);
    const asked = requests.filter((r) => r.path === '/v2/access/grantable-roles');
    expect(asked.length).toBeGreaterThanOrEqual(1);
    expect(requests.filter((r) => r.path === '/v2/access/check')).toEqual([]);
  });
});
