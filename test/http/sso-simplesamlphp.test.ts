import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CookieJar } from '../helpers/cookie-jar.js';
import { SIMPLESAMLPHP_INSTALLED, type SimpleSamlPhp, startSimpleSamlPhp } from '../helpers/simplesamlphp.js';
import { loginRowCounts } from '../helpers/sso-login.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * SAML sign-in against SimpleSAMLphp, a real third-party IdP (identity.md §12.2), served by `php -S` once for the
 * file. Without Debian's php and simplesamlphp packages these tests are reported as skipped, never as passed.
 */
const skip = !SIMPLESAMLPHP_INSTALLED;
let server: TestServer;
let ssp: SimpleSamlPhp;
let idpId: string;
let orgId: string;
let spaceId: string;
let customRoleId: string;

const enc = encodeURIComponent;


async function postToAcs(acsUrl: string, form: Record<string, string>): Promise<Response> {
  return fetch(acsUrl, {
    method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, body: new URLSearchParams(form),
  });
}

/** The whole login of a SimpleSAMLphp user: the console's redirect, the IdP's form, the ACS, the completion. */
async function signInThroughIdp(username: string, password: string) {
  const jar = new CookieJar();
  const start = await jar.fetch(`${server.url}/auth/v2/saml/login?idp_id=${enc(idpId)}`);
  expect(start.status, await start.clone().text()).toBe(302);
  const answer = await ssp.signIn(start.headers.get('location')!, username, password);
  if (!answer) return { jar, answer };
  expect(answer.acsUrl).toBe(`${server.url}/auth/v2/saml`);
  const acs = await postToAcs(answer.acsUrl, answer.form);
  expect(acs.status, await acs.clone().text()).toBe(303);
  const done = await jar.fetch(new URL(acs.headers.get('location')!, server.url), { headers: { accept: 'application/json' } });
  return { jar, answer, done };
}

async function me(jar: CookieJar) {
  return server.api('GET', '/v2/me', { key: null, headers: { cookie: jar.header(`${server.url}/v2/me`) } });
}

beforeAll(async () => {
  if (skip) return;
  server = await startTestServer({ env: { AX_SSO_ALLOWED_PRIVATE_HOSTS: '127.0.0.1', AX_AUTH_FAILURE_LIMIT: '1000' } });
  ssp = await startSimpleSamlPhp(server.url);
  const roles = (await server.api('GET', '/v2/roles?is_predefined=true&limit=100')).body.roles as { id: string; name: string }[];
  const member = roles.find((r) => r.name === 'Member')!.id;
  orgId = (await server.api('POST', '/v2/organizations', { body: { name: 'ML' } })).body.id;
  spaceId = (await server.api('POST', '/v2/spaces', { body: { name: 'models', organization_id: orgId } })).body.id;
  customRoleId = (await server.api('POST', '/v2/roles', { body: { name: 'ml-engineer', permissions: ['SPACE_READ'] } })).body.id;
  const created = await server.api('POST', '/v2/saml-identity-providers', {
    body: {
      name: 'SimpleSAMLphp', email_domains: ['example.test'], metadata_url: ssp.metadataUrl,
      role_mappings: [
        { attributes_map: { group: 'my-admins' }, is_account_admin: true },
        { attributes_map: { group: 'team-ml' }, org_role: { org_id: orgId, role_id: member }, space_roles: [{ space_id: spaceId, role_id: customRoleId }] },
        { attributes_map: { group: 'my-users' }, org_role: { org_id: orgId, role_id: member } },
      ],
    },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  expect(created.body.idp_entity_id).toBe(ssp.metadataUrl);
  idpId = created.body.id;
}, 60_000);

afterAll(async () => {
  await ssp?.close();
  await server?.close();
});

describe('SimpleSAMLphp as the IdP (identity.md §12.2)', () => {
  let alicesForm: { acsUrl: string; form: Record<string, string> } | undefined;

  it.skipIf(skip)('signs alice in just in time: my-admins → account admin, team-ml → the custom space role', async () => {
    const { jar, answer, done } = await signInThroughIdp('alice', 'alicepw');
    alicesForm = answer;
    expect(done!.status, await done!.clone().text()).toBe(302);
    const alice = await me(jar);
    expect(alice.status).toBe(200);
    expect(alice.body.email).toBe('alice@example.test');
    expect(alice.body.role.name).toBe('ADMIN');
    const bindings = await server.api('GET', `/v2/role-bindings?resource_type=SPACE&user_id=${enc(alice.body.id)}`);
    expect(bindings.body.role_bindings.map((b: { role_id: string; resource_id: string }) => [b.role_id, b.resource_id])).toEqual([[customRoleId, spaceId]]);
  });

  it.skipIf(skip)('refuses alice\'s response posted again (401 SAML_REPLAYED)', async () => {
    expect(alicesForm).toBeDefined();
    const before = await loginRowCounts(server);
    const res = await postToAcs(alicesForm!.acsUrl, alicesForm!.form);
    expect(res.status).toBe(401);
    expect((await res.json()).code).toBe('SAML_REPLAYED');
    expect(await loginRowCounts(server)).toEqual(before);
  });

  it.skipIf(skip)('signs bob in with the member mapping only', async () => {
    const { jar, done } = await signInThroughIdp('bob', 'bobpw');
    expect(done!.status, await done!.clone().text()).toBe(302);
    const bob = await me(jar);
    expect(bob.body.email).toBe('bob@example.test');
    expect(bob.body.role.name).toBe('MEMBER');
    const members = await server.api('GET', `/v2/organizations/${enc(orgId)}/users`);
    expect(JSON.stringify(members.body)).toContain(bob.body.id);
    const bindings = await server.api('GET', `/v2/role-bindings?resource_type=SPACE&user_id=${enc(bob.body.id)}`);
    expect(bindings.body.role_bindings).toEqual([]);
  });

  it.skipIf(skip)('gives no assertion for a wrong password, and nothing is created', async () => {
    const before = await loginRowCounts(server);
    const { answer } = await signInThroughIdp('alice', 'not-her-password');
    expect(answer).toBeUndefined();
    expect(await loginRowCounts(server)).toEqual(before);
  });

  it.skipIf(skip)('with allow_only_sso_logins, refuses alice\'s password sign-in (403 SSO_REQUIRED) and tells the sign-in page', async () => {
    const patched = await server.api('PATCH', `/v2/saml-identity-providers/${enc(idpId)}`, { body: { allow_only_sso_logins: true } });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    const res = await server.api('POST', '/auth/login', { key: null, body: { email: 'alice@example.test', password: 'alicepw-or-anything' } });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('SSO_REQUIRED');
    const discovered = await server.api('POST', '/auth/sso/discover', { key: null, body: { email: 'alice@example.test' } });
    expect(discovered.body).toMatchObject({ sso: true, protocol: 'SAML', password_allowed: false });
  });

  it.skipIf(skip)('refuses a metadata URL on loopback when the server does not allow private hosts (400 SSO_URL_NOT_ALLOWED)', async () => {
    const strict = await startTestServer();
    try {
      const res = await strict.api('POST', '/v2/saml-identity-providers', {
        body: { name: 'SimpleSAMLphp', email_domains: ['example.test'], metadata_url: ssp.metadataUrl, role_mappings: [{ attributes_map: {}, is_account_admin: true }] },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body.code).toBe('SSO_URL_NOT_ALLOWED');
      expect((await strict.api('GET', '/v2/saml-identity-providers')).body.saml_identity_providers).toEqual([]);
    } finally {
      await strict.close();
    }
  });
});
