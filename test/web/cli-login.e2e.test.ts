import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AX_BIN, REPO_ROOT, runAx, type AxResult } from '../cli/ax-process.js';
import { openConsole, type ConsoleBrowser } from '../helpers/console-browser.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * `ax auth login` end to end with a real browser (identity.md §7.1, §12.4): the real `ax` prints the authorize URL
 * (--no-browser), Chromium opens it, signs in on the console's sign-in page and approves on the consent page; the
 * browser lands on the CLI's loopback, which sends it to the server's result page, and `ax` stores the login.
 */

let server: TestServer;
let browser: ConsoleBrowser;

beforeAll(async () => {
  server = await startTestServer();
  ({ browser } = await openConsole(server));
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** Runs `ax` and hands over the authorize URL as soon as it is printed; resolves with the whole run. */
function axPrintingUrl(args: readonly string[], env: Record<string, string>): { url: Promise<string>; done: Promise<AxResult> } {
  const child = spawn(process.execPath, ['--', AX_BIN, ...args], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let found: (url: string) => void;
  const url = new Promise<string>((resolve) => (found = resolve));
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
    const match = /(http:\/\/\S+\/oauth2\/authorize\?\S+)/.exec(stderr);
    if (match) found(match[1]!);
  });
  const done = new Promise<AxResult>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
  return { url, done };
}

describe('ax auth login with Chromium', () => {
  it('the printed URL → console sign-in → Approve → the loopback → the result page; ax stores the login and `ax users list` works', async () => {
    const env = { ARIZE_DIRECTORY: mkdtempSync(join(tmpdir(), 'ax-web-login-')) };
    // `profiles update --auth-method oauth` switches a profile to browser logins without starting one.
    expect((await runAx(['profiles', 'create', 'web', '--api-key', 'ak-unused', '--endpoint', server.url], { env })).code).toBe(0);
    expect((await runAx(['profiles', 'update', 'web', '--auth-method', 'oauth'], { env })).code).toBe(0);

    const login = axPrintingUrl(['auth', 'login', '--no-browser', '--timeout', '60'], env);
    const url = await login.url;
    expect(url.startsWith(`${server.url}/oauth2/authorize?response_type=code&client_id=arize-cli&redirect_uri=http%3A%2F%2F127.0.0.1%3A`)).toBe(true);
    expect(url).toContain('scope=openid%20email');
    expect(url).toContain('code_challenge_method=S256');

    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 }, baseURL: server.url })).newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(url);
    await page.waitForURL(/\/login\?next=%2Fauthorize%2F/);
    await page.getByText('Sign in to approve or deny the login of ax').waitFor();
    await page.getByLabel('Email', { exact: true }).fill('admin@localhost');
    await page.getByLabel('Password', { exact: true }).fill(server.adminPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Authorize ax' }).waitFor().catch(async (error: Error) => {
      throw new Error(`${error.message}\nThe page at ${page.url()} shows: ${await page.locator('body').innerText()}`);
    });
    await page.getByRole('button', { name: 'Approve', exact: true }).click();
    await page.waitForURL(`${server.url}/auth/cli/callback?status=success`);

    const result = await login.done;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('Logged in as admin@localhost');
    const users = await runAx(['users', 'list', '-o', 'json'], { env });
    expect(users.code, users.stderr).toBe(0);
    expect(JSON.parse(users.stdout).users.map((u: { email: string }) => u.email)).toContain('admin@localhost');
    await page.context().close();
    rmSync(env.ARIZE_DIRECTORY, { recursive: true, force: true });
  });
});
