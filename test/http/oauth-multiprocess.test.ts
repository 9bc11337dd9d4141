import { createPublicKey, createVerify, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CookieJar } from '../helpers/cookie-jar.js';
import {
  cliLogin, consoleSignIn, exchangeCode, pkcePair, randomLoopbackPort, refreshTokens, revokeToken, startAuthorize,
} from '../helpers/cli-login.js';
import { testBackend } from '../helpers/database.js';
import { msUntilRefused, type ProcessPair, type ServerProcess, startProcessPair } from '../helpers/server-process.js';

/**
 * `ax auth login` on two server processes sharing one PostgreSQL database behind one public URL (identity.md §8,
 * issue 11): a login started on one finishes on the other, tokens issued by one work on the other, and what one
 * revokes the other refuses within a second. Both sign with the one key in server_settings.
 */
const ADMIN_KEY = `ak-oauth-mp-admin-${Math.random().toString(36).slice(2)}`;
const ADMIN = { email: 'admin@localhost', password: 'seven quiet rivers under glass' };
const PUBLIC_URL = 'http://ax.multiprocess.test';
const DEADLINE_MS = 1000;

async function status(url: string, path: string, token: string, method = 'GET'): Promise<number> {
  const res = await fetch(url + path, { method, headers: { authorization: `Bearer ${token}` } });
  await res.arrayBuffer();
  return res.status;
}

describe.skipIf(testBackend !== 'postgres')(
  'ax auth login on two server processes on one PostgreSQL database (runs with AX_TEST_DB=postgres; skipped on SQLite, where one process owns the file)',
  () => {
    let pair: ProcessPair;
    let a: ServerProcess;
    let b: ServerProcess;

    beforeAll(async () => {
      pair = await startProcessPair({ adminKey: ADMIN_KEY, publicUrl: PUBLIC_URL });
      ({ a, b } = pair);
    }, 90_000);

    afterAll(async () => {
      await pair?.stop();
    });

    it('a login started on A is approved on B, resumed on A and its code traded on B', async () => {
      const jar = new CookieJar();
      const req = { port: randomLoopbackPort(), state: randomBytes(16).toString('base64url'), pkce: pkcePair() };
      const uid = await startAuthorize(jar, a.url, req);
      const csrf = await consoleSignIn(jar, b.url, ADMIN.email, ADMIN.password);
      const approved = await jar.fetch(`${b.url}/auth/oauth/interactions/${uid}/approve`, { method: 'POST', headers: { 'x-csrf-token': csrf } });
      expect(approved.status).toBe(200);
      const resume = ((await approved.json()) as { redirect_to: string }).redirect_to;
      // On the host the browser started the login on (the library builds it from the request).
      expect(resume).toBe(`${a.url}/oauth2/authorize/${uid}`);
      const back = await jar.fetch(resume);
      expect(back.status).toBe(302);
      const callback = new URL(back.headers.get('location')!);
      expect(callback.searchParams.get('state')).toBe(req.state);
      expect(callback.searchParams.get('iss')).toBe(PUBLIC_URL);
      const token = await exchangeCode(b.url, callback.searchParams.get('code')!, req.port, req.pkce.verifier);
      expect(token.status, JSON.stringify(token.body)).toBe(200);
      expect(await status(a.url, '/v2/me', String(token.body.access_token))).toBe(200);
    });

    it('a token from A works on B; revoked on A, B refuses it within 1 s', async () => {
      const login = await cliLogin(a.url, ADMIN);
      expect(await status(b.url, '/v2/me', login.access)).toBe(200);
      const since = performance.now();
      expect(await revokeToken(a.url, login.refresh, 'refresh_token')).toBe(200);
      expect(await msUntilRefused(b.url, login.access, since)).toBeLessThan(DEADLINE_MS);
      expect((await refreshTokens(b.url, login.refresh)).body.error).toBe('invalid_grant');
    });

    it('a refresh token issued by A is refreshed on B; reusing it on A ends the login on both', async () => {
      const login = await cliLogin(a.url, ADMIN);
      const refreshed = await refreshTokens(b.url, login.refresh);
      expect(refreshed.status, JSON.stringify(refreshed.body)).toBe(200);
      expect(await status(a.url, '/v2/me', String(refreshed.body.access_token))).toBe(200);
      const reused = await refreshTokens(a.url, login.refresh);
      expect(reused.body.error).toBe('invalid_grant');
      const since = performance.now();
      expect(await msUntilRefused(b.url, String(refreshed.body.access_token), since)).toBeLessThan(DEADLINE_MS);
    });

    it('a user deleted on A: B refuses the user\'s token within 1 s', async () => {
      const created = await fetch(`${a.url}/v2/users`, {
        method: 'POST', headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Leaver', email: 'leaver@example.com', role: { type: 'PREDEFINED', name: 'MEMBER' }, invite_mode: 'TEMPORARY_PASSWORD' }),
      });
      expect(created.status).toBe(201);
      const user = (await created.json()) as { id: string; temporary_password: string };
      // The temporary password must be changed before a CLI login may be approved.
      const jar = new CookieJar();
      const csrf = await consoleSignIn(jar, a.url, 'leaver@example.com', user.temporary_password);
      const changed = await jar.fetch(`${a.url}/auth/change-password`, {
        method: 'POST', headers: { 'x-csrf-token': csrf, 'content-type': 'application/json' },
        body: JSON.stringify({ current_password: user.temporary_password, new_password: 'the leaver\'s own new password' }),
      });
      expect(changed.status).toBe(204);
      const login = await cliLogin(a.url, { email: 'leaver@example.com', password: 'the leaver\'s own new password' });
      expect(await status(b.url, '/v2/me', login.access)).toBe(200);
      const since = performance.now();
      expect(await status(a.url, `/v2/users/${encodeURIComponent(user.id)}`, ADMIN_KEY, 'DELETE')).toBe(204);
      expect(await msUntilRefused(b.url, login.access, since)).toBeLessThan(DEADLINE_MS);
    });

    it('both sign with the one shared key: an id_token from A verifies with B\'s /oauth2/jwks', async () => {
      const login = await cliLogin(a.url, ADMIN);
      const { keys } = (await (await fetch(`${b.url}/oauth2/jwks`)).json()) as { keys: (Record<string, unknown> & { kid: string })[] };
      const [header, payload, signature] = String(login.body.id_token).split('.');
      const { kid } = JSON.parse(Buffer.from(header!, 'base64url').toString()) as { kid: string };
      const key = keys.find((k) => k.kid === kid);
      expect(key).toBeDefined();
      const verified = createVerify('RSA-SHA256').update(`${header}.${payload}`)
        .verify(createPublicKey({ key: key as never, format: 'jwk' }), Buffer.from(signature!, 'base64url'));
      expect(verified).toBe(true);
      const discovery = (await (await fetch(`${b.url}/.well-known/openid-configuration`)).json()) as { issuer: string };
      expect(discovery.issuer).toBe(PUBLIC_URL);
    });
  },
);
