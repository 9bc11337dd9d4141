import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import SQLite from 'better-sqlite3';
import { parse } from 'smol-toml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/errors/exit-codes.js';
import { stripAnsi } from '../../src/cli/output/style.js';
import { consoleSignIn, decide, revokeToken } from '../helpers/cli-login.js';
import { CookieJar } from '../helpers/cookie-jar.js';
import { testBackend } from '../helpers/database.js';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../helpers/server.js';
import { AX_BIN, REPO_ROOT, runAx, type AxResult } from './ax-process.js';

const STUB = fileURLToPath(new URL('../helpers/browser-stub.mjs', import.meta.url));
const ADMIN = 'admin@localhost';

let server: TestServer;
const machines: string[] = [];
beforeAll(async () => { server = await startTestServer({ testClock: true }); });
afterAll(async () => {
  await server?.close();
  for (const dir of machines) rmSync(dir, { recursive: true, force: true });
});

/** A fresh ARIZE_DIRECTORY whose browser is the stub, signing in as the bootstrap admin. */
function machine(mode: 'approve' | 'deny' | 'tamper-state' = 'approve'): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'ax-auth-'));
  machines.push(dir);
  return {
    ARIZE_DIRECTORY: dir,
    BROWSER: `'${process.execPath}' '${STUB}'`,
    AX_STUB_EMAIL: ADMIN,
    AX_STUB_PASSWORD: ADMIN_PASSWORD,
    AX_STUB_MODE: mode,
    AX_STUB_LOG: join(dir, 'browser-stub.log'),
  };
}

const profilePath = (env: Record<string, string>, name: string) => join(env.ARIZE_DIRECTORY!, 'profiles', `${name}.toml`);

interface OAuthSection { access_token?: string; refresh_token?: string; expires_at?: string; user_email?: string }
function readProfile(env: Record<string, string>, name: string): { auth?: { auth_method?: string; api_key?: string; oauth?: OAuthSection } } {
  return parse(readFileSync(profilePath(env, name), 'utf8')) as never;
}

/** Moves the CLI's view of the token's end (the profile's expires_at) as its own clock would see it. */
function setExpiresAt(env: Record<string, string>, name: string, at: Date): void {
  const file = profilePath(env, name);
  const text = readFileSync(file, 'utf8').replace(/^expires_at = ".*"$/m, `expires_at = "${at.toISOString().replace(/\.\d{3}Z$/, 'Z')}"`);
  writeFileSync(file, text);
}

function stubLog(env: Record<string, string>): string {
  try {
    return readFileSync(env.AX_STUB_LOG!, 'utf8');
  } catch {
    return '';
  }
}

async function loggedIn(name: string, mode: 'approve' = 'approve'): Promise<Record<string, string>> {
  const env = machine(mode);
  const created = await runAx(['profiles', 'create', name, '--auth-method', 'oauth', '--endpoint', server.url], { env });
  expect(created.code, created.stderr + stubLog(env)).toBe(0);
  expect(created.stdout).toContain(`Logged in as ${ADMIN}`);
  return env;
}

describe('ax auth login: the browser flow against a real server', () => {
  it('logs a profile in, and `ax users list` works with no API key anywhere; the profile has Arize\'s layout, mode 0600', async () => {
    const env = await loggedIn('work');
    const file = profilePath(env, 'work');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const profile = readProfile(env, 'work');
    expect(profile.auth?.api_key).toBeUndefined();
    expect(profile.auth?.auth_method).toBe('oauth');
    expect(profile.auth?.oauth).toMatchObject({ user_email: ADMIN });
    expect(profile.auth?.oauth?.expires_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const expiresIn = Date.parse(profile.auth!.oauth!.expires_at!) - Date.now();
    expect(expiresIn).toBeGreaterThan(3_500_000);
    expect(expiresIn).toBeLessThanOrEqual(3_600_000);
    const text = readFileSync(file, 'utf8');
    expect(text).toMatch(/^\[auth\]\nauth_method = "oauth"\n\n\[auth\.oauth\]\naccess_token = ".+"\nrefresh_token = ".+"\nexpires_at = ".+"\nuser_email = "admin@localhost"\n/m);

    const users = await runAx(['users', 'list', '-o', 'json'], { env });
    expect(users.code, users.stderr).toBe(0);
    expect(JSON.parse(users.stdout).users.map((u: { email: string }) => u.email)).toContain(ADMIN);

    const me = await server.api('GET', '/v2/me', { key: profile.auth!.oauth!.access_token! });
    expect(me.body.auth).toBe('OAUTH');

    const again = await runAx(['auth', 'login', '-p', 'work'], { env });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Run ax auth logout first to switch users');
    expect(readProfile(env, 'work').auth?.oauth?.access_token).toBe(profile.auth!.oauth!.access_token);
  });

  it('`ax auth status` says who, where and until when (text and -o json); `ax profiles show` redacts both tokens', async () => {
    const env = await loggedIn('status');
    const { oauth } = readProfile(env, 'status').auth!;
    const text = await runAx(['auth', 'status'], { env });
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain(ADMIN);
    expect(text.stdout).toContain(server.url);

    const json = await runAx(['auth', 'status', '-o', 'json'], { env });
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({
      profile: 'status', server: server.url, auth_method: 'oauth', logged_in: true, user_email: ADMIN,
      expires_at: new Date(Date.parse(oauth!.expires_at!)).toISOString(), refresh_token: true, verified: true,
    });
    const offline = await runAx(['auth', 'status', '--offline', '-o', 'json'], { env });
    expect(JSON.parse(offline.stdout)).toMatchObject({ logged_in: true, verified: null });

    const shown = await runAx(['profiles', 'show', '-o', 'json'], { env });
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).not.toContain(oauth!.access_token!);
    expect(shown.stdout).not.toContain(oauth!.refresh_token!);
    expect(JSON.parse(shown.stdout)).toMatchObject({
      auth_method: 'oauth', user_email: ADMIN,
      access_token: `…${oauth!.access_token!.slice(-4)}`, refresh_token: `…${oauth!.refresh_token!.slice(-4)}`,
    });
  });

  it('refreshes a token within 60 s of its end before using it, and rewrites the rotated tokens', async () => {
    const env = await loggedIn('refresh');
    const before = readProfile(env, 'refresh').auth!.oauth!;
    await server.advanceClock(3_600_000 - 30_000);
    setExpiresAt(env, 'refresh', new Date(Date.now() + 30_000));
    const users = await runAx(['users', 'list'], { env });
    expect(users.code, users.stderr).toBe(0);
    const after = readProfile(env, 'refresh').auth!.oauth!;
    expect(after.access_token).not.toBe(before.access_token);
    expect(after.refresh_token).not.toBe(before.refresh_token);
    expect(Date.parse(after.expires_at!) - Date.now()).toBeGreaterThan(3_500_000);
    expect(after.user_email).toBe(ADMIN);
  });

  it('a 401 to a token the profile thinks alive → one refresh and one retry', async () => {
    const env = await loggedIn('retry');
    const before = readProfile(env, 'retry').auth!.oauth!;
    await server.advanceClock(3_600_000 + 60_000);
    expect((await server.api('GET', '/v2/me', { key: before.access_token! })).status).toBe(401);
    const users = await runAx(['users', 'list'], { env });
    expect(users.code, users.stderr).toBe(0);
    expect(readProfile(env, 'retry').auth!.oauth!.access_token).not.toBe(before.access_token);
  });

  it('two ax commands that need a refresh at once both succeed, and the login survives (the profile lock)', async () => {
    const env = await loggedIn('parallel');
    await server.advanceClock(3_600_000 - 30_000);
    setExpiresAt(env, 'parallel', new Date(Date.now() + 30_000));
    const [one, two] = await Promise.all([runAx(['users', 'list'], { env }), runAx(['spaces', 'list'], { env })]);
    expect(one.code, one.stderr).toBe(0);
    expect(two.code, two.stderr).toBe(0);
    const { access_token: access, refresh_token: refresh } = readProfile(env, 'parallel').auth!.oauth!;
    expect((await server.api('GET', '/v2/me', { key: access! })).status).toBe(200);
    // Refreshing twice with one token would have revoked the whole login: the stored refresh token still works.
    setExpiresAt(env, 'parallel', new Date(Date.now() + 30_000));
    const third = await runAx(['users', 'list'], { env });
    expect(third.code, third.stderr).toBe(0);
    expect(readProfile(env, 'parallel').auth!.oauth!.refresh_token).not.toBe(refresh);
  });

  it('a revoked login: the next command exits 3 with "your login has ended" and the profile\'s tokens are cleared', async () => {
    const env = await loggedIn('revoked');
    const { refresh_token: refresh } = readProfile(env, 'revoked').auth!.oauth!;
    expect(await revokeToken(server.url, refresh!, 'refresh_token')).toBe(200);
    const users = await runAx(['users', 'list'], { env });
    expect(users.code).toBe(EXIT.AUTH);
    expect(users.stderr).toContain('your login has ended; run `ax auth login`');
    const profile = readProfile(env, 'revoked');
    expect(profile.auth?.auth_method).toBe('oauth');
    expect(profile.auth?.oauth).toBeUndefined();
    const status = await runAx(['auth', 'status'], { env });
    expect(status.code).toBe(EXIT.AUTH);
  });

  // SQLite only: another connection holds the write lock, so the rotation cannot be written (PostgreSQL's outages are
  // test/http/database-outage.test.ts's).
  it.skipIf(testBackend !== 'sqlite')('a refresh the server cannot make now (its database busy) → exit 4 with the retry suggestion; the login is kept', async () => {
    const env = await loggedIn('busy');
    const before = readProfile(env, 'busy').auth!.oauth!;
    await server.advanceClock(3_600_000 - 30_000);
    setExpiresAt(env, 'busy', new Date(Date.now() + 30_000));
    const other = new SQLite(join(server.dataDir, 'ax.db'));
    let users: AxResult;
    try {
      other.prepare('begin immediate').run();
      users = await runAx(['users', 'list'], { env });
    } finally {
      other.prepare('rollback').run();
      other.close();
    }
    expect(users.code, users.stderr).toBe(EXIT.API);
    expect(stripAnsi(users.stderr)).toContain('503 Service Unavailable; the database did not answer');
    expect(stripAnsi(users.stderr)).toContain('The server cannot do this right now; retry in 5 s');
    expect(readProfile(env, 'busy').auth!.oauth!.refresh_token).toBe(before.refresh_token);
    const again = await runAx(['users', 'list'], { env });
    expect(again.code, again.stderr).toBe(0);
  });

  it('`ax auth logout` revokes both tokens and clears them, keeping auth_method', async () => {
    const env = await loggedIn('logout');
    const { access_token: access, refresh_token: refresh } = readProfile(env, 'logout').auth!.oauth!;
    const out = await runAx(['auth', 'logout'], { env });
    expect(out.code, out.stderr).toBe(0);
    expect(out.stderr).not.toContain('!');
    expect((await server.api('GET', '/v2/me', { key: access! })).status).toBe(401);
    const profile = readProfile(env, 'logout');
    expect(profile.auth).toEqual({ auth_method: 'oauth' });
    expect(readFileSync(profilePath(env, 'logout'), 'utf8')).not.toContain(refresh!);
    expect((await runAx(['users', 'list'], { env })).code).toBe(EXIT.AUTH);
    expect((await runAx(['auth', 'status'], { env })).code).toBe(EXIT.AUTH);
  });

  it('`ax auth logout` with the server unreachable warns, and still forgets the tokens (exit 0)', async () => {
    const env = await loggedIn('offline');
    expect((await runAx(['profiles', 'update', 'offline', '--endpoint', 'http://127.0.0.1:9'], { env })).code).toBe(0);
    const out = await runAx(['auth', 'logout'], { env });
    expect(out.code, out.stderr).toBe(0);
    expect(out.stderr).toContain('could not revoke the refresh token');
    expect(out.stderr).toContain('could not revoke the access token');
    expect(readProfile(env, 'offline').auth).toEqual({ auth_method: 'oauth' });
  });

  it('over SSH without a display the URL is printed and no browser is started', async () => {
    const env = { ...machine(), SSH_CONNECTION: '10.0.0.2 50000 10.0.0.1 22' };
    await oauthProfileWithoutLogin(env, 'remote');
    const out = await runAx(['auth', 'login', '--timeout', '2'], { env });
    // The stub browser would have logged in: the time running out shows that it was never started.
    expect(out.code).toBe(EXIT.GENERAL);
    expect(out.stderr).toMatch(new RegExp(`Open this URL in a browser to log in:\\s+${server.url.replace(/[.]/g, '\\.')}/oauth2/authorize\\?response_type=code&client_id=arize-cli&`));
    expect(out.stderr).not.toContain('Opening the browser');
  });

  it('a key from ARIZE_API_KEY wins over the profile\'s login (as it wins over a profile\'s key)', async () => {
    const env = await loggedIn('precedence');
    const wrong = await runAx(['users', 'list'], { env: { ...env, ARIZE_API_KEY: 'ak-not-a-key' } });
    expect(wrong.code).toBe(EXIT.AUTH);
    expect(readProfile(env, 'precedence').auth?.oauth?.access_token).toBeDefined();
  });

  it('on a profile that uses an API key: exit 1 with how to create an oauth one', async () => {
    const env = machine();
    expect((await runAx(['profiles', 'create', 'keyed', '--api-key', server.adminKey, '--endpoint', server.url], { env })).code).toBe(0);
    const out = await runAx(['auth', 'login'], { env });
    expect(out.code).toBe(EXIT.GENERAL);
    expect(out.stderr).toContain('this profile uses an API key; create one with `--auth-method oauth`');
  });

  it('a browser answer with another state → exit 3, nothing stored', async () => {
    const env = machine('tamper-state');
    const out = await runAx(['profiles', 'create', 'tampered', '--auth-method', 'oauth', '--endpoint', server.url], { env });
    expect(out.code, out.stderr + stubLog(env)).toBe(EXIT.AUTH);
    expect(out.stderr).toContain('the browser answer did not match this login; try again');
    expect(stubLog(env)).toBe('');
    expect(readProfile(env, 'tampered').auth).toEqual({ auth_method: 'oauth' });
  });

  it('the person denies in the browser → exit 3', async () => {
    const env = machine('deny');
    const out = await runAx(['profiles', 'create', 'denied', '--auth-method', 'oauth', '--endpoint', server.url], { env });
    expect(out.code, out.stderr + stubLog(env)).toBe(EXIT.AUTH);
    expect(out.stderr).toContain('access_denied');
    expect(readProfile(env, 'denied').auth?.oauth).toBeUndefined();
  });

  it('--timeout: no answer in time → exit 1', async () => {
    // A browser that opens nothing and exits well.
    const env = { ...machine(), BROWSER: 'true' };
    await oauthProfileWithoutLogin(env, 'slow');
    const out = await runAx(['auth', 'login', '-p', 'slow', '--timeout', '2'], { env });
    expect(out.code).toBe(EXIT.GENERAL);
    expect(out.stderr).toContain('no answer from the browser within 2 s');
  });

  it('--no-browser on a terminal: the URL is printed, the person pastes the address the browser ended on', async () => {
    const env = machine();
    await oauthProfileWithoutLogin(env, 'ssh');
    const out = await loginByPasting(env, async (authorize) => {
      const jar = new CookieJar();
      const start = await jar.fetch(authorize);
      expect(start.status).toBe(303);
      const uid = /^\/authorize\/([A-Za-z0-9_-]+)$/.exec(start.headers.get('location')!)![1]!;
      const csrf = await consoleSignIn(jar, server.url, ADMIN, ADMIN_PASSWORD);
      // The browser's redirect to the loopback is what the person copies (over SSH it cannot load).
      return String(await decide(jar, server.url, uid, csrf));
    });
    expect(out.code, out.stdout).toBe(0);
    expect(out.stdout).toContain(`Logged in as ${ADMIN}`);
    expect((await runAx(['users', 'list'], { env })).code).toBe(0);
  });
});

/** A profile switched to `auth_method = "oauth"` by `ax profiles update` (which, unlike create, does not log in). */
async function oauthProfileWithoutLogin(env: Record<string, string>, name: string): Promise<void> {
  expect((await runAx(['profiles', 'create', name, '--api-key', 'ak-unused', '--endpoint', server.url], { env })).code).toBe(0);
  expect((await runAx(['profiles', 'update', name, '--auth-method', 'oauth'], { env })).code).toBe(0);
}

/** `ax auth login --no-browser -p ssh` in a pseudo-terminal: reads the printed URL, pastes what `browse` returns. */
function loginByPasting(env: Record<string, string>, browse: (authorize: string) => Promise<string>): Promise<AxResult> {
  const command = [process.execPath, '--', AX_BIN, 'auth', 'login', '--no-browser', '-p', 'ssh'].map((w) => `'${w}'`).join(' ');
  const child = spawn('script', ['-qec', command, '/dev/null'], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', TERM: 'xterm', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let pasting = false;
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
    const screen = stripAnsi(stdout);
    const url = /(http:\/\/\S+\/oauth2\/authorize\?\S+)/.exec(screen)?.[1];
    if (!pasting && url && screen.includes('Paste the URL your browser was sent to:')) {
      pasting = true;
      void browse(url).then((address) => child.stdin.write(`${address}\n`), (error: Error) => child.stdin.end(`${error.message}\n`));
    }
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout: stripAnsi(stdout.replace(/\r/g, '')), stderr: '' }));
  });
}
