import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeId, parseId } from '../../src/domain/ids.js';
import { PREDEFINED_ROLES } from '../../src/domain/predefined-roles.js';
import { completeSsoLogin } from '../../src/services/sso/complete-login.js';
import { createUserWithKey } from '../helpers/fixtures.js';
import { addOrganizationMember, createOrganization, createProject, createSpace, enc } from '../helpers/hierarchy.js';
import { type Json, startTestServer, type TestServer } from '../helpers/server.js';
import { insertProvider } from '../helpers/sso-provider-rows.js';

/**
 * Grant provenance on the wire (identity.md §4.5): memberships and role bindings say who wrote them (`source`, and
 * `source_idp_id` typed by the provider's protocol), an admin's write through /v2 takes a synced grant over (MANUAL),
 * and POST /v2/access/check names the writer of each grant behind a decision.
 */

let server: TestServer;
const dbId = (id: string) => parseId(id)!.n;
const builtIn: Record<string, number> = {};
let h: { org: string; space: string; project: string };
let customRole: string;
let samlIdp: number;
let oidcIdp: number;

beforeAll(async () => {
  server = await startTestServer();
  const roles = await server.api('GET', '/v2/roles?is_predefined=true');
  for (const r of roles.body.roles) builtIn[Object.values(PREDEFINED_ROLES).find((p) => p.name === r.name)!.key] = dbId(r.id);
  const org = await createOrganization(server, 'prov-org');
  const space = await createSpace(server, org, 'prov-space');
  h = { org, space, project: await createProject(server, space, 'prov-project') };
  customRole = (await server.api('POST', '/v2/roles', { body: { name: 'prov-role', permissions: ['PROJECT_READ'] } })).body.id;
  const rule = {
    attributes: { group: 'g' }, isAccountAdmin: true,
    spaceRoles: [{ space_id: dbId(h.space), role_id: builtIn.MEMBER! }], projectRoles: [{ project_id: dbId(h.project), role_id: dbId(customRole) }],
  };
  samlIdp = await insertProvider(server, 'saml-prov.example.test', [rule]);
  oidcIdp = await insertProvider(server, 'oidc-prov.example.test', [rule], { protocol: 'OIDC' });
});
afterAll(async () => {
  await server?.close();
});

async function ssoUser(protocol: 'SAML' | 'OIDC', email: string): Promise<string> {
  const idpId = protocol === 'SAML' ? samlIdp : oidcIdp;
  const done = await completeSsoLogin(server.context!, {
    protocol, idpId, accountId: 1, subject: protocol === 'SAML' ? email : `sub-${email}`, email, attributes: { group: ['g'] }, issuer: 'https://idp.example.test',
  }, { ip: '127.0.0.1', operation: 'test' });
  return encodeId('User', done.userId);
}

const membersOf = async (path: string, userId: string): Promise<Json> =>
  (await server.api('GET', path)).body.memberships.find((m: Json) => m.user_id === userId);
const bindingOf = async (userId: string): Promise<Json> =>
  (await server.api('GET', `/v2/role-bindings?resource_type=PROJECT&user_id=${enc(userId)}`)).body.role_bindings[0];

describe('source and source_idp_id on memberships and role bindings', () => {
  it('names the identity provider, typed by its protocol, on every grant a sync wrote', async () => {
    for (const [protocol, idp, type] of [['SAML', samlIdp, 'SamlIdentityProvider'], ['OIDC', oidcIdp, 'OidcIdentityProvider']] as const) {
      const user = await ssoUser(protocol, `pat@${protocol.toLowerCase()}-prov.example.test`);
      const expected = { source: 'SSO', source_idp_id: encodeId(type, idp) };
      expect(await membersOf(`/v2/organizations/${enc(h.org)}/users`, user)).toMatchObject(expected);
      expect(await membersOf(`/v2/spaces/${enc(h.space)}/users`, user)).toMatchObject(expected);
      const binding = await bindingOf(user);
      expect(binding).toMatchObject(expected);
      expect((await server.api('GET', `/v2/role-bindings/${enc(binding.id)}`)).body).toMatchObject(expected);
    }
  });

  it('answers MANUAL without source_idp_id for grants an admin made', async () => {
    const user = await createUserWithKey(server, { email: 'manual-prov@example.test' });
    await addOrganizationMember(server, h.org, user.id, 'READ_ONLY');
    const member = await membersOf(`/v2/organizations/${enc(h.org)}/users`, user.id);
    expect(member.source).toBe('MANUAL');
    expect(member).not.toHaveProperty('source_idp_id');
    const created = await server.api('POST', '/v2/role-bindings', { body: { user_id: user.id, role_id: customRole, resource_type: 'PROJECT', resource_id: h.project } });
    expect(created.status).toBe(201);
    expect(created.body.source).toBe('MANUAL');
  });

  it('makes a synced grant MANUAL when an admin writes it through /v2 (membership upsert, binding role change)', async () => {
    const user = await ssoUser('SAML', 'quinn@saml-prov.example.test');
    const org = await server.api('POST', `/v2/organizations/${enc(h.org)}/users`, { body: { user_id: user, role: { type: 'PREDEFINED', name: 'MEMBER' } } });
    expect(org.status).toBe(200);
    expect(org.body.source).toBe('MANUAL');
    const space = await server.api('POST', `/v2/spaces/${enc(h.space)}/users`, { body: { user_id: user, role: { type: 'PREDEFINED', name: 'MEMBER' } } });
    expect(space.body.source).toBe('MANUAL');
    for (const path of [`/v2/organizations/${enc(h.org)}/users`, `/v2/spaces/${enc(h.space)}/users`]) {
      const member = await membersOf(path, user);
      expect(member.source).toBe('MANUAL');
      expect(member).not.toHaveProperty('source_idp_id');
    }
    const binding = await bindingOf(user);
    const patched = await server.api('PATCH', `/v2/role-bindings/${enc(binding.id)}`, { body: { role_id: encodeId('Role', builtIn.READ_ONLY!) } });
    expect(patched.status).toBe(200);
    expect(patched.body.source).toBe('MANUAL');
    expect(patched.body).not.toHaveProperty('source_idp_id');
    expect((await bindingOf(user)).source).toBe('MANUAL');
  });
});

describe('POST /v2/access/check', () => {
  it('names the writer of each grant behind a decision: grant_source and source_idp_id', async () => {
    const user = await ssoUser('OIDC', 'rita@oidc-prov.example.test');
    const check = await server.api('POST', '/v2/access/check', { body: { user_id: user, permission: 'PROJECT_READ', resource_id: h.project } });
    expect(check.status).toBe(200);
    const bySource = Object.fromEntries(check.body.reasons.map((r: Json) => [r.source, r]));
    const idp = encodeId('OidcIdentityProvider', oidcIdp);
    expect(bySource.ACCOUNT_ROLE).toMatchObject({ grant_source: 'SSO', source_idp_id: idp });
    expect(bySource.SPACE_MEMBERSHIP).toMatchObject({ grant_source: 'SSO', source_idp_id: idp });
    expect(bySource.PROJECT_BINDING).toMatchObject({ grant_source: 'SSO', source_idp_id: idp });
    const onOrg = await server.api('POST', '/v2/access/check', { body: { user_id: user, permission: 'ORGANIZATION_READ', resource_id: h.org } });
    expect(onOrg.body.reasons.find((r: Json) => r.source === 'ORGANIZATION_MEMBERSHIP')).toMatchObject({ grant_source: 'SSO', source_idp_id: idp });

    const admin = await server.api('POST', '/v2/access/check', { body: { user_id: encodeId('User', 1), permission: 'PROJECT_READ', resource_id: h.project } });
    expect(admin.body.reasons[0]).toMatchObject({ source: 'ACCOUNT_ROLE', grant_source: 'MANUAL' });
    expect(admin.body.reasons[0]).not.toHaveProperty('source_idp_id');
  });
});
