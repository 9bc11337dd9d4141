import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeId } from '../../src/domain/ids.js';
import { createUserWithKey } from '../helpers/fixtures.js';
import { createOrganization, createSpace, enc, insertCustomRole } from '../helpers/hierarchy.js';
import { SamlTestIdp } from '../helpers/saml-idp.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/** SAML identity providers through /graphql: Arize's allSamlIdPs query and createSAMLIdP, over the REST services. */
let server: TestServer;
let metadataXml: string;

beforeAll(async () => {
  server = await startTestServer();
  metadataXml = (await SamlTestIdp.create()).metadataXml();
});
afterAll(async () => {
  await server?.close();
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
});
