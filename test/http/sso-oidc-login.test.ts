import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CookieJar } from '../helpers/cookie-jar.js';
import { type ForgedIdToken, type OidcOp, signInAtOp, startOidcOp, startStubOp, type StubOp } from '../helpers/oidc-op.js';
import { loginRowCounts, predefinedRoleId } from '../helpers/sso-login.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * OIDC sign-in over HTTP (identity.md §3.1, §3.4, §12.3) against oidc-provider in-process: the browser part is the
 * cookie jar plus the OP helper's scripted login; every refusal is checked with its code and with nothing created.
 */
let server: TestServer;
let op: OidcOp;
let idpId: string;
let spaceId: string;
let orgId: string;
let customRoleId: string;
let stub: StubOp | undefined;

const JSON_ACCEPT = { accept: 'application/json' };



/** Starts a login in a fresh browser; the answer is the 302 to the OP. */
async function startLogin(jar: CookieJar, query = `idp_id=${encodeURIComponent(idpId)}`): Promise<string> {
  const res = await jar.fetch(`${server.url}/auth/oidc/login?${query}`);
  expect(res.status, await res.clone().text()).toBe(302);
  expect(jar.get('ax_sso')).toBeTruthy();
  return res.headers.get('location')!;
}

async function login(loginName: string, claims: Record<string, unknown>, options: { query?: string } = {}) {
  op.setClaims(loginName, claims);
  const jar = new CookieJar();
  const callback = await signInAtOp(await startLogin(jar, options.query), { login: loginName });
  const res = await jar.fetch(callback, { headers: JSON_ACCEPT });
  return { jar, callback, res };
}

beforeAll(async () => {
  server = await startTestServer({
    testClock: true,
    env: { AX_SSO_ALLOWED_PRIVATE_HOSTS: '127.0.0.1', AX_AUTH_FAILURE_LIMIT: '1000', AX_SECRETS_KEY: randomBytes(32).toString('base64') },
  });
  op = await startOidcOp({ redirectUris: [`${server.url}/auth/oidc/callback`] });
  orgId = (await server.api('POST', '/v2/organizations', { body: { name: 'ML' } })).body.id;
  spaceId = (await server.api('POST', '/v2/spaces', { body: { name: 'models', organization_id: orgId } })).body.id;
  customRoleId = (await server.api('POST', '/v2/roles', { body: { name: 'ml-engineer', permissions: ['SPACE_READ'] } })).body.id;
  const created = await server.api('POST', '/v2/oidc-identity-providers', {
    body: {
      name: 'Test OP', email_domains: ['example.test'], issuer: op.issuer, client_id: op.clientId, client_secret: op.clientSecret,
      groups_claim_path: 'groups',
      role_mappings: [{ attributes_map: { groups: 'team-ml' }, org_role: { org_id: orgId, role_id: await predefinedRoleId(server, 'Member') }, space_roles: [{ space_id: spaceId, role_id: customRoleId }] }],
    },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  idpId = created.body.id;
});

afterAll(async () => {
  await stub?.close();
  await op?.close();
  await server?.close();
});

describe('OIDC sign-in (identity.md §3.1)', () => {
  it('starts with a 302 to the OP: code flow, PKCE S256, state, nonce, the fixed redirect URI, the ax_sso cookie on /auth', async () => {
    const jar = new CookieJar();
    const res = await jar.fetch(`${server.url}/auth/oidc/login?idp_id=${encodeURIComponent(idpId)}&return_to=/spaces`);
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location')!);
    expect(location.origin).toBe(op.issuer);
    expect(location.searchParams.get('response_type')).toBe('code');
    expect(location.searchParams.get('client_id')).toBe(op.clientId);
    expect(location.searchParams.get('redirect_uri')).toBe(`${server.url}/auth/oidc/callback`);
    expect(location.searchParams.get('code_challenge_method')).toBe('S256');
    expect(location.searchParams.get('state')).toBeTruthy();
    expect(location.searchParams.get('nonce')).toBeTruthy();
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('ax_sso='))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Path=\/auth/);
  });

  it('signs a new person in just in time: groups → the mapped custom space role, a console session, return_to honoured', async () => {
    op.setClaims('carol', { email: 'Carol@Example.test', email_verified: true, name: 'Carol C', groups: ['team-ml', 'other'] });
    const jar = new CookieJar();
    const res = await jar.fetch(`${server.url}/auth/oidc/login?email=carol@example.test&return_to=/spaces`);
    expect(res.status).toBe(302);
    const callback = await signInAtOp(res.headers.get('location')!, { login: 'carol' });
    const done = await jar.fetch(callback);
    expect(done.status, await done.clone().text()).toBe(302);
    expect(done.headers.get('location')).toBe('/spaces');
    expect(jar.get('ax_session')).toBeTruthy();
    expect(jar.get('ax_sso')).toBeUndefined();
    const me = await server.api('GET', '/v2/me', { key: null, headers: { cookie: jar.header(`${server.url}/v2/me`) } });
    expect(me.status).toBe(200);
    expect(me.body.email).toBe('carol@example.test');
    expect(me.body.name).toBe('Carol C');
    const bindings = await server.api('GET', `/v2/role-bindings?resource_type=SPACE&user_id=${encodeURIComponent(me.body.id)}`);
    expect(bindings.body.role_bindings.map((b: { role_id: string; resource_id: string }) => [b.role_id, b.resource_id])).toEqual([[customRoleId, spaceId]]);
    const members = await server.api('GET', `/v2/organizations/${encodeURIComponent(orgId)}/users`);
    expect(JSON.stringify(members.body)).toContain(me.body.id);

    // The callback URL again (a code replay, in the same browser): the attempt is spent.
    const replay = await jar.fetch(callback, { headers: JSON_ACCEPT });
    expect(replay.status).toBe(400);
    expect((await replay.json()).code).toBe('OIDC_STATE_MISMATCH');
  });

  it('reads groups from realm_access.roles when groups_claim_path says so', async () => {
    const created = await server.api('POST', '/v2/oidc-identity-providers', {
      body: {
        name: 'Realm OP', email_domains: ['realm.test'], issuer: op.issuer, client_id: op.clientId, client_secret: op.clientSecret,
        groups_claim_path: 'realm_access.roles',
        role_mappings: [{ attributes_map: { groups: 'ml' }, org_role: { org_id: orgId, role_id: await predefinedRoleId(server, 'Read Only') } }],
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const { jar, res } = await login('dave', { email: 'dave@realm.test', email_verified: true, realm_access: { roles: ['ml', 'offline_access'] } },
      { query: `idp_id=${encodeURIComponent(created.body.id)}` });
    expect(res.status, await res.clone().text()).toBe(302);
    const me = await server.api('GET', '/v2/me', { key: null, headers: { cookie: jar.header(`${server.url}/v2/me`) } });
    expect(me.body.email).toBe('dave@realm.test');
    const members = await server.api('GET', `/v2/organizations/${encodeURIComponent(orgId)}/users`);
    expect(JSON.stringify(members.body)).toMatch(new RegExp(`${me.body.id.replace(/[+/=]/g, '\\$&')}.*READ_ONLY|READ_ONLY.*${me.body.id.replace(/[+/=]/g, '\\$&')}`));
  });

  it('refuses a callback whose state is unknown, or that comes to another browser (400 OIDC_STATE_MISMATCH), writing nothing', async () => {
    op.setClaims('erin', { email: 'erin@example.test', email_verified: true, groups: ['team-ml'] });
    const before = await loginRowCounts(server);
    const jar = new CookieJar();
    const callback = await signInAtOp(await startLogin(jar), { login: 'erin' });
    const forged = new URL(callback);
    forged.searchParams.set('state', 'not-the-state');
    const wrongState = await jar.fetch(forged, { headers: JSON_ACCEPT });
    expect(wrongState.status).toBe(400);
    expect((await wrongState.json()).code).toBe('OIDC_STATE_MISMATCH');
    const otherBrowser = await new CookieJar().fetch(callback, { headers: JSON_ACCEPT });
    expect(otherBrowser.status).toBe(400);
    expect((await otherBrowser.json()).code).toBe('OIDC_STATE_MISMATCH');
    expect(await loginRowCounts(server)).toEqual(before);
  });

  it('answers error=access_denied from the OP with 401 OIDC_PROVIDER_ERROR, recorded as a failed authentication', async () => {
    const before = await loginRowCounts(server);
    const jar = new CookieJar();
    const callback = await signInAtOp(await startLogin(jar), { deny: true });
    expect(callback.searchParams.get('error')).toBe('access_denied');
    const res = await jar.fetch(callback, { headers: JSON_ACCEPT });
    expect(res.status).toBe(401);
    const problem = await res.json();
    expect(problem.code).toBe('OIDC_PROVIDER_ERROR');
    expect(problem.detail).toContain('access_denied');
    expect(await loginRowCounts(server)).toEqual(before);
    const failures = await server.api('GET', '/v2/audit-logs/authentication-failures');
    expect(failures.body.failures).toEqual(expect.arrayContaining([
      expect.objectContaining({ reason: 'OIDC_PROVIDER_ERROR', operation: 'GET /auth/oidc/callback' }),
    ]));
  });

  it('refuses email_verified: false (403 OIDC_EMAIL_UNVERIFIED) and creates nothing', async () => {
    const before = await loginRowCounts(server);
    const { res } = await login('frank', { email: 'frank@example.test', email_verified: false, groups: ['team-ml'] });
    expect(res.status).toBe(403);
    expect((await res.json()).code).toBe('OIDC_EMAIL_UNVERIFIED');
    expect(await loginRowCounts(server)).toEqual(before);
  });

  it('refuses a person no mapping matches, without defaults (403 SSO_NO_MATCHING_ROLE), and creates nothing', async () => {
    const before = await loginRowCounts(server);
    const { res } = await login('gina', { email: 'gina@example.test', email_verified: true, groups: ['marketing'] });
    expect(res.status).toBe(403);
    expect((await res.json()).code).toBe('SSO_NO_MATCHING_ROLE');
    expect(await loginRowCounts(server)).toEqual(before);
  });

  it('refuses an email outside the provider\'s domains (403 SSO_EMAIL_DOMAIN_MISMATCH)', async () => {
    const before = await loginRowCounts(server);
    const { res } = await login('hank', { email: 'hank@elsewhere.test', email_verified: true, groups: ['team-ml'] });
    expect(res.status).toBe(403);
    expect((await res.json()).code).toBe('SSO_EMAIL_DOMAIN_MISMATCH');
    expect(await loginRowCounts(server)).toEqual(before);
  });

  it('shows a browser the error page: code, how-to-fix sentence and request id, no script', async () => {
    const res = await new CookieJar().fetch(`${server.url}/auth/oidc/callback?state=nope&code=x`, { headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    const page = await res.text();
    expect(page).toContain('OIDC_STATE_MISMATCH');
    expect(page).toContain('Start the sign-in again in this browser');
    expect(page).toContain(res.headers.get('x-request-id')!);
    expect(page).not.toContain('<script');
  });

  it.each<[ForgedIdToken, string]>([
    ['wrong-iss', 'OIDC_TOKEN_INVALID'], ['wrong-aud', 'OIDC_TOKEN_INVALID'], ['expired', 'OIDC_TOKEN_INVALID'],
    ['alg-none', 'OIDC_TOKEN_INVALID'], ['unknown-kid', 'OIDC_TOKEN_INVALID'], ['bad-signature', 'OIDC_TOKEN_INVALID'],
    ['wrong-nonce', 'OIDC_NONCE_MISMATCH'],
  ])('refuses a forged id_token (%s): 401 %s, nothing created', async (forge, code) => {
    if (!stub) {
      stub = await startStubOp();
      stub.claims = { sub: 'stub-user', email: 'stub@stub.test', email_verified: true };
      const created = await server.api('POST', '/v2/oidc-identity-providers', {
        body: { name: 'Stub OP', email_domains: ['stub.test'], issuer: stub.issuer, client_id: stub.clientId, client_secret: stub.clientSecret,
          role_mappings: [{ attributes_map: {}, org_role: { org_id: orgId, role_id: await predefinedRoleId(server, 'Read Only') } }] },
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
    }
    stub.forge = forge;
    const before = await loginRowCounts(server);
    const jar = new CookieJar();
    const callback = await signInAtOp(await startLogin(jar, 'email=stub@stub.test'));
    const res = await jar.fetch(callback, { headers: JSON_ACCEPT });
    expect(res.status, await res.clone().text()).toBe(401);
    expect((await res.json()).code).toBe(code);
    expect(await loginRowCounts(server)).toEqual(before);
  });

  it('refuses an expired attempt: the login must finish within 10 minutes', async () => {
    op.setClaims('ivan', { email: 'ivan@example.test', email_verified: true, groups: ['team-ml'] });
    const jar = new CookieJar();
    const callback = await signInAtOp(await startLogin(jar), { login: 'ivan' });
    await server.advanceClock(11 * 60_000);
    const res = await jar.fetch(callback, { headers: JSON_ACCEPT });
    expect(res.status).toBe(400);
    expect((await res.json()).code).toBe('OIDC_STATE_MISMATCH');
  });

  it('answers an unknown provider 404 SSO_UNKNOWN_PROVIDER and an unrouted domain 404 SSO_DOMAIN_NOT_CONFIGURED', async () => {
    const unknown = await server.api('GET', `/auth/oidc/login?idp_id=${encodeURIComponent(Buffer.from('OidcIdentityProvider:999').toString('base64'))}`, { key: null });
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('SSO_UNKNOWN_PROVIDER');
    const samlId = await server.api('GET', `/auth/oidc/login?idp_id=${encodeURIComponent(Buffer.from('SamlIdentityProvider:1').toString('base64'))}`, { key: null });
    expect(samlId.body.code).toBe('SSO_UNKNOWN_PROVIDER');
    const domain = await server.api('GET', '/auth/oidc/login?email=someone@nowhere.test', { key: null });
    expect(domain.status).toBe(404);
    expect(domain.body.code).toBe('SSO_DOMAIN_NOT_CONFIGURED');
  });

  it('fetches the discovery document again when the stored copy is older than an hour (on the server\'s clock)', async () => {
    const fetchedAt = async () => (await server.context!.store.db.selectFrom('identity_providers').select('discovery_fetched_at')
      .where('name', '=', 'Test OP').executeTakeFirstOrThrow()).discovery_fetched_at;
    const first = await fetchedAt();
    await startLogin(new CookieJar());
    expect(await fetchedAt()).toBe(first);
    await server.advanceClock(50 * 60_000);
    await startLogin(new CookieJar());
    const second = await fetchedAt();
    expect(Date.parse(second!)).toBeGreaterThan(Date.parse(first!) + 60 * 60_000);
  });
});
