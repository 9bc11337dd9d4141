import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeId } from '../../src/domain/ids.js';
import { createUserWithKey } from '../helpers/fixtures.js';
import { createOrganization, createSpace, enc, insertCustomRole } from '../helpers/hierarchy.js';
import { SamlTestIdp } from '../helpers/saml-idp.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/** SAML identity providers through /graphql: Arize's allSamlIdPs query and createSAMLIdP, over the REST services. */
let server: TestServer;
let metadataXml: string;
/** Serves metadataXml and counts the fetches, so a test can tell a refused mutation fetched nothing. */
let metadataServer: Server;
let metadataUrl: string;
let metadataFetches = 0;

beforeAll(async () => {
  server = await startTestServer({ env: { AX_SSO_ALLOWED_PRIVATE_HOSTS: '127.0.0.1' } });
  metadataXml = (await SamlTestIdp.create()).metadataXml();
  metadataServer = createServer((_req, res) => {
    metadataFetches++;
    res.writeHead(200, { 'content-type': 'application/samlmetadata+xml' }).end(metadataXml);
  });
  await new Promise<void>((resolve) => metadataServer.listen(0, '127.0.0.1', resolve));
  metadataUrl = `http://127.0.0.1:${(metadataServer.address() as AddressInfo).port}/metadata.xml`;
});
afterAll(async () => {
  await server?.close();
  await new Promise((resolve) => metadataServer?.close(resolve));
});

async function gql(query: string, variables?: Record<string, unknown>, key = server.adminKey) {
  const res = await fetch(`${server.url}/graphql`, {
    method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': key }, body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, body: await res.json() };
}

/** Arize's documented query, unchanged. */
const ARIZE_QUERY = `query { account { allSamlIdPs(first: 50, includeDeleted: true) { edges { node { id emailDomainsList { id domain validated }
  metadataUrl defaultOrgId syncUserRoles signAuthn roleMappings { id attributesMap isAccountAdmin orgRole { orgId roleId } spaceRolesMap } isManagedByFile } } } } }`;

describe('SAML identity providers', () => {
  it('createSAMLIdP with role maps of REST ids; allSamlIdPs (Arize\'s query) and REST show the same provider', async () => {
    const org = await createOrganization(server, 'gql-saml-org');
    const space = await createSpace(server, org, 'gql-saml-space');
    const customSpace = await createSpace(server, org, 'gql-saml-custom');
    const custom = encodeId('Role', await insertCustomRole(server, 'gql-saml-role', ['SPACE_READ', 'PROJECT_READ']));
    const roles = (await server.api('GET', '/v2/roles?is_predefined=true')).body.roles as { id: string; name: string }[];
    const member = roles.find((r) => r.name === 'Member')?.id ?? roles[1]!.id;
    const created = await gql(`mutation($input: CreateSAMLIdPMutationInput!) { createSAMLIdP(input: $input) { clientMutationId samlIdP { id name
      emailDomainsList { domain } roleMappings { attributesMap orgRole { orgId roleId } spaceRolesMap spaceRbacRolesMap } } } }`, {
      input: {
        clientMutationId: 's1', name: 'gql-okta', emailDomains: ['gql-saml.example.com'], metadataXml,
        roleMappings: [{ attributesMap: { group: 'eng' }, orgRole: { orgId: org, roleId: member }, spaceRolesMap: { [space]: member }, spaceRbacRolesMap: { [customSpace]: custom } }],
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    expect(created.body.errors).toBeUndefined();
    const idp = created.body.data.createSAMLIdP.samlIdP;
    expect(idp.roleMappings).toEqual([{ attributesMap: { group: 'eng' }, orgRole: { orgId: org, roleId: member }, spaceRolesMap: { [space]: member }, spaceRbacRolesMap: { [customSpace]: custom } }]);
    const audit = (await server.api('GET', '/v2/audit-logs?limit=5')).body.logs.find((l: { operation_name: string }) => l.operation_name === 'graphql:createSAMLIdP');
    expect(audit.variables).toContain('[metadata XML,');
    expect(audit.variables).not.toContain('EntityDescriptor');
    const rest = await server.api('GET', `/v2/saml-identity-providers/${enc(idp.id)}`);
    expect(rest.status).toBe(200);
    expect(rest.body.role_mappings[0].space_roles).toEqual(expect.arrayContaining([{ space_id: space, role_id: member }, { space_id: customSpace, role_id: custom }]));

    const listed = await gql(ARIZE_QUERY);
    expect(listed.body.errors).toBeUndefined();
    const node = listed.body.data.account.allSamlIdPs.edges.find((e: { node: { id: string } }) => e.node.id === idp.id).node;
    expect(node).toMatchObject({ emailDomainsList: [{ domain: 'gql-saml.example.com', validated: rest.body.email_domains[0].validated }], isManagedByFile: false, signAuthn: false });
    expect(node.roleMappings[0].spaceRolesMap).toEqual({ [space]: member });

    const updated = await gql(`mutation { updateSAMLIdP(input: { samlIdPId: "${idp.id}", signAuthn: true }) { samlIdP { id signAuthn } } }`);
    expect(updated.body.data.updateSAMLIdP.samlIdP).toEqual({ id: idp.id, signAuthn: true });
    const deleted = await gql(`mutation { deleteSAMLIdP(input: { samlIdPId: "${idp.id}", clientMutationId: "d" }) { clientMutationId } }`);
    expect(deleted.body.data.deleteSAMLIdP).toEqual({ clientMutationId: 'd' });
    expect((await server.api('GET', `/v2/saml-identity-providers/${enc(idp.id)}`)).status).toBe(404);
  });

  it('updateSAMLIdP with roleMappings replaces the ordered rules with the other fields in one transaction; a bad rule changes nothing; node(id:) answers the provider to admins only', async () => {
    const org = await createOrganization(server, 'gql-saml-upd-org');
    const space = await createSpace(server, org, 'gql-saml-upd-space');
    const roles = (await server.api('GET', '/v2/roles?is_predefined=true')).body.roles as { id: string; name: string }[];
    const member = roles.find((r) => r.name === 'Member')?.id ?? roles[1]!.id;
    const created = await gql(`mutation($input: CreateSAMLIdPMutationInput!) { createSAMLIdP(input: $input) { samlIdP { id } } }`, {
      input: { name: 'gql-upd', emailDomains: ['gql-saml-upd.example.com'], metadataXml, roleMappings: [{ attributesMap: { group: 'old' }, orgRole: { orgId: org, roleId: member } }] },
    });
    expect(created.body.errors).toBeUndefined();
    const id = created.body.data.createSAMLIdP.samlIdP.id as string;
    const restRules = async () => ((await server.api('GET', `/v2/saml-identity-providers/${enc(id)}/role-mappings`)).body.role_mappings as { attributes_map: unknown }[])
      .map((r) => r.attributes_map);
    const update = `mutation($input: UpdateSAMLIdPMutationInput!) { updateSAMLIdP(input: $input) { samlIdP { name roleMappings { attributesMap spaceRolesMap } } } }`;

    const replaced = await gql(update, {
      input: {
        samlIdPId: id, name: 'gql-upd-renamed',
        roleMappings: [{ attributesMap: { group: 'first' }, spaceRolesMap: { [space]: member } }, { attributesMap: { group: 'second' }, orgRole: { orgId: org, roleId: member } }],
      },
    });
    expect(replaced.body.errors).toBeUndefined();
    expect(replaced.body.data.updateSAMLIdP.samlIdP).toEqual({
      name: 'gql-upd-renamed',
      roleMappings: [{ attributesMap: { group: 'first' }, spaceRolesMap: { [space]: member } }, { attributesMap: { group: 'second' }, spaceRolesMap: {} }],
    });
    expect(await restRules()).toEqual([{ group: 'first' }, { group: 'second' }]);
    const audits = ((await server.api('GET', '/v2/audit-logs?limit=10')).body.logs as { operation_name: string; variables: string | null }[])
      .filter((l) => l.operation_name === 'graphql:updateSAMLIdP' && (l.variables ?? '').includes('gql-upd-renamed'));
    expect(audits).toHaveLength(1);

    // A rule naming a space that does not exist: the code REST's role-mapping route answers, and neither the name nor the rules change.
    const missingSpace = encodeId('Space', 999_999);
    const restBad = await server.api('POST', `/v2/saml-identity-providers/${enc(id)}/role-mappings`, {
      body: { attributes_map: { group: 'x' }, space_roles: [{ space_id: missingSpace, role_id: member }] },
    });
    const bad = await gql(update, { input: { samlIdPId: id, name: 'gql-upd-half', roleMappings: [{ attributesMap: { group: 'x' }, spaceRolesMap: { [missingSpace]: member } }] } });
    expect(bad.body.data.updateSAMLIdP).toBeNull();
    expect(bad.body.errors[0].extensions).toEqual({ code: restBad.body.code, status: restBad.status });
    // No rules and no default login: nobody could sign in, refused as REST refuses deleting the last rule.
    const empty = await gql(update, { input: { samlIdPId: id, name: 'gql-upd-half', roleMappings: [] } });
    expect(empty.body.errors[0].extensions.code).toBe('UNPROCESSABLE');
    expect((await server.api('GET', `/v2/saml-identity-providers/${enc(id)}`)).body.name).toBe('gql-upd-renamed');
    expect(await restRules()).toEqual([{ group: 'first' }, { group: 'second' }]);

    // node(id:) on the REST id: the provider for an account admin; null for a member (REST: 403) and for an unknown id.
    const nodeQuery = 'query($id: ID!) { node(id: $id) { __typename id ... on SamlIdP { name roleMappings { attributesMap } } } }';
    const asAdmin = await gql(nodeQuery, { id });
    expect(asAdmin.body).toEqual({ data: { node: { __typename: 'SamlIdP', id, name: 'gql-upd-renamed', roleMappings: [{ attributesMap: { group: 'first' } }, { attributesMap: { group: 'second' } }] } } });
    const memberUser = await createUserWithKey(server, { email: 'gql-saml-node-member@example.com' });
    expect((await server.api('GET', `/v2/saml-identity-providers/${enc(id)}`, { key: memberUser.key })).status).toBe(403);
    expect((await gql(nodeQuery, { id }, memberUser.key)).body).toEqual({ data: { node: null } });
    expect((await gql(nodeQuery, { id: encodeId('SamlIdentityProvider', 999_999) })).body).toEqual({ data: { node: null } });
  });

  it('answers a member and bad maps as REST would', async () => {
    const member = await createUserWithKey(server, { email: 'gql-saml-member@example.com' });
    const listed = await gql(ARIZE_QUERY, undefined, member.key);
    const rest = await server.api('GET', '/v2/saml-identity-providers', { key: member.key });
    expect(listed.body.errors[0].extensions).toEqual({ code: rest.body.code, status: rest.status });
    expect(listed.body.errors[0].message).toBe(rest.body.detail);
    const bad = await gql(`mutation { createSAMLIdP(input: { name: "x", emailDomains: ["bad-map.example.com"], metadataXml: "<x/>", roleMappings: [{ attributesMap: [1] }] }) { samlIdP { id } } }`);
    expect(bad.body.errors[0].extensions.code).toBe('VALIDATION_FAILED');
  });

  it('refuses the names and strings REST refuses (empty, blank, too long) with REST\'s detail, before fetching metadata or writing', async () => {
    const created = await gql(`mutation($input: CreateSAMLIdPMutationInput!) { createSAMLIdP(input: $input) { samlIdP { id } } }`, {
      input: { name: 'gql-bounds', emailDomains: ['gql-bounds.example.com'], metadataXml, roleMappings: [{ attributesMap: { group: 'g' }, isAccountAdmin: true }] },
    });
    expect(created.body.errors).toBeUndefined();
    const id = created.body.data.createSAMLIdP.samlIdP.id as string;
    const newestAudit = async () => (await server.api('GET', '/v2/audit-logs?limit=1')).body.logs[0].id;
    const before = await newestAudit();
    const fetchesBefore = metadataFetches;
    const ok = { name: 'gql-bounds-new', emailDomains: ['gql-bounds-new.example.com'], metadataUrl, roleMappings: [{ attributesMap: { group: 'g' }, isAccountAdmin: true }] };
    const rest = (input: Record<string, unknown>) => ({
      name: input.name, email_domains: input.emailDomains, metadata_url: input.metadataUrl, metadata_xml: input.metadataXml,
      role_mappings: (input.roleMappings as { attributesMap: unknown; isAccountAdmin: boolean }[] | undefined)?.map((r) => ({ attributes_map: r.attributesMap, is_account_admin: r.isAccountAdmin })),
    });
    const createCases: Record<string, unknown>[] = [
      { ...ok, name: '' }, { ...ok, name: '   ' }, { ...ok, name: '\t' }, { ...ok, name: 'n'.repeat(256) },
      { ...ok, emailDomains: [] }, { ...ok, emailDomains: ['ab'] }, { ...ok, emailDomains: ['d'.repeat(254)] },
      { ...ok, metadataUrl: '' }, { ...ok, metadataUrl: `${metadataUrl}?${'q'.repeat(2048)}` }, { ...ok, metadataUrl: undefined, metadataXml: '' },
      { ...ok, roleMappings: [{ attributesMap: { group: 'v'.repeat(1001) }, isAccountAdmin: true }] },
    ];
    const camel = (detail: string) => detail.replace('email_domains', 'emailDomains').replace('metadata_url', 'metadataUrl').replace('metadata_xml', 'metadataXml')
      .replace('role_mappings', 'roleMappings').replace('attributes_map', 'attributesMap');
    for (const input of createCases) {
      const answer = await server.api('POST', '/v2/saml-identity-providers', { body: rest(input) });
      expect(answer.status, JSON.stringify(input).slice(-150)).toBe(400);
      expect(answer.body.code).toBe('VALIDATION_FAILED');
      const res = await gql(`mutation($input: CreateSAMLIdPMutationInput!) { createSAMLIdP(input: $input) { samlIdP { id } } }`, { input });
      expect(res.body.errors?.[0]?.extensions, JSON.stringify(input).slice(0, 100)).toEqual({ code: 'VALIDATION_FAILED', status: 400 });
      expect(res.body.errors[0].message).toBe(camel(answer.body.detail));
    }
    for (const input of [{ name: '' }, { name: ' ' }, { name: 'n'.repeat(256) }, { emailDomains: [] }, { metadataUrl: '' }, { metadataXml: '' }]) {
      const answer = await server.api('PATCH', `/v2/saml-identity-providers/${enc(id)}`, { body: rest(input) });
      expect(answer.status, JSON.stringify(input)).toBe(400);
      const res = await gql(`mutation($input: UpdateSAMLIdPMutationInput!) { updateSAMLIdP(input: $input) { samlIdP { id } } }`, { input: { samlIdPId: id, ...input } });
      expect(res.body.errors?.[0]?.extensions, JSON.stringify(input)).toEqual({ code: 'VALIDATION_FAILED', status: 400 });
      expect(res.body.errors[0].message).toBe(camel(answer.body.detail));
    }
    expect(metadataFetches).toBe(fetchesBefore);
    expect(await newestAudit()).toBe(before);
    expect((await server.api('GET', `/v2/saml-identity-providers/${enc(id)}`)).body).toMatchObject({ name: 'gql-bounds', email_domains: [{ domain: 'gql-bounds.example.com' }] });
    const names = ((await server.api('GET', '/v2/saml-identity-providers?limit=100')).body.saml_identity_providers as { name: string }[]).map((p) => p.name);
    expect(names).not.toContain('');
    expect(names).not.toContain('gql-bounds-new');
  });
});
