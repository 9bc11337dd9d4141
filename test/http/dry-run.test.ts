import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessSnapshot } from '../../src/access/index.js';
import { encodeId } from '../../src/domain/ids.js';
import { loadWorld } from '../../src/services/access-loader.js';
import { createUserWithKey } from '../helpers/fixtures.js';
import {
  addOrganizationMember, addSpaceMember, createOrganization, createProject, createSpace, enc, insertCustomRole, insertRoleBinding,
} from '../helpers/hierarchy.js';
import { expectedPrincipals, unnamed } from '../helpers/access-preview.js';
import { startTestServer, type Json, type TestServer } from '../helpers/server.js';
import { tableRows } from '../helpers/table-rows.js';

/**
 * Issue 17 §1: every change that moves rights answers `?dry_run=true` with what it would do to access, computed
 * by making the change in a transaction that is rolled back. Each case previews, checks that nothing was written
 * or audited, makes the real change, and checks that the preview equals the difference of the access snapshots
 * before and after it.
 */
let server: TestServer;
let count = 0;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

const db = () => server.context!.store.db;
const unique = (prefix: string) => `${prefix}-${++count}`;
const TABLES = ['organization_memberships', 'space_memberships', 'role_bindings', 'resource_restrictions', 'roles', 'users', 'api_keys', 'audit_logs', 'accounts'] as const;

/**
 * Every row the previewed changes could touch: a dry run must leave all of it as it was. A key's last use is
 * bookkeeping of the request itself, not a change.
 */
const rows = () => tableRows(db(), TABLES, ['last_used_at']);

const snapshot = async () => AccessSnapshot.build(await loadWorld(db(), 1));
/** Previews a change, checks nothing moved, makes it for real and checks the preview against the snapshots. */
async function previewThenApply(method: string, path: string, body?: unknown, realStatus?: number): Promise<Json> {
  const before = await rows();
  const separator = path.includes('?') ? '&' : '?';
  const preview = await server.api(method, `${path}${separator}dry_run=true`, body === undefined ? {} : { body });
  expect(preview.status, JSON.stringify(preview.body)).toBe(200);
  expect(preview.headers.get('cache-control')).toBe('no-store');
  expect(await rows()).toBe(before);
  const was = await snapshot();
  const real = await server.api(method, path, body === undefined ? {} : { body });
  expect(real.status, JSON.stringify(real.body)).toBe(realStatus ?? (method === 'POST' && path === '/v2/role-bindings' ? 201 : method === 'DELETE' ? 204 : 200));
  expect(unnamed(preview.body.principals)).toEqual(expectedPrincipals(was, await snapshot()));
  return preview.body;
}

async function world() {
  const orgId = await createOrganization(server, unique('dry-org'));
  const spaceId = await createSpace(server, orgId, unique('dry-space'));
  const projectId = await createProject(server, spaceId, unique('dry-project'));
  const user = await createUserWithKey(server, { email: `${unique('dry-user')}@example.com`, name: 'Dry Runner' });
  await addOrganizationMember(server, orgId, user.id, 'READ_ONLY');
  return { orgId, spaceId, projectId, user };
}

describe('?dry_run=true on role bindings', () => {
  it('a create answers what the user would gain on the space and its projects, writing and auditing nothing', async () => {
    const h = await world();
    const body = await previewThenApply('POST', '/v2/role-bindings', { user_id: h.user.id, role_id: await predefinedRoleId('MEMBER'), resource_type: 'SPACE', resource_id: h.spaceId });
    expect(body.cascade).toEqual({ organization_memberships: 0, space_memberships: 0, role_bindings: 0, resource_restrictions: 0, service_keys: 0 });
    expect(body.principals).toHaveLength(1);
    const [principal] = body.principals;
    expect(principal).toMatchObject({ user_id: h.user.id, principal_type: 'USER', name: 'Dry Runner', email: h.user.email });
    const onProject = principal.changes.find((c: Json) => c.resource_id === h.projectId);
    expect(onProject.gained).toContain('PROJECT_SPAN_READ');
    expect(onProject.lost).toEqual([]);
    expect(onProject.resource_name).toMatch(/^dry-project-/);
  });

  it('an update and a delete answer what the user would lose, and the delete counts the binding', async () => {
    const h = await world();
    const bindingId = encodeId('RoleBinding', await insertRoleBinding(server, h.user.id, 'ADMIN', { type: 'SPACE', id: h.spaceId }));
    const update = await previewThenApply('PATCH', `/v2/role-bindings/${enc(bindingId)}`, { role_id: await predefinedRoleId('READ_ONLY') });
    expect(update.principals[0].changes.find((c: Json) => c.resource_id === h.spaceId).lost).toContain('SPACE_UPDATE');
    const removal = await previewThenApply('DELETE', `/v2/role-bindings/${enc(bindingId)}`);
    expect(removal.cascade.role_bindings).toBe(1);
  });

  it('a dry run the caller may not make answers as the change would (403), and unknown values are 400s', async () => {
    const h = await world();
    const before = await rows();
    const res = await server.api('POST', '/v2/role-bindings?dry_run=true', {
      key: h.user.key, body: { user_id: h.user.id, role_id: await predefinedRoleId('ADMIN'), resource_type: 'SPACE', resource_id: h.spaceId },
    });
    expect(res.status).toBe(403);
    expect((await server.api('DELETE', `/v2/role-bindings/${enc(encodeId('RoleBinding', 1))}?dry_run=maybe`)).status).toBe(400);
    expect(await rows()).toBe(before);
  });
});

describe('?dry_run=true on memberships', () => {
  it('adding to and removing from an organization: the removal answers its cascade with the rights diff', async () => {
    const h = await world();
    const other = await createUserWithKey(server, { email: `${unique('dry-member')}@example.com` });
    const add = await previewThenApply('POST', `/v2/organizations/${enc(h.orgId)}/users`, { user_id: other.id, role: { type: 'PREDEFINED', name: 'MEMBER' } });
    expect(add.principals.map((p: Json) => p.user_id)).toEqual([other.id]);
    await addSpaceMember(server, h.spaceId, other.id, 'ADMIN');
    const removal = await previewThenApply('DELETE', `/v2/organizations/${enc(h.orgId)}/users/${enc(other.id)}`);
    expect(removal).toMatchObject({ dry_run: true, organization_memberships: 1, space_memberships: 1 });
    expect(removal.principals[0].changes.every((c: Json) => c.gained.length === 0 && c.lost.length > 0)).toBe(true);
  });

  it('adding to and removing from a space', async () => {
    const h = await world();
    const add = await previewThenApply('POST', `/v2/spaces/${enc(h.spaceId)}/users`, { user_id: h.user.id, role: { type: 'PREDEFINED', name: 'ADMIN' } });
    expect(add.principals[0].changes.find((c: Json) => c.resource_id === h.spaceId).gained).toContain('SPACE_DELETE');
    const removal = await previewThenApply('DELETE', `/v2/spaces/${enc(h.spaceId)}/users/${enc(h.user.id)}`);
    expect(removal.space_memberships).toBe(1);
  });
});

describe('?dry_run=true on restrictions, roles, users and service keys', () => {
  it('restricting a project answers who loses what on it; unrestricting gives it back', async () => {
    const h = await world();
    await addSpaceMember(server, h.spaceId, h.user.id, 'MEMBER');
    const restrict = await previewThenApply('POST', '/v2/resource-restrictions', { resource_id: h.projectId });
    const mine = restrict.principals.find((p: Json) => p.user_id === h.user.id);
    expect(mine.changes).toEqual([expect.objectContaining({ resource_type: 'PROJECT', resource_id: h.projectId, gained: [], lost: expect.arrayContaining(['PROJECT_SPAN_READ']) })]);
    const unrestrict = await previewThenApply('DELETE', `/v2/resource-restrictions/${enc(h.projectId)}`);
    expect(unrestrict.cascade.resource_restrictions).toBe(1);
    expect(unrestrict.principals.find((p: Json) => p.user_id === h.user.id).changes[0].gained).toEqual(mine.changes[0].lost);
  });

  it('editing a custom role\'s permissions answers what each holder gains and loses', async () => {
    const h = await world();
    const roleId = encodeId('Role', await insertCustomRole(server, unique('dry-role'), ['PROJECT_READ']));
    await previewThenApply('POST', '/v2/role-bindings', { user_id: h.user.id, role_id: roleId, resource_type: 'PROJECT', resource_id: h.projectId }, 201);
    const edit = await previewThenApply('PATCH', `/v2/roles/${enc(roleId)}`, { permissions: ['PROJECT_READ', 'PROJECT_SPAN_READ'] });
    expect(edit.principals.find((p: Json) => p.user_id === h.user.id).changes).toEqual([
      expect.objectContaining({ resource_type: 'PROJECT', resource_id: h.projectId, gained: ['PROJECT_SPAN_READ'], lost: [] }),
    ]);
  });

  it('deleting a user answers everything it would lose and its memberships', async () => {
    const h = await world();
    const removal = await previewThenApply('DELETE', `/v2/users/${enc(h.user.id)}`);
    expect(removal).toMatchObject({ dry_run: true, organization_memberships: 1 });
    expect(removal.principals.map((p: Json) => p.user_id)).toEqual([h.user.id]);
  });

  it('deactivating a user answers everything it would lose', async () => {
    const h = await world();
    const deactivation = await previewThenApply('POST', `/v2/users/${enc(h.user.id)}/deactivate`, undefined, 204);
    expect(deactivation).toMatchObject({ dry_run: true });
    expect(deactivation.principals.map((p: Json) => p.user_id)).toEqual([h.user.id]);
    expect(deactivation.principals[0].changes.length).toBeGreaterThan(0);
  });

  it('revoking a service key answers what its bot loses, and counts the key', async () => {
    const h = await world();
    const key = await server.api('POST', '/v2/api-keys', {
      body: { key_type: 'SERVICE', name: unique('dry-svc'), organizations: [{ org_id: h.orgId, spaces: [{ space_id: h.spaceId }] }] },
    });
    expect(key.status, JSON.stringify(key.body)).toBe(201);
    const revoke = await previewThenApply('PUT', `/v2/api-keys/${enc(key.body.id)}/revoke`, undefined, 204);
    expect(revoke.principals).toHaveLength(1);
    expect(revoke.principals[0].principal_type).toBe('SERVICE_KEY');
    expect(revoke.cascade.service_keys).toBe(1);
  });

  it('an account role change answers what the person gains or loses everywhere; a refused one answers as the change would', async () => {
    const h = await world();
    const promote = await previewThenApply('PUT', `/v2/users/${enc(h.user.id)}/role`, { role: 'ADMIN' });
    expect(promote.principals.map((p: Json) => p.user_id)).toEqual([h.user.id]);
    expect(promote.principals[0].changes[0]).toMatchObject({ resource_type: 'ACCOUNT', lost: [] });
    expect(promote.cascade).toEqual({ organization_memberships: 0, space_memberships: 0, role_bindings: 0, resource_restrictions: 0, service_keys: 0 });
    const demote = await previewThenApply('PUT', `/v2/users/${enc(h.user.id)}/role`, { role: 'ANNOTATOR' });
    expect(demote.principals[0].changes[0]).toMatchObject({ resource_type: 'ACCOUNT', gained: [] });
    // Not an admin any more: the same 403 with or without dry_run.
    const asUser = await server.api('PUT', `/v2/users/${enc(h.user.id)}/role?dry_run=true`, { body: { role: 'ADMIN' }, key: h.user.key });
    expect(asUser.status).toBe(403);
    expect((await server.api('PUT', `/v2/users/${enc('nope')}/role?dry_run=true`, { body: { role: 'ADMIN' } })).status).toBe(400);
  });
});

async function predefinedRoleId(key: 'ADMIN' | 'MEMBER' | 'READ_ONLY'): Promise<string> {
  const row = await db().selectFrom('roles').select('id').where('account_id', '=', 1).where('predefined_key', '=', key).executeTakeFirstOrThrow();
  return encodeId('Role', row.id);
}
