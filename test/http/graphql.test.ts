import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeId, parseId } from '../../src/domain/ids.js';
import { cliLogin } from '../helpers/cli-login.js';
import { asConsole, setPassword, signIn } from '../helpers/console-session.js';
import { createUserWithKey, type FixtureUser } from '../helpers/fixtures.js';
import {
  addOrganizationMember, addSpaceMember, createOrganization, createProject, createSpace, enc, insertCustomRole, restrictProject,
} from '../helpers/hierarchy.js';
import { type ApiResponse, startTestServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
let userCount = 0;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

const user = (role: 'ADMIN' | 'MEMBER' | 'ANNOTATOR' = 'MEMBER'): Promise<FixtureUser> =>
  createUserWithKey(server, { email: `gql-user-${++userCount}@example.com`, role });

/** POST /graphql with `x-api-key` (the admin's key unless `key` is given). */
async function gql(query: string, variables?: Record<string, unknown>, options: { key?: string | null; headers?: Record<string, string> } = {}): Promise<ApiResponse> {
  const key = options.key === undefined ? server.adminKey : options.key;
  const headers: Record<string, string> = { 'content-type': 'application/json', ...(key === null ? {} : { 'x-api-key': key }), ...options.headers };
  const res = await fetch(`${server.url}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

/** A document that must run without errors: its data. */
async function data(query: string, variables?: Record<string, unknown>, key?: string) {
  const res = await gql(query, variables, { key });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(res.body.errors, JSON.stringify(res.body.errors)).toBeUndefined();
  return res.body.data;
}

/** A document whose one field fails during execution: HTTP 200, that error. */
async function fieldError(query: string, variables?: Record<string, unknown>, key?: string) {
  const res = await gql(query, variables, { key });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(res.body.errors).toHaveLength(1);
  return res.body.errors[0];
}

/** An organization with the member in it (MEMBER) and a space the member is a MEMBER of. */
async function memberSetup(label: string) {
  const member = await user();
  const org = await createOrganization(server, `gql-${label}-org`);
  await addOrganizationMember(server, org, member.id, 'MEMBER');
  const space = await createSpace(server, org, `gql-${label}-space`);
  await addSpaceMember(server, space, member.id, 'MEMBER');
  return { member, org, space };
}

const ids = (connection: { edges: { node: { id: string } }[] }) => connection.edges.map((e) => e.node.id);

/** Database statements run while `fn` runs (the store's Kysely executor, counted in process). */
async function statements(fn: () => Promise<unknown>): Promise<number> {
  const executor = server.context!.store.db.getExecutor() as unknown as { executeQuery: (...args: unknown[]) => Promise<unknown> };
  const original = executor.executeQuery;
  let count = 0;
  executor.executeQuery = function (...args: unknown[]) {
    count++;
    return original.apply(this, args);
  };
  try {
    await fn();
  } finally {
    executor.executeQuery = original;
  }
  return count;
}

describe('authentication', () => {
  it('answers viewer for x-api-key and for Authorization: Bearer; a SERVICE key is its bot', async () => {
    const member = await user();
    const viaHeader = await gql('{ viewer { id user { id email } } }', undefined, { key: member.key });
    expect(viaHeader.status).toBe(200);
    expect(viaHeader.body).toEqual({ data: { viewer: { id: expect.any(String), user: { id: member.id, email: member.email } } } });
    const viaBearer = await gql('{ viewer { user { email } } }', undefined, { key: null, headers: { authorization: `Bearer ${member.key}` } });
    expect(viaBearer.body.data.viewer.user.email).toBe(member.email);

    const { space } = await memberSetup('bot');
    const created = await data(`mutation { createServiceApiKey(input: { name: "gql-bot", spaceId: "${space}" }) { key botUser { id name } } }`);
    const bot = await data('{ viewer { user { id name } } }', undefined, created.createServiceApiKey.key);
    expect(bot.viewer.user).toEqual(created.createServiceApiKey.botUser);
  });

  it('takes an OAuth access token of ax auth login as Bearer, as the user', async () => {
    const member = await user();
    await setPassword(server, member.dbId, 'a long and quiet password 2');
    const login = await cliLogin(server.url, { email: member.email, password: 'a long and quiet password 2' });
    const res = await gql('{ viewer { user { email } } }', undefined, { key: null, headers: { authorization: `Bearer ${login.access}` } });
    expect(res.body).toEqual({ data: { viewer: { user: { email: member.email } } } });
  });

  it('answers 401 with a GraphQL body without a credential, with a bad or revoked key, and with two credentials', async () => {
    const none = await gql('{ viewer { id } }', undefined, { key: null });
    expect(none.status).toBe(401);
    expect(none.headers.get('content-type')).toMatch(/^application\/json/);
    expect(none.body).toEqual({ errors: [{ message: expect.any(String), extensions: { code: 'UNAUTHENTICATED', status: 401 } }] });
    expect((await gql('{ viewer { id } }', undefined, { key: 'ak-nope' })).status).toBe(401);
    const two = await gql('{ viewer { id } }', undefined, { headers: { authorization: `Bearer ${server.adminKey}` } });
    expect(two.status).toBe(401);
    expect(two.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');

    const member = await user();
    const key = await data('mutation { createUserApiKey(input: { name: "to-revoke" }) { apiKey { id } key } }', undefined, member.key);
    expect((await gql('{ viewer { id } }', undefined, { key: key.createUserApiKey.key })).status).toBe(200);
    const revoked = await data(`mutation { revokeApiKey(input: { apiKeyId: "${key.createUserApiKey.apiKey.id}", clientMutationId: "r1" }) { clientMutationId apiKey { id status } } }`, undefined, member.key);
    expect(revoked.revokeApiKey).toEqual({ clientMutationId: 'r1', apiKey: { id: key.createUserApiKey.apiKey.id, status: 'revoked' } });
    expect((await gql('{ viewer { id } }', undefined, { key: key.createUserApiKey.key })).status).toBe(401);
  });

  it('takes the console session with its CSRF header, for queries and mutations alike', async () => {
    const member = await user();
    await setPassword(server, member.dbId, 'a long and quiet password 1');
    const session = await signIn(server, member.email, 'a long and quiet password 1');
    const post = (headers: Record<string, string>) => gql('{ viewer { user { email } } }', undefined, { key: null, headers: { cookie: session.cookie, ...headers } });
    const ok = await post({ 'x-csrf-token': session.csrf });
    expect(ok.body.data.viewer.user.email).toBe(member.email);
    const noCsrf = await post({});
    expect(noCsrf.status).toBe(403);
    expect(noCsrf.body.errors[0].extensions.code).toBe('FORBIDDEN');
    expect((await asConsole(server, session)('GET', '/v2/me')).status).toBe(200);
  });
});

describe('reads', () => {
  it('lists spaces with their organization, projects and users, with REST ids and REST cursors', async () => {
    const org = await createOrganization(server, 'gql-read-org');
    const space = await createSpace(server, org, 'gql-read-space');
    const project = await createProject(server, space, 'gql-read-project');
    const closed = await createProject(server, space, 'gql-read-restricted');
    expect((await server.api('POST', '/v2/resource-restrictions', { body: { resource_id: closed } })).status).toBeLessThan(300);
    const d = await data(`query($search: String) { viewer { spaces(first: 10, search: $search) {
      edges { cursor node { id name private organization { id name } projects { edges { node { id name isRestricted space { id } } } }
        spaceUsers { edges { node { user { email } role permissions } } } } }
      pageInfo { hasNextPage endCursor } } } }`, { search: 'gql-read-space' });
    const node = d.viewer.spaces.edges[0].node;
    expect(node).toMatchObject({ id: space, name: 'gql-read-space', private: false, organization: { id: org, name: 'gql-read-org' } });
    expect(node.projects.edges.map((e: { node: unknown }) => e.node)).toEqual([
      { id: project, name: 'gql-read-project', isRestricted: false, space: { id: space } },
      { id: closed, name: 'gql-read-restricted', isRestricted: true, space: { id: space } },
    ]);
    const admin = node.spaceUsers.edges.find((e: { node: { user: { email: string } } }) => e.node.user.email === 'admin@localhost');
    expect(admin.node.role).toBe('admin');

    // A cursor of one page is the REST list's: REST takes it as its cursor too.
    const page = await data('{ viewer { spaces(first: 1) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } } }');
    expect(page.viewer.spaces.pageInfo.hasNextPage).toBe(true);
    const rest = await server.api('GET', `/v2/spaces?limit=1&cursor=${enc(page.viewer.spaces.pageInfo.endCursor)}`);
    const next = await data(`{ viewer { spaces(first: 1, after: "${page.viewer.spaces.pageInfo.endCursor}") { edges { node { id } } } } }`);
    expect(ids(next.viewer.spaces)).toEqual(rest.body.spaces.map((s: { id: string }) => s.id));
  });

  it('names every user with access to a space to a member who may read it, account admins outside its organizations too', async () => {
    const org = await createOrganization(server, 'gql-space-users-org');
    const space = await createSpace(server, org, 'gql-space-users-space');
    const reader = await user();
    await addOrganizationMember(server, org, reader.id, 'READ_ONLY');
    await addSpaceMember(server, space, reader.id, 'READ_ONLY');
    const d = await data(`{ node(id: "${space}") { ... on Space { spaceUsers { edges { node { user { email } role } } } } } }`, undefined, reader.key);
    const emails = d.node.spaceUsers.edges.map((e: { node: { user: { email: string } } }) => e.node.user.email);
    expect(emails).toEqual(expect.arrayContaining(['admin@localhost', reader.email]));
    // REST's answer to the same question names the same people.
    const rest = await server.api('GET', `/v2/access/principals?resource_id=${enc(space)}`, { key: reader.key });
    expect(rest.status).toBe(200);
    expect(new Set(emails)).toEqual(new Set(rest.body.principals.map((p: { user: { email: string } }) => p.user.email)));
  });

  it('answers the account, its organizations, users, roles and audit log', async () => {
    const org = await createOrganization(server, 'gql-account-org');
    const d = await data(`{ account { id name organizations(search: "gql-account-org") { edges { node { id name description createdAt } } }
      users(search: "admin@localhost") { edges { node { id email role status isDeveloper } } }
      roles(isPredefined: true) { edges { node { id name isPredefined permissions } } }
      auditLogs(first: 5, operationType: mutation) { edges { node { id operationType operationName user { email } } } } } }`);
    expect(d.account.id).toBe(encodeId('Account', 1));
    expect(ids(d.account.organizations)).toEqual([org]);
    expect(d.account.users.edges[0].node).toMatchObject({ email: 'admin@localhost', role: 'admin', status: 'active' });
    expect(d.account.roles.edges.map((e: { node: { isPredefined: boolean } }) => e.node.isPredefined)).toEqual([true, true, true, true]);
    expect(d.account.auditLogs.edges.length).toBeGreaterThan(0);
    expect(d.account.auditLogs.edges[0].node.operationType).toBe('mutation');
  });

  it('pages the audit log as REST does, newest first by time; an edge\'s cursor continues either list', async () => {
    for (let i = 0; i < 3; i++) await createOrganization(server, `gql-audit-page-${i}`);
    const rest = (await server.api('GET', '/v2/audit-logs?limit=6')).body.logs.map((l: { id: string }) => l.id);
    const first = await data('{ account { auditLogs(first: 3) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } } }');
    const next = await data('query($after: String) { account { auditLogs(first: 3, after: $after) { edges { node { id } } } } }', { after: first.account.auditLogs.pageInfo.endCursor });
    expect([...ids(first.account.auditLogs), ...ids(next.account.auditLogs)]).toEqual(rest);
    const viaRest = await server.api('GET', `/v2/audit-logs?limit=3&cursor=${enc(first.account.auditLogs.edges[2].cursor)}`);
    expect(viaRest.body.logs.map((l: { id: string }) => l.id)).toEqual(rest.slice(3));
  });

  it('round-trips every Node type with a read by id through node(id:), and answers null for what the caller may not see', async () => {
    const member = await user();
    const org = await createOrganization(server, 'gql-node-org');
    const space = await createSpace(server, org, 'gql-node-space');
    const project = await createProject(server, space, 'gql-node-project');
    const role = encodeId('Role', await insertCustomRole(server, 'gql-node-role', ['PROJECT_READ']));
    for (const id of [encodeId('Account', 1), member.id, org, space, project, role]) {
      const d = await data('query($id: ID!) { node(id: $id) { __typename id } }', { id });
      expect(d.node.id).toBe(id);
    }
    const hidden = await data('query($id: ID!) { node(id: $id) { id } }', { id: space }, member.key);
    expect(hidden.node).toBeNull();
    expect((await server.api('GET', `/v2/spaces/${enc(space)}`, { key: member.key })).status).toBe(404);
    expect((await data('query($id: ID!) { node(id: $id) { id } }', { id: encodeId('Space', 999999) })).node).toBeNull();
    expect((await fieldError('{ node(id: "not an id") { id } }')).extensions).toEqual({ code: 'INVALID_ID', status: 400 });
  });

  it('runs Arize\'s documented organization query unchanged', async () => {
    const { member, org } = await memberSetup('arize-org');
    const d = await data(`query { node(id: "${org}") { ... on AccountOrganization { accountOrganizationUsers { edges { node { user { email name id } } } } } } }`);
    expect(d.node.accountOrganizationUsers.edges.map((e: { node: { user: { id: string } } }) => e.node.user.id)).toContain(member.id);
  });
});

describe('a member sees through GraphQL exactly what it sees through REST', () => {
  it('spaces (private ones only as a member), projects (restricted ones only when bound) and users', async () => {
    const { member, org, space } = await memberSetup('parity');
    const privateSpace = await createSpace(server, org, 'gql-parity-private', { isPrivate: true });
    const publicSpace = await createSpace(server, org, 'gql-parity-public');
    const open = await createProject(server, space, 'gql-parity-open');
    const restricted = await createProject(server, space, 'gql-parity-restricted');
    await restrictProject(server, restricted);
    await createProject(server, privateSpace, 'gql-parity-hidden');
    await createProject(server, publicSpace, 'gql-parity-public-project');

    const rest = async (path: string, list: string) => (await server.api('GET', path, { key: member.key })).body[list].map((r: { id: string }) => r.id).sort();
    const d = await data(`{ viewer { spaces(first: 50) { edges { node { id projects(first: 50) { edges { node { id } } } } } } }
      account { organizations(first: 100) { edges { node { id } } } users(first: 100) { edges { node { id } } } } }`, undefined, member.key);
    const spaces = d.viewer.spaces.edges.map((e: { node: { id: string } }) => e.node.id).sort();
    expect(spaces).toEqual(await rest('/v2/spaces?limit=100', 'spaces'));
    expect(spaces).not.toContain(privateSpace);
    const projects = d.viewer.spaces.edges.flatMap((e: { node: { projects: { edges: { node: { id: string } }[] } } }) => ids(e.node.projects)).sort();
    expect(projects).toEqual(await rest('/v2/projects?limit=100', 'projects'));
    expect(projects).toContain(open);
    expect(projects).not.toContain(restricted);
    expect(ids(d.account.organizations).sort()).toEqual(await rest('/v2/organizations?limit=100', 'organizations'));
    expect(ids(d.account.users).sort()).toEqual(await rest('/v2/users?limit=100', 'users'));
    const hidden = await data(`{ a: node(id: "${privateSpace}") { id } b: node(id: "${restricted}") { id } c: node(id: "${open}") { id } }`, undefined, member.key);
    expect(hidden).toEqual({ a: null, b: null, c: { id: open } });
  });

  it('a space\'s first page of projects skips restricted ones inside the page and still fills it, with REST\'s cursors', async () => {
    const { member, space } = await memberSetup('window');
    const made: string[] = [];
    for (let i = 1; i <= 5; i++) made.push(await createProject(server, space, `gql-window-${i}`));
    await restrictProject(server, made[0]!);
    await restrictProject(server, made[2]!);
    const page = async (after?: string) => (await data(`query($id: ID!, $after: String) { node(id: $id) { ... on Space {
      projects(first: 2, after: $after) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } } } }`, { id: space, after }, member.key)).node.projects;
    const rest = (await server.api('GET', `/v2/projects?space_id=${enc(space)}&limit=2`, { key: member.key })).body;

    const first = await page();
    expect(ids(first)).toEqual([made[1], made[3]]);
    expect(ids(first)).toEqual(rest.projects.map((p: { id: string }) => p.id));
    expect(first.pageInfo).toEqual({ hasNextPage: true, endCursor: rest.pagination.next_cursor });
    const second = await page(first.pageInfo.endCursor);
    expect(ids(second)).toEqual([made[4]]);
    expect(second.pageInfo.hasNextPage).toBe(false);
  });

  it('answers a member\'s forbidden read like REST: the same code and detail', async () => {
    const { member } = await memberSetup('forbidden-read');
    const error = await fieldError('{ account { auditLogs { edges { node { id } } } } }', undefined, member.key);
    const rest = await server.api('GET', '/v2/audit-logs', { key: member.key });
    expect(error.extensions).toEqual({ code: rest.body.code, status: rest.status });
    expect(error.message).toBe(rest.body.detail);
    expect(error.path).toEqual(['account', 'auditLogs']);
  });
});

describe('mutations', () => {
  it('createOrganization, createSpace (Arize\'s input), updateSpace and deleteSpace, each audited like REST', async () => {
    const created = await data('mutation { createOrganization(input: { name: "gql-mut-org", description: "d", clientMutationId: "c1" }) { clientMutationId organization { id name description } } }');
    expect(created.createOrganization).toMatchObject({ clientMutationId: 'c1', organization: { name: 'gql-mut-org', description: 'd' } });
    const org = created.createOrganization.organization.id;
    expect((await server.api('GET', `/v2/organizations/${enc(org)}`)).body.name).toBe('gql-mut-org');

    const space = await data(`mutation CreateSpace { createSpace(input: { accountOrganizationId: "${org}", name: "gql-mut-space", private: true }) { space { id name private } } }`);
    const spaceId = space.createSpace.space.id;
    expect(await server.api('GET', `/v2/spaces/${enc(spaceId)}`).then((r) => r.body)).toMatchObject({ id: spaceId, is_private: true, organization_id: org });
    const audit = await server.api('GET', '/v2/audit-logs?limit=1');
    expect(audit.body.logs[0]).toMatchObject({ operation_type: 'MUTATION', operation_name: 'CreateSpace' });
    expect(audit.body.logs[0].operation_text).toContain('createSpace');

    const updated = await data(`mutation { updateSpace(input: { spaceId: "${spaceId}", description: "new" }) { space { id description private } } }`);
    expect(updated.updateSpace.space).toEqual({ id: spaceId, description: 'new', private: true });
    expect((await server.api('GET', '/v2/audit-logs?limit=1')).body.logs[0].operation_name).toBe('graphql:updateSpace');
    expect((await fieldError(`mutation { updateSpace(input: { spaceId: "${spaceId}" }) { space { id } } }`)).extensions.code).toBe('VALIDATION_FAILED');

    expect((await data(`mutation { deleteSpace(input: { spaceId: "${spaceId}", clientMutationId: "x" }) { clientMutationId } }`)).deleteSpace).toEqual({ clientMutationId: 'x' });
    expect((await server.api('GET', `/v2/spaces/${enc(spaceId)}`)).status).toBe(404);
  });

  it('refuses the names and texts REST refuses (empty, blank, too long), with REST\'s detail, and writes nothing', async () => {
    const org = await createOrganization(server, 'gql-bad-input-org');
    const space = await createSpace(server, org, 'gql-bad-input-space');
    const newestAudit = async () => (await server.api('GET', '/v2/audit-logs?limit=1')).body.logs[0].id;
    const before = await newestAudit();
    const long = 'x'.repeat(1001);
    const cases: [string, Record<string, unknown>, string, string, Record<string, unknown>][] = [
      ['mutation($i: CreateOrganizationMutationInput!) { createOrganization(input: $i) { organization { id } } }', { name: '' }, 'POST', '/v2/organizations', { name: '' }],
      ['mutation($i: CreateOrganizationMutationInput!) { createOrganization(input: $i) { organization { id } } }', { name: '   ' }, 'POST', '/v2/organizations', { name: '   ' }],
      ['mutation($i: CreateOrganizationMutationInput!) { createOrganization(input: $i) { organization { id } } }', { name: 'n'.repeat(256) }, 'POST', '/v2/organizations', { name: 'n'.repeat(256) }],
      ['mutation($i: CreateOrganizationMutationInput!) { createOrganization(input: $i) { organization { id } } }', { name: 'gql-long-desc', description: long }, 'POST', '/v2/organizations', { name: 'gql-long-desc', description: long }],
      ['mutation($i: CreateSpaceMutationInput!) { createSpace(input: $i) { space { id } } }', { accountOrganizationId: org, name: ' ' }, 'POST', '/v2/spaces', { organization_id: org, name: ' ' }],
      ['mutation($i: UpdateSpaceMutationInput!) { updateSpace(input: $i) { space { id } } }', { spaceId: space, name: '' }, 'PATCH', `/v2/spaces/${enc(space)}`, { name: '' }],
      ['mutation($i: UpdateSpaceMutationInput!) { updateSpace(input: $i) { space { id } } }', { spaceId: space, description: long }, 'PATCH', `/v2/spaces/${enc(space)}`, { description: long }],
      ['mutation($i: CreateUserApiKeyMutationInput!) { createUserApiKey(input: $i) { key } }', { name: '\t' }, 'POST', '/v2/api-keys', { key_type: 'USER', name: '\t' }],
      ['mutation($i: CreateServiceApiKeyMutationInput!) { createServiceApiKey(input: $i) { key } }', { name: 'k', description: long, spaceId: space }, 'POST', '/v2/api-keys',
        { key_type: 'SERVICE', name: 'k', description: long, organizations: [{ org_id: org, spaces: [{ space_id: space }] }] }],
    ];
    for (const [query, input, method, path, body] of cases) {
      const rest = await server.api(method, path, { body });
      expect(rest.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      const error = await fieldError(query, { i: input });
      expect(error.extensions, JSON.stringify(input).slice(0, 80)).toEqual({ code: 'VALIDATION_FAILED', status: 400 });
      expect(error.message).toBe(rest.body.detail);
    }
    expect(await newestAudit()).toBe(before);
    expect((await server.api('GET', `/v2/spaces/${enc(space)}`)).body).toMatchObject({ name: 'gql-bad-input-space', description: '' });
  });

  it('refuses a member what REST refuses it, with the same code and detail', async () => {
    const { member, space } = await memberSetup('member-mut');
    const cases: [string, string, string, unknown][] = [
      ['mutation { createOrganization(input: { name: "gql-nope" }) { organization { id } } }', 'POST', '/v2/organizations', { name: 'gql-nope' }],
      [`mutation { updateSpace(input: { spaceId: "${space}", name: "gql-nope" }) { space { id } } }`, 'PATCH', `/v2/spaces/${enc(space)}`, { name: 'gql-nope' }],
      [`mutation { deleteSpace(input: { spaceId: "${space}" }) { clientMutationId } }`, 'DELETE', `/v2/spaces/${enc(space)}`, undefined],
    ];
    for (const [query, method, path, body] of cases) {
      const error = await fieldError(query, undefined, member.key);
      const rest = await server.api(method, path, { key: member.key, body });
      expect(error.extensions).toEqual({ code: rest.body.code, status: rest.status });
      expect(error.message).toBe(rest.body.detail ?? rest.body.title);
    }
  });

  it('refuses a space MEMBER the membership changes and another user\'s key, as REST does', async () => {
    const { member, org, space } = await memberSetup('member-grants');
    const other = await user();
    await addOrganizationMember(server, org, other.id, 'MEMBER');
    const assign = await fieldError(`mutation { assignSpaceMembership(input: { spaceMemberships: [{ userId: "${other.id}", spaceId: "${space}", role: member }] }) { spaceMemberships { id } } }`, undefined, member.key);
    const restAssign = await server.api('POST', `/v2/spaces/${enc(space)}/users`, { key: member.key, body: { user_id: other.id, role: { type: 'PREDEFINED', name: 'MEMBER' } } });
    expect(assign.extensions).toEqual({ code: restAssign.body.code, status: restAssign.status });
    expect(assign.message).toBe(restAssign.body.detail);
    const remove = await fieldError(`mutation { removeSpaceMember(input: { spaceId: "${space}", userId: "${member.id}" }) { clientMutationId } }`, undefined, other.key);
    expect(remove.extensions.status).toBe((await server.api('DELETE', `/v2/spaces/${enc(space)}/users/${enc(member.id)}`, { key: other.key })).status);
    const key = await data('mutation { createUserApiKey(input: { name: "mine" }) { apiKey { id } } }', undefined, other.key);
    const revoke = await fieldError(`mutation { revokeApiKey(input: { apiKeyId: "${key.createUserApiKey.apiKey.id}" }) { apiKey { id } } }`, undefined, member.key);
    const restRevoke = await server.api('PUT', `/v2/api-keys/${enc(key.createUserApiKey.apiKey.id)}/revoke`, { key: member.key });
    expect(revoke.extensions).toEqual({ code: restRevoke.body.code, status: restRevoke.status });
  });

  it('assignSpaceMembership with role and with customRoleId (the membership REST then lists) and removeSpaceMember', async () => {
    const { org, space } = await memberSetup('assign');
    const alice = await user();
    const bob = await user();
    await addOrganizationMember(server, org, alice.id, 'MEMBER');
    await addOrganizationMember(server, org, bob.id, 'MEMBER');
    const role = encodeId('Role', await insertCustomRole(server, 'gql-assign-role', ['PROJECT_READ', 'SPACE_READ']));
    const d = await data(`mutation($input: AssignSpaceMembershipMutationInput!) { assignSpaceMembership(input: $input) {
      clientMutationId spaceMemberships { id role customRole { id name } user { id } space { id } } } }`, {
      input: { clientMutationId: 'a', spaceMemberships: [{ userId: alice.id, spaceId: space, role: 'member' }, { userId: bob.id, spaceId: space, customRoleId: role }] },
    });
    const [a, b] = d.assignSpaceMembership.spaceMemberships;
    expect(a).toMatchObject({ role: 'member', customRole: null, user: { id: alice.id }, space: { id: space } });
    expect(b).toMatchObject({ role: null, customRole: { id: role, name: 'gql-assign-role' }, user: { id: bob.id } });
    const rest = await server.api('GET', `/v2/spaces/${enc(space)}/users?limit=100`);
    const listed = rest.body.users ?? rest.body.members ?? Object.values(rest.body).find(Array.isArray);
    expect(listed.find((m: { user_id: string }) => m.user_id === bob.id)).toMatchObject({ id: b.id, role: { type: 'CUSTOM', id: role } });

    const removed = await data(`mutation { removeSpaceMember(input: { spaceId: "${space}", userId: "${alice.id}", clientMutationId: "gone" }) { clientMutationId } }`);
    expect(removed.removeSpaceMember).toEqual({ clientMutationId: 'gone' });
    expect((await fieldError(`mutation { removeSpaceMember(input: { spaceId: "${space}", userId: "${alice.id}" }) { clientMutationId } }`)).extensions.code).toBe('NOT_FOUND');
  });

  it('assignSpaceMembership writes all items or none, and wants exactly one of role and customRoleId', async () => {
    const { org, space } = await memberSetup('assign-atomic');
    const carol = await user();
    await addOrganizationMember(server, org, carol.id, 'MEMBER');
    const outsider = await user();
    const error = await fieldError(`mutation { assignSpaceMembership(input: { spaceMemberships: [
      { userId: "${carol.id}", spaceId: "${space}", role: readOnly }, { userId: "${outsider.id}", spaceId: "${space}", role: member }] }) { spaceMemberships { id } } }`);
    expect(error.extensions).toEqual({ code: 'UNPROCESSABLE', status: 422 });
    const members = await server.api('GET', `/v2/spaces/${enc(space)}/users?limit=100`);
    expect(JSON.stringify(members.body)).not.toContain(carol.id);
    const both = await fieldError(`mutation { assignSpaceMembership(input: { spaceMemberships: [{ userId: "${carol.id}", spaceId: "${space}", role: member, customRoleId: "${encodeId('Role', 1)}" }] }) { spaceMemberships { id } } }`);
    expect(both.extensions.code).toBe('VALIDATION_FAILED');
  });

  it('createUserApiKey answers a key REST accepts; createServiceApiKey wants spaceId or organizations and keeps the ceiling', async () => {
    const { member, org, space } = await memberSetup('keys');
    const created = await data('mutation { createUserApiKey(input: { name: "gql-user-key", description: "d" }) { apiKey { id name keyType status redactedKey createdBy { id } } key } }', undefined, member.key);
    expect(created.createUserApiKey.apiKey).toMatchObject({ name: 'gql-user-key', keyType: 'user', status: 'active', createdBy: { id: member.id } });
    expect((await server.api('GET', '/v2/me', { key: created.createUserApiKey.key })).body.id).toBe(member.id);
    const listed = await data('{ viewer { apiKeys(keyType: user) { edges { node { id } } } } }', undefined, member.key);
    expect(ids(listed.viewer.apiKeys)).toContain(created.createUserApiKey.apiKey.id);

    const both = await fieldError(`mutation { createServiceApiKey(input: { name: "x", spaceId: "${space}", organizations: [] }) { key } }`);
    expect(both.extensions.code).toBe('VALIDATION_FAILED');
    // A MEMBER of the space may not mint a key that is ADMIN there: GraphQL and REST refuse it with the same detail.
    const over = await fieldError(`mutation { createServiceApiKey(input: { name: "over", organizations: [{ orgId: "${org}", role: readOnly, spaces: [{ spaceId: "${space}", role: admin }] }] }) { key } }`, undefined, member.key);
    const rest = await server.api('POST', '/v2/api-keys', {
      key: member.key,
      body: { key_type: 'SERVICE', name: 'over', organizations: [{ org_id: org, role: { type: 'PREDEFINED', name: 'READ_ONLY' }, spaces: [{ space_id: space, role: { type: 'PREDEFINED', name: 'ADMIN' } }] }] },
    });
    expect(rest.status).toBe(403);
    expect(over.extensions).toEqual({ code: 'FORBIDDEN', status: 403 });
    expect(over.message).toBe(rest.body.detail);
    const invisible = await createSpace(server, org, 'gql-keys-private', { isPrivate: true });
    expect((await fieldError(`mutation { createServiceApiKey(input: { name: "x", spaceId: "${invisible}" }) { key } }`, undefined, member.key)).extensions.code).toBe('NOT_FOUND');
  });
});

describe('bad input: a GraphQL error, never a 5xx, nothing written', () => {
  const post = (body: string, headers: Record<string, string> = {}) =>
    fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': server.adminKey, ...headers }, body })
      .then(async (r) => ({ status: r.status, body: await r.json() }));

  it('malformed documents, unknown fields, wrong variable types', async () => {
    const parseError = await gql('{ viewer { ');
    expect(parseError.status).toBe(400);
    expect(parseError.body.errors[0]).toMatchObject({ extensions: { code: 'GRAPHQL_PARSE_FAILED' }, locations: [expect.any(Object)] });
    const unknown = await gql('{ viewer { nope } }');
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors[0]).toMatchObject({ extensions: { code: 'GRAPHQL_VALIDATION_FAILED' }, locations: [expect.any(Object)] });
    const wrongType = await gql('query($n: Int) { viewer { spaces(first: $n) { edges { cursor } } } }', { n: 'ten' });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect((await gql('{ viewer { spaces(last: 5) { edges { cursor } } } }')).body.errors[0].message).toContain('last');
    expect((await fieldError('{ viewer { spaces(first: 500) { edges { cursor } } } }')).extensions.code).toBe('VALIDATION_FAILED');
    // However large, a first past 100 is that error (naming first), not a complexity the caller did not ask for.
    for (const [huge, variables] of [['{ viewer { spaces(first: 100000) { edges { node { id } } } } }'], ['query($n: Int) { viewer { spaces(first: $n) { edges { node { id } } } } }', { n: 1e6 }]] as const) {
      const error = await fieldError(huge, variables);
      expect(error.extensions.code).toBe('VALIDATION_FAILED');
      expect(error.message).toMatch(/^first: must be between 1 and 100/);
    }
    const badDate = await gql('mutation { createUserApiKey(input: { name: "x", expiresAt: "tomorrow" }) { key } }');
    expect(badDate.status).toBe(400);
    expect(badDate.body.errors[0]).toMatchObject({ extensions: { code: 'GRAPHQL_VALIDATION_FAILED' }, locations: [{ line: 1, column: 60 }] });
  });

  it('a search longer than the REST filter it stands for is VALIDATION_FAILED naming search, with REST\'s detail', async () => {
    const org = await createOrganization(server, 'gql-search-org');
    const space = await createSpace(server, org, 'gql-search-space');
    const long = 'x'.repeat(256);
    // Each search is a REST list's filter, all of them up to 255 characters: users' email, the others' name.
    const rest = await server.api('GET', `/v2/users?email=${long}`);
    expect(rest.status).toBe(400);
    expect(rest.body.detail).toBe('email: must NOT have more than 255 characters');
    for (const [path, filter] of [['/v2/spaces', 'name'], ['/v2/organizations', 'name'], ['/v2/projects', 'name']]) {
      expect((await server.api('GET', `${path}?${filter}=${long}`)).body.detail).toBe(`${filter}: must NOT have more than 255 characters`);
    }
    for (const query of [
      'query($s: String) { viewer { spaces(search: $s) { edges { cursor } } } }',
      'query($s: String) { account { organizations(search: $s) { edges { cursor } } } }',
      'query($s: String) { account { users(search: $s) { edges { cursor } } } }',
      `query($s: String) { node(id: "${space}") { ... on Space { projects(search: $s) { edges { cursor } } } } }`,
      `query($s: String) { node(id: "${org}") { ... on AccountOrganization { spaces(search: $s) { edges { cursor } } } } }`,
    ]) {
      const error = await fieldError(query, { s: long });
      expect(error.extensions, query).toEqual({ code: 'VALIDATION_FAILED', status: 400 });
      expect(error.message).toBe('search: must NOT have more than 255 characters');
      await data(query, { s: 'x'.repeat(255) });
    }
  });

  it('a variable missing or of the wrong type is a 400 however often the document was sent (compiled or not), and writes nothing', async () => {
    const newestAudit = async () => (await server.api('GET', '/v2/audit-logs?limit=1')).body.logs[0]?.id;
    const before = await newestAudit();
    const mutation = 'mutation($name: String!, $description: String) { createOrganization(input: { name: $name, description: $description }) { organization { id } } }';
    const sends: [Record<string, unknown> | undefined, string][] = [
      [{ name: 'gql-var-ok-once', description: 'd' }, 'ok'],
      [{ name: 12, description: 'd' }, 'refused'], [{ name: 12, description: 'd' }, 'refused'], [{ name: 'gql-var-bad', description: ['x'] }, 'refused'],
      [undefined, 'refused'], [{}, 'refused'], [{ name: null }, 'refused'],
    ];
    for (const [variables, expected] of sends) {
      const res = await gql(mutation, variables);
      if (expected === 'ok') {
        expect(res.status).toBe(200);
        continue;
      }
      expect(res.status, JSON.stringify(variables)).toBe(400);
      expect(res.body.errors[0].extensions.code, JSON.stringify(res.body)).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(res.body.data).toBeUndefined();
    }
    // A variable our own scalar refuses (DateTime), on the compiled document too: graphql-jit hands the scalar's error
    // over as the cause of its own.
    const expiring = 'mutation($at: DateTime) { createUserApiKey(input: { name: "gql-var-date", expiresAt: $at }) { key } }';
    for (let i = 0; i < 3; i++) {
      const res = await gql(expiring, { at: 'tomorrow' });
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(res.body.errors[0].message).toContain('DateTime');
    }
    const audit = (await server.api('GET', '/v2/audit-logs?limit=5')).body.logs as { id: string; variables: string }[];
    // The one accepted call is the only change: one audit row since `before`.
    expect(before === undefined ? audit.length : audit.findIndex((l) => l.id === before)).toBe(1);
    expect((await server.api('GET', '/v2/organizations?name=gql-var-bad')).body.organizations).toEqual([]);

    // Refused documents, not variables: none runs, nothing is written.
    for (const bad of [
      'mutation { createOrganization(input: { name: "gql-bad-doc" ) { organization { id } } }',
      'mutation { createOrganization(input: { name: "gql-bad-doc", nope: 1 }) { organization { id } } }',
      'mutation { createOrganization(input: { name: "gql-bad-doc" }) { organization { id nope } } }',
      'mutation { createOrganization(input: { name: 7 }) { organization { id } } }',
    ]) {
      const res = await gql(bad);
      expect(res.status, bad).toBe(400);
      expect(res.body.errors[0].extensions.code).toMatch(/^GRAPHQL_(PARSE|VALIDATION)_FAILED$/);
    }
    expect((await server.api('GET', '/v2/audit-logs?limit=1')).body.logs[0].id).toBe(audit[0]!.id);
    expect((await server.api('GET', '/v2/organizations?name=gql-bad-doc')).body.organizations).toEqual([]);
  });

  it('a NUL character in a string is refused, written as an escape in the document as in variables, and nothing is stored', async () => {
    const literal = await gql(String.raw`mutation { createOrganization(input: { name: "gql-nul\u0000org" }) { organization { id } } }`);
    expect(literal.status).toBe(400);
    expect(literal.body.errors[0]).toMatchObject({ extensions: { code: 'GRAPHQL_VALIDATION_FAILED' }, locations: [{ line: 1, column: 46 }] });
    expect(literal.body.errors[0].message).toMatch(/NUL/);
    const search = await gql(String.raw`{ viewer { spaces(search: "x\u0000") { edges { cursor } } } }`);
    expect(search.status).toBe(400);
    const variable = await gql('mutation($n: String!) { createOrganization(input: { name: $n }) { organization { id } } }', { n: 'gql-nul\u0000org' });
    expect(variable.status).toBe(400);
    expect((await server.api('GET', '/v2/organizations?name=gql-nul')).body.organizations).toEqual([]);
  });

  it('transport: invalid JSON, an array (batch), no query, an oversized document, GET for a mutation', async () => {
    for (const body of ['{', '[{"query":"{ viewer { id } }"}]', '{"variables":{}}', JSON.stringify({ query: `{ viewer { id } }${' '.repeat(64 * 1024)}` })]) {
      const res = await post(body);
      expect(res.status, body.slice(0, 40)).toBe(400);
      expect(res.body.errors[0].extensions.code).toBe('BAD_REQUEST');
    }
    // The bound is on UTF-8 bytes: 22,000 three-byte characters (66,000 bytes) are too many, 21,800 (65,400) are not.
    const commented = (n: number) => JSON.stringify({ query: `{ viewer { id } } # ${'€'.repeat(n)}` });
    expect((await post(commented(22_000))).body.errors[0].message).toMatch(/longer than 65536 bytes/);
    expect((await post(commented(21_800))).status).toBe(200);
    const blank = await post(JSON.stringify({ query: ' \n\t\u00a0' }));
    expect(blank.body.errors[0]).toMatchObject({ message: 'query: the GraphQL document is required', extensions: { code: 'BAD_REQUEST' } });
    const unknownField = await post(JSON.stringify({ query: '{ viewer { id } }', extensions: {}, variable: {} }));
    expect(unknownField.body.errors[0]).toMatchObject({ message: 'unknown field "variable"', extensions: { code: 'BAD_REQUEST' } });
    expect((await post(JSON.stringify({ query: '{ viewer { id } }', extensions: { persistedQuery: null } }))).status).toBe(200);
    // A JSON body sent as text/plain (fetch's default) is refused as application/graphql is: 415, naming JSON.
    for (const type of ['text/plain;charset=UTF-8', 'application/graphql']) {
      const res = await post('{"query":"{ viewer { id } }"}', { 'content-type': type });
      expect(res.status, type).toBe(415);
      expect(res.body.errors[0]).toEqual({ message: 'send the request as application/json', extensions: { code: 'UNSUPPORTED_MEDIA_TYPE', status: 415 } });
    }
    expect((await post('{"query":"{ viewer { id } }"}', { 'content-type': 'application/json; charset=utf-8' })).status).toBe(200);
    const get = (query: string) => fetch(`${server.url}/graphql?query=${enc(query)}`, { headers: { 'x-api-key': server.adminKey } });
    const ok = await get('{ viewer { user { email } } }');
    expect(ok.status).toBe(200);
    expect((await ok.json()).data.viewer.user.email).toBe('admin@localhost');
    const mutation = await get('mutation { createOrganization(input: { name: "gql-get" }) { organization { id } } }');
    expect(mutation.status).toBe(405);
    expect(mutation.headers.get('allow')).toBe('POST');
    expect((await mutation.json()).errors[0].extensions).toEqual({ code: 'BAD_REQUEST', status: 405 });
    expect((await server.api('GET', '/v2/organizations?name=gql-get')).body.organizations).toEqual([]);
    // Methods the endpoint does not take: 405 naming those it does, in GraphQL's shape.
    for (const method of ['PUT', 'PATCH', 'DELETE']) {
      const other = await fetch(`${server.url}/graphql`, { method, headers: { 'content-type': 'application/json', 'x-api-key': server.adminKey }, body: '{"query":"{ viewer { id } }"}' });
      expect(other.status, method).toBe(405);
      expect(other.headers.get('allow')).toBe('GET, POST');
      expect(other.headers.get('content-type')).toMatch(/^application\/json/);
      expect((await other.json()).errors[0].extensions).toEqual({ code: 'BAD_REQUEST', status: 405 });
    }
  });

  it('depth and complexity bombs are refused before they run; the introspection query is accepted', async () => {
    let deep = 'id';
    for (let i = 0; i < 6; i++) deep = `projects { edges { node { space { ${deep} } } } }`;
    const depth = await gql(`{ viewer { spaces { edges { node { ${deep} } } } } }`);
    expect(depth.status).toBe(400);
    expect(depth.body.errors[0].extensions.code).toBe('QUERY_TOO_DEEP');
    expect(depth.body.errors[0].message).toMatch(/depth \d+ exceeds the limit of 12/);
    // Through fragments too.
    const viaFragments = await gql(`query { viewer { spaces { edges { node { ...S } } } } }
      fragment S on Space { projects { edges { node { space { projects { edges { node { space { projects { edges { node { space { id } } } } } } } } } } } } }`);
    expect(viaFragments.body.errors[0].extensions.code).toBe('QUERY_TOO_DEEP');

    const complex = await gql('{ viewer { spaces(first: 100) { edges { node { spaceUsers(first: 100) { edges { node { permissions role } } } } } } } }');
    expect(complex.status).toBe(400);
    expect(complex.body.errors[0].extensions.code).toBe('QUERY_TOO_COMPLEX');
    expect(complex.body.errors[0].message).toMatch(/complexity \d+ exceeds the limit of 10000/);

    // A `first` given as a variable counts as given: the same document runs with 5 and is refused with 100.
    const byVariable = 'query($n: Int) { viewer { spaces(first: $n) { edges { node { spaceUsers(first: $n) { edges { node { permissions role } } } } } } } }';
    expect((await gql(byVariable, { n: 5 })).status).toBe(200);
    const refused = await gql(byVariable, { n: 100 });
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0].extensions.code).toBe('QUERY_TOO_COMPLEX');
    // A variable not sent counts with its default, as execution takes it (100 × 100 projects, not 50 × 50).
    const byDefault = await gql('query($n: Int = 100) { viewer { spaces(first: $n) { edges { node { projects(first: $n) { edges { node { id } } } } } } } }');
    expect(byDefault.status).toBe(400);
    expect(byDefault.body.errors[0].message).toMatch(/complexity 30302 exceeds/);

    const introspection = await gql(`query IntrospectionQuery { __schema { queryType { name } types { kind name fields(includeDeprecated: true) {
      name args { name type { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } }
      type { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } } } } } }`);
    expect(introspection.status).toBe(200);
    expect(introspection.body.data.__schema.queryType.name).toBe('Query');
  });

  it('a document nesting thousands of selections or list values is a 400, not a parser stack overflow (500)', async () => {
    const lists = `{ node(id: ${'['.repeat(3000)}) { id } }`;
    for (const bomb of ['{a:__typename '.repeat(2000), lists]) {
      const post = await gql(bomb);
      expect(post.status).toBe(400);
      expect(post.body.errors[0].extensions.code).toBe('BAD_REQUEST');
      expect(post.body.errors[0].message).toMatch(/more than 64 levels deep/);
    }
    // GET parses the document itself (a mutation there is a 405): the same bound holds first.
    const viaGet = await fetch(`${server.url}/graphql?query=${encodeURIComponent(lists)}`, { headers: { 'x-api-key': server.adminKey } });
    expect(viaGet.status).toBe(400);
    // Brackets inside strings and comments do not count.
    const quoted = await gql(`{ viewer { user { email } } } # ${'{'.repeat(100)}\nquery Q { node(id: "${'{'.repeat(100)}") { id } }`);
    expect(quoted.status).not.toBe(500);
    expect(quoted.body.errors?.[0]?.message ?? '').not.toMatch(/levels deep/);
    // Many brackets side by side are not nesting: 20 selections of 4 brackets each, three deep (81 in all).
    const wide = await gql(`{ ${Array.from({ length: 20 }, (_, i) => `a${i}: viewer { user { email } user { id } user { email } }`).join(' ')} }`);
    expect(wide.status, JSON.stringify(wide.body)).toBe(200);
    expect(wide.body.data.a19.user.email).toEqual(expect.any(String));
  });

  it('1,000 aliased mutations are refused before any runs', async () => {
    const before = (await server.api('GET', '/v2/organizations?limit=100&name=zq')).body.organizations.length;
    const fields = Array.from({ length: 1000 }, (_, i) => `a${i}:createOrganization(input:{name:"zq${i}"}){clientMutationId}`);
    const res = await gql(`mutation{${fields.join(' ')}}`);
    expect(res.status).toBe(400);
    expect(res.body.errors[0].extensions.code).toBe('QUERY_TOO_COMPLEX');
    expect((await server.api('GET', '/v2/organizations?limit=100&name=zq')).body.organizations.length).toBe(before);
  });
});

describe('nested lists are batched', () => {
  it('a page of spaces with their organization, projects, users and memberships costs the same reads for 5 spaces as for 40', async () => {
    const org = await createOrganization(server, 'gql-batch-org');
    const member = await user();
    await addOrganizationMember(server, org, member.id, 'MEMBER');
    for (let i = 0; i < 40; i++) {
      const space = await createSpace(server, org, `gql-batch-${String(i).padStart(2, '0')}`);
      await createProject(server, space, `gql-batch-project-${i}`);
      if (i < 3) await addSpaceMember(server, space, member.id, 'MEMBER');
    }
    const query = (n: number) => `{ viewer { spaces(first: ${n}, search: "gql-batch-") { edges { node { id organization { name }
      projects(first: 5) { edges { node { id isRestricted space { id } } } } spaceUsers(first: 20) { edges { node { role user { email } } } }
      spaceMemberships(first: 10) { edges { node { id user { email } } } } } } } } }`;
    await data(query(1));
    const few = await statements(() => data(query(5)));
    const many = await statements(() => data(query(40)));
    expect(many).toBe(few);
    expect(many).toBeLessThanOrEqual(10);
    const d = await data(query(40));
    expect(d.viewer.spaces.edges).toHaveLength(40);
    expect(d.viewer.spaces.edges.every((e: { node: { projects: { edges: unknown[] } } }) => e.node.projects.edges.length === 1)).toBe(true);
    // Each space's memberships are what REST lists for it.
    for (const { node } of d.viewer.spaces.edges as { node: { id: string; spaceMemberships: { edges: { node: { id: string; user: { email: string } } }[] } } }[]) {
      const rest = await server.api('GET', `/v2/spaces/${node.id}/users`);
      expect(node.spaceMemberships.edges.map((e) => e.node.id)).toEqual(rest.body.memberships.map((m: { id: string }) => m.id));
    }
    expect(d.viewer.spaces.edges.filter((e: { node: { spaceMemberships: { edges: unknown[] } } }) => e.node.spaceMemberships.edges.length > 0)).toHaveLength(3);
  });
});

describe('nested lists are batched: organizations', () => {
  it('a page of organizations with their spaces and members costs the same reads for 3 organizations as for 12, for an admin and a member, and matches REST', async () => {
    const member = await user();
    const second = await user();
    for (let i = 0; i < 12; i++) {
      const org = await createOrganization(server, `gql-orgbatch-${String(i).padStart(2, '0')}`);
      if (i % 3 === 0) await addOrganizationMember(server, org, member.id, 'MEMBER');
      if (i === 0) await addOrganizationMember(server, org, second.id, 'READ_ONLY');
      await createSpace(server, org, `gql-orgbatch-${i}-open`);
      await createSpace(server, org, `gql-orgbatch-${i}-private`, { isPrivate: true });
    }
    const query = (n: number) => `{ account { organizations(first: ${n}, search: "gql-orgbatch-") { edges { node { id
      spaces(first: 5) { edges { node { id name private } } pageInfo { hasNextPage } }
      accountOrganizationUsers(first: 5) { edges { node { id role user { id } } } } } } } } }`;
    for (const key of [server.adminKey, member.key]) {
      await data(query(1), undefined, key);
      const few = await statements(() => data(query(3), undefined, key));
      const many = await statements(() => data(query(12), undefined, key));
      expect(many).toBe(few);
      const d = await data(query(12), undefined, key);
      type Org = { id: string; spaces: { edges: { node: { id: string } }[] }; accountOrganizationUsers: { edges: { node: { id: string } }[] } };
      const orgs = d.account.organizations.edges as { node: Org }[];
      expect(orgs).toHaveLength(key === member.key ? 4 : 12);
      for (const { node } of orgs) {
        const rest = await server.api('GET', `/v2/spaces?org_id=${enc(node.id)}&limit=5`, { key });
        expect(ids(node.spaces)).toEqual(rest.body.spaces.map((s: { id: string }) => s.id));
        expect(ids(node.spaces)).toHaveLength(key === member.key ? 1 : 2);
        const members = await server.api('GET', `/v2/organizations/${enc(node.id)}/users?limit=5`, { key });
        expect(ids(node.accountOrganizationUsers)).toEqual(Object.values(members.body).find(Array.isArray)!.map((m: { id: string }) => m.id));
      }
    }
    // A page after a cursor is that organization's own list, as REST pages it.
    const first = await data('{ account { organizations(first: 1, search: "gql-orgbatch-00") { edges { node { spaces(first: 1) { pageInfo { endCursor } } } } } } }');
    const after = first.account.organizations.edges[0].node.spaces.pageInfo.endCursor;
    const next = await data(`{ account { organizations(first: 1, search: "gql-orgbatch-00") { edges { node { id spaces(first: 1, after: "${after}") { edges { node { name } } } } } } } }`);
    expect(next.account.organizations.edges[0].node.spaces.edges.map((e: { node: { name: string } }) => e.node.name)).toEqual(['gql-orgbatch-0-private']);
    const firstMember = await data('{ account { organizations(first: 1, search: "gql-orgbatch-00") { edges { node { accountOrganizationUsers(first: 1) { pageInfo { endCursor } } } } } } }');
    const memberCursor = firstMember.account.organizations.edges[0].node.accountOrganizationUsers.pageInfo.endCursor;
    const nextMember = await data(`{ account { organizations(first: 1, search: "gql-orgbatch-00") { edges { node { accountOrganizationUsers(first: 5, after: "${memberCursor}") { edges { node { user { id } } } } } } } } }`);
    expect(nextMember.account.organizations.edges[0].node.accountOrganizationUsers.edges.map((e: { node: { user: { id: string } } }) => e.node.user.id)).toEqual([second.id]);
  });
});

describe('the README\'s curl examples', () => {
  it('one query and one mutation, sent as the README sends them, answer without errors', async () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('## GraphQL'), readme.indexOf('\n## ', readme.indexOf('## GraphQL') + 1));
    const bodies = [...section.matchAll(/curl -s \S+\/graphql -H "x-api-key: \$AX_API_KEY" -H 'content-type: application\/json' \\\n\s+-d '(.+)'/g)].map((m) => m[1]!);
    expect(bodies).toHaveLength(2);
    const org = await createOrganization(server, 'gql-readme-org');
    const space = await createSpace(server, org, 'gql-readme-space');
    const answers = [];
    for (const body of bodies) {
      // The README's example space id stands for one of the reader's.
      const res = await fetch(`${server.url}/graphql`, {
        method: 'POST', headers: { 'x-api-key': server.adminKey, 'content-type': 'application/json' }, body: body.replaceAll('U3BhY2U6MQ==', space),
      });
      const answer = await res.json();
      expect(res.status, body).toBe(200);
      expect(answer.errors, body).toBeUndefined();
      answers.push(answer.data);
    }
    expect(answers[0].viewer.spaces.edges[0].node).toEqual({ id: expect.any(String), name: expect.any(String), projects: { edges: expect.any(Array) } });
    expect(Object.keys(answers[1])).toEqual(['createServiceApiKey']);
  });
});

describe('ids', () => {
  it('are the REST ids: padded base64 of Type:n', async () => {
    const d = await data('{ viewer { user { id } } account { id } }');
    expect(parseId(d.viewer.user.id)?.type).toBe('User');
    expect(parseId(d.account.id)).toEqual({ type: 'Account', n: 1 });
  });
});
