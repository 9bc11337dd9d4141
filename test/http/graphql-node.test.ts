import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeId, encodeProviderId, type IdType, MAX_ROW_ID } from '../../src/domain/ids.js';
import { createSecondAccount, createUserWithKey, type FixtureUser } from '../helpers/fixtures.js';
import {
  addOrganizationMember, addSpaceMember, createOrganization, createProject, createSpace, enc, insertCustomRole, restrictProject,
} from '../helpers/hierarchy.js';
import { SamlTestIdp } from '../helpers/saml-idp.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * `node(id:)` on every Node type of the schema: an id taken from a list answers the same object as the list, for
 * whoever REST shows it to; for anyone else (and for ids of nothing) it is null, never an error that would tell
 * the object exists; a malformed id is INVALID_ID.
 */
let server: TestServer;
let w: Awaited<ReturnType<typeof world>>;

beforeAll(async () => {
  server = await startTestServer();
  w = await world();
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

async function data(query: string, variables?: Record<string, unknown>, key = server.adminKey) {
  const res = await gql(query, variables, key);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(res.body.errors, JSON.stringify(res.body.errors)).toBeUndefined();
  return res.body.data;
}

/** The fields compared for each Node type: every field of the type, nested objects by id. */
const FIELDS: Record<string, string> = {
  Account: 'id name',
  User: 'id email name role status isDeveloper createdAt deactivatedAt',
  AccountOrganization: 'id name description createdAt',
  AccountOrganizationUser: 'id role user { id } customRole { id }',
  Space: 'id name description private createdAt organization { id }',
  SpaceMembership: 'id role customRole { id } user { id } space { id }',
  Project: 'id name isRestricted createdAt space { id }',
  Role: 'id name description permissions isPredefined',
  ApiKey: 'id name description keyType status redactedKey createdBy { id } createdAt expiresAt lastUsedAt',
  AuditLog: 'id user { id } ip operationType operationName operationText variables createdAt',
  SamlIdP: 'id name emailDomainsList { id domain validated } accountId metadataUrl defaultOrgId defaultOrgRoleId defaultSpaceId defaultSpaceRoleId '
    + 'syncUserRoles signAuthn allowOnlySsoLogins isManagedByFile deletedAt roleMappings { id }',
  SamlRoleMapping: 'id attributesMap isAccountAdmin orgRole { orgId roleId } spaceRolesMap spaceRbacRolesMap projectRbacRolesMap',
};

/** The object node(id:) answers, with its type's fields (their types differ between Node types: one fragment at a time). */
async function nodeOf(id: string, key = server.adminKey) {
  const found = (await data('query($id: ID!) { node(id: $id) { __typename } }', { id }, key)).node as { __typename: string } | null;
  if (found === null) return null;
  return (await data(`query($id: ID!) { node(id: $id) { __typename ... on ${found.__typename} { ${FIELDS[found.__typename]} } } }`, { id }, key)).node;
}

interface Edge<T> { node: T }
const nodes = <T>(connection: { edges: Edge<T>[] }) => connection.edges.map((e) => e.node);

/**
 * Admin's world: an organization the member belongs to (a space it is a member of, with an open and a restricted
 * project), an organization it does not belong to (with a space and a membership), a private space of its own
 * organization, a custom role, a SAML provider with a rule, keys of both people, and a second account.
 */
async function world() {
  const member: FixtureUser = await createUserWithKey(server, { email: 'gql-node-member@example.com' });
  const other: FixtureUser = await createUserWithKey(server, { email: 'gql-node-other@example.com' });
  const org = await createOrganization(server, 'gql-node-org');
  await addOrganizationMember(server, org, member.id, 'MEMBER');
  await addOrganizationMember(server, org, other.id, 'MEMBER');
  const space = await createSpace(server, org, 'gql-node-space');
  await addSpaceMember(server, space, member.id, 'MEMBER');
  const open = await createProject(server, space, 'gql-node-open');
  const restricted = await createProject(server, space, 'gql-node-restricted');
  await restrictProject(server, restricted);
  const privateSpace = await createSpace(server, org, 'gql-node-private', { isPrivate: true });
  await addSpaceMember(server, privateSpace, other.id, 'MEMBER');
  const foreignOrg = await createOrganization(server, 'gql-node-foreign-org');
  await addOrganizationMember(server, foreignOrg, other.id, 'ADMIN');
  const foreignSpace = await createSpace(server, foreignOrg, 'gql-node-foreign-space');
  await addSpaceMember(server, foreignSpace, other.id, 'ADMIN');
  const customRole = encodeId('Role', await insertCustomRole(server, 'gql-node-role', ['SPACE_READ', 'PROJECT_READ']));

  const memberKey = (await data('mutation { createUserApiKey(input: { name: "gql-node-member-key" }) { apiKey { id } } }', undefined, member.key))
    .createUserApiKey.apiKey.id as string;
  const otherKey = (await data('mutation { createUserApiKey(input: { name: "gql-node-other-key" }) { apiKey { id } } }', undefined, other.key))
    .createUserApiKey.apiKey.id as string;
  const adminServiceKey = (await data(`mutation { createServiceApiKey(input: { name: "gql-node-bot", spaceId: "${space}" }) { apiKey { id } } }`))
    .createServiceApiKey.apiKey.id as string;

  const metadataXml = (await SamlTestIdp.create()).metadataXml();
  const idp = await data(`mutation($input: CreateSAMLIdPMutationInput!) { createSAMLIdP(input: $input) { samlIdP { id roleMappings { id } } } }`, {
    input: {
      name: 'gql-node-okta', emailDomains: ['gql-node.example.com'], metadataXml,
      roleMappings: [{ attributesMap: { group: 'eng' }, spaceRbacRolesMap: { [space]: customRole }, projectRbacRolesMap: { [open]: customRole } }],
    },
  });
  const second = await createSecondAccount(server, 'admin@gql-node-tenant.example');
  return {
    member, other, org, space, open, restricted, privateSpace, foreignOrg, foreignSpace, customRole, memberKey, otherKey, adminServiceKey,
    idp: idp.createSAMLIdP.samlIdP.id as string, rule: idp.createSAMLIdP.samlIdP.roleMappings[0].id as string, second,
  };
}

describe('node(id:) round-trips every Node type', () => {
  it('the schema\'s Node types are exactly those this file covers', async () => {
    const d = await data('{ __type(name: "Node") { possibleTypes { name } } }');
    expect(d.__type.possibleTypes.map((t: { name: string }) => t.name).sort()).toEqual(Object.keys(FIELDS).sort());
  });

  it('for an account admin: an id taken from each list answers, through node(id:), the object the list showed', async () => {
    const f = FIELDS;
    const d = await data(`query($org: ID!, $space: ID!) {
      account { ${f.Account} users(first: 5, search: "gql-node-member") { edges { node { ${f.User} } } }
        organizations(first: 1, search: "gql-node-org") { edges { node { ${f.AccountOrganization} accountOrganizationUsers(first: 5) { edges { node { ${f.AccountOrganizationUser} } } } } } }
        roles(first: 20, isPredefined: false) { edges { node { ${f.Role} } } }
        auditLogs(first: 1) { edges { node { ${f.AuditLog} } } }
        allSamlIdPs(first: 10) { edges { node { ${f.SamlIdP} } } } }
      viewer { spaces(first: 1, search: "gql-node-space") { edges { node { ${f.Space} projects(first: 5) { edges { node { ${f.Project} } } }
        spaceMemberships(first: 5) { edges { node { ${f.SpaceMembership} } } } } } }
        apiKeys(first: 20, keyType: service) { edges { node { ${f.ApiKey} } } } }
      org: node(id: $org) { id } space: node(id: $space) { id } }`, { org: w.org, space: w.space });
    const organization = nodes(d.account.organizations)[0] as { accountOrganizationUsers: { edges: Edge<{ id: string }>[] } };
    const space = nodes(d.viewer.spaces)[0] as { projects: { edges: Edge<{ id: string }>[] }; spaceMemberships: { edges: Edge<{ id: string }>[] } };
    const idp = (nodes(d.account.allSamlIdPs) as { id: string }[]).find((p) => p.id === w.idp)!;
    const rule = (await data(`{ node(id: "${w.idp}") { ... on SamlIdP { roleMappings { ${f.SamlRoleMapping} } } } }`)).node.roleMappings[0];
    const strip = <T extends object>(o: T, ...keys: string[]) => Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k)));
    const listed: [string, Record<string, unknown>][] = [
      ['Account', strip(d.account, 'users', 'organizations', 'roles', 'auditLogs', 'allSamlIdPs')],
      ['User', nodes(d.account.users)[0] as Record<string, unknown>],
      ['AccountOrganization', strip(organization, 'accountOrganizationUsers')],
      ['AccountOrganizationUser', nodes(organization.accountOrganizationUsers)[0]!],
      ['Space', strip(space, 'projects', 'spaceMemberships')],
      ['SpaceMembership', nodes(space.spaceMemberships)[0]!],
      ['Project', nodes(space.projects)[0]!],
      ['Role', (nodes(d.account.roles) as { id: string }[]).find((r) => r.id === w.customRole)!],
      ['ApiKey', (nodes(d.viewer.apiKeys) as { id: string }[]).find((k) => k.id === w.adminServiceKey)!],
      ['AuditLog', nodes(d.account.auditLogs)[0] as Record<string, unknown>],
      ['SamlIdP', idp],
      ['SamlRoleMapping', rule],
    ];
    expect(listed.map(([type]) => type).sort()).toEqual(Object.keys(FIELDS).sort());
    for (const [type, object] of listed) {
      expect(object, type).toBeDefined();
      expect(await nodeOf(object.id as string), type).toEqual({ __typename: type, ...object });
    }
  });

  it('for a member: its own objects answer; each object REST hides from it is null, as REST hides it', async () => {
    const key = w.member.key;
    const rest = (path: string) => server.api('GET', path, { key });
    const visible = [
      encodeId('Account', 1), w.member.id, w.org, w.space, w.open, w.customRole, w.memberKey,
      ...(await data(`{ node(id: "${w.space}") { ... on Space { spaceMemberships { edges { node { id } } } } } }`, undefined, key))
        .node.spaceMemberships.edges.map((e: Edge<{ id: string }>) => e.node.id),
      ...(await data(`{ node(id: "${w.org}") { ... on AccountOrganization { accountOrganizationUsers { edges { node { id } } } } } }`, undefined, key))
        .node.accountOrganizationUsers.edges.map((e: Edge<{ id: string }>) => e.node.id),
    ];
    for (const id of visible) expect((await nodeOf(id, key))?.id, Buffer.from(id, 'base64').toString()).toBe(id);

    // What the admin reads of the hidden objects: their ids.
    const admin = await data(`query($private: ID!, $foreignOrg: ID!) {
      private: node(id: $private) { ... on Space { spaceMemberships { edges { node { id } } } } }
      foreignOrg: node(id: $foreignOrg) { ... on AccountOrganization { accountOrganizationUsers { edges { node { id } } } } }
      account { auditLogs(first: 1) { edges { node { id } } } } }`, { private: w.privateSpace, foreignOrg: w.foreignOrg });
    // [what, its id, REST hides it from the member, a key that sees it (the admin's unless given)]
    const hidden: [string, string, () => Promise<boolean>, string?][] = [
      ['a private space', w.privateSpace, async () => (await rest(`/v2/spaces/${enc(w.privateSpace)}`)).status === 404],
      ['a membership of a private space', admin.private.spaceMemberships.edges[0].node.id,
        async () => (await rest(`/v2/spaces/${enc(w.privateSpace)}/users`)).status === 404],
      ['an organization it is no member of', w.foreignOrg, async () => (await rest(`/v2/organizations/${enc(w.foreignOrg)}`)).status === 404],
      ['a membership of that organization', admin.foreignOrg.accountOrganizationUsers.edges[0].node.id,
        async () => (await rest(`/v2/organizations/${enc(w.foreignOrg)}/users`)).status === 404],
      ['a space of that organization', w.foreignSpace, async () => (await rest(`/v2/spaces/${enc(w.foreignSpace)}`)).status === 404],
      ['a restricted project', w.restricted, async () => (await rest(`/v2/projects/${enc(w.restricted)}`)).status === 404],
      ['another person\'s key', w.otherKey, async () => !JSON.stringify((await rest('/v2/api-keys?limit=100')).body).includes(w.otherKey)
        && (await rest(`/v2/api-keys?user_id=${enc(w.other.id)}`)).status === 403],
      ['an admin\'s service key on its space', w.adminServiceKey,
        async () => !JSON.stringify((await rest(`/v2/api-keys?limit=100&space_id=${enc(w.space)}`)).body).includes(w.adminServiceKey)],
      ['an audit entry', admin.account.auditLogs.edges[0].node.id, async () => (await rest('/v2/audit-logs')).status === 403],
      ['a SAML provider', w.idp, async () => (await rest(`/v2/saml-identity-providers/${enc(w.idp)}`)).status === 403],
      ['a SAML rule', w.rule, async () => (await rest(`/v2/saml-identity-providers/${enc(w.idp)}/role-mappings/${enc(w.rule)}`)).status === 403],
      ['another account', encodeId('Account', w.second.accountId), async () => (await rest('/v2/me')).body.account_id !== encodeId('Account', w.second.accountId), w.second.admin.key],
      ['a user of another account', w.second.admin.id, async () => (await rest(`/v2/users/${enc(w.second.admin.id)}`)).status === 404, w.second.admin.key],
    ];
    for (const [what, id, restHidesIt, seer] of hidden) {
      expect(await restHidesIt(), `REST hides ${what}`).toBe(true);
      expect(await nodeOf(id, key), what).toBeNull();
      expect((await nodeOf(id, seer))?.id, `someone sees ${what}`).toBe(id);
    }
  });

  it('a key a member created for its space stops answering when REST stops listing it (no SERVICE_KEY_READ there any more)', async () => {
    const { member, org } = { member: await createUserWithKey(server, { email: 'gql-node-creator@example.com' }), org: w.org };
    await addOrganizationMember(server, org, member.id, 'MEMBER');
    const space = await createSpace(server, org, 'gql-node-creator-space');
    await addSpaceMember(server, space, member.id, 'ADMIN');
    const id = (await data(`mutation { createServiceApiKey(input: { name: "gql-node-creator-bot", spaceId: "${space}" }) { apiKey { id } } }`, undefined, member.key))
      .createServiceApiKey.apiKey.id as string;
    const listed = async () => JSON.stringify((await server.api('GET', '/v2/api-keys?limit=100&key_type=SERVICE', { key: member.key })).body).includes(id);
    expect(await listed()).toBe(true);
    expect((await nodeOf(id, member.key))?.id).toBe(id);
    expect((await server.api('DELETE', `/v2/spaces/${enc(space)}/users/${enc(member.id)}`)).status).toBeLessThan(300);
    expect(await listed()).toBe(false);
    expect(await nodeOf(id, member.key)).toBeNull();
    expect((await nodeOf(id))?.id).toBe(id);
  });

  it('a revoked key answers with its status, as the list of revoked keys shows it', async () => {
    const revoked = await data(`mutation { revokeApiKey(input: { apiKeyId: "${w.memberKey}" }) { apiKey { id status } } }`, undefined, w.member.key);
    expect(revoked.revokeApiKey.apiKey.status).toBe('revoked');
    expect(await nodeOf(w.memberKey, w.member.key)).toMatchObject({ id: w.memberKey, status: 'revoked' });
  });
});

describe('node(id:) on ids of nothing', () => {
  it('is null for an id of every type that names no row, and for prefixes that are no Node type', async () => {
    const types: IdType[] = ['Account', 'User', 'Organization', 'OrganizationMembership', 'Space', 'SpaceMembership', 'Project', 'Role', 'ApiKey', 'AuditLog', 'RoleMapping'];
    /** The wire form of `Type:n` for a prefix that names no id type. */
    const foreignId = (type: string, n: number) => Buffer.from(`${type}:${n}`, 'utf8').toString('base64');
    for (const n of [987654, MAX_ROW_ID]) {
      for (const type of types) expect(await nodeOf(encodeId(type, n)), `${type}:${n}`).toBeNull();
      expect(await nodeOf(encodeProviderId('SAML', n))).toBeNull();
    }
    for (const id of [encodeProviderId('OIDC', 1), encodeId('ScimToken', 1), foreignId('Nothing', 1), foreignId('Viewer', 1)]) {
      expect(await nodeOf(id), Buffer.from(id, 'base64').toString()).toBeNull();
    }
  });

  it('is INVALID_ID (HTTP 200, the field null) for ids that are not ids; an argument of the wrong type is a validation error', async () => {
    for (const id of ['not an id', '', 'U3BhY2U6', Buffer.from('Space:abc').toString('base64'), Buffer.from('Space:-1').toString('base64')]) {
      const res = await gql('query($id: ID!) { node(id: $id) { id } }', { id });
      expect(res.status, id).toBe(200);
      expect(res.body.data, id).toEqual({ node: null });
      expect(res.body.errors[0].extensions, id).toEqual({ code: 'INVALID_ID', status: 400 });
    }
    const wrongType = await gql('query($id: ID!) { node(id: $id) { id } }', { id: { nested: true } });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});
