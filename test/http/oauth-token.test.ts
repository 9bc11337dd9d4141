import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CLIENT_ID, exchangeCode, loginCode, pkcePair, refreshTokens, type TokenAnswer, tokenRequest,
} from '../helpers/cli-login.js';
import { setPassword } from '../helpers/console-session.js';
import { createUserWithKey } from '../helpers/fixtures.js';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../helpers/server.js';

/**
 * `POST /oauth2/token` refusing what it must (identity.md §6.4, §6.9): RFC 6749 §5.2 JSON bodies with
 * `Cache-Control: no-store`, never problem+json, and the address's failure limit.
 */
const ADMIN = { email: 'admin@localhost', password: ADMIN_PASSWORD };

function expectOAuthError(answer: TokenAnswer, status: number, error: string): void {
  expect(answer.status, JSON.stringify(answer.body)).toBe(status);
  expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
  expect(answer.headers.get('cache-control')).toContain('no-store');
  expect(answer.body).toEqual({ error, error_description: expect.any(String) });
}

describe('POST /oauth2/token refusals', () => {
  let server: TestServer;
  beforeAll(async () => { server = await startTestServer({ testClock: true, env: { AX_AUTH_FAILURE_LIMIT: '10000' } }); });
  afterAll(async () => { await server?.close(); });

  it('a code_verifier that does not match the challenge: invalid_grant, no tokens', async () => {
    const issued = await loginCode(server.url, ADMIN);
    const answer = await exchangeCode(server.url, issued.code, issued.port, pkcePair().verifier);
    expectOAuthError(answer, 400, 'invalid_grant');
    expect(answer.body).not.toHaveProperty('access_token');
  });

  it('no code_verifier: refused (PKCE is required)', async () => {
    const issued = await loginCode(server.url, ADMIN);
    const answer = await tokenRequest(server.url, {
      grant_type: 'authorization_code', code: issued.code, redirect_uri: `http://127.0.0.1:${issued.port}/callback`, client_id: CLIENT_ID,
    });
    expectOAuthError(answer, 400, 'invalid_grant');
  });

  it('a redirect_uri other than the authorized one (another port): invalid_grant', async () => {
    const issued = await loginCode(server.url, ADMIN);
    expectOAuthError(await exchangeCode(server.url, issued.code, issued.port + 1, issued.pkce.verifier), 400, 'invalid_grant');
  });

  it('an unknown code: invalid_grant', async () => {
    expectOAuthError(await exchangeCode(server.url, 'no-such-code-at-all-1234567890', 4000, pkcePair().verifier), 400, 'invalid_grant');
  });

  it('a code used twice: invalid_grant, and the tokens issued from its first use stop working', async () => {
    const issued = await loginCode(server.url, ADMIN);
    const first = await exchangeCode(server.url, issued.code, issued.port, issued.pkce.verifier);
    expect(first.status).toBe(200);
    expect((await server.api('GET', '/v2/me', { key: String(first.body.access_token) })).status).toBe(200);
    expectOAuthError(await exchangeCode(server.url, issued.code, issued.port, issued.pkce.verifier), 400, 'invalid_grant');
    const me = await server.api('GET', '/v2/me', { key: String(first.body.access_token) });
    expect(me.status).toBe(401);
    expect(me.headers.get('content-type')).toContain('application/problem+json');
    expectOAuthError(await refreshTokens(server.url, String(first.body.refresh_token)), 400, 'invalid_grant');
  });

  it('a code lives 60 s: after 61 s it is invalid_grant', async () => {
    const issued = await loginCode(server.url, ADMIN);
    await server.advanceClock(61_000);
    expectOAuthError(await exchangeCode(server.url, issued.code, issued.port, issued.pkce.verifier), 400, 'invalid_grant');
  });

  it('the code of a user deactivated before the exchange: invalid_grant', async () => {
    const user = await createUserWithKey(server, { email: 'leaver@example.com' });
    await setPassword(server, user.dbId, 'a password for the leaver');
    const issued = await loginCode(server.url, { email: user.email, password: 'a password for the leaver' });
    await server.context!.store.db.updateTable('users').set({ status: 'EXPIRED' }).where('id', '=', user.dbId).execute();
    expectOAuthError(await exchangeCode(server.url, issued.code, issued.port, issued.pkce.verifier), 400, 'invalid_grant');
  });

  it('an unknown client_id: 401 invalid_client', async () => {
    const issued = await loginCode(server.url, ADMIN);
    const answer = await tokenRequest(server.url, {
      grant_type: 'authorization_code', code: issued.code, redirect_uri: `http://127.0.0.1:${issued.port}/callback`,
      client_id: 'someone-else', code_verifier: issued.pkce.verifier,
    });
    expectOAuthError(answer, 401, 'invalid_client');
    expectOAuthError(await tokenRequest(server.url, { grant_type: 'refresh_token', refresh_token: 'x'.repeat(43), client_id: 'nobody' }), 401, 'invalid_client');
  });

  it('grant_type=password (or any other): unsupported_grant_type', async () => {
    for (const grantType of ['password', 'client_credentials', 'implicit']) {
      expectOAuthError(await tokenRequest(server.url, { grant_type: grantType, username: ADMIN.email, password: ADMIN.password, client_id: CLIENT_ID }), 400, 'unsupported_grant_type');
    }
  });

  it('missing parameters: invalid_request', async () => {
    expectOAuthError(await tokenRequest(server.url, { client_id: CLIENT_ID }), 400, 'invalid_request');
    expectOAuthError(await tokenRequest(server.url, { grant_type: 'authorization_code', client_id: CLIENT_ID, code_verifier: pkcePair().verifier, redirect_uri: 'http://127.0.0.1:4000/callback' }), 400, 'invalid_request');
    expectOAuthError(await tokenRequest(server.url, { grant_type: 'refresh_token', client_id: CLIENT_ID }), 400, 'invalid_request');
  });

  it('a JSON body is not a token request: invalid_request, still RFC 6749 JSON', async () => {
    const res = await fetch(`${server.url}/oauth2/token`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ grant_type: 'refresh_token', client_id: CLIENT_ID }),
    });
    const answer = { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
    expectOAuthError(answer, 400, 'invalid_request');
  });

  it('refusals are recorded as authentication failures, never with the code or token', async () => {
    const failures = await server.api('GET', `/v2/audit-logs/authentication-failures?start_time=${encodeURIComponent('2000-01-01T00:00:00Z')}&end_time=${encodeURIComponent('2100-01-01T00:00:00Z')}&limit=100`);
    expect(failures.status).toBe(200);
    const reasons = new Set((failures.body.failures as { reason: string; operation: string }[]).filter((f) => f.operation === 'POST /oauth2/token').map((f) => f.reason));
    expect([...reasons]).toEqual(expect.arrayContaining(['oauth_invalid_grant', 'oauth_invalid_client', 'oauth_unsupported_grant_type', 'oauth_invalid_request']));
  });
});

describe('the token endpoint under the failure limit', () => {
  let server: TestServer;
  beforeAll(async () => { server = await startTestServer({ env: { AX_AUTH_FAILURE_LIMIT: '3' } }); });
  afterAll(async () => { await server?.close(); });

  it('after the limit of failures from one address it answers 429 with Retry-After, in RFC 6749 JSON', async () => {
    const bad = () => tokenRequest(server.url, { grant_type: 'refresh_token', refresh_token: 'r'.repeat(43), client_id: CLIENT_ID });
    let answer = await bad();
    for (let i = 0; i < 10 && answer.status !== 429; i++) {
      expectOAuthError(answer, 400, 'invalid_grant');
      answer = await bad();
    }
    expect(answer.status).toBe(429);
    expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(answer.headers.get('cache-control')).toContain('no-store');
    expect(answer.body).toEqual({ error: expect.any(String), error_description: expect.stringContaining('retry') });
  });
});
