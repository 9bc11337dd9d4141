import { crc32 } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digestToken } from '../../src/auth/token-digest.js';
import { TestClock } from '../helpers/clock.js';
import { asConsole, sessionCookieOf, setPassword, signIn } from '../helpers/console-session.js';
import { createUserWithKey } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * Issue 8 items 4 and 7: failed authentications are limited per address, per email and per presented key id, with
 * exponential backoff, after verifying the credential: a valid credential is never answered 429 for what others
 * did. The server runs behind a (pretend) proxy, AX_TRUST_PROXY=true, so X-Forwarded-For sets the client address;
 * its clock is a TestClock, moved past backoff and idle timeouts instead of sleeping.
 */
let server: TestServer;
const clock = new TestClock();
const db = () => server.context!.store.db;
let seq = 0;
const PASSWORD = 'a perfectly fine password';
const MINUTE = 60_000;

beforeAll(async () => {
  const previous = process.env.AX_TRUST_PROXY;
  process.env.AX_TRUST_PROXY = 'true';
  try {
    server = await startTestServer({ clock });
  } finally {
    if (previous === undefined) delete process.env.AX_TRUST_PROXY;
    else process.env.AX_TRUST_PROXY = previous;
  }
});
afterAll(async () => server?.close());

/** A fresh client address per test, so that tests do not share address counters. */
const address = () => `198.51.100.${++seq}`;

async function person(label: string) {
  const user = await createUserWithKey(server, { email: `${label}-${++seq}@example.com` });
  await setPassword(server, user.dbId, PASSWORD);
  return user;
}

function login(email: string, password: string, from: string, device?: string) {
  return server.api('POST', '/auth/login', {
    key: null, body: { email, password }, headers: { 'x-forwarded-for': from, ...(device ? { cookie: device } : {}) },
  });
}

function deviceCookieOf(res: Awaited<ReturnType<typeof login>>): string {
  return res.headers.getSetCookie().find((c) => c.startsWith('ax_device='))!.split(';')[0]!;
}

/** A well-formed key (checksum right) with the public id of `raw` and another secret: a guess at that key. */
function wrongSecretFor(raw: string): string {
  const body = `${raw.slice(0, 16)}${'x'.repeat(43)}`;
  let n = crc32(body);
  let checksum = '';
  const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  for (let i = 0; i < 6; i++) {
    checksum = alphabet[n % 62]! + checksum;
    n = Math.floor(n / 62);
  }
  return body + checksum;
}

function call(key: string, from: string) {
  return server.api('GET', '/v2/me', { key, headers: { 'x-forwarded-for': from } });
}

describe('API keys', () => {
  it('never answers a valid key 429, however many bad keys came from its address (issue 8 item 4)', async () => {
    const from = address();
    const member = await person('key-holder');
    for (let i = 0; i < 30; i++) expect((await call(`ak-bogus-${i}`, from)).status).toBe(401);
    const limited = await call('ak-bogus-x', from);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await call(member.key, from)).status).toBe(200);
    expect((await call(server.adminKey, from)).status).toBe(200);
    // Another address is not concerned.
    expect((await call('ak-bogus-y', address())).status).toBe(401);
  });

  it('backs off exponentially per address and forgets after a quiet spell', async () => {
    const from = address();
    for (let i = 0; i < 30; i++) await call(`ak-bogus-${i}`, from);
    const first = await call('ak-bogus', from);
    expect(first.status).toBe(429);
    const wait = Number(first.headers.get('retry-after'));
    clock.advance(wait * 1000);
    expect((await call('ak-bogus', from)).status).toBe(429);
    const second = Number((await call('ak-bogus', from)).headers.get('retry-after'));
    expect(second).toBeGreaterThan(wait);
    clock.advance(60 * MINUTE);
    expect((await call('ak-bogus', from)).status).toBe(401);
  });

  it('limits guesses at one key id from many addresses; the key itself keeps working (issue 8 item 4)', async () => {
    const member = await person('key-target');
    const guess = wrongSecretFor(member.key);
    expect(guess).not.toBe(member.key);
    for (let i = 0; i < 10; i++) expect((await call(guess, address())).status).toBe(401);
    const limited = await call(guess, address());
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await call(member.key, address())).status).toBe(200);
    const rows = await db().selectFrom('authentication_failures').selectAll().where('reason', '=', 'wrong_secret').execute();
    expect(rows.reduce((n, r) => n + r.count, 0)).toBeGreaterThanOrEqual(10);
    expect(JSON.stringify(rows)).not.toContain(guess.slice(16, 40));
  });
});

describe('POST /auth/login', () => {
  it('lets the real user in with the right password after 10 wrong ones from its own address (issue 8 item 4)', async () => {
    const victim = await person('same-address');
    const from = address();
    for (let i = 0; i < 10; i++) expect((await login(victim.email, `wrong guess ${i}`, from)).status).not.toBe(200);
    const res = await login(victim.email, PASSWORD, from);
    expect(res.status).toBe(200);
    expect(sessionCookieOf(res)).toBeDefined();
  });

  it('lets the real user in from a blocked address with the device it signed in from before (issue 8 items 4, 7)', async () => {
    const victim = await person('shared-address');
    const from = address();
    const earlier = await login(victim.email, PASSWORD, from);
    expect(earlier.status).toBe(200);
    const device = deviceCookieOf(earlier);
    expect(earlier.headers.getSetCookie().find((c) => c.startsWith('ax_device='))).toMatch(/HttpOnly.*|SameSite=Strict/i);
    for (let i = 0; i < 20; i++) expect((await login(`sprayed-${seq}-${i}@example.com`, `guess ${i}`, from)).status).toBe(401);
    expect((await login(victim.email, PASSWORD, from)).status).toBe(429);
    const res = await login(victim.email, PASSWORD, from, device);
    expect(res.status).toBe(200);
    expect(sessionCookieOf(res)).toBeDefined();
  });

  it('slows guessing one account from many addresses: past 5 failures a wrong password waits, with growing Retry-After; the right one passes (issue 8 item 4)', async () => {
    const victim = await person('many-addresses');
    for (let i = 0; i < 5; i++) expect((await login(victim.email, `guess ${i}`, address())).status).toBe(401);
    const first = await login(victim.email, 'guess 5', address());
    expect(first.status).toBe(429);
    expect(first.body).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    const wait = Number(first.headers.get('retry-after'));
    expect(wait).toBeGreaterThan(0);
    const next = await login(victim.email, 'guess 6', address());
    expect(next.status).toBe(429);
    expect(Number(next.headers.get('retry-after'))).toBeGreaterThan(wait);
    const rows = await db().selectFrom('authentication_failures').selectAll().where('user_id', '=', victim.dbId).execute();
    expect(rows.reduce((n, r) => n + r.count, 0)).toBe(7);
    // The owner is never locked out by the guesses: the right password signs in at once, and clears the email's count.
    expect((await login(victim.email, PASSWORD, address())).status).toBe(200);
    const after = await login(victim.email, 'guess 7', address());
    expect([after.status, after.headers.get('retry-after')]).toEqual([401, null]);
  });

  it('limits spraying many accounts from one address, whatever the email; other addresses sign in (issue 8 items 4, 7)', async () => {
    const from = address();
    for (let i = 0; i < 20; i++) expect((await login(`sprayed-${seq}-${i}@example.com`, 'Winter2024!!', from)).status).toBe(401);
    const limited = await login(`sprayed-${seq}-x@example.com`, 'Winter2024!!', from);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    const bystander = await person('bystander');
    expect((await login(bystander.email, PASSWORD, address())).status).toBe(200);
    // Repeated failures of one kind are one counted row, not one row each.
    const unknown = await db().selectFrom('authentication_failures').selectAll()
      .where('ip', '=', from).where('reason', '=', 'unknown email').execute();
    expect(unknown).toHaveLength(1);
    expect(unknown[0]!.count).toBe(20);
  });

  it('answers 503 with Retry-After while every password-check slot is taken (issue 8 item 7)', async () => {
    const gate = server.context!.authLimits.passwordChecks;
    const releases = Array.from({ length: gate.limit }, () => gate.acquire());
    try {
      const busy = await login('admin@localhost', server.adminPassword, address());
      expect(busy.status).toBe(503);
      expect(busy.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(busy.headers.get('retry-after')).toBe('1');
      expect(busy.body).toMatchObject({ status: 503, code: 'PASSWORD_CHECKS_BUSY' });
    } finally {
      for (const release of releases) release();
    }
    expect((await login('admin@localhost', server.adminPassword, address())).status).toBe(200);
  });
});

describe('console sessions', () => {
  it('end after 30 minutes without a request, refreshed at most once a minute (issue 8, sessions)', async () => {
    const user = await person('idle');
    const session = await signIn(server, user.email, PASSWORD);
    const console = asConsole(server, session);
    const token = session.cookie.slice('ax_session='.length);
    const row = () => db().selectFrom('sessions').selectAll().where('token_hash', '=', digestToken(server.context!.secrets.tokenKey, token)).executeTakeFirstOrThrow();
    expect((await console('GET', '/v2/me')).status).toBe(200);
    expect((await row()).last_seen_at).toBeNull();
    clock.advance(29 * MINUTE);
    expect((await console('GET', '/v2/me')).status).toBe(200);
    const seen = (await row()).last_seen_at;
    expect(seen).toBe(new Date(clock.now()).toISOString());
    clock.advance(30_000);
    expect((await console('GET', '/v2/me')).status).toBe(200);
    expect((await row()).last_seen_at).toBe(seen);
    clock.advance(29 * MINUTE);
    expect((await console('GET', '/v2/me')).status).toBe(200);
    clock.advance(30 * MINUTE);
    expect((await console('GET', '/v2/me')).status).toBe(401);
    expect((await console('GET', '/auth/session')).status).toBe(401);
  });

  it('store no CSRF token: it is derived from the session token (issue 8, sessions)', async () => {
    const user = await person('csrf');
    const session = await signIn(server, user.email, PASSWORD);
    expect(session.csrf).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const rows = await db().selectFrom('sessions').selectAll().where('user_id', '=', user.dbId).execute();
    expect(rows).toHaveLength(1);
    expect(Object.keys(rows[0]!)).not.toContain('csrf_token');
    expect(JSON.stringify(rows)).not.toContain(session.csrf);
    const console = asConsole(server, session);
    expect((await console('POST', '/v2/api-keys', { body: { key_type: 'USER', name: 'with csrf' } })).status).toBe(201);
    expect((await console('POST', '/v2/api-keys', { body: { key_type: 'USER', name: 'forged' }, csrf: false })).status).toBe(403);
    const other = await signIn(server, user.email, PASSWORD);
    expect(other.csrf).not.toBe(session.csrf);
    expect((await asConsole(server, { ...session, csrf: other.csrf })('POST', '/v2/api-keys', { body: { key_type: 'USER', name: 'crossed' } })).status).toBe(403);
  });
});
