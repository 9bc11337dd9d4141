import { createHash, randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { CookieJar } from './cookie-jar.js';
import type { TestServer } from './server.js';

/**
 * The wire of Arize's `ax auth login` (arize-ax-cli `src/ax/auth/oauth_flow.py`), replayed with fetch and a cookie
 * jar: authorize with client `arize-cli`, a loopback redirect on a random port and PKCE S256; the console sign-in
 * and consent as a browser would do them; the code exchange, refresh and revoke as form posts.
 */
export const CLIENT_ID = 'arize-cli';

export interface PkcePair { verifier: string; challenge: string }

export function pkcePair(): PkcePair {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export function randomLoopbackPort(): number {
  return 20_000 + Math.floor(Math.random() * 40_000);
}

export interface AuthorizeRequest {
  port: number;
  state: string;
  pkce: PkcePair;
  /** Overrides of the query Arize's CLI sends (e.g. `code_challenge_method: 'plain'`); `undefined` drops a parameter. */
  overrides?: Record<string, string | undefined>;
}

export function authorizeUrl(server: string, request: AuthorizeRequest): string {
  const params: Record<string, string | undefined> = {
    response_type: 'code',
    client_id: CLIENT_ID,
    redirect_uri: `http://127.0.0.1:${request.port}/callback`,
    state: request.state,
    scope: 'openid email',
    code_challenge: request.pkce.challenge,
    code_challenge_method: 'S256',
    ...request.overrides,
  };
  const query = new URLSearchParams(Object.entries(params).filter((entry): entry is [string, string] => entry[1] !== undefined));
  return `${server}/oauth2/authorize?${query}`;
}

/** Signs the jar in to the console with a password; returns the CSRF token. */
export async function consoleSignIn(jar: CookieJar, server: string, email: string, password: string): Promise<string> {
  const res = await jar.fetch(`${server}/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }),
  });
  expect(res.status, await res.clone().text()).toBe(200);
  return ((await res.json()) as { csrf_token: string }).csrf_token;
}

/** GET the authorize URL in the browser: the provider sends it to the console's `/authorize/{uid}` page. */
export async function startAuthorize(jar: CookieJar, server: string, request: AuthorizeRequest): Promise<string> {
  const res = await jar.fetch(authorizeUrl(server, request));
  expect(res.status, await res.clone().text()).toBe(303);
  const location = res.headers.get('location')!;
  const match = /^\/authorize\/([A-Za-z0-9_-]+)$/.exec(location);
  expect(match, location).not.toBeNull();
  return match![1]!;
}

/** The console approves (or denies) the login; the browser then follows the resume URL to the loopback redirect. */
export async function decide(jar: CookieJar, server: string, uid: string, csrf: string, decision: 'approve' | 'deny' = 'approve'): Promise<URL> {
  const res = await jar.fetch(`${server}/auth/oauth/interactions/${uid}/${decision}`, { method: 'POST', headers: { 'x-csrf-token': csrf } });
  expect(res.status, await res.clone().text()).toBe(200);
  const { redirect_to: resume } = (await res.json()) as { redirect_to: string };
  const back = await jar.fetch(resume);
  // identity.md §6.3: the answer to the loopback is a 302.
  expect(back.status, await back.clone().text()).toBe(302);
  return new URL(back.headers.get('location')!);
}

/** The whole browser part: authorize, sign in, approve; the URL the CLI's loopback receives. */
export async function browserLogin(server: string, request: AuthorizeRequest, user: { email: string; password: string }): Promise<URL> {
  const jar = new CookieJar();
  const uid = await startAuthorize(jar, server, request);
  const csrf = await consoleSignIn(jar, server, user.email, user.password);
  return decide(jar, server, uid, csrf);
}

export interface TokenAnswer { status: number; headers: Headers; body: Record<string, unknown> }

export async function tokenRequest(server: string, form: Record<string, string>): Promise<TokenAnswer> {
  const res = await fetch(`${server}/oauth2/token`, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, body: new URLSearchParams(form),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

export function exchangeCode(server: string, code: string, port: number, verifier: string): Promise<TokenAnswer> {
  return tokenRequest(server, {
    grant_type: 'authorization_code', code, redirect_uri: `http://127.0.0.1:${port}/callback`, client_id: CLIENT_ID, code_verifier: verifier,
  });
}

export function refreshTokens(server: string, refreshToken: string): Promise<TokenAnswer> {
  return tokenRequest(server, { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: CLIENT_ID });
}

export async function revokeToken(server: string, token: string, hint?: 'access_token' | 'refresh_token'): Promise<number> {
  const res = await fetch(`${server}/oauth2/revoke`, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token, client_id: CLIENT_ID, ...(hint ? { token_type_hint: hint } : {}) }),
  });
  await res.arrayBuffer();
  return res.status;
}

/** A full login as Arize's CLI does it: the tokens of a fresh grant. */
export async function cliLogin(server: string, user: { email: string; password: string }): Promise<{ access: string; refresh: string; body: Record<string, unknown> }> {
  const pkce = pkcePair();
  const port = randomLoopbackPort();
  const state = randomBytes(16).toString('base64url');
  const callback = await browserLogin(server, { port, state, pkce }, user);
  expect(callback.searchParams.get('state')).toBe(state);
  const token = await exchangeCode(server, callback.searchParams.get('code')!, port, pkce.verifier);
  expect(token.status, JSON.stringify(token.body)).toBe(200);
  return { access: String(token.body.access_token), refresh: String(token.body.refresh_token), body: token.body };
}

/** What the CLI's loopback receives after a consented login, before it trades the code. */
export interface IssuedCode { code: string; port: number; pkce: PkcePair; state: string }

/** The browser part of a login, stopping at the code (for tests that then trade it wrongly, twice or late). */
export async function loginCode(server: string, user: { email: string; password: string }): Promise<IssuedCode> {
  const pkce = pkcePair();
  const port = randomLoopbackPort();
  const state = randomBytes(16).toString('base64url');
  const callback = await browserLogin(server, { port, state, pkce }, user);
  const code = callback.searchParams.get('code');
  expect(code, callback.toString()).not.toBeNull();
  return { code: code!, port, pkce, state };
}

/** A JWT's header and claims, unverified (what a CLI reads from the id_token). */
export function decodeJwt(token: string): { header: Record<string, unknown>; claims: Record<string, unknown> } {
  const [header, claims] = token.split('.').slice(0, 2).map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()) as Record<string, unknown>);
  return { header: header!, claims: claims! };
}

export interface AuditRow { user_id: string; operation_name?: string; operation_text?: string; variables?: string; created_at: string }

const ALL_TIME = `start_time=${encodeURIComponent('2000-01-01T00:00:00Z')}&end_time=${encodeURIComponent('2100-01-01T00:00:00Z')}`;

/**
 * The audit rows of `operation` (newest first), waiting up to 2 s for at least `count` of them: the OAuth server's
 * events are written after the library has answered (fire and forget), so a test polls instead of sleeping.
 */
export async function auditRows(server: Pick<TestServer, 'api'>, operation: string, count = 1): Promise<AuditRow[]> {
  const deadline = Date.now() + 2000;
  for (;;) {
    const res = await server.api('GET', `/v2/audit-logs?${ALL_TIME}&limit=100`);
    expect(res.status).toBe(200);
    const rows = (res.body.logs as AuditRow[]).filter((row) => row.operation_name === operation);
    if (rows.length >= count || Date.now() > deadline) return rows;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export interface FailureRow { reason: string; operation: string; count: number }

/** The authentication failures with `reason` (waiting up to 2 s for one, as for audit rows). */
export async function authenticationFailures(server: Pick<TestServer, 'api'>, reason: string): Promise<FailureRow[]> {
  const deadline = Date.now() + 2000;
  for (;;) {
    const res = await server.api('GET', `/v2/audit-logs/authentication-failures?${ALL_TIME}&limit=100`);
    expect(res.status).toBe(200);
    const rows = (res.body.failures as FailureRow[]).filter((row) => row.reason === reason);
    if (rows.length > 0 || Date.now() > deadline) return rows;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
