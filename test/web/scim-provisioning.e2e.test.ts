import { join } from 'node:path';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openConsole, signInToConsole, type ConsoleBrowser, requestsSettled } from '../helpers/console-browser.js';
import { setPassword } from '../helpers/console-session.js';
import { createUserWithKey } from '../helpers/fixtures.js';
import { createScimUser, SCIM_GROUP, setUpScim } from '../helpers/scim.js';
import { SamlTestIdp } from '../helpers/saml-idp.js';
import { REPO_ROOT, startTestServer, type TestServer } from '../helpers/server.js';

/**
 * Issue 12, Settings → Provisioning in real Chromium against the real server: an account admin finds the SCIM base
 * URL of an identity provider, creates a SCIM token (shown once, copied), the directory's requests with it work and
 * its failed ones are listed, and revoking it stops it at once; the provider's own page has the same in a SCIM tab;
 * people who are not account admins get neither the navigation entry nor the page. With AX_SCREENSHOTS=1 it saves
 * docs/screenshots/provisioning*.png.
 */
let server: TestServer;
let browser: ConsoleBrowser;
let context: BrowserContext;
let admin: Page;
const pageErrors: string[] = [];
const PROVIDER = 'Okta workforce';
const MEMBER_PASSWORD = 'amber kites over quiet fields';
let idpId = '';

beforeAll(async () => {
  server = await startTestServer({ env: { AX_AUTH_FAILURE_LIMIT: '1000' } });
  const idp = await SamlTestIdp.create();
  const created = await server.api('POST', '/v2/saml-identity-providers', {
    body: {
      name: PROVIDER, email_domains: ['scim-console.test'], metadata_xml: idp.metadataXml(),
      role_mappings: [{ attributes_map: { group: 'admins' }, is_account_admin: true }],
    },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  idpId = created.body.id as string;
  ({ browser } = await openConsole(server));
  context = await browser.newContext({ viewport: { width: 1280, height: 900 }, baseURL: server.url });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  admin = await context.newPage();
  admin.setDefaultTimeout(15_000);
  admin.on('pageerror', (e) => pageErrors.push(e.message));
  await signInToConsole(admin, 'admin@localhost', server.adminPassword);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** Saves a screenshot under AX_SCREENSHOTS=1 only: a normal run leaves docs/ untouched. */
async function shot(page: Page, name: string): Promise<void> {
  await requestsSettled(page);
  for (const close of await page.getByRole('button', { name: 'Dismiss notification' }).all()) await close.click();
  if (process.env.AX_SCREENSHOTS === '1') await page.screenshot({ path: join(REPO_ROOT, 'docs/screenshots', `${name}.png`), fullPage: true });
}

const scim = (token: string, path: string) => server.api('GET', `/scim/v2${path}`, { key: token });
const card = (name = PROVIDER): Locator => admin.getByRole('region', { name, exact: true });
/** A fact of a provider's status (`Last request`, `Users managed`, …): its term and value. */
const fact = (term: string, of = card()): Locator => of.getByRole('term').filter({ hasText: term }).locator('..');

describe('Settings → Provisioning', { timeout: 90_000 }, () => {
  it('creates a SCIM token shown once, lists the directory\'s failed requests, and revokes the token', async () => {
    await admin.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Provisioning' }).click();
    await admin.getByRole('heading', { level: 1, name: 'Provisioning', exact: true }).waitFor();
    await card().getByText(`${server.url}/scim/v2`, { exact: true }).waitFor();
    await card().getByText('No tokens. Create one and paste it into the directory with the base URL.').waitFor();
    await card().getByText('No failed requests from the directory.').waitFor();

    await card().getByRole('button', { name: 'Copy URL' }).click();
    await card().getByRole('button', { name: 'Copied' }).waitFor();
    expect(await admin.evaluate(() => navigator.clipboard.readText())).toBe(`${server.url}/scim/v2`);

    await card().getByRole('button', { name: `New SCIM token for ${PROVIDER}` }).click();
    const form = admin.getByRole('dialog', { name: 'New SCIM token' });
    await form.getByLabel('Token name').fill('Okta production');
    await form.getByLabel('Expiration').selectOption({ label: '90 days' });
    await form.getByRole('button', { name: 'Create token' }).click();

    const shown = admin.getByRole('dialog', { name: 'SCIM token created' });
    await shown.getByText('Copy this token now').waitFor();
    const token = await shown.getByLabel(`SCIM token “Okta production” for ${PROVIDER}`).inputValue();
    expect(token).toMatch(/^axscim-/);
    await shown.getByRole('button', { name: 'Copy', exact: true }).click();
    await shown.getByRole('button', { name: 'Copied' }).waitFor();
    expect(await admin.evaluate(() => navigator.clipboard.readText())).toBe(token);
    await shot(admin, 'provisioning-token');
    await shown.getByRole('button', { name: 'Done' }).click();
    await shown.waitFor({ state: 'detached' });

    // The list shows the token redacted, never the raw value, in the page and in the API it reads.
    const row = card().getByRole('row').filter({ hasText: 'Okta production' });
    await row.getByText(token.slice(-4), { exact: false }).waitFor();
    expect(await admin.content()).not.toContain(token);
    const listed = await server.api('GET', `/v2/saml-identity-providers/${encodeURIComponent(idpId)}/scim-tokens`);
    expect(listed.status).toBe(200);
    expect(JSON.stringify(listed.body)).not.toContain(token);
    expect(listed.body.scim_tokens).toHaveLength(1);
    await row.getByText(/in 3 months|in 90 days/).waitFor();

    // The directory's requests: one that works, one the server refuses after authenticating it (recorded).
    expect((await scim(token, '/Users')).status).toBe(200);
    const bad = await scim(token, `/Users?filter=${encodeURIComponent('userName co "x"')}`);
    expect(bad.status).toBe(400);
    expect(bad.body.scimType).toBe('invalidFilter');

    await card().getByRole('button', { name: `Refresh provisioning of ${PROVIDER}` }).click();
    const errors = card().getByRole('region', { name: `Recent SCIM errors of ${PROVIDER}` });
    const failure = errors.getByRole('row').filter({ hasText: 'GET /scim/v2/Users' });
    await failure.getByText('400 invalidFilter').waitFor();
    // The token's use is the provider's last request; no group changed anyone's grants, so no sync yet.
    await expect.poll(() => fact('Last request').textContent()).toMatch(/ago|now/);
    expect(await fact('Last sync').textContent()).toContain('None yet');
    await shot(admin, 'provisioning');

    await row.getByRole('button', { name: 'Revoke Okta production' }).click();
    const confirm = admin.getByRole('dialog', { name: 'Revoke SCIM token' });
    expect(await confirm.textContent()).toContain('The directory using it is refused from now on');
    await confirm.getByRole('button', { name: 'Revoke token' }).click();
    await confirm.waitFor({ state: 'detached' });
    await card().getByText('No tokens. Create one and paste it into the directory with the base URL.').waitFor();
    expect((await scim(token, '/Users')).status).toBe(401);
    expect(pageErrors).toEqual([]);
  });

  it('shows the same in the SCIM tab of the provider\'s page', async () => {
    await admin.goto('/settings/provisioning');
    await card().getByRole('link', { name: `Edit ${PROVIDER} and its role mapping` }).click();
    await admin.getByRole('heading', { level: 1, name: PROVIDER, exact: true }).waitFor();
    await admin.getByRole('tab', { name: 'SCIM' }).click();
    await admin.getByRole('tabpanel').getByText(`${server.url}/scim/v2`, { exact: true }).waitFor();
    // By keyboard: the button opens the dialog, Escape closes it and gives the focus back.
    const newToken = admin.getByRole('button', { name: `New SCIM token for ${PROVIDER}` });
    await newToken.focus();
    await admin.keyboard.press('Enter');
    const form = admin.getByRole('dialog', { name: 'New SCIM token' });
    await form.getByLabel('Token name').waitFor();
    expect(await form.getByLabel('Token name').evaluate((el) => el === document.activeElement)).toBe(true);
    await admin.keyboard.press('Escape');
    await form.waitFor({ state: 'detached' });
    expect(await newToken.evaluate((el) => el === document.activeElement)).toBe(true);
    await admin.keyboard.press('Enter');
    await form.getByRole('button', { name: 'Create token' }).click();
    const shown = admin.getByRole('dialog', { name: 'SCIM token created' });
    const token = await shown.getByLabel(`SCIM token “SCIM token” for ${PROVIDER}`).inputValue();
    await shown.getByRole('button', { name: 'Done' }).click();
    await admin.getByRole('tabpanel').getByRole('row').filter({ hasText: token.slice(-4) }).waitFor();
    expect((await scim(token, '/Users')).status).toBe(200);
    expect(pageErrors).toEqual([]);
  });

  it('counts the users and groups an OIDC provider\'s directory pushed, and shows when its groups last changed grants', async () => {
    const domain = 'oidc-scim-console.test';
    const { scim } = await setUpScim(server, { protocol: 'OIDC', domains: [domain], rules: [{ attributes: { group: 'ax-admins' }, isAccountAdmin: true }] });
    const userId = await createScimUser(scim, { userName: `ada@${domain}`, name: { givenName: 'Ada', familyName: 'Lovelace' } });
    expect((await scim('POST', '/Groups', { schemas: [SCIM_GROUP], displayName: 'ax-admins', members: [{ value: userId }] })).status).toBe(201);

    await admin.goto('/settings/provisioning');
    const oidc = card(`idp-${domain}`);
    await oidc.getByText('OIDC', { exact: true }).waitFor();
    await expect.poll(() => fact('Users managed', oidc).textContent()).toBe('Users managed1');
    expect(await fact('Groups', oidc).textContent()).toBe('Groups1');
    expect(await fact('Last sync', oidc).textContent()).not.toContain('None yet');
    await oidc.getByRole('row').filter({ hasText: 'directory' }).getByRole('button', { name: 'Revoke directory' }).waitFor();
    // The SAML provider's card is its own: none of this shows there.
    expect(await fact('Users managed').textContent()).toBe('Users managed0');
    expect(pageErrors).toEqual([]);
  });

  it('is for account admins only: no navigation entry, and the page says so', async () => {
    const member = await createUserWithKey(server, { email: 'scim-console-member@example.com', name: 'Plain Member' });
    await setPassword(server, member.dbId, MEMBER_PASSWORD);
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 }, baseURL: server.url })).newPage();
    page.setDefaultTimeout(15_000);
    await signInToConsole(page, member.email, MEMBER_PASSWORD);
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'API Keys' }).waitFor();
    expect(await nav.getByRole('link', { name: 'Provisioning' }).count()).toBe(0);
    await page.goto('/settings/provisioning');
    await page.getByText('You need to be an account admin to configure provisioning.').waitFor();
    expect(await page.getByRole('button', { name: /New SCIM token/ }).count()).toBe(0);
  });
});
