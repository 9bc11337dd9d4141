import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUserWithKey } from '../helpers/fixtures.js';
import { addOrganizationMember, addSpaceMember, memberWithServiceKey } from '../helpers/hierarchy.js';
import { openConsole, signInToConsole, type ConsoleBrowser, gotoSettled } from '../helpers/console-browser.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { insertProvider } from '../helpers/sso-provider-rows.js';

/**
 * Issue 12, deprovisioning in the console (identity.md §7.3): an account admin deactivates a user from the Users page
 * (the dialog says what stops working), the row reads "Deactivated", Reactivate undoes it; on Settings → API Keys
 * the service keys of a deactivated, deleted or demoted creator are marked "Orphaned — <reason>" with Transfer next to
 * Refresh and Revoke.
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
const newMemberWithServiceKey = () => memberWithServiceKey(server, { prefix: 'console-deprov', keyName: 'deprov-etl', personName: 'Leaving Person' }, ++count);

const me = (key: string) => server.api('GET', '/v2/me', { key });
const userRow = (email: string) => page.getByRole('row').filter({ hasText: email });

describe('deprovisioning in the console', { timeout: 60_000 }, () => {
  it('deactivates a user from the Users page, shows the badge, and reactivates', async () => {
    const w = await newMemberWithServiceKey();
    await gotoSettled(page, `/users?email=${encodeURIComponent(w.member.email)}`);
    await page.getByRole('button', { name: `Deactivate ${w.member.email}` }).click();
    const confirm = page.getByRole('dialog', { name: 'Deactivate user' });
    // The server's dry run names the service key they created, with the keep / revoke / rotate choice (keep by default).
    const keys = confirm.getByRole('list', { name: 'Service keys they created' });
    await keys.getByText(w.svc.name).waitFor();
    const text = await confirm.textContent();
    expect(text).toContain('can no longer sign in');
    expect(text).toContain('1 user API key is revoked');
    expect(text).toContain('they created keep working');
    expect(await confirm.getByRole('radio', { name: /Keep them/ }).isChecked()).toBe(true);
    await confirm.getByRole('button', { name: 'Deactivate user' }).click();
    await confirm.waitFor({ state: 'detached' });

    await userRow(w.member.email).getByText('Deactivated', { exact: true }).waitFor();
    expect(await userRow(w.member.email).getByText('Expired', { exact: true }).count()).toBe(0);
    expect((await me(w.member.key)).status).toBe(401);
    expect((await me(w.svc.key)).status).toBe(200);
    expect(await page.getByRole('button', { name: `Deactivate ${w.member.email}` }).count()).toBe(0);

    await page.getByRole('button', { name: `Reactivate ${w.member.email}` }).click();
    const again = page.getByRole('dialog', { name: 'Reactivate user' });
    await again.getByRole('button', { name: 'Reactivate user' }).click();
    await again.waitFor({ state: 'detached' });
    await userRow(w.member.email).getByText('Active', { exact: true }).waitFor();
    const user = (await server.api('GET', `/v2/users/${encodeURIComponent(w.member.id)}`)).body as { status: string; deactivated_at?: string };
    expect(user.status).toBe('ACTIVE');
    expect(user.deactivated_at).toBeUndefined();
  });

  it('a user a SCIM directory manages reads "Deactivated (by SCIM of <provider>)" and offers no Reactivate', async () => {
    const w = await newMemberWithServiceKey();
    const domain = `console-deprov-${count}.test`;
    const idpId = await insertProvider(server, domain, []);
    await server.context!.store.db.insertInto('user_identities').values({
      idp_id: idpId, subject: w.member.email, user_id: w.member.dbId, provisioned_by_scim: 1, last_login_at: null, last_attributes: null,
      created_at: new Date().toISOString(),
    }).execute();
    expect((await server.api('POST', `/v2/users/${encodeURIComponent(w.member.id)}/deactivate`)).status).toBe(204);
    await gotoSettled(page, `/users?email=${encodeURIComponent(w.member.email)}`);
    await userRow(w.member.email).getByText(`Deactivated (by SCIM of idp-${domain})`, { exact: true }).waitFor();
    expect(await page.getByRole('button', { name: `Reactivate ${w.member.email}` }).count()).toBe(0);
  });

  it('"Revoke them" in the Deactivate dialog revokes the service keys they created in the same request', async () => {
    const w = await newMemberWithServiceKey();
    await gotoSettled(page, `/users?email=${encodeURIComponent(w.member.email)}`);
    await page.getByRole('button', { name: `Deactivate ${w.member.email}` }).click();
    const confirm = page.getByRole('dialog', { name: 'Deactivate user' });
    await confirm.getByRole('radio', { name: /Revoke them/ }).check();
    await confirm.getByRole('button', { name: 'Deactivate user' }).click();
    await confirm.waitFor({ state: 'detached' });
    await userRow(w.member.email).getByText('Deactivated', { exact: true }).waitFor();
    expect((await me(w.member.key)).status).toBe(401);
    expect((await me(w.svc.key)).status).toBe(401);
  });

  it('marks a deactivated creator\'s service key "Orphaned" and transfers it to an active user', async () => {
    const w = await newMemberWithServiceKey();
    const heir = await createUserWithKey(server, { email: `console-heir-${count}@example.com`, name: `Heir ${count}` });
    await addOrganizationMember(server, w.orgId, heir.id, 'READ_ONLY');
    await addSpaceMember(server, w.spaceId, heir.id, 'ADMIN');
    expect((await server.api('POST', `/v2/users/${encodeURIComponent(w.member.id)}/deactivate`)).status).toBe(204);

    await gotoSettled(page, '/settings/api-keys?tab=service');
    const orphaned = page.getByRole('table', { name: 'Orphaned service keys' });
    const row = orphaned.getByRole('row').filter({ hasText: w.svc.name });
    await row.getByText('Orphaned', { exact: true }).waitFor();
    expect(await row.textContent()).toContain(w.member.email);
    await row.getByRole('button', { name: `Refresh ${w.svc.name}` }).waitFor();
    await row.getByRole('button', { name: `Revoke ${w.svc.name}` }).waitFor();

    await row.getByRole('button', { name: `Transfer ${w.svc.name}` }).click();
    const dialog = page.getByRole('dialog', { name: 'Transfer service key' });
    const owner = dialog.getByLabel('New owner');
    await owner.locator('option', { hasText: heir.email }).waitFor({ state: 'attached' });
    await owner.selectOption({ label: `Heir ${count} (${heir.email})` });
    await dialog.getByRole('button', { name: 'Transfer key' }).click();
    await dialog.waitFor({ state: 'detached' });
    await orphaned.getByRole('row').filter({ hasText: w.svc.name }).waitFor({ state: 'detached' });

    const keys = (await server.api('GET', `/v2/api-keys?key_type=SERVICE&created_by_user_id=${encodeURIComponent(heir.id)}`)).body as { api_keys: { id: string; created_by_user_id: string }[] };
    expect(keys.api_keys.map((k) => [k.id, k.created_by_user_id])).toEqual([[w.svc.id, heir.id]]);
    expect((await me(w.svc.key)).status).toBe(200);
  });

  it('marks a deleted creator\'s key "Orphaned — creator deleted" and a removed creator\'s with the permission it no longer holds', async () => {
    const deleted = await newMemberWithServiceKey();
    const removed = await newMemberWithServiceKey();
    expect((await server.api('DELETE', `/v2/users/${encodeURIComponent(deleted.member.id)}`)).status).toBe(204);
    expect((await server.api('DELETE', `/v2/spaces/${encodeURIComponent(removed.spaceId)}/users/${encodeURIComponent(removed.member.id)}`)).status).toBe(204);

    await gotoSettled(page, '/settings/api-keys?tab=service');
    const orphaned = page.getByRole('table', { name: 'Orphaned service keys' });
    const gone = orphaned.getByRole('row').filter({ hasText: deleted.svc.name });
    await gone.getByText('— creator deleted', { exact: true }).waitFor();
    expect(await gone.getByText('Orphaned', { exact: true }).count()).toBe(1);
    expect(await gone.textContent()).toContain('A deleted user');
    for (const action of ['Transfer', 'Refresh', 'Revoke']) await gone.getByRole('button', { name: `${action} ${deleted.svc.name}` }).waitFor();

    const lacking = orphaned.getByRole('row').filter({ hasText: removed.svc.name });
    await lacking.getByText('— creator no longer holds the key\'s roles (missing SERVICE_KEY_CREATE)', { exact: true }).waitFor();
    expect(await lacking.textContent()).toContain(removed.member.email);
    await lacking.getByRole('button', { name: `Transfer ${removed.svc.name}` }).click();
    const dialog = page.getByRole('dialog', { name: 'Transfer service key' });
    expect(await dialog.textContent()).toContain(`is orphaned: creator no longer holds the key's roles (missing SERVICE_KEY_CREATE) (${removed.member.email})`);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
  });

  it('shows the server\'s refusal in the Transfer dialog when the new owner lacks the key\'s permissions', async () => {
    const w = await newMemberWithServiceKey();
    const outsider = await createUserWithKey(server, { email: `console-outsider-${count}@example.com`, name: `Outsider ${count}` });
    expect((await server.api('POST', `/v2/users/${encodeURIComponent(w.member.id)}/deactivate`)).status).toBe(204);

    await gotoSettled(page, '/settings/api-keys?tab=service');
    const row = page.getByRole('table', { name: 'Orphaned service keys' }).getByRole('row').filter({ hasText: w.svc.name });
    await row.getByRole('button', { name: `Transfer ${w.svc.name}` }).click();
    const dialog = page.getByRole('dialog', { name: 'Transfer service key' });
    const owner = dialog.getByLabel('New owner');
    await owner.locator('option', { hasText: outsider.email }).waitFor({ state: 'attached' });
    await owner.selectOption({ label: `Outsider ${count} (${outsider.email})` });
    await dialog.getByRole('button', { name: 'Transfer key' }).click();
    await dialog.getByRole('alert').waitFor();
    expect(await dialog.getByRole('alert').textContent()).toMatch(/[A-Z]+_[A-Z_]+/);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
  });
});
