import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../src/client/index.js';
import { encodeId } from '../../src/domain/ids.js';
import { setPassword } from '../helpers/console-session.js';
import { createSecondAccount, createUserWithKey, type FixtureUser } from '../helpers/fixtures.js';
import { cliLogin } from '../helpers/cli-login.js';
import { startTestServer, type Json, type TestServer } from '../helpers/server.js';

const PASSWORD = 'amber lanterns over still water';
const DAY_MS = 86_400_000;

let server: TestServer;
let userCount = 0;

beforeAll(async () => {
  server = await startTestServer({ testClock: true });
});
afterAll(async () => {
  await server?.close();
});

/** A MEMBER (or other role) who can sign in to the console, so it can log a CLI in. */
async function person(role: 'ADMIN' | 'MEMBER' = 'MEMBER'): Promise<FixtureUser & { password: string }> {
  const user = await createUserWithKey(server, { email: `cli-user-${++userCount}@example.com`, role });
  await setPassword(server, user.dbId, PASSWORD);
  return { ...user, password: PASSWORD };
}

const grants = async (key: string, query = ''): Promise<Json> => {
  const res = await server.api('GET', `/v2/oauth-grants${query}`, { key });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
};

describe('GET /v2/oauth-grants', () => {
  it("lists the caller's CLI logins: client, scopes, created, last used, expiry; never a token", async () => {
    const user = await person();
    const login = await cliLogin(server.url, user);
    const body = await grants(user.key);
    expect(body.pagination).toEqual({ has_more: false });
    expect(body.oauth_grants).toHaveLength(1);
    const grant = body.oauth_grants[0];
    expect(grant).toMatchObject({
      user_id: user.id, user_email: user.email, client_id: 'arize-cli', client_name: 'ax command-line interface', scopes: ['openid', 'email'],
    });
    expect(Buffer.from(grant.id, 'base64').toString()).toMatch(/^OAuthGrant:\d+$/);
    const lifetime = Date.parse(grant.expires_at) - Date.parse(grant.created_at);
    expect(lifetime).toBeGreaterThan(89 * DAY_MS);
    expect(lifetime).toBeLessThanOrEqual(90 * DAY_MS + 1000);
    expect(JSON.stringify(body)).not.toContain(login.access);
    expect(JSON.stringify(body)).not.toContain(login.refresh);
  });

  it('records the last use of a login, and a request with its own token sees that login', async () => {
    const user = await person();
    const login = await cliLogin(server.url, user);
    expect((await grants(user.key)).oauth_grants[0].last_used_at).toBeNull();
    const mine = await grants(login.access);
    expect(mine.oauth_grants).toHaveLength(1);
    expect(mine.oauth_grants[0].user_id).toBe(user.id);
    expect(mine.oauth_grants[0].last_used_at).not.toBeNull();
  });

  it("lets an account ADMIN list another user's logins; a MEMBER asking for someone else gets 403", async () => {
    const member = await person();
    const other = await person();
    await cliLogin(server.url, member);
    const seen = await grants(server.adminKey, `?user_id=${encodeURIComponent(member.id)}`);
    expect(seen.oauth_grants.map((g: Json) => g.user_email)).toEqual([member.email]);
    const refused = await server.api('GET', `/v2/oauth-grants?user_id=${encodeURIComponent(member.id)}`, { key: other.key });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect((await grants(other.key, `?user_id=${encodeURIComponent(other.id)}`)).oauth_grants).toEqual([]);
  });

  it('answers 404 for a user of another account or an unknown user, 400 for a malformed or foreign-typed user id', async () => {
    const { admin: foreign } = await createSecondAccount(server, 'admin@grants-tenant.example');
    expect((await server.api('GET', `/v2/oauth-grants?user_id=${encodeURIComponent(foreign.id)}`)).status).toBe(404);
    expect((await server.api('GET', `/v2/oauth-grants?user_id=${encodeURIComponent(encodeId('User', 999_999))}`)).status).toBe(404);
    expect((await server.api('GET', '/v2/oauth-grants?user_id=nope')).status).toBe(400);
    expect((await server.api('GET', `/v2/oauth-grants?user_id=${encodeURIComponent(encodeId('Space', 1))}`)).status).toBe(400);
    expect((await server.api('GET', '/v2/oauth-grants?colour=blue')).status).toBe(400);
  });

  it('paginates with limit and an opaque cursor; a foreign or forged cursor is a 400', async () => {
    const user = await person();
    for (let i = 0; i < 3; i++) await cliLogin(server.url, user);
    const first = await grants(user.key, '?limit=2');
    expect(first.oauth_grants).toHaveLength(2);
    expect(first.pagination.has_more).toBe(true);
    const second = await grants(user.key, `?limit=2&cursor=${encodeURIComponent(first.pagination.next_cursor)}`);
    expect(second.oauth_grants).toHaveLength(1);
    expect(second.pagination).toEqual({ has_more: false });
    const ids = [...first.oauth_grants, ...second.oauth_grants].map((g: Json) => g.id);
    expect(new Set(ids).size).toBe(3);
    const users = await server.api('GET', '/v2/users?limit=1', { key: server.adminKey });
    expect(users.body.pagination.has_more).toBe(true);
    const foreignCursor = encodeURIComponent(users.body.pagination.next_cursor);
    expect((await server.api('GET', `/v2/oauth-grants?cursor=${foreignCursor}`, { key: user.key })).status).toBe(400);
    expect((await server.api('GET', '/v2/oauth-grants?cursor=forged.cursor', { key: user.key })).status).toBe(400);
    expect((await server.api('GET', '/v2/oauth-grants?limit=0', { key: user.key })).status).toBe(400);
    expect((await server.api('GET', '/v2/oauth-grants?limit=101', { key: user.key })).status).toBe(400);
  });

  it('requires authentication', async () => {
    expect((await server.api('GET', '/v2/oauth-grants', { key: null })).status).toBe(401);
  });
});

describe('DELETE /v2/oauth-grants/{grant_id}', () => {
  it('ends the login: 204, its access and refresh tokens stop working at once, and it is audited', async () => {
    const user = await person();
    const login = await cliLogin(server.url, user);
    const kept = await cliLogin(server.url, user);
    expect((await server.api('GET', '/v2/me', { key: login.access })).status).toBe(200);
    const listed = (await grants(user.key)).oauth_grants as Json[];
    const [grant] = listed;
    const res = await server.api('DELETE', `/v2/oauth-grants/${encodeURIComponent(grant.id)}`, { key: user.key });
    expect(res.status).toBe(204);
    expect((await server.api('GET', '/v2/me', { key: login.access })).status).toBe(401);
    const refreshed = await fetch(`${server.url}/oauth2/token`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: login.refresh, client_id: 'arize-cli' }),
    });
    expect(refreshed.status).toBe(400);
    expect(((await refreshed.json()) as Json).error).toBe('invalid_grant');
    expect((await server.api('GET', '/v2/me', { key: kept.access })).status).toBe(200);
    expect((await grants(user.key)).oauth_grants.map((g: Json) => g.id)).toEqual([listed[1].id]);
    expect((await server.api('DELETE', `/v2/oauth-grants/${encodeURIComponent(grant.id)}`, { key: user.key })).status).toBe(404);

    const audit = await server.api('GET', `/v2/audit-logs?user_id=${encodeURIComponent(user.id)}`, { key: server.adminKey });
    const row = (audit.body.logs as Json[]).find((log) => log.operation_name === 'OAUTH_GRANT_REVOKED');
    expect(row, JSON.stringify(audit.body)).toBeDefined();
    expect(JSON.parse(row.variables)).toEqual({ grant_id: grant.id });
    expect(JSON.parse(row.operation_text)).toMatchObject({ request: 'DELETE /v2/oauth-grants/:grant_id', client_id: 'arize-cli', user_id: user.id });
    expect(row.operation_text).not.toContain(login.access);
  });

  it("lets an account ADMIN end anyone's login in the account; another user's login is a 404 to a MEMBER", async () => {
    const owner = await person();
    const stranger = await person();
    const login = await cliLogin(server.url, owner);
    const [grant] = (await grants(owner.key)).oauth_grants as Json[];
    const path = `/v2/oauth-grants/${encodeURIComponent(grant.id)}`;
    expect((await server.api('DELETE', path, { key: stranger.key })).status).toBe(404);
    expect((await server.api('GET', '/v2/me', { key: login.access })).status).toBe(200);
    const { admin: foreign } = await createSecondAccount(server, 'admin@grants-delete-tenant.example');
    expect((await server.api('DELETE', path, { key: foreign.key })).status).toBe(404);
    expect((await server.api('DELETE', path, { key: server.adminKey })).status).toBe(204);
    expect((await server.api('GET', '/v2/me', { key: login.access })).status).toBe(401);
  });

  it('answers 400 for a malformed or foreign-typed grant id and 404 for an unknown one', async () => {
    const malformed = await server.api('DELETE', '/v2/oauth-grants/not-an-id');
    expect(malformed.status).toBe(400);
    expect(malformed.body.detail).toContain('grant_id');
    expect((await server.api('DELETE', `/v2/oauth-grants/${encodeURIComponent(encodeId('ApiKey', 1))}`)).status).toBe(400);
    expect((await server.api('DELETE', `/v2/oauth-grants/${encodeURIComponent(encodeId('OAuthGrant', 999_999))}`)).status).toBe(404);
  });

  it('lets a CLI end its own login with its own access token', async () => {
    const user = await person();
    const login = await cliLogin(server.url, user);
    const [grant] = (await grants(login.access)).oauth_grants as Json[];
    expect((await server.api('DELETE', `/v2/oauth-grants/${encodeURIComponent(grant.id)}`, { key: login.access })).status).toBe(204);
    expect((await server.api('GET', '/v2/me', { key: login.access })).status).toBe(401);
  });
});

describe('the typed client', () => {
  it('lists and revokes CLI logins through ax.oauthGrants', async () => {
    const user = await person();
    const login = await cliLogin(server.url, user);
    const ax = createClient({ endpoint: server.url, apiKey: user.key });
    const logins = [];
    for await (const grant of ax.oauthGrants.iterate()) logins.push(grant);
    expect(logins.map((grant) => grant.client_id)).toEqual(['arize-cli']);
    await ax.oauthGrants.revoke(logins[0]!.id);
    expect((await ax.oauthGrants.list()).oauth_grants).toEqual([]);
    expect((await server.api('GET', '/v2/me', { key: login.access })).status).toBe(401);
  });
});

describe('GET /auth/cli/callback', () => {
  const page = (query: string) => fetch(`${server.url}/auth/cli/callback${query}`, { headers: { accept: 'text/html' } });

  it('tells the person to return to the terminal after a successful login, with no script', async () => {
    const res = await page('?status=success');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await res.text();
    expect(html).toContain('You are logged in to ax. You can close this tab and return to your terminal.');
    expect(html).not.toContain('<script');
  });

  it('shows the reason of a failed login, escaped and cut to 200 characters', async () => {
    const reason = `<script>alert(1)</script> state mismatch ${'x'.repeat(300)}`;
    const res = await page(`?status=error&reason=${encodeURIComponent(reason)}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; state mismatch');
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('x'.repeat(200));
    expect(html).toContain('x'.repeat(150));
  });

  it('answers 400 for an unknown or missing status and a reason over 500 characters', async () => {
    expect((await page('?status=maybe')).status).toBe(400);
    expect((await page('')).status).toBe(400);
    expect((await page(`?status=error&reason=${'r'.repeat(501)}`)).status).toBe(400);
  });
});

describe('expiry', () => {
  it('no longer lists a login once it has expired (90 days)', async () => {
    const user = await person();
    await cliLogin(server.url, user);
    expect((await grants(user.key)).oauth_grants).toHaveLength(1);
    await server.advanceClock(91 * DAY_MS);
    expect((await grants(user.key)).oauth_grants).toEqual([]);
  });
});
