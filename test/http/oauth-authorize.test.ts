import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CookieJar } from '../helpers/cookie-jar.js';
import {
  type AuthorizeRequest, authenticationFailures, authorizeUrl, consoleSignIn, exchangeCode, pkcePair, randomLoopbackPort, startAuthorize,
} from '../helpers/cli-login.js';
import { createUserWithKey } from '../helpers/fixtures.js';
import { setPassword } from '../helpers/console-session.js';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../helpers/server.js';

/**
 * The authorize step of `ax auth login` (identity.md §6.3, §6.9) and the console's consent step around it: what is
 * refused without a redirect, what is reported to the CLI's loopback, and who may answer a login request.
 */
const ADMIN = { email: 'admin@localhost', password: ADMIN_PASSWORD };

function request(overrides: Record<string, string | undefined> = {}): AuthorizeRequest {
  return { port: randomLoopbackPort(), state: randomBytes(16).toString('base64url'), pkce: pkcePair(), overrides };
}

describe('GET /oauth2/authorize', () => {
  let server: TestServer;
  beforeAll(async () => { server = await startTestServer({ env: { AX_AUTH_FAILURE_LIMIT: '10000' } }); });
  afterAll(async () => { await server?.close(); });

  async function authorize(overrides: Record<string, string | undefined>): Promise<Response> {
    return new CookieJar().fetch(authorizeUrl(server.url, request(overrides)), { headers: { accept: 'text/html' } });
  }

  it('accepts any loopback port on 127.0.0.1 (RFC 8252 §7.3)', async () => {
    for (const port of [1024, randomLoopbackPort(), 65_535]) {
      expect(await startAuthorize(new CookieJar(), server.url, { ...request(), port })).toMatch(/^[A-Za-z0-9_-]+$/);
    }
  });

  it('an unknown client gets a 400 page (OAUTH_INVALID_CLIENT), no redirect, recorded as a failure', async () => {
    const res = await authorize({ client_id: 'someone-else' });
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(await res.text()).toContain('OAUTH_INVALID_CLIENT');
    expect(await authenticationFailures(server, 'oauth_invalid_client')).toEqual([
      expect.objectContaining({ operation: 'GET /oauth2/authorize' }),
    ]);
  });

  for (const [name, uri] of [
    ['localhost', 'http://localhost:4000/callback'],
    ['another host', 'http://evil.example:4000/callback'],
    ['https', 'https://127.0.0.1:4000/callback'],
    ['another path', 'http://127.0.0.1:4000/elsewhere'],
    ['a query', 'http://127.0.0.1:4000/callback?next=x'],
    ['a fragment', 'http://127.0.0.1:4000/callback#x'],
    ['IPv6 loopback', 'http://[::1]:4000/callback'],
  ] as const) {
    it(`a redirect URI on ${name} gets a 400 page (OAUTH_INVALID_REDIRECT_URI), no redirect`, async () => {
      const res = await authorize({ redirect_uri: uri });
      expect(res.status).toBe(400);
      expect(res.headers.get('location')).toBeNull();
      expect(await res.text()).toContain('OAUTH_INVALID_REDIRECT_URI');
    });
  }

  it('a bad redirect URI is recorded as an authentication failure', async () => {
    expect((await authorize({ redirect_uri: 'http://localhost:1/callback' })).status).toBe(400);
    expect(await authenticationFailures(server, 'oauth_invalid_redirect_uri')).toEqual([
      expect.objectContaining({ operation: 'GET /oauth2/authorize' }),
    ]);
  });

  for (const [name, overrides, error] of [
    ['no code_challenge', { code_challenge: undefined, code_challenge_method: undefined }, 'invalid_request'],
    ['code_challenge_method=plain', { code_challenge_method: 'plain' }, 'invalid_request'],
    ['response_type=token', { response_type: 'token' }, 'unsupported_response_type'],
    ['scope=admin', { scope: 'openid email admin' }, 'invalid_scope'],
    ['prompt=none', { prompt: 'none' }, 'consent_required'],
  ] as const) {
    it(`${name} is reported to the loopback as error=${error} with the state, and recorded`, async () => {
      const req = request(overrides);
      const res = await new CookieJar().fetch(authorizeUrl(server.url, req));
      expect(res.status).toBe(302);
      const location = new URL(res.headers.get('location')!);
      expect(location.origin + location.pathname).toBe(`http://127.0.0.1:${req.port}/callback`);
      expect(location.searchParams.get('error')).toBe(error);
      expect(location.searchParams.get('error_description')).toEqual(expect.any(String));
      expect(location.searchParams.get('state')).toBe(req.state);
      expect(location.searchParams.has('code')).toBe(false);
      expect(await authenticationFailures(server, `oauth_${error}`)).toEqual([expect.objectContaining({ operation: 'GET /oauth2/authorize' })]);
    });
  }

  it('profile and offline_access are accepted and ignored; the grant holds openid email', async () => {
    const req = request({ scope: 'openid email profile offline_access' });
    const jar = new CookieJar();
    const uid = await startAuthorize(jar, server.url, req);
    const csrf = await consoleSignIn(jar, server.url, ADMIN.email, ADMIN.password);
    const view = await jar.fetch(`${server.url}/auth/oauth/interactions/${uid}`);
    expect(((await view.json()) as { scopes: string[] }).scopes).toEqual(['openid', 'email']);
    const decided = await jar.fetch(`${server.url}/auth/oauth/interactions/${uid}/approve`, { method: 'POST', headers: { 'x-csrf-token': csrf } });
    const back = await jar.fetch(((await decided.json()) as { redirect_to: string }).redirect_to);
    const code = new URL(back.headers.get('location')!).searchParams.get('code')!;
    const token = await exchangeCode(server.url, code, req.port, req.pkce.verifier);
    expect(token.status).toBe(200);
    expect(token.body.scope).toBe('openid email');
  });

  it('deny sends access_denied with the state to the loopback, and is recorded', async () => {
    const req = request();
    const jar = new CookieJar();
    const uid = await startAuthorize(jar, server.url, req);
    const csrf = await consoleSignIn(jar, server.url, ADMIN.email, ADMIN.password);
    const denied = await jar.fetch(`${server.url}/auth/oauth/interactions/${uid}/deny`, { method: 'POST', headers: { 'x-csrf-token': csrf } });
    expect(denied.status).toBe(200);
    const back = await jar.fetch(((await denied.json()) as { redirect_to: string }).redirect_to);
    expect(back.status).toBe(302);
    const location = new URL(back.headers.get('location')!);
    expect(location.origin).toBe(`http://127.0.0.1:${req.port}`);
    expect(location.searchParams.get('error')).toBe('access_denied');
    expect(location.searchParams.get('state')).toBe(req.state);
    expect(location.searchParams.has('code')).toBe(false);
    expect(await authenticationFailures(server, 'oauth_access_denied')).toEqual([expect.objectContaining({ operation: 'GET /oauth2/authorize/:uid' })]);
  });
});

describe('the console consent step (/auth/oauth/interactions)', () => {
  let server: TestServer;
  beforeAll(async () => { server = await startTestServer({ testClock: true, env: { AX_AUTH_FAILURE_LIMIT: '10000' } }); });
  afterAll(async () => { await server?.close(); });

  const interaction = (uid: string) => `${server.url}/auth/oauth/interactions/${uid}`;

  it('shows the request with user null before sign-in and the signed-in user after', async () => {
    const jar = new CookieJar();
    const req = request();
    const uid = await startAuthorize(jar, server.url, req);
    const before = await jar.fetch(interaction(uid));
    expect(before.status).toBe(200);
    expect(await before.json()).toMatchObject({
      uid, client_id: 'arize-cli', client_name: expect.any(String), redirect_port: req.port, scopes: ['openid', 'email'],
      allows: expect.arrayContaining([expect.any(String)]), user: null, expires_at: expect.any(String),
    });
    await consoleSignIn(jar, server.url, ADMIN.email, ADMIN.password);
    const after = await jar.fetch(interaction(uid));
    expect(((await after.json()) as { user: unknown }).user).toMatchObject({ email: 'admin@localhost', id: expect.any(String) });
  });

  it('prompt=login asks for a new sign-in: the live session shows nobody and cannot approve; one opened afterwards can', async () => {
    const jar = new CookieJar();
    const staleCsrf = await consoleSignIn(jar, server.url, ADMIN.email, ADMIN.password);
    const req = request({ prompt: 'login' });
    const uid = await startAuthorize(jar, server.url, req);
    expect(((await (await jar.fetch(interaction(uid))).json()) as { user: unknown }).user).toBeNull();
    const refused = await jar.fetch(`${interaction(uid)}/approve`, { method: 'POST', headers: { 'x-csrf-token': staleCsrf } });
    expect(refused.status).toBe(401);
    await server.advanceClock(2000);
    const csrf = await consoleSignIn(jar, server.url, ADMIN.email, ADMIN.password);
    expect(((await (await jar.fetch(interaction(uid))).json()) as { user: unknown }).user).toMatchObject({ email: 'admin@localhost' });
    const approved = await jar.fetch(`${interaction(uid)}/approve`, { method: 'POST', headers: { 'x-csrf-token': csrf } });
    expect(approved.status, await approved.clone().text()).toBe(200);
    const back = await jar.fetch(((await approved.json()) as { redirect_to: string }).redirect_to);
    const code = new URL(back.headers.get('location')!).searchParams.get('code')!;
    expect((await exchangeCode(server.url, code, req.port, req.pkce.verifier)).status).toBe(200);
  });

  it('approve needs the CSRF header (403) and a console session (401)', async () => {
    const jar = new CookieJar();
    const uid = await startAuthorize(jar, server.url, request());
    expect((await jar.fetch(`${interaction(uid)}/approve`, { method: 'POST' })).status).toBe(401);
    await consoleSignIn(jar, server.url, ADMIN.email, ADMIN.password);
    const noCsrf = await jar.fetch(`${interaction(uid)}/approve`, { method: 'POST' });
    expect(noCsrf.status).toBe(403);
    expect(noCsrf.headers.get('content-type')).toContain('application/problem+json');
    const wrongCsrf = await jar.fetch(`${interaction(uid)}/approve`, { method: 'POST', headers: { 'x-csrf-token': 'nope' } });
    expect(wrongCsrf.status).toBe(403);
    // Deny too: a page of another site cannot end someone's login request.
    expect((await jar.fetch(`${interaction(uid)}/deny`, { method: 'POST' })).status).toBe(403);
    expect((await new CookieJar().fetch(`${interaction(uid)}/deny`, { method: 'POST' })).status).toBe(401);
  });

  it('a user whose temporary password must change first is refused (403 PASSWORD_CHANGE_REQUIRED)', async () => {
    const user = await createUserWithKey(server, { email: 'temporary@example.com' });
    await setPassword(server, user.dbId, 'a temporary password it is');
    await server.context!.store.db.updateTable('users').set({ must_change_password: 1 }).where('id', '=', user.dbId).execute();
    const jar = new CookieJar();
    const uid = await startAuthorize(jar, server.url, request());
    const csrf = await consoleSignIn(jar, server.url, user.email, 'a temporary password it is');
    const res = await jar.fetch(`${interaction(uid)}/approve`, { method: 'POST', headers: { 'x-csrf-token': csrf } });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { code: string }).code).toBe('PASSWORD_CHANGE_REQUIRED');
  });

  it('an unknown uid is 404 for GET, approve and deny', async () => {
    const jar = new CookieJar();
    const csrf = await consoleSignIn(jar, server.url, ADMIN.email, ADMIN.password);
    const unknown = randomBytes(16).toString('base64url');
    expect((await jar.fetch(interaction(unknown))).status).toBe(404);
    expect((await jar.fetch(`${interaction(unknown)}/approve`, { method: 'POST', headers: { 'x-csrf-token': csrf } })).status).toBe(404);
    expect((await jar.fetch(`${interaction(unknown)}/deny`, { method: 'POST', headers: { 'x-csrf-token': csrf } })).status).toBe(404);
    expect((await jar.fetch(interaction('not a uid!'))).status).toBe(400);
  });

  it('a request answered once cannot be answered again (409)', async () => {
    const jar = new CookieJar();
    const uid = await startAuthorize(jar, server.url, request());
    const csrf = await consoleSignIn(jar, server.url, ADMIN.email, ADMIN.password);
    const post = (decision: string) => jar.fetch(`${interaction(uid)}/${decision}`, { method: 'POST', headers: { 'x-csrf-token': csrf } });
    expect((await post('approve')).status).toBe(200);
    const again = await post('approve');
    expect(again.status).toBe(409);
    expect(((await again.json()) as { code: string }).code).toBe('CONFLICT');
    expect((await post('deny')).status).toBe(409);
    expect((await jar.fetch(interaction(uid))).status).toBe(409);
  });

  it('the resume URL followed in another browser (no resume cookie) yields no code', async () => {
    const jar = new CookieJar();
    const req = request();
    const uid = await startAuthorize(jar, server.url, req);
    const csrf = await consoleSignIn(jar, server.url, ADMIN.email, ADMIN.password);
    const approved = await jar.fetch(`${interaction(uid)}/approve`, { method: 'POST', headers: { 'x-csrf-token': csrf } });
    const resume = ((await approved.json()) as { redirect_to: string }).redirect_to;
    const elsewhere = new CookieJar();
    await consoleSignIn(elsewhere, server.url, ADMIN.email, ADMIN.password);
    const res = await elsewhere.fetch(resume, { headers: { accept: 'text/html' } });
    // The library finds no resume cookie and treats the request as gone: a page, no redirect, recorded.
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    const page = await res.text();
    expect(page).toContain('invalid_request');
    expect(page).not.toContain('code=');
    expect(await authenticationFailures(server, 'oauth_invalid_request')).toEqual([expect.objectContaining({ operation: 'GET /oauth2/authorize/:uid' })]);
    // The browser that started it still gets its code.
    const back = await jar.fetch(resume);
    expect(new URL(back.headers.get('location')!).searchParams.get('code')).toEqual(expect.any(String));
  });

  it('a login request expires after 10 minutes (404)', async () => {
    const jar = new CookieJar();
    const uid = await startAuthorize(jar, server.url, request());
    expect((await jar.fetch(interaction(uid))).status).toBe(200);
    await server.advanceClock(601_000);
    expect((await jar.fetch(interaction(uid))).status).toBe(404);
    const csrf = await consoleSignIn(jar, server.url, ADMIN.email, ADMIN.password);
    const res = await jar.fetch(`${interaction(uid)}/approve`, { method: 'POST', headers: { 'x-csrf-token': csrf } });
    expect(res.status).toBe(404);
  });
});
