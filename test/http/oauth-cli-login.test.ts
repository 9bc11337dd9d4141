import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../helpers/server.js';
import { browserLogin, CLIENT_ID, cliLogin, exchangeCode, pkcePair, randomLoopbackPort, refreshTokens, revokeToken } from '../helpers/cli-login.js';

const ADMIN = { email: 'admin@localhost', password: ADMIN_PASSWORD };

describe("Arize's `ax auth login` wire, replayed", () => {
  let server: TestServer;
  beforeAll(async () => { server = await startTestServer(); });
  afterAll(async () => { await server?.close(); });

  it('authorize → sign in → consent → code → tokens → /v2 → refresh with rotation → revoke', async () => {
    const pkce = pkcePair();
    const port = randomLoopbackPort();
    const state = randomBytes(16).toString('base64url');
    const callback = await browserLogin(server.url, { port, state, pkce }, ADMIN);
    expect(callback.origin).toBe(`http://127.0.0.1:${port}`);
    expect(callback.pathname).toBe('/callback');
    expect(callback.searchParams.get('state')).toBe(state);
    const token = await exchangeCode(server.url, callback.searchParams.get('code')!, port, pkce.verifier);
    expect(token.status, JSON.stringify(token.body)).toBe(200);
    expect(token.headers.get('cache-control')).toContain('no-store');
    expect(token.body).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'openid email' });
    expect(typeof token.body.access_token).toBe('string');
    expect(typeof token.body.refresh_token).toBe('string');
    const idToken = String(token.body.id_token).split('.');
    const claims = JSON.parse(Buffer.from(idToken[1]!, 'base64url').toString()) as Record<string, unknown>;
    expect(claims).toMatchObject({ email: 'admin@localhost', aud: CLIENT_ID, iss: server.url });

    const me = await server.api('GET', '/v2/me', { key: String(token.body.access_token) });
    expect(me.status).toBe(200);
    expect(me.body.auth).toBe('OAUTH');

    const refreshed = await refreshTokens(server.url, String(token.body.refresh_token));
    expect(refreshed.status, JSON.stringify(refreshed.body)).toBe(200);
    expect(refreshed.body.refresh_token).not.toBe(token.body.refresh_token);
    const reused = await refreshTokens(server.url, String(token.body.refresh_token));
    expect(reused.status).toBe(400);
    expect(reused.body.error).toBe('invalid_grant');
    expect((await server.api('GET', '/v2/me', { key: String(refreshed.body.access_token) })).status).toBe(401);
    expect((await refreshTokens(server.url, String(refreshed.body.refresh_token))).body.error).toBe('invalid_grant');
  });

  it('revoke answers 200 for both tokens and the access token stops working', async () => {
    const login = await cliLogin(server.url, ADMIN);
    expect(await revokeToken(server.url, login.refresh, 'refresh_token')).toBe(200);
    expect(await revokeToken(server.url, login.access, 'access_token')).toBe(200);
    expect(await revokeToken(server.url, 'not-a-token')).toBe(200);
    expect((await server.api('GET', '/v2/me', { key: login.access })).status).toBe(401);
  });
});
