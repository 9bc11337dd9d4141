import { decodeId } from '../../src/domain/ids.js';
import type { PredefinedRoleKey } from '../../src/domain/predefined-roles.js';
import { createUserWithKey, type FixtureUser } from './fixtures.js';
import type { Json, TestServer } from './server.js';

/**
 * Builders for organizations, spaces, projects and memberships through the real API (as the admin unless a key
 * is given); each fails the test at once, with the response, when the server does not answer as expected.
 */
async function expectStatus(server: TestServer, status: number, method: string, path: string, body: unknown, key?: string): Promise<Json> {
  const res = await server.api(method, path, { body, ...(key ? { key } : {}) });
  if (res.status !== status) throw new Error(`${method} ${path} answered ${res.status}, expected ${status}: ${JSON.stringify(res.body)}`);
  return res.body;
}

export const enc = encodeURIComponent;

export async function createOrganization(server: TestServer, name: string): Promise<string> {
  return (await expectStatus(server, 201, 'POST', '/v2/organizations', { name })).id;
}

export async function createSpace(server: TestServer, orgId: string, name: string, options: { isPrivate?: boolean; key?: string } = {}): Promise<string> {
  const body = { name, organization_id: orgId, ...(options.isPrivate ? { is_private: true } : {}) };
  return (await expectStatus(server, 201, 'POST', '/v2/spaces', body, options.key)).id;
}

export async function createProject(server: TestServer, spaceId: string, name: string, key?: string): Promise<string> {
  return (await expectStatus(server, 201, 'POST', '/v2/projects', { name, space_id: spaceId }, key)).id;
}

export async function addOrganizationMember(server: TestServer, orgId: string, userId: string, role: PredefinedRoleKey): Promise<void> {
  await expectStatus(server, 200, 'POST', `/v2/organizations/${enc(orgId)}/users`, { user_id: userId, role: { type: 'PREDEFINED', name: role } });
}

export async function addSpaceMember(server: TestServer, spaceId: string, userId: string, role: PredefinedRoleKey): Promise<void> {
  await expectStatus(server, 200, 'POST', `/v2/spaces/${enc(spaceId)}/users`, { user_id: userId, role: { type: 'PREDEFINED', name: role } });
}

export async function restrictProject(server: TestServer, projectId: string): Promise<void> {
  await expectStatus(server, 200, 'POST', '/v2/resource-restrictions', { resource_id: projectId });
}

/** What memberWithServiceKey made: the key is the creation's answer (its raw secret shown once). */
export interface MemberWithServiceKey {
  orgId: string;
  spaceId: string;
  member: FixtureUser;
  svc: { id: string; name: string; key: string; redacted_key: string };
}

/**
 * A person who is READ_ONLY in a new organization and MEMBER of a new space in it, and a SERVICE key they created
 * for that space (the key's bot is in the space): what the console's removal and deprovisioning dialogs show. The
 * organization, space, email and key are named `<prefix>-org-<n>`, `<prefix>-space-<n>`, `<prefix>-<n>@example.com`
 * and `<keyName>-<n>`, the person `<personName> <n>`.
 */
export async function memberWithServiceKey(
  server: TestServer, names: { prefix: string; keyName: string; personName: string }, n: number,
): Promise<MemberWithServiceKey> {
  const orgId = await createOrganization(server, `${names.prefix}-org-${n}`);
  const spaceId = await createSpace(server, orgId, `${names.prefix}-space-${n}`);
  const member = await createUserWithKey(server, { email: `${names.prefix}-${n}@example.com`, name: `${names.personName} ${n}` });
  await addOrganizationMember(server, orgId, member.id, 'READ_ONLY');
  await addSpaceMember(server, spaceId, member.id, 'MEMBER');
  const svc = await expectStatus(server, 201, 'POST', '/v2/api-keys', {
    key_type: 'SERVICE', name: `${names.keyName}-${n}`, organizations: [{ org_id: orgId, spaces: [{ space_id: spaceId }] }],
  }, member.key);
  return { orgId, spaceId, member, svc: svc as MemberWithServiceKey['svc'] };
}

function contextOf(server: TestServer) {
  if (!server.context) throw new Error('hierarchy fixtures need an in-process test server');
  return server.context;
}

/** A custom role of account 1, inserted directly. */
export async function insertCustomRole(server: TestServer, name: string, permissions: string[]): Promise<number> {
  const ctx = contextOf(server);
  const now = new Date().toISOString();
  const { id } = await ctx.store.db.insertInto('roles').values({
    account_id: 1, predefined_key: null, name, description: null, permissions: JSON.stringify(permissions), created_at: now, updated_at: now,
  }).returning('id').executeTakeFirstOrThrow();
  await ctx.changes.publish({ accountId: 1 });
  return id;
}

/**
 * A role binding of account 1, inserted directly and announced on the change feed as a mutation would be.
 * `role` is a predefined key or a role row id.
 */
export async function insertRoleBinding(
  server: TestServer, userId: string, role: PredefinedRoleKey | number, resource: { type: 'SPACE' | 'PROJECT'; id: string },
): Promise<number> {
  const ctx = contextOf(server);
  const roleId = typeof role === 'number' ? role : (await ctx.store.db.selectFrom('roles').select('id')
    .where('account_id', '=', 1).where('predefined_key', '=', role).executeTakeFirstOrThrow()).id;
  const now = new Date().toISOString();
  const isSpace = resource.type === 'SPACE';
  const resourceId = decodeId(isSpace ? 'Space' : 'Project', resource.id, 'resource');
  const { id } = await ctx.store.db.insertInto('role_bindings').values({
    account_id: 1, user_id: decodeId('User', userId, 'user'), role_id: roleId, resource_type: resource.type,
    space_id: isSpace ? resourceId : null, project_id: isSpace ? null : resourceId, created_at: now, updated_at: now,
  }).returning('id').executeTakeFirstOrThrow();
  await ctx.changes.publish({ accountId: 1 });
  return id;
}
