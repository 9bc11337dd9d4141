import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepExpiredLoginState } from '../../src/services/sso/login-completion.js';
import {
  auditRows, cliLogin, exchangeCode, loginCode, refreshTokens, revokeToken,
} from '../helpers/cli-login.js';
import { setPassword, signIn } from '../helpers/console-session.js';
import { createUserWithKey, type FixtureUser } from '../helpers/fixtures.js';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../helpers/server.js';

/**
 * An `ax auth login` access token on `/v2` (identity.md §6.6, §6.7): the user's current rights on every request,
 * refused (401 problem+json) once expired, revoked, or once the user is deleted or its password reset or changed;
 * what the OAuth server audits (§9, issue 11); how its state is stored and swept (§8).
 */
const ADMIN = { email: 'admin@localhost', password: ADMIN_PASSWORD };
const PASSWORD = 'a long enough password for tests';

describe('OAuth access tokens on /v2', () => {
  let server: TestServer;
  beforeAll(async () => { server = await startTestServer({ testClock: true, env: { AX_AUTH_FAILURE_LIMIT: '10000' } }); });
  afterAll(async () => { await server?.close(); });

  let n = 0;
  async function userWithPassword(role: 'ADMIN' | 'MEMBER' = 'MEMBER'): Promise<FixtureUser & { password: string }> {
    const user = await createUserWithKey(server, { email: `cli-user-${++n}@example.com`, role });
    await setPassword(server, user.dbId, PASSWORD);
    return { ...user, password: PASSWORD };
  }

  async function expectRefused(token: string): Promise<void> {
    const me = await server.api('GET', '/v2/me', { key: token });
    expect(me.status).toBe(401);
    expect(me.headers.get('content-type')).toContain('application/problem+json');
    expect(me.body.code).toBe('UNAUTHENTICATED');
  }

  it('is accepted as Bearer and in the legacy api_key header, as the user (auth OAUTH)', async () => {
    const user = await userWithPassword();
    const login = await cliLogin(server.url, user);
    const bearer = await server.api('GET', '/v2/me', { key: login.access });
    expect(bearer.status).toBe(200);
    expect(bearer.body).toMatchObject({ auth: 'OAUTH' });
    expect(JSON.stringify(bearer.body)).toContain(user.email);
    const legacy = await server.api('GET', '/v2/me', { key: null, headers: { api_key: login.access } });
    expect(legacy.status).toBe(200);
    expect(legacy.body).toMatchObject({ auth: 'OAUTH' });
  });

  it('acts with the user\'s current role: a demoted ADMIN gets 403 on an admin route with the same token', async () => {
    const user = await userWithPassword('ADMIN');
    const login = await cliLogin(server.url, user);
    expect((await server.api('GET', '/v2/audit-logs', { key: login.access })).status).toBe(200);
    // No /v2 route changes an account role (Arize's API has none; SSO sync does it): the row changes as a sync would.
    await server.context!.store.db.updateTable('users').set({ role: 'MEMBER' }).where('id', '=', user.dbId).execute();
    await server.context!.changes.publish({ accountId: 1 });
    expect((await server.api('GET', '/v2/audit-logs', { key: login.access })).status).toBe(403);
    expect((await server.api('GET', '/v2/me', { key: login.access })).status).toBe(200);
  });

  // oidc-provider ends the whole grant when either of its tokens is revoked: stricter than identity.md §6.5 asks.
  it('a revoked access token is refused, and its login ends with it', async () => {
    const login = await cliLogin(server.url, ADMIN);
    expect(await revokeToken(server.url, login.access, 'access_token')).toBe(200);
    await expectRefused(login.access);
    expect((await refreshTokens(server.url, login.refresh)).body.error).toBe('invalid_grant');
  });

  it('a revoked refresh token ends the whole login', async () => {
    const login = await cliLogin(server.url, ADMIN);
    expect(await revokeToken(server.url, login.refresh, 'refresh_token')).toBe(200);
    await expectRefused(login.access);
    expect((await refreshTokens(server.url, login.refresh)).body.error).toBe('invalid_grant');
  });

  it('a deleted user\'s token is refused and its refresh is invalid_grant', async () => {
    const user = await userWithPassword();
    const login = await cliLogin(server.url, user);
    expect((await server.api('DELETE', `/v2/users/${encodeURIComponent(user.id)}`)).status).toBe(204);
    await expectRefused(login.access);
    const refreshed = await refreshTokens(server.url, login.refresh);
    expect(refreshed.status).toBe(400);
    expect(refreshed.body.error).toBe('invalid_grant');
  });

  it('a deactivated user\'s token is refused at once, and its refresh is invalid_grant', async () => {
    const user = await userWithPassword();
    const login = await cliLogin(server.url, user);
    await server.context!.store.db.updateTable('users').set({ status: 'EXPIRED' }).where('id', '=', user.dbId).execute();
    await expectRefused(login.access);
    expect((await refreshTokens(server.url, login.refresh)).body.error).toBe('invalid_grant');
  });

  it('an admin\'s password reset ends the user\'s CLI logins', async () => {
    const user = await userWithPassword();
    const login = await cliLogin(server.url, user);
    expect((await server.api('POST', `/v2/users/${encodeURIComponent(user.id)}/reset-password`)).status).toBe(204);
    await expectRefused(login.access);
    expect((await refreshTokens(server.url, login.refresh)).body.error).toBe('invalid_grant');
  });

  it('the user\'s own password change ends its CLI logins', async () => {
    const user = await userWithPassword();
    const login = await cliLogin(server.url, user);
    const session = await signIn(server, user.email, user.password);
    const changed = await server.api('POST', '/auth/change-password', {
      key: null, headers: { cookie: session.cookie, 'x-csrf-token': session.csrf },
      body: { current_password: user.password, new_password: 'another long enough password' },
    });
    expect(changed.status, JSON.stringify(changed.body)).toBe(204);
    await expectRefused(login.access);
    expect((await refreshTokens(server.url, login.refresh)).body.error).toBe('invalid_grant');
  });

  it('an unknown token is 401 problem+json, recorded as oauth_token_invalid', async () => {
    await expectRefused('not-an-api-key-nor-a-token-xyz');
  });

  it('no code, access token or refresh token is stored raw in oauth_payloads', async () => {
    const issued = await loginCode(server.url, ADMIN);
    const token = await exchangeCode(server.url, issued.code, issued.port, issued.pkce.verifier);
    expect(token.status).toBe(200);
    const refreshed = await refreshTokens(server.url, String(token.body.refresh_token));
    expect(refreshed.status).toBe(200);
    const rows = await server.context!.store.db.selectFrom('oauth_payloads').selectAll().execute();
    expect(rows.length).toBeGreaterThan(0);
    const stored = JSON.stringify(rows);
    const secrets = [issued.code, token.body.access_token, token.body.refresh_token, refreshed.body.access_token, refreshed.body.refresh_token].map(String);
    for (const secret of secrets) expect(stored).not.toContain(secret);
  });

  it('expires after an hour: 401 problem+json once 3601 s have passed', async () => {
    const login = await cliLogin(server.url, ADMIN);
    expect((await server.api('GET', '/v2/me', { key: login.access })).status).toBe(200);
    await server.advanceClock(3_601_000);
    await expectRefused(login.access);
    const refreshed = await refreshTokens(server.url, login.refresh);
    expect(refreshed.status).toBe(200);
    expect((await server.api('GET', '/v2/me', { key: String(refreshed.body.access_token) })).status).toBe(200);
  });
});

describe('OAuth audit', () => {
  let server: TestServer;
  beforeAll(async () => { server = await startTestServer({ env: { AX_AUTH_FAILURE_LIMIT: '10000' } }); });
  afterAll(async () => { await server?.close(); });

  function about(userId: string) {
    return expect.objectContaining({ user_id: userId, variables: expect.stringContaining(userId) });
  }

  it('records the grant, a refresh, a reused refresh token, a reused code and a revocation, with the user and no token', async () => {
    const user = await createUserWithKey(server, { email: 'audited@example.com' });
    await setPassword(server, user.dbId, PASSWORD);
    const login = await cliLogin(server.url, { email: user.email, password: PASSWORD });
    expect(await auditRows(server, 'OAUTH_GRANT_CREATED')).toEqual([about(user.id)]);

    const refreshed = await refreshTokens(server.url, login.refresh);
    expect(refreshed.status).toBe(200);
    expect(await auditRows(server, 'OAUTH_TOKEN_REFRESHED')).toEqual([about(user.id)]);
    expect((await refreshTokens(server.url, login.refresh)).body.error).toBe('invalid_grant');
    expect(await auditRows(server, 'OAUTH_REFRESH_REUSED')).toEqual([about(user.id)]);

    const issued = await loginCode(server.url, { email: user.email, password: PASSWORD });
    const first = await exchangeCode(server.url, issued.code, issued.port, issued.pkce.verifier);
    expect(first.status).toBe(200);
    expect((await exchangeCode(server.url, issued.code, issued.port, issued.pkce.verifier)).body.error).toBe('invalid_grant');
    expect(await auditRows(server, 'OAUTH_CODE_REUSED')).toEqual([about(user.id)]);

    const last = await cliLogin(server.url, { email: user.email, password: PASSWORD });
    expect(await revokeToken(server.url, last.refresh, 'refresh_token')).toBe(200);
    expect(await auditRows(server, 'OAUTH_GRANT_REVOKED')).toEqual([about(user.id)]);

    const secrets = [login, last].flatMap((l) => [l.access, l.refresh]).concat(
      [refreshed.body.access_token, refreshed.body.refresh_token, first.body.access_token, first.body.refresh_token, issued.code].map(String),
    );
    const audit = JSON.stringify(await server.context!.store.db.selectFrom('audit_logs').selectAll().execute())
      + JSON.stringify(await server.context!.store.db.selectFrom('authentication_failures').selectAll().execute());
    for (const secret of secrets) expect(audit).not.toContain(secret);
  });
});

describe('the sweeper and the OAuth state', () => {
  let server: TestServer;
  beforeAll(async () => { server = await startTestServer({ testClock: true }); });
  afterAll(async () => { await server?.close(); });

  async function models(): Promise<string[]> {
    const rows = await server.context!.store.db.selectFrom('oauth_payloads').select('model').execute();
    return [...new Set(rows.map((row) => row.model))].sort();
  }

  it('deletes what has expired and keeps what has not: a login outlives its access token, not its 90 days', async () => {
    const login = await cliLogin(server.url, ADMIN);
    expect(await models()).toEqual(expect.arrayContaining(['AccessToken', 'Grant', 'RefreshToken']));
    await server.advanceClock(3_601_000);
    await sweepExpiredLoginState(server.context!);
    expect(await models()).toEqual(['Grant', 'RefreshToken']);
    const refreshed = await refreshTokens(server.url, login.refresh);
    expect(refreshed.status).toBe(200);
    expect((await server.api('GET', '/v2/me', { key: String(refreshed.body.access_token) })).status).toBe(200);
    await server.advanceClock(91 * 86_400_000);
    await sweepExpiredLoginState(server.context!);
    expect(await models()).toEqual([]);
    expect((await refreshTokens(server.url, String(refreshed.body.refresh_token))).body.error).toBe('invalid_grant');
  });
});
