import * as ax from '@arizeai/ax-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUserWithKey, type FixtureUser } from '../helpers/fixtures.js';
import { divergencesFromArizeSchema, type RecordedAnswer } from '../helpers/arize-wire-check.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * Arize's published TypeScript client (@arizeai/ax-client 1.28.0, issue 8) runs every admin function it has
 * against the real server. Each test checks the values the client hands back; on top of that every answer the
 * client received (resolver lookups and errors included) is checked against Arize's schema for its operation,
 * status and content type, as the client's generated types state it — so a wire difference fails `npm test`.
 */

/** Every admin function of the client (users, organizations, spaces, projects, roles, bindings, restrictions, keys, audit). */
const ADMIN_FUNCTIONS = [
  'listUsers', 'getUser', 'createUser', 'updateUser', 'deleteUser', 'bulkDeleteUsers', 'resendInvitation', 'resetPassword',
  'listOrganizations', 'getOrganization', 'createOrganization', 'updateOrganization', 'deleteOrganization',
  'addOrganizationUser', 'removeOrganizationUser',
  'listSpaces', 'getSpace', 'createSpace', 'updateSpace', 'deleteSpace', 'addSpaceUser', 'removeSpaceUser',
  'listProjects', 'getProject', 'createProject', 'updateProject', 'deleteProject',
  'listRoles', 'getRole', 'createRole', 'updateRole', 'deleteRole',
  'listRoleBindings', 'getRoleBinding', 'createRoleBinding', 'updateRoleBinding', 'deleteRoleBinding',
  'listResourceRestrictions', 'restrictResource', 'unrestrictResource',
  'listApiKeys', 'createApiKey', 'refreshApiKey', 'revokeApiKey',
  'listAuditLogs',
] as const;
type AdminFunction = (typeof ADMIN_FUNCTIONS)[number];

/** Names of the client's exports that belong to the admin surface (anything new there must join the list above). */
const ADMIN_NOUNS = /(User|Users|Organization|Organizations|Space|Spaces|Project|Projects|Role|Roles|RoleBinding|RoleBindings|ResourceRestrictions?|Resource|ApiKey|ApiKeys|AuditLogs|Invitation|Password)$/;

let server: TestServer;
let admin: ReturnType<typeof ax.createClient>;
let member: FixtureUser;
let memberClient: ReturnType<typeof ax.createClient>;
const answers: RecordedAnswer[] = [];
const called = new Set<AdminFunction>();

function clientFor(apiKey: string) {
  const client = ax.createClient({ baseUrl: server.url, apiKey, getEnvironmentOptions: () => ({}) });
  client.use({
    async onResponse({ request, response, schemaPath }) {
      const mediaType = response.headers.get('content-type')?.split(';')[0]?.trim();
      const text = await response.clone().text();
      answers.push({ method: request.method, schemaPath, status: response.status, mediaType: text === '' ? undefined : mediaType, body: text === '' ? undefined : JSON.parse(text) });
      return undefined;
    },
  });
  return client;
}

/** Calls one admin function of the client, remembering that it ran. */
function run<F extends AdminFunction>(name: F, ...args: Parameters<(typeof ax)[F]>): ReturnType<(typeof ax)[F]> {
  called.add(name);
  return (ax[name] as (...a: unknown[]) => ReturnType<(typeof ax)[F]>)(...args);
}

async function rejection(promise: Promise<unknown>): Promise<Error & { statusCode?: number }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { statusCode?: number };
  }
  throw new Error('expected the call to fail');
}

const isRecent = (d: Date) => d instanceof Date && Math.abs(Date.now() - d.getTime()) < 10 * 60_000;
const isId = (id: unknown) => typeof id === 'string' && /^[A-Za-z0-9+/]+={0,2}$/.test(id) && id.length % 4 === 0 && Buffer.from(id, 'base64').toString().includes(':');

beforeAll(async () => {
  process.env.DISABLE_PRERELEASE_WARNING = 'true';
  server = await startTestServer();
  admin = clientFor(server.adminKey);
  member = await createUserWithKey(server, { email: 'ts-member@example.com', name: 'TS Member' });
  memberClient = clientFor(member.key);
});
afterAll(async () => server?.close());

describe('@arizeai/ax-client 1.28.0 against the real server (issue 8)', () => {
  const ids: Record<string, string> = {};

  it('organizations: create, resolve by name, list, update, membership upsert and removal', async () => {
    const org = await run('createOrganization', { client: admin, name: 'TS Platform', description: 'made by the TS client' });
    expect(org).toEqual({ id: expect.any(String), name: 'TS Platform', description: 'made by the TS client', createdAt: expect.any(Date) });
    expect(isId(org.id)).toBe(true);
    expect(isRecent(org.createdAt)).toBe(true);
    ids.org = org.id;
    expect(await run('getOrganization', { client: admin, organization: 'TS Platform' })).toEqual(org);
    const listed = await run('listOrganizations', { client: admin, name: 'ts plat' });
    expect(listed).toEqual({ data: [org], pagination: { hasMore: false, nextCursor: undefined } });
    const updated = await run('updateOrganization', { client: admin, organization: org.id, description: 'renamed below', name: 'TS Platform Team' });
    expect(updated).toMatchObject({ id: org.id, name: 'TS Platform Team', description: 'renamed below' });
    const duplicate = await rejection(ax.createOrganization({ client: admin, name: 'TS Platform Team' }));
    expect(duplicate).toBeInstanceOf(ax.APIError);
    expect(duplicate.statusCode).toBe(409);

    const membership = await run('addOrganizationUser', { client: admin, organizationId: org.id, userId: member.id, role: { type: 'PREDEFINED', name: 'MEMBER' } });
    expect(membership).toEqual({ id: expect.any(String), userId: member.id, organizationId: org.id, role: { type: 'PREDEFINED', name: 'MEMBER' } });
    const upserted = await ax.addOrganizationUser({ client: admin, organizationId: org.id, userId: member.id, role: { type: 'PREDEFINED', name: 'READ_ONLY' } });
    expect(upserted).toEqual({ ...membership, role: { type: 'PREDEFINED', name: 'READ_ONLY' } });
    const refused = await rejection(ax.createOrganization({ client: memberClient, name: 'not allowed' }));
    expect(refused).toBeInstanceOf(ax.AuthorizationError);

    const other = await ax.createOrganization({ client: admin, name: 'TS Scratch Org' });
    await ax.addOrganizationUser({ client: admin, organizationId: other.id, userId: member.id, role: { type: 'PREDEFINED', name: 'MEMBER' } });
    await run('removeOrganizationUser', { client: admin, organizationId: other.id, userId: member.id });
    const again = await rejection(ax.removeOrganizationUser({ client: admin, organizationId: other.id, userId: member.id }));
    expect(again).toBeInstanceOf(ax.NotFoundError);
    await run('deleteOrganization', { client: admin, organization: 'TS Scratch Org' });
    expect(await rejection(ax.getOrganization({ client: admin, organization: other.id }))).toBeInstanceOf(ax.NotFoundError);
  });

  it('spaces: create, resolve by name, list by organization, update (description null clears), members, delete', async () => {
    const space = await run('createSpace', { client: admin, organizationId: ids.org!, name: 'ts-alpha', description: 'alpha team' });
    expect(space).toEqual({ id: expect.any(String), name: 'ts-alpha', description: 'alpha team', isPrivate: false, createdAt: expect.any(Date), ...(space as { organization_id?: string }).organization_id ? { organization_id: ids.org } : {} });
    expect(isId(space.id)).toBe(true);
    ids.space = space.id;
    expect((await run('getSpace', { client: admin, space: 'ts-alpha' })).id).toBe(space.id);
    const listed = await run('listSpaces', { client: admin, organizationId: ids.org!, name: 'ALPHA' });
    expect(listed.data.map((s) => s.id)).toEqual([space.id]);
    expect(listed.pagination).toEqual({ hasMore: false, nextCursor: undefined });
    const updated = await run('updateSpace', { client: admin, space: space.id, description: null, isPrivate: false });
    expect(updated).toMatchObject({ id: space.id, name: 'ts-alpha', description: '', isPrivate: false });

    const membership = await run('addSpaceUser', { client: admin, spaceId: space.id, userId: member.id, role: { type: 'PREDEFINED', name: 'MEMBER' } });
    expect(membership).toEqual({ id: expect.any(String), userId: member.id, spaceId: space.id, role: { type: 'PREDEFINED', name: 'MEMBER' } });

    const scratch = await ax.createSpace({ client: admin, organizationId: ids.org!, name: 'ts-scratch' });
    await ax.addSpaceUser({ client: admin, spaceId: scratch.id, userId: member.id, role: { type: 'PREDEFINED', name: 'READ_ONLY' } });
    await run('removeSpaceUser', { client: admin, spaceId: scratch.id, userId: member.id });
    expect(await rejection(ax.removeSpaceUser({ client: admin, spaceId: scratch.id, userId: member.id }))).toBeInstanceOf(ax.NotFoundError);
    await run('deleteSpace', { client: admin, space: 'ts-scratch' });
    expect(await rejection(ax.getSpace({ client: admin, space: scratch.id }))).toBeInstanceOf(ax.NotFoundError);
  });

  it('projects: create in a space given by name, resolve by name within a space, list, rename, delete', async () => {
    const project = await run('createProject', { client: admin, name: 'ts-project', space: 'ts-alpha' });
    expect(project).toEqual({ id: expect.any(String), name: 'ts-project', spaceId: ids.space, createdAt: expect.any(Date) });
    ids.project = project.id;
    expect(await run('getProject', { client: admin, project: 'ts-project', space: ids.space! })).toEqual(project);
    const listed = await run('listProjects', { client: admin, space: 'ts-alpha', name: 'ts-' });
    expect(listed).toEqual({ data: [project], pagination: { hasMore: false, nextCursor: undefined } });
    const renamed = await run('updateProject', { client: admin, project: project.id, name: 'ts-project-renamed' });
    expect(renamed).toEqual({ ...project, name: 'ts-project-renamed' });
    const doomed = await ax.createProject({ client: admin, name: 'ts-doomed', space: ids.space! });
    await run('deleteProject', { client: admin, project: 'ts-doomed', space: 'ts-alpha' });
    expect(await rejection(ax.getProject({ client: admin, project: doomed.id }))).toBeInstanceOf(ax.NotFoundError);
  });

  it('roles: predefined ones listed and immutable; a custom role created, read, updated, deleted', async () => {
    const predefined = await run('listRoles', { client: admin, isPredefined: true, limit: 100 });
    expect(predefined.data.map((r) => r.name).sort()).toEqual(['Admin', 'Annotator', 'Member', 'Read Only']);
    expect(predefined.data.every((r) => r.isPredefined && r.permissions.length > 0)).toBe(true);
    const first = await ax.listRoles({ client: admin, isPredefined: true, limit: 3 });
    expect(first.pagination).toEqual({ hasMore: true, nextCursor: expect.any(String) });
    const second = await ax.listRoles({ client: admin, isPredefined: true, limit: 3, cursor: first.pagination.nextCursor });
    expect(second.pagination).toEqual({ hasMore: false, nextCursor: undefined });
    expect([...first.data, ...second.data].map((r) => r.id)).toEqual(predefined.data.map((r) => r.id));
    const role = await run('createRole', { client: admin, name: 'TS Labeler', permissions: ['PROJECT_READ', 'PROJECT_SPAN_ANNOTATE'], description: 'labels spans' });
    expect(role).toEqual({
      id: expect.any(String), name: 'TS Labeler', description: 'labels spans', permissions: ['PROJECT_READ', 'PROJECT_SPAN_ANNOTATE'],
      isPredefined: false, createdAt: expect.any(Date), updatedAt: expect.any(Date),
    });
    ids.role = role.id;
    expect(await run('getRole', { client: admin, roleId: role.id })).toEqual(role);
    const updated = await run('updateRole', { client: admin, roleId: role.id, permissions: ['PROJECT_READ', 'DATASET_READ'], description: null });
    expect(updated).toMatchObject({ id: role.id, name: 'TS Labeler', isPredefined: false });
    expect([...updated.permissions].sort()).toEqual(['DATASET_READ', 'PROJECT_READ']);
    expect(updated).not.toHaveProperty('description');
    const bad = await rejection(ax.createRole({ client: admin, name: 'TS Bad', permissions: ['NOT_A_PERMISSION' as 'PROJECT_READ'] }));
    expect(bad).toBeInstanceOf(ax.BadRequestError);
    expect(bad.message).toContain('NOT_A_PERMISSION');
    const adminRole = predefined.data.find((r) => r.name === 'Admin')!;
    expect(await rejection(ax.deleteRole({ client: admin, roleId: adminRole.id }))).toBeInstanceOf(ax.AuthorizationError);
    const scratch = await ax.createRole({ client: admin, name: 'TS Scratch Role', permissions: ['TAG_READ'] });
    await run('deleteRole', { client: admin, roleId: scratch.id });
    expect(await rejection(ax.getRole({ client: admin, roleId: scratch.id }))).toBeInstanceOf(ax.NotFoundError);
  });

  it('role bindings: create on a space, read, list by type and user, change the role, delete; a duplicate is 409', async () => {
    const binding = await run('createRoleBinding', { client: admin, userId: member.id, roleId: ids.role!, resourceType: 'SPACE', resourceId: ids.space! });
    expect(binding).toEqual({
      id: expect.any(String), userId: member.id, roleId: ids.role, resourceType: 'SPACE', resourceId: ids.space,
      // Provenance (identity.md §4.5) is an extra field: Arize's client passes it through.
      source: 'MANUAL', createdAt: expect.any(Date), updatedAt: expect.any(Date),
    });
    expect(await run('getRoleBinding', { client: admin, bindingId: binding.id })).toEqual(binding);
    const listed = await run('listRoleBindings', { client: admin, resourceType: 'SPACE', userId: member.id });
    expect(listed).toEqual({ data: [binding], pagination: { hasMore: false, nextCursor: undefined } });
    const duplicate = await rejection(ax.createRoleBinding({ client: admin, userId: member.id, roleId: ids.role!, resourceType: 'SPACE', resourceId: ids.space! }));
    expect(duplicate.statusCode).toBe(409);
    const other = await ax.createRole({ client: admin, name: 'TS Reader', permissions: ['PROJECT_READ'] });
    const changed = await run('updateRoleBinding', { client: admin, bindingId: binding.id, roleId: other.id });
    expect(changed).toMatchObject({ id: binding.id, roleId: other.id, resourceId: ids.space });
    await run('deleteRoleBinding', { client: admin, bindingId: binding.id });
    expect(await rejection(ax.getRoleBinding({ client: admin, bindingId: binding.id }))).toBeInstanceOf(ax.NotFoundError);
  });

  it('resource restrictions: restrict (idempotent, same record), list, unrestrict, unrestrict again is 404', async () => {
    const restricted = await run('restrictResource', { client: admin, resourceId: ids.project! });
    expect(restricted).toEqual({ resourceId: ids.project, resourceType: 'PROJECT', createdAt: expect.any(Date) });
    expect(await ax.restrictResource({ client: admin, resourceId: ids.project! })).toEqual(restricted);
    const listed = await run('listResourceRestrictions', { client: admin, resourceType: 'PROJECT' });
    expect(listed.data).toContainEqual(restricted);
    await run('unrestrictResource', { client: admin, resourceId: ids.project! });
    expect(await rejection(ax.unrestrictResource({ client: admin, resourceId: ids.project! }))).toBeInstanceOf(ax.NotFoundError);
  });

  it('users: invite in every mode, idempotent re-invite, resolve by email, update, resend, reset, delete, bulk delete', async () => {
    const linked = await run('createUser', { client: admin, name: 'TS Link', email: 'ts-link@example.com', role: { type: 'PREDEFINED', name: 'MEMBER' }, inviteMode: 'EMAIL_LINK' });
    expect(linked).toEqual({
      id: expect.any(String), name: 'TS Link', email: 'ts-link@example.com', role: { type: 'PREDEFINED', name: 'MEMBER' },
      status: 'INVITED', isDeveloper: true, createdAt: expect.any(Date), inviteMode: 'EMAIL_LINK',
    });
    const temporary = await ax.createUser({ client: admin, name: 'TS Temp', email: 'ts-temp@example.com', role: { type: 'PREDEFINED', name: 'ANNOTATOR' }, inviteMode: 'TEMPORARY_PASSWORD' });
    expect(temporary).toMatchObject({ status: 'INVITED', isDeveloper: false, inviteMode: 'TEMPORARY_PASSWORD', temporaryPassword: expect.any(String) });
    const none = await ax.createUser({ client: admin, name: 'TS None', email: 'ts-none@example.com', role: { type: 'PREDEFINED', name: 'MEMBER' }, inviteMode: 'NONE', isDeveloper: false });
    expect(none).toMatchObject({ status: 'EXPIRED', isDeveloper: false, inviteMode: 'NONE' });
    const again = await ax.createUser({ client: admin, name: 'Other', email: 'TS-LINK@example.com', role: { type: 'PREDEFINED', name: 'MEMBER' }, inviteMode: 'EMAIL_LINK' });
    expect(again).toEqual({ id: linked.id, name: 'TS Link', email: 'ts-link@example.com', role: { type: 'PREDEFINED', name: 'MEMBER' }, status: 'INVITED', isDeveloper: true, createdAt: linked.createdAt });

    expect(await run('getUser', { client: admin, userId: linked.id })).toEqual(again);
    const listed = await run('listUsers', { client: admin, email: 'ts-', status: ['INVITED', 'EXPIRED'] });
    expect(listed.data.map((u) => u.email).sort()).toEqual(['ts-link@example.com', 'ts-none@example.com', 'ts-temp@example.com']);
    const updated = await run('updateUser', { client: admin, userId: linked.id, name: 'TS Link Renamed', isDeveloper: false });
    expect(updated).toMatchObject({ id: linked.id, name: 'TS Link Renamed', isDeveloper: false });

    await run('resendInvitation', { client: admin, userId: none.id });
    expect((await ax.getUser({ client: admin, userId: none.id })).status).toBe('INVITED');
    const active = await rejection(ax.resendInvitation({ client: admin, userId: member.id }));
    expect(active).toBeInstanceOf(ax.BadRequestError);
    expect(active.message).toContain('ACTIVE');
    await run('resetPassword', { client: admin, userId: member.id });
    expect(await rejection(ax.resetPassword({ client: admin, userId: linked.id }))).toBeInstanceOf(ax.BadRequestError);

    await run('deleteUser', { client: admin, userId: temporary.id });
    await ax.deleteUser({ client: admin, userId: temporary.id });
    expect(await rejection(ax.getUser({ client: admin, userId: temporary.id }))).toBeInstanceOf(ax.NotFoundError);
    const reinvite = await rejection(ax.createUser({ client: admin, name: 'TS Temp', email: 'ts-temp@example.com', role: { type: 'PREDEFINED', name: 'MEMBER' }, inviteMode: 'EMAIL_LINK' }));
    expect(reinvite).toBeInstanceOf(ax.APIError);
    expect(reinvite.statusCode).toBe(409);

    const results = await run('bulkDeleteUsers', { client: admin, userIds: [none.id], emails: ['ts-link@example.com', 'nobody@example.com'] });
    expect(results).toEqual(expect.arrayContaining([
      { userId: '', email: 'nobody@example.com', status: 'not_found', error: expect.any(String) },
      { userId: linked.id, email: 'ts-link@example.com', status: 'deleted' },
      { userId: none.id, status: 'deleted' },
    ]));
    expect(results).toHaveLength(3);
  });

  it('API keys: a USER key and a SERVICE key with its resolved bot user, list, refresh with grace, revoke', async () => {
    const expiresAt = new Date(Date.now() + 86_400_000);
    const userKey = await run('createApiKey', { client: admin, keyType: 'USER', name: 'ts-user-key', description: 'for scripts', expiresAt });
    expect(userKey).toEqual({
      id: expect.any(String), name: 'ts-user-key', description: 'for scripts', keyType: 'USER', status: 'ACTIVE',
      redactedKey: expect.stringMatching(/^ak-.+\.\.\..+$/), createdAt: expect.any(Date), expiresAt, createdByUserId: expect.any(String),
      lastUsedAt: undefined, key: expect.stringMatching(/^ak-/),
    });
    const service = await ax.createApiKey({
      client: admin, keyType: 'SERVICE', name: 'ts-service-key',
      organizations: [{ orgId: ids.org!, spaces: [{ spaceId: ids.space!, role: { name: 'READ_ONLY' } }] }],
    });
    expect(service).toMatchObject({ keyType: 'SERVICE', status: 'ACTIVE', name: 'ts-service-key', key: expect.stringMatching(/^ak-/) });
    expect(service.botUser).toEqual({
      id: expect.any(String), name: 'ts-service-key',
      accountRole: expect.objectContaining({ name: 'MEMBER' }),
      organizations: [{
        orgId: ids.org, role: expect.objectContaining({ name: 'READ_ONLY' }),
        spaces: [{ spaceId: ids.space, role: expect.objectContaining({ name: 'READ_ONLY' }) }],
      }],
    });
    const botClient = clientFor(service.key);
    expect((await ax.getSpace({ client: botClient, space: ids.space! })).id).toBe(ids.space);

    const listed = await run('listApiKeys', { client: admin, keyType: 'SERVICE', status: 'ACTIVE' });
    expect(listed.data.map((k) => k.id)).toContain(service.id);
    expect(listed.data.every((k) => !('key' in k))).toBe(true);

    const refreshed = await run('refreshApiKey', { client: admin, apiKeyId: userKey.id, expiresAt, gracePeriodSeconds: 60 });
    expect(refreshed).toMatchObject({ name: 'ts-user-key', keyType: 'USER', status: 'ACTIVE', key: expect.stringMatching(/^ak-/), expiresAt });
    expect(refreshed.key).not.toBe(userKey.key);
    const refreshedClient = clientFor(refreshed.key);
    expect((await ax.listOrganizations({ client: refreshedClient })).data.length).toBeGreaterThan(0);

    await run('revokeApiKey', { client: admin, apiKeyId: service.id });
    await ax.revokeApiKey({ client: admin, apiKeyId: service.id });
    expect(await rejection(ax.getSpace({ client: botClient, space: ids.space! }))).toBeInstanceOf(ax.AuthenticationError);
    const revoked = await ax.listApiKeys({ client: admin, keyType: 'SERVICE', status: 'REVOKED' });
    expect(revoked.data.find((k) => k.id === service.id)).toMatchObject({ status: 'REVOKED' });
  });

  it('audit logs: the admin changes made above, newest first, each naming the user who made it', async () => {
    // Refused credentials right before reading: failed authentications are no audit entries (they name nobody).
    expect(await rejection(ax.listUsers({ client: clientFor('ak-not-a-real-key') }))).toBeInstanceOf(ax.AuthenticationError);
    expect(await rejection(ax.listUsers({ client: clientFor(`${member.key.slice(0, -4)}AAAA`) }))).toBeInstanceOf(ax.AuthenticationError);
    const page = await run('listAuditLogs', { client: admin, operationType: 'MUTATION', limit: 100 });
    expect(page.data.length).toBeGreaterThan(20);
    const times = page.data.map((l) => l.createdAt.getTime());
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(page.data.every((l) => isId(l.id) && isId(l.userId) && l.operationType === 'MUTATION' && typeof l.ip === 'string')).toBe(true);
    expect(page.data.map((l) => l.operationName)).toEqual(expect.arrayContaining(['POST /v2/organizations', 'POST /v2/role-bindings']));
    // Every entry of the unfiltered list names who acted: failed authentications are not audit entries.
    const all = await ax.listAuditLogs({ client: admin, limit: 100 });
    expect(all.data.filter((l) => typeof l.userId !== 'string')).toEqual([]);
    const mine = await ax.listAuditLogs({ client: admin, userId: member.id, limit: 100 });
    expect(mine.data.every((l) => l.userId === member.id)).toBe(true);
  });

  it('ran every admin function the client has', () => {
    const exported = Object.keys(ax).filter((name) => typeof (ax as Record<string, unknown>)[name] === 'function' && ADMIN_NOUNS.test(name) && /^[a-z]/.test(name));
    expect(exported.sort()).toEqual([...ADMIN_FUNCTIONS].sort());
    expect([...called].sort()).toEqual([...ADMIN_FUNCTIONS].sort());
  });

  it('every answer the client received matches Arize\'s schema for its operation, status and content type', () => {
    expect(answers.length).toBeGreaterThan(ADMIN_FUNCTIONS.length);
    expect(divergencesFromArizeSchema(answers)).toEqual([]);
  });
});
