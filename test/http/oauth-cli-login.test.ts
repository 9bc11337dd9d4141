import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../helpers/server.js';
import { createPublicKey, createVerify } from 'node:crypto';
import { encodeId } from '../../src/domain/ids.js';
import {
  browserLogin, CLIENT_ID, cliLogin, decodeJwt, exchangeCode, pkcePair, randomLoopbackPort, refreshTokens, revokeToken, type TokenAnswer,
} from '../helpers/cli-login.js';

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
    expectTokenAnswer(token);

    const me = await server.api('GET', '/v2/me', { key: String(token.body.access_token) });
    expect(me.status).toBe(200);
    expect(me.body.auth).toBe('OAUTH');

    const refreshed = await refreshTokens(server.url, String(token.body.refresh_token));
    expect(refreshed.status, JSON.stringify(refreshed.body)).toBe(200);
    expectTokenAnswer(refreshed);
    expect(refreshed.body.refresh_token).not.toBe(token.body.refresh_token);
    expect(refreshed.body.access_token).not.toBe(token.body.access_token);
    expect((await server.api('GET', '/v2/me', { key: String(refreshed.body.access_token) })).status).toBe(200);
    const reused = await refreshTokens(server.url, String(token.body.refresh_token));
    expect(reused.status).toBe(400);
    expect(reused.body.error).toBe('invalid_grant');
    expect(reused.headers.get('cache-control')).toContain('no-store');
    expect((await server.api('GET', '/v2/me', { key: String(refreshed.body.access_token) })).status).toBe(401);
    expect((await refreshTokens(server.url, String(refreshed.body.refresh_token))).body.error).toBe('invalid_grant');
  });

  /** Every field Arize's CLI reads from a token answer (identity.md §6.4), the same on exchange and refresh. */
  function expectTokenAnswer(token: TokenAnswer): void {
    expect(token.status, JSON.stringify(token.body)).toBe(200);
    expect(token.headers.get('cache-control')).toContain('no-store');
    expect(token.headers.get('content-type')).toContain('application/json');
    expect(token.body).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'openid email' });
    expect(token.body.access_token).toEqual(expect.any(String));
    expect(token.body.refresh_token).toEqual(expect.any(String));
    const { header, claims } = decodeJwt(String(token.body.id_token));
    expect(header.alg).toBe('RS256');
    expect(claims).toMatchObject({ email: 'admin@localhost', aud: CLIENT_ID, iss: server.url, sub: encodeId('User', 1) });
    expect(claims.exp).toEqual(expect.any(Number));
    expect(claims.iat).toEqual(expect.any(Number));
    expect(Number(claims.exp) - Number(claims.iat)).toBe(3600);
  }

  it('the id_token verifies with the key /oauth2/jwks serves (RS256, public parts only)', async () => {
    const login = await cliLogin(server.url, ADMIN);
    const res = await fetch(`${server.url}/oauth2/jwks`);
    expect(res.status).toBe(200);
    const { keys } = (await res.json()) as { keys: Record<string, unknown>[] };
    expect(keys).toHaveLength(1);
    const key = keys[0]!;
    expect(key).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig', kid: expect.any(String), n: expect.any(String), e: 'AQAB' });
    for (const part of ['d', 'p', 'q', 'dp', 'dq', 'qi']) expect(key, part).not.toHaveProperty(part);
    const [header, payload, signature] = String(login.body.id_token).split('.');
    expect(decodeJwt(String(login.body.id_token)).header.kid).toBe(key.kid);
    const verified = createVerify('RSA-SHA256').update(`${header}.${payload}`)
      .verify(createPublicKey({ key: key as never, format: 'jwk' }), Buffer.from(signature!, 'base64url'));
    expect(verified).toBe(true);
  });

  it('discovery answers one document at both well-known names (RFC 8414 and OIDC)', async () => {
    const [rfc8414, oidc] = await Promise.all(['oauth-authorization-server', 'openid-configuration'].map(async (name) => {
      const res = await fetch(`${server.url}/.well-known/${name}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('application/json');
      return (await res.json()) as Record<string, unknown>;
    }));
    expect(rfc8414).toEqual(oidc);
    expect(rfc8414).toMatchObject({
      issuer: server.url,
      authorization_endpoint: `${server.url}/oauth2/authorize`,
      token_endpoint: `${server.url}/oauth2/token`,
      revocation_endpoint: `${server.url}/oauth2/revoke`,
      jwks_uri: `${server.url}/oauth2/jwks`,
      response_types_supported: ['code'],
      grant_types_supported: ['authorization_code', 'refresh_token'],
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: ['none'],
      scopes_supported: ['openid', 'email'],
    });
    for (const absent of ['registration_endpoint', 'userinfo_endpoint', 'end_session_endpoint', 'introspection_endpoint']) {
      expect(rfc8414, absent).not.toHaveProperty(absent);
    }
  });

  it('revoke answers 200 for both tokens and the access token stops working', async () => {
    const login = await cliLogin(server.url, ADMIN);
    expect(await revokeToken(server.url, login.refresh, 'refresh_token')).toBe(200);
    expect(await revokeToken(server.url, login.access, 'access_token')).toBe(200);
    expect(await revokeToken(server.url, 'not-a-token')).toBe(200);
    expect((await server.api('GET', '/v2/me', { key: login.access })).status).toBe(401);
  });
});
