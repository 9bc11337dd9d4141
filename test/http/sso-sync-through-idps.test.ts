import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CookieJar } from '../helpers/cookie-jar.js';
import { type OidcOp, signInAtOp, startOidcOp } from '../helpers/oidc-op.js';
import { SamlTestIdp } from '../helpers/saml-idp.js';
import { SIMPLESAMLPHP_INSTALLED, type SimpleSamlPhp, startSimpleSamlPhp } from '../helpers/simplesamlphp.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * Issue 10's "done when", through each of the three identity providers and the real login routes: a person signs in
 * with no password and holds exactly what the mappings give; an admin adds a grant by hand; the IdP drops one of the
 * person's groups and the next login removes what that group gave — and only that; with sync off a login changes
 * nothing. Grants are read back through /v2 with their provenance.
 */
let server: TestServer;
let samlify: SamlTestIdp;
let op: OidcOp;
let ssp: SimpleSamlPhp | undefined;
let orgId: string;
let models: string;
let other: string;
let mlEngineer: string;
const roles: Record<string, string> = {};

const enc = encodeURIComponent;

interface Provider {
  /** The provider's wire id (its path says SAML or OIDC). */
  id: string;
  path: string;
  /** Signs the person in with these groups at the IdP; answers the browser holding the console session. */
  login(groups: string[]): Promise<CookieJar>;
}

async function createProvider(path: string, body: Record<string, unknown>, attribute: string): Promise<string> {
  const created = await server.api('POST', `/v2/${path}`, {
    body: {
      ...body,
      role_mappings: [
        { attributes_map: { [attribute]: 'team-ml' }, org_role: { org_id: orgId, role_id: roles.Member }, space_roles: [{ space_id: models, role_id: mlEngineer }] },
        { attributes_map: { [attribute]: 'ml-leads' }, space_roles: [{ space_id: models, role_id: roles.Admin }] },
      ],
    },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body.id as string;
}

/** Completes a SAML login whose AuthnRequest went to `location`, with the IdP's auto-submitted form. */
async function finishSaml(jar: CookieJar, form: Record<string, string>): Promise<CookieJar> {
  const acs = await fetch(`${server.url}/auth/v2/saml`, {
    method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, body: new URLSearchParams(form),
  });
  expect(acs.status, await acs.clone().text()).toBe(303);
  const done = await jar.fetch(new URL(acs.headers.get('location')!, server.url), { headers: { accept: 'application/json' } });
  expect(done.status, await done.clone().text()).toBe(302);
  return jar;
}

async function startLogin(jar: CookieJar, path: string): Promise<string> {
  const start = await jar.fetch(`${server.url}${path}`);
  expect(start.status, await start.clone().text()).toBe(302);
  return start.headers.get('location')!;
}

/** Everything the person holds, with who wrote it: e.g. `space models ADMIN SSO`, `binding other ml-engineer MANUAL`. */
async function holdings(userId: string, providerId: string): Promise<string[]> {
  const found: string[] = [];
  type Row = { user_id: string; role: { type: string; name?: string }; source: string; source_idp_id?: string };
  const label = (row: Row) => `${row.source}${row.source === 'MANUAL' ? '' : row.source_idp_id === providerId ? '' : ' (another provider)'}`;
  const orgMembers = (await server.api('GET', `/v2/organizations/${enc(orgId)}/users?limit=100`)).body.memberships as Row[];
  for (const row of orgMembers.filter((m) => m.user_id === userId)) found.push(`org ML ${row.role.name} ${label(row)}`);
  for (const [name, id] of [['models', models], ['other', other]] as const) {
    const members = (await server.api('GET', `/v2/spaces/${enc(id)}/users?limit=100`)).body.memberships as Row[];
    for (const row of members.filter((m) => m.user_id === userId)) found.push(`space ${name} ${row.role.name} ${label(row)}`);
  }
  const bindings = (await server.api('GET', `/v2/role-bindings?resource_type=SPACE&user_id=${enc(userId)}`)).body.role_bindings as
    (Row & { role_id: string; resource_id: string })[];
  for (const b of bindings) {
    found.push(`binding ${b.resource_id === models ? 'models' : 'other'} ${b.role_id === mlEngineer ? 'ml-engineer' : b.role_id} ${label(b)}`);
  }
  return found.sort();
}

async function me(jar: CookieJar): Promise<{ id: string; email: string }> {
  const res = await server.api('GET', '/v2/me', { key: null, headers: { cookie: jar.header(`${server.url}/v2/me`) } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

/** The whole story for one provider. */
async function exerciseSync(provider: Provider): Promise<void> {
  // First login: exactly what team-ml and ml-leads give.
  const person = await me(await provider.login(['team-ml', 'ml-leads']));
  expect(await holdings(person.id, provider.id)).toEqual([
    'binding models ml-engineer SSO', 'org ML MEMBER SSO', 'space models ADMIN SSO',
  ]);

  // An admin grants something by hand.
  const manual = await server.api('POST', '/v2/role-bindings', { body: { user_id: person.id, role_id: mlEngineer, resource_type: 'SPACE', resource_id: other } });
  expect(manual.status, JSON.stringify(manual.body)).toBe(201);

  // The IdP drops ml-leads: its space role goes; the rest, and the admin's grant, stay.
  await me(await provider.login(['team-ml']));
  expect(await holdings(person.id, provider.id)).toEqual([
    'binding models ml-engineer SSO', 'binding other ml-engineer MANUAL', 'org ML MEMBER SSO',
  ]);

  // The same login again changes nothing.
  await me(await provider.login(['team-ml']));
  expect(await holdings(person.id, provider.id)).toEqual([
    'binding models ml-engineer SSO', 'binding other ml-engineer MANUAL', 'org ML MEMBER SSO',
  ]);

  // Sync off: a login with other groups leaves every grant as it is.
  expect((await server.api('PATCH', `/v2/${provider.path}/${enc(provider.id)}`, { body: { sync_user_roles: false } })).status).toBe(200);
  await me(await provider.login(['ml-leads']));
  expect(await holdings(person.id, provider.id)).toEqual([
    'binding models ml-engineer SSO', 'binding other ml-engineer MANUAL', 'org ML MEMBER SSO',
  ]);
}

beforeAll(async () => {
  [server, samlify] = await Promise.all([
    startTestServer({ env: { AX_SSO_ALLOWED_PRIVATE_HOSTS: '127.0.0.1', AX_AUTH_FAILURE_LIMIT: '1000', AX_SECRETS_KEY: randomBytes(32).toString('base64') } }),
    SamlTestIdp.create(),
  ]);
  [op, ssp] = await Promise.all([
    startOidcOp({ redirectUris: [`${server.url}/auth/oidc/callback`] }),
    SIMPLESAMLPHP_INSTALLED ? startSimpleSamlPhp(server.url) : Promise.resolve(undefined),
  ]);
  for (const role of (await server.api('GET', '/v2/roles?is_predefined=true&limit=100')).body.roles as { id: string; name: string }[]) roles[role.name] = role.id;
  orgId = (await server.api('POST', '/v2/organizations', { body: { name: 'ML' } })).body.id;
  models = (await server.api('POST', '/v2/spaces', { body: { name: 'models', organization_id: orgId } })).body.id;
  other = (await server.api('POST', '/v2/spaces', { body: { name: 'other', organization_id: orgId } })).body.id;
  mlEngineer = (await server.api('POST', '/v2/roles', { body: { name: 'ml-engineer', permissions: ['SPACE_READ'] } })).body.id;
}, 60_000);

afterAll(async () => {
  await ssp?.close();
  await op?.close();
  await server?.close();
});

describe('signing in through each identity provider, then losing a group there', () => {
  it('samlify (SAML): lands with exactly the mapped grants, loses only what the dropped group gave', async () => {
    const id = await createProvider('saml-identity-providers', { name: 'samlify', email_domains: ['saml.example.test'], metadata_xml: samlify.metadataXml() }, 'group');
    await exerciseSync({
      id, path: 'saml-identity-providers',
      async login(groups) {
        const jar = new CookieJar();
        const location = await startLogin(jar, `/auth/v2/saml/login?idp_id=${enc(id)}`);
        const answer = await samlify.answer(location, { email: 'dana@saml.example.test', name: 'Dana D', attributes: { group: groups } });
        return finishSaml(jar, answer.form);
      },
    });
  });

  it('oidc-provider (OIDC): lands with exactly the mapped grants, loses only what the dropped group gave', async () => {
    const id = await createProvider('oidc-identity-providers', {
      name: 'Test OP', email_domains: ['oidc.example.test'], issuer: op.issuer, client_id: op.clientId, client_secret: op.clientSecret, groups_claim_path: 'groups',
    }, 'groups');
    await exerciseSync({
      id, path: 'oidc-identity-providers',
      async login(groups) {
        op.setClaims('erin', { email: 'erin@oidc.example.test', email_verified: true, name: 'Erin E', groups });
        const jar = new CookieJar();
        const callback = await signInAtOp(await startLogin(jar, `/auth/oidc/login?idp_id=${enc(id)}`), { login: 'erin' });
        const done = await jar.fetch(callback, { headers: { accept: 'application/json' } });
        expect(done.status, await done.clone().text()).toBe(302);
        return jar;
      },
    });
  });

  it.skipIf(!SIMPLESAMLPHP_INSTALLED)('SimpleSAMLphp (SAML): lands with exactly the mapped grants, loses only what the dropped group gave', async () => {
    const id = await createProvider('saml-identity-providers', { name: 'SimpleSAMLphp', email_domains: ['example.test'], metadata_url: ssp!.metadataUrl }, 'group');
    await exerciseSync({
      id, path: 'saml-identity-providers',
      async login(groups) {
        await ssp!.setGroups('alice', groups);
        const jar = new CookieJar();
        const answer = await ssp!.signIn(await startLogin(jar, `/auth/v2/saml/login?idp_id=${enc(id)}`), 'alice', 'alicepw');
        expect(answer).toBeDefined();
        return finishSaml(jar, answer!.form);
      },
    });
  });
});
