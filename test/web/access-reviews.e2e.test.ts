import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoAxeViolations } from '../helpers/axe.js';
import { openConsole, signInToConsole, type ConsoleBrowser, gotoSettled } from '../helpers/console-browser.js';
import { createUserWithKey } from '../helpers/fixtures.js';
import { addOrganizationMember, addSpaceMember, createOrganization, createSpace, enc } from '../helpers/hierarchy.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * Issue 18, the Access reviews page: an admin takes a review, sees each person's grants, revokes one after a
 * confirmation that says what it removes (the space membership is really gone), sees the progress, compares with an
 * earlier review, and finds the CSV export — with no axe-core violation.
 */
let server: TestServer;
let browser: ConsoleBrowser;
let admin: Page;
const pageErrors: string[] = [];
let space: string;
let ada: string;

beforeAll(async () => {
  server = await startTestServer();
  const org = await createOrganization(server, 'review-org');
  space = await createSpace(server, org, 'review-space');
  ada = (await createUserWithKey(server, { email: 'ada@reviews.example', name: 'Ada' })).id;
  await addOrganizationMember(server, org, ada, 'MEMBER');
  expect((await server.api('POST', '/v2/access-reviews', { body: { name: 'Before' } })).status).toBe(201);
  await addSpaceMember(server, space, ada, 'MEMBER');
  ({ browser, page: admin } = await openConsole(server));
  admin.on('pageerror', (e) => pageErrors.push(e.message));
  await signInToConsole(admin, 'admin@localhost', server.adminPassword);
}, 90_000);

afterAll(async () => {
  expect(pageErrors).toEqual([]);
  await browser?.close();
  await server?.close();
});

describe('the access reviews page', { timeout: 60_000 }, () => {
  it('takes a review, revokes a grant after saying what it removes, shows progress, compares and exports', async () => {
    await gotoSettled(admin, '/access-reviews');
    await admin.getByRole('heading', { level: 1, name: 'Access reviews' }).waitFor();
    await admin.getByLabel('Review name').fill('After');
    await admin.getByRole('button', { name: 'Take review' }).click();
    await admin.getByRole('heading', { name: 'Review: After' }).waitFor();
    await admin.getByRole('heading', { name: 'Ada <ada@reviews.example>' }).waitFor();
    await expectNoAxeViolations(admin);

    const revoke = admin.getByRole('button', { name: 'Revoke Space member · MEMBER on space review-space of ada@reviews.example' });
    await revoke.click();
    const dialog = admin.getByRole('dialog', { name: 'Revoke this grant?' });
    await expect.poll(() => dialog.innerText()).toContain('Removes ada@reviews.example from review-space and the role bindings on the space and its projects.');
    await expectNoAxeViolations(admin);
    await dialog.getByRole('button', { name: 'Revoke' }).click();
    await expect.poll(() => admin.getByText(/1 of \d+ decided/).count()).toBe(1);
    const members = (await server.api('GET', `/v2/spaces/${enc(space)}/users`)).body.memberships;
    expect(members.map((m: { user_id: string }) => m.user_id)).not.toContain(ada);

    await admin.getByLabel('Earlier review').selectOption({ label: await admin.getByRole('option', { name: /^Before/ }).innerText() });
    await admin.getByRole('button', { name: 'Compare' }).click();
    const changes = admin.getByRole('list', { name: 'Changes since the earlier review' });
    await expect.poll(() => changes.innerText()).toContain('Added: ada@reviews.example · Space member · MEMBER on space review-space');
    const exportLink = admin.getByRole('link', { name: 'Export CSV' });
    expect(await exportLink.getAttribute('href')).toMatch(/^\/v2\/access-reviews\/.+\/export$/);
    const csv = await admin.evaluate(async (href) => (await fetch(href!)).text(), await exportLink.getAttribute('href'));
    expect(csv.split('\r\n')[0]).toMatch(/^id,principal_type,/);
    await expectNoAxeViolations(admin);
  });
});
