import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoAxeViolations } from '../helpers/axe.js';
import { adminAndMemberConsoles, type ConsoleBrowser, gotoSettled, requestsSettled } from '../helpers/console-browser.js';
import { screenshot } from '../helpers/console-screenshot.js';
import { setPassword } from '../helpers/console-session.js';
import { createUserWithKey } from '../helpers/fixtures.js';
import { createOrganization, createSpace } from '../helpers/hierarchy.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * Issue 14 (the console as an admin's daily tool), the audit log: a member is told once that the page is not
 * theirs (defect 4) and the page sends nothing; a revoke's details are JSON once, not twice (defect 5); entries read
 * as sentences with the actor and the target named and linked; a target filter; CSV and JSON exports.
 */
/** GET /v2/audit-logs with or without a query, not its authentication-failures list. */
const AUDIT_LIST = /\/v2\/audit-logs(\?.*)?$/;
const MAYA = { email: 'maya@example.com', name: 'Maya Member', password: 'maya-audit-password-1' };

let server: TestServer;
let browser: ConsoleBrowser;
let admin: Page;
let member: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  server = await startTestServer();
  const me = await server.api('GET', '/v2/me');
  await server.api('PATCH', `/v2/users/${me.body.id}`, { body: { name: 'Jane Doe' } });
  const org = await createOrganization(server, 'team-alpha');
  const space = await createSpace(server, org, 'alpha-space');
  const created = await server.api('POST', '/v2/api-keys', {
    body: { key_type: 'SERVICE', name: 'ci-traces', organizations: [{ org_id: org, spaces: [{ space_id: space }] }] },
  });
  expect(created.status).toBe(201);
  await server.api('POST', '/v2/api-keys', { body: { key_type: 'USER', name: 'laptop' } });
  expect((await server.api('PUT', `/v2/api-keys/${created.body.id}/revoke`)).status).toBe(204);
  const maya = await createUserWithKey(server, { email: MAYA.email, name: MAYA.name, role: 'MEMBER' });
  await setPassword(server, maya.dbId, MAYA.password);

  ({ browser, admin, member } = await adminAndMemberConsoles(server, MAYA, pageErrors));
}, 90_000);

afterAll(async () => {
  expect(pageErrors).toEqual([]);
  await browser?.close();
  await server?.close();
});

describe('the audit log page', { timeout: 60_000 }, () => {
  it('tells a member once, plainly, that the page is not theirs, and asks the server nothing (defect 4)', async () => {
    const asked: string[] = [];
    member.on('request', (r) => {
      const path = new URL(r.url()).pathname;
      if (path.startsWith('/v2/audit-logs') || path === '/v2/users') asked.push(path);
    });
    await gotoSettled(member, '/audit-log');
    await member.getByRole('heading', { level: 1, name: 'Audit log' }).waitFor();
    await expect.poll(() => member.getByText('You cannot use this page.').count()).toBe(1);
    expect(await member.getByText('The audit log is for account admins.', { exact: false }).count()).toBe(1);
    expect(await member.getByRole('alert').count()).toBe(0);
    expect(await member.getByRole('form', { name: 'Filter the audit log' }).count()).toBe(0);
    expect(await member.getByRole('table').count()).toBe(0);
    expect(await member.getByText('Forbidden', { exact: false }).count()).toBe(0);
    expect(await member.getByText('No entries match', { exact: false }).count()).toBe(0);
    expect(asked).toEqual([]);
    await expectNoAxeViolations(member);
    await screenshot(member, 'audit-log-not-allowed');
  });

  it('reads each entry as a sentence naming and linking the actor and the target', async () => {
    await gotoSettled(admin, '/audit-log');
    const revoke = admin.getByRole('row').filter({ hasText: 'revoked' });
    await expect.poll(() => revoke.getByRole('cell').nth(1).innerText()).toContain("Jane Doe revoked service key 'ci-traces' in alpha-space");
    const adminId = (await server.api('GET', '/v2/me')).body.id as string;
    await expect.poll(() => revoke.getByRole('link', { name: 'Jane Doe' }).getAttribute('href')).toBe(`/users/${encodeURIComponent(adminId)}`);
    expect(await revoke.getByRole('link', { name: "'ci-traces'" }).getAttribute('href')).toBe('/settings/api-keys');
    const creation = admin.getByRole('row').filter({ hasText: "Jane Doe created service key 'ci-traces' in alpha-space" });
    expect(await creation.count()).toBe(1);
    expect(await admin.getByRole('row').filter({ hasText: "Jane Doe created user key 'laptop'" }).count()).toBe(1);
    const spaceRow = admin.getByRole('row').filter({ hasText: "Jane Doe created space 'alpha-space' in organization 'team-alpha'" });
    await expect.poll(() => spaceRow.getByRole('link', { name: "'alpha-space'" }).getAttribute('href')).toMatch(/^\/spaces\/[A-Za-z0-9+/=%]+$/);
    expect(await spaceRow.getByRole('link', { name: "'team-alpha'" }).getAttribute('href')).toMatch(/^\/organizations\//);
    expect(await admin.getByRole('row').filter({ hasText: 'Jane Doe updated their own account' }).count()).toBe(1);
    await expectNoAxeViolations(admin);
  });

  it('shows a revoke\'s details as JSON once, not as a JSON string of JSON (defect 5)', async () => {
    await gotoSettled(admin, '/audit-log');
    const revoke = admin.getByRole('row').filter({ hasText: 'revoked' });
    await revoke.getByText('Show').click();
    const detail = await revoke.locator('pre').first().innerText();
    expect(detail).toMatch(/^\{\n {2}"api_key_id": "[A-Za-z0-9+/=]+"\n\}$/);
    expect(detail).not.toContain('\\"');
    await expectNoAxeViolations(admin);
    await screenshot(admin, 'audit-log-entries');
  });

  it('filters by target, by name', async () => {
    await gotoSettled(admin, '/audit-log');
    await admin.getByLabel('Target').fill('ci-traces');
    await admin.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => new URL(admin.url()).searchParams.get('target')).toBe('ci-traces');
    const rows = admin.getByRole('table', { name: 'Audit log entries' }).locator('tbody tr');
    await expect.poll(() => rows.allInnerTexts()).toEqual([
      expect.stringContaining("Jane Doe revoked service key 'ci-traces'"),
      expect.stringContaining("Jane Doe created service key 'ci-traces'"),
    ]);
    await expectNoAxeViolations(admin);
  });

  it('exports the matching entries as CSV and as JSON, each with its sentence', async () => {
    await gotoSettled(admin, '/audit-log?target=ci-traces');
    const [csvDownload] = await Promise.all([admin.waitForEvent('download'), admin.getByRole('button', { name: 'Export CSV' }).click()]);
    expect(csvDownload.suggestedFilename()).toMatch(/^audit-log-.*\.csv$/);
    const csv = await readFile((await csvDownload.path())!, 'utf8');
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe('time,summary,user_id,user,operation_type,operation,ip,variables,body,id');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain("Jane Doe revoked service key 'ci-traces' in alpha-space");
    expect(lines[1]).toContain('PUT /v2/api-keys/:api_key_id/revoke');

    const [jsonDownload] = await Promise.all([admin.waitForEvent('download'), admin.getByRole('button', { name: 'Export JSON' }).click()]);
    const entries = JSON.parse(await readFile((await jsonDownload.path())!, 'utf8')) as { summary: string; operation_name: string; variables: string }[];
    expect(entries.map((e) => e.summary)).toEqual([
      "Jane Doe revoked service key 'ci-traces' in alpha-space",
      "Jane Doe created service key 'ci-traces' in alpha-space",
    ]);
    expect(typeof JSON.parse(entries[0]!.variables).api_key_id).toBe('string');
  });

  it('marks failed sign-ins as failures on their own tab', async () => {
    expect((await server.api('POST', '/auth/login', { key: null, body: { email: MAYA.email, password: 'not her password at all' } })).status).toBe(401);
    await gotoSettled(admin, '/audit-log?view=failures');
    const row = admin.getByRole('row').filter({ hasText: 'POST /auth/login' });
    await expect.poll(() => row.locator('.badge-red').innerText()).toBe('wrong password');
    await expectNoAxeViolations(admin);
  });

  it('asks once when the log cannot be read, and not again until the filters change (defect 5)', async () => {
    const asked: string[] = [];
    await admin.route(AUDIT_LIST, (route) => route.fulfill({
      status: 503, contentType: 'application/problem+json', body: JSON.stringify({ status: 503, title: 'Service Unavailable', code: 'UNAVAILABLE' }),
    }));
    admin.on('request', (r) => {
      if (new URL(r.url()).pathname === '/v2/audit-logs') asked.push(r.url());
    });
    try {
      await gotoSettled(admin, '/audit-log');
      await expect.poll(() => admin.getByRole('alert').innerText()).toBe('The server is busy or starting; try again shortly.');
      expect(await admin.getByRole('table', { name: 'Audit log entries' }).count()).toBe(0);
      // Whatever re-renders the page (a tab, typing in a filter) sends nothing more.
      await admin.getByLabel('Target').fill('something');
      await admin.getByRole('tab', { name: 'Failed authentications' }).click();
      await admin.getByRole('tab', { name: 'Actions' }).click();
      // Back on the actions view, its list is asked for once more (the view is part of what it asks for); under load
      // that request can start after a quiet spell longer than requestsSettled's, so wait for it before settling.
      await expect.poll(() => asked.length).toBe(2);
      await requestsSettled(admin);
      expect(asked).toHaveLength(2);
    } finally {
      await admin.unroute(AUDIT_LIST);
    }
  });

  it('reads a deactivation and a reactivation as sentences, not "ran DEACTIVATE_USER"', async () => {
    const bob = await createUserWithKey(server, { email: 'bob@example.com', name: 'Bob Builder', role: 'MEMBER' });
    expect((await server.api('POST', `/v2/users/${bob.id}/deactivate`)).status).toBe(204);
    expect((await server.api('POST', `/v2/users/${bob.id}/reactivate`)).status).toBe(204);
    await gotoSettled(admin, '/audit-log');
    const rows = admin.getByRole('row');
    await expect.poll(() => rows.filter({ hasText: 'Jane Doe deactivated Bob Builder' }).count()).toBe(1);
    expect(await rows.filter({ hasText: 'Jane Doe reactivated Bob Builder' }).count()).toBe(1);
    expect(await rows.filter({ hasText: /ran (DE|RE)ACTIVATE_USER/ }).count()).toBe(0);
  });
});
