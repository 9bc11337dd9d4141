import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openConsole, signInToConsole, type ConsoleBrowser } from '../helpers/console-browser.js';
import { setPassword } from '../helpers/console-session.js';
import { authorizeUrl, cliLogin, exchangeCode, pkcePair } from '../helpers/cli-login.js';
import { createUserWithKey } from '../helpers/fixtures.js';
import { startOidcOp } from '../helpers/oidc-op.js';
import { predefinedRoleId } from '../helpers/sso-login.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * The browser half of `ax auth login` in real Chromium against the real server (identity.md §6.3, §7.3): the
 * authorize URL a CLI opens leads through the console's sign-in to the consent page, whose answer reaches the CLI's
 * loopback; and the CLI logins are listed and revoked on Settings → CLI logins and, for an admin, on the Users page.
 */

let server: TestServer;
let browser: ConsoleBrowser;
const pageErrors: string[] = [];
const MEMBER_PASSWORD = 'copper kites above the harbour';

/** The CLI's side: a one-shot loopback on 127.0.0.1 that answers 200 and records the query of each `/callback` hit. */
interface Loopback { port: number; hits: URLSearchParams[]; close(): Promise<void> }

async function loopback(): Promise<Loopback> {
  const hits: URLSearchParams[] = [];
  const http: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/callback') hits.push(url.searchParams);
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ax received the answer');
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return {
    port: (http.address() as AddressInfo).port,
    hits,
    close: () => new Promise((resolve) => { http.close(() => resolve()); }),
  };
}

async function freshPage(): Promise<Page> {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 }, baseURL: server.url })).newPage();
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (e) => pageErrors.push(e.message));
  return page;
}

/** Opens the URL a CLI opens, signs in on the console's sign-in page it leads to, and waits for the consent card. */
async function reachConsent(page: Page, url: string, email: string, password: string): Promise<void> {
  await page.goto(url);
  await page.waitForURL(/\/login\?next=%2Fauthorize%2F/);
  await page.getByText('Sign in to approve or deny the login of ax').waitFor();
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: 'Authorize ax' }).waitFor();
  await page.getByRole('button', { name: 'Approve', exact: true }).waitFor();
}

beforeAll(async () => {
  server = await startTestServer({ env: { AX_SSO_ALLOWED_PRIVATE_HOSTS: '127.0.0.1', AX_SECRETS_KEY: randomBytes(32).toString('base64') } });
  ({ browser } = await openConsole(server));
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('the consent page', () => {
  it('signs in, shows who and which port, and Approve sends a code to the loopback that trades for tokens', async () => {
    const cli = await loopback();
    try {
      const pkce = pkcePair();
      const state = randomBytes(16).toString('base64url');
      const page = await freshPage();
      await reachConsent(page, authorizeUrl(server.url, { port: cli.port, state, pkce }), 'admin@localhost', server.adminPassword);
      expect(page.url()).toMatch(new RegExp(`^${server.url}/authorize/[A-Za-z0-9_-]+$`));
      const card = page.getByRole('main');
      await expect.poll(() => card.innerText()).toContain(
        'ax on this computer asks to act as admin@localhost. Only approve if you started ax auth login yourself in a terminal on this device.',
      );
      expect(await card.innerText()).toContain(`It will send the answer to port ${cli.port} on this computer.`);
      expect(await page.getByRole('navigation', { name: 'Main' }).count()).toBe(0);

      await page.getByRole('button', { name: 'Approve', exact: true }).click();
      await page.waitForURL(new RegExp(`^http://127\\.0\\.0\\.1:${cli.port}/callback\\?`));
      expect(cli.hits).toHaveLength(1);
      const answer = cli.hits[0]!;
      expect(answer.get('state')).toBe(state);
      expect(answer.get('iss')).toBe(server.url);
      const token = await exchangeCode(server.url, answer.get('code')!, cli.port, pkce.verifier);
      expect(token.status, JSON.stringify(token.body)).toBe(200);
      expect((await server.api('GET', '/v2/me', { key: String(token.body.access_token) })).body.email).toBe('admin@localhost');
      await page.context().close();
    } finally {
      await cli.close();
    }
  });

  it('Deny sends access_denied to the loopback, and no login is created', async () => {
    const cli = await loopback();
    try {
      const user = await createUserWithKey(server, { email: 'denies@example.com' });
      await setPassword(server, user.dbId, MEMBER_PASSWORD);
      const state = randomBytes(16).toString('base64url');
      const page = await freshPage();
      await reachConsent(page, authorizeUrl(server.url, { port: cli.port, state, pkce: pkcePair() }), user.email, MEMBER_PASSWORD);
      await page.getByRole('button', { name: 'Deny', exact: true }).click();
      await page.waitForURL(new RegExp(`^http://127\\.0\\.0\\.1:${cli.port}/callback\\?`));
      expect(cli.hits).toHaveLength(1);
      expect(cli.hits[0]!.get('error')).toBe('access_denied');
      expect(cli.hits[0]!.get('state')).toBe(state);
      expect(cli.hits[0]!.get('code')).toBeNull();
      expect((await server.api('GET', '/v2/oauth-grants', { key: user.key })).body.oauth_grants).toEqual([]);
      await page.context().close();
    } finally {
      await cli.close();
    }
  });

  it('signs in through single sign-on (OIDC) and comes back to the same consent page', async () => {
    const op = await startOidcOp({ redirectUris: [`${server.url}/auth/oidc/callback`] });
    const cli = await loopback();
    try {
      const orgId = (await server.api('POST', '/v2/organizations', { body: { name: 'CLI via SSO' } })).body.id;
      const created = await server.api('POST', '/v2/oidc-identity-providers', {
        body: {
          name: 'CLI OP', email_domains: ['sso-cli.test'], issuer: op.issuer, client_id: op.clientId, client_secret: op.clientSecret,
          groups_claim_path: 'groups',
          role_mappings: [{ attributes_map: { groups: 'cli' }, org_role: { org_id: orgId, role_id: await predefinedRoleId(server, 'Member') } }],
        },
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      op.setClaims('carol', { email: 'carol@sso-cli.test', email_verified: true, name: 'Carol', groups: ['cli'] });

      const page = await freshPage();
      await page.goto(authorizeUrl(server.url, { port: cli.port, state: 'sso-state', pkce: pkcePair() }));
      await page.getByLabel('Email', { exact: true }).fill('carol@sso-cli.test');
      await page.getByRole('button', { name: 'Continue with SSO' }).click();
      // The OP's own (development) login and consent forms.
      await page.waitForURL((url) => url.origin === op.issuer);
      await page.locator('input[name="login"]').fill('carol');
      await page.locator('input[name="password"]').fill('any');
      await page.locator('input[name="password"]').press('Enter');
      // The OP asks for its own consent unless it remembers one: either its Continue button or our page comes next.
      const consentHeading = page.getByRole('heading', { level: 1, name: 'Authorize ax' });
      const opContinue = page.getByRole('button', { name: 'Continue', exact: true });
      await opContinue.or(consentHeading).waitFor();
      if (await opContinue.isVisible()) await opContinue.click();
      await consentHeading.waitFor();
      expect(new URL(page.url()).pathname).toMatch(/^\/authorize\/[A-Za-z0-9_-]+$/);
      await expect.poll(() => page.getByRole('main').innerText()).toContain('asks to act as carol@sso-cli.test');
      await page.getByRole('button', { name: 'Approve', exact: true }).click();
      await page.waitForURL(new RegExp(`^http://127\\.0\\.0\\.1:${cli.port}/callback\\?`));
      expect(cli.hits[0]!.get('state')).toBe('sso-state');
      expect(cli.hits[0]!.get('code')).not.toBeNull();
      await page.context().close();
    } finally {
      await cli.close();
      await op.close();
    }
  });

  it('has a temporary password changed first, then shows the consent for the same login request', async () => {
    const cli = await loopback();
    try {
      const user = await createUserWithKey(server, { email: 'temporary@example.com' });
      await setPassword(server, user.dbId, MEMBER_PASSWORD);
      await server.context!.store.db.updateTable('users').set({ must_change_password: 1 }).where('id', '=', user.dbId).execute();
      const page = await freshPage();
      await page.goto(authorizeUrl(server.url, { port: cli.port, state: 'temporary-state', pkce: pkcePair() }));
      await page.getByLabel('Email', { exact: true }).fill(user.email);
      await page.getByLabel('Password', { exact: true }).fill(MEMBER_PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { level: 1, name: 'Choose a new password' }).waitFor();
      await page.getByLabel('Current password', { exact: true }).fill(MEMBER_PASSWORD);
      await page.getByLabel('New password', { exact: true }).fill('violet engines under snow');
      await page.getByLabel('Confirm new password', { exact: true }).fill('violet engines under snow');
      await page.getByRole('button', { name: 'Save password and continue' }).click();
      await page.getByRole('heading', { level: 1, name: 'Authorize ax' }).waitFor();
      await expect.poll(() => page.getByRole('main').innerText()).toContain(`asks to act as ${user.email}`);
      await page.getByRole('button', { name: 'Approve', exact: true }).click();
      await page.waitForURL(new RegExp(`^http://127\\.0\\.0\\.1:${cli.port}/callback\\?`));
      expect(cli.hits[0]!.get('code')).not.toBeNull();
      await page.context().close();
    } finally {
      await cli.close();
    }
  });

  it('says what to do when the login request is unknown or expired', async () => {
    const page = await freshPage();
    await signInToConsole(page, 'admin@localhost', server.adminPassword);
    await page.goto('/authorize/no-such-login-request');
    await page.getByRole('alert').filter({ hasText: 'This login request has expired' }).waitFor();
    expect(await page.getByRole('alert').innerText()).toContain('Run ax auth login again in your terminal');
    await page.context().close();
  });
});

describe('CLI logins', () => {
  it('lists a user\'s logins on Settings → CLI logins and for an admin on the Users page; Revoke ends each at once', async () => {
    const email = 'cli-person@example.com';
    const user = await createUserWithKey(server, { email });
    await setPassword(server, user.dbId, MEMBER_PASSWORD);
    const first = await cliLogin(server.url, { email, password: MEMBER_PASSWORD });
    const second = await cliLogin(server.url, { email, password: MEMBER_PASSWORD });

    const own = await freshPage();
    await signInToConsole(own, email, MEMBER_PASSWORD);
    await own.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'CLI logins' }).click();
    await own.getByRole('heading', { level: 1, name: 'CLI logins' }).waitFor();
    const rows = own.getByRole('table', { name: 'Your CLI logins' }).getByRole('row');
    await expect.poll(() => rows.count()).toBe(3);
    expect(await rows.nth(1).innerText()).toContain('ax command-line interface');
    await own.getByRole('button', { name: /^Revoke the CLI login/ }).first().click();
    await own.getByRole('dialog').getByRole('button', { name: 'Revoke login' }).click();
    await expect.poll(() => rows.count()).toBe(2);
    expect((await server.api('GET', '/v2/me', { key: first.access })).status).toBe(401);
    expect((await server.api('GET', '/v2/me', { key: second.access })).status).toBe(200);

    const admin = await freshPage();
    await signInToConsole(admin, 'admin@localhost', server.adminPassword);
    await admin.goto('/users');
    await admin.getByRole('button', { name: `CLI logins of ${email}` }).click();
    const dialog = admin.getByRole('dialog', { name: `CLI logins of ${email}` });
    const adminRows = dialog.getByRole('table', { name: `CLI logins of ${email}` }).getByRole('row');
    await expect.poll(() => adminRows.count()).toBe(2);
    await dialog.getByRole('button', { name: /^Revoke the CLI login/ }).click();
    await admin.getByRole('dialog', { name: 'Revoke CLI login' }).getByRole('button', { name: 'Revoke login' }).click();
    await dialog.getByText(`${email} has no CLI logins.`).waitFor();
    expect((await server.api('GET', '/v2/me', { key: second.access })).status).toBe(401);
    expect(pageErrors).toEqual([]);
  });
});
