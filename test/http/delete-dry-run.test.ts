import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUserWithKey } from '../helpers/fixtures.js';
import {
  addOrganizationMember, addSpaceMember, createOrganization, createProject, createSpace, enc, insertRoleBinding, restrictProject,
} from '../helpers/hierarchy.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { AccessSnapshot } from '../../src/access/index.js';
import { encodeId, parseId } from '../../src/domain/ids.js';
import { loadWorld } from '../../src/services/access-loader.js';
import { expectedPrincipals, unnamed } from '../helpers/access-preview.js';

/**
 * Issue 9 §1: what deleting an organization, a space or a project takes with it is answered by the server
 * (`?dry_run=true`, the delete run and rolled back), never counted by a client. Without the parameter: 204.
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
const TABLES = ['organizations', 'spaces', 'projects', 'organization_memberships', 'space_memberships', 'role_bindings', 'resource_restrictions', 'audit_logs', 'api_keys'] as const;

/** Every row count the deletes can change, and the audit log: a dry run must leave all of them as they were. */
async function tally(): Promise<Record<(typeof TABLES)[number], number>> {
  const entries = await Promise.all(TABLES.map(async (table) =>
    [table, Number((await db().selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)] as const));
  return Object.fromEntries(entries) as Record<(typeof TABLES)[number], number>;
}

/**
 * An organization with two spaces; the first has two projects (one restricted), two members with bindings on
 * the space and a project, and a service key whose bot is in that space only.
 */
async function world() {
  const orgId = await createOrganization(server, unique('cascade-org'));
  const spaceId = await createSpace(server, orgId, unique('cascade-space'));
  await createSpace(server, orgId, unique('cascade-other-space'));
  const projectId = await createProject(server, spaceId, unique('cascade-project'));
  const openProjectId = await createProject(server, spaceId, unique('cascade-project'));
  await restrictProject(server, projectId);
  for (const n of [1, 2]) {
    const user = await createUserWithKey(server, { email: `${unique(`cascade-user${n}`)}@example.com` });
    await addOrganizationMember(server, orgId, user.id, 'READ_ONLY');
    await addSpaceMember(server, spaceId, user.id, 'MEMBER');
    await insertRoleBinding(server, user.id, 'ANNOTATOR', { type: 'SPACE', id: spaceId });
    await insertRoleBinding(server, user.id, 'ADMIN', { type: 'PROJECT', id: projectId });
  }
  const key = await server.api('POST', '/v2/api-keys', {
    body: { key_type: 'SERVICE', name: unique('cascade-svc'), organizations: [{ org_id: orgId, spaces: [{ space_id: spaceId }] }] },
  });
  expect(key.status, JSON.stringify(key.body)).toBe(201);
  return { orgId, spaceId, projectId, openProjectId };
}

const snapshot = async () => AccessSnapshot.build(await loadWorld(db(), 1));

/**
 * Dry run, check that nothing changed, then the real delete: the counts answered are what it removed, and the
 * `principals` are the difference of the access snapshots before and after it (answered apart from the counts).
 */
async function previewThenDelete(path: string) {
  const before = await tally();
  const access = await snapshot();
  const preview = await server.api('DELETE', `${path}?dry_run=true`);
  expect(preview.status, JSON.stringify(preview.body)).toBe(200);
  expect(preview.headers.get('cache-control')).toBe('no-store');
  expect(await tally()).toEqual(before);
  const res = await server.api('DELETE', path);
  expect(res.status).toBe(204);
  const after = await tally();
  const removed = (table: (typeof TABLES)[number]) => before[table] - after[table];
  const { principals, ...counts } = preview.body;
  expect(principals.length).toBeGreaterThan(0);
  expect(unnamed(principals)).toEqual(expectedPrincipals(access, await snapshot()));
  return { body: counts, removed, principals };
}

describe('DELETE ?dry_run=true of organizations, spaces and projects', () => {
  it('an organization: answers everything the delete then removes, writing and auditing nothing', async () => {
    const h = await world();
    const { body, removed } = await previewThenDelete(`/v2/organizations/${enc(h.orgId)}`);
    expect(body).toEqual({
      dry_run: true, spaces: 2, projects: 2, organization_memberships: 3, space_memberships: 3, role_bindings: 4,
      resource_restrictions: 1, service_keys_without_space: 1,
    });
    expect([removed('spaces'), removed('projects'), removed('organization_memberships'), removed('space_memberships'), removed('role_bindings'), removed('resource_restrictions')])
      .toEqual([body.spaces, body.projects, body.organization_memberships, body.space_memberships, body.role_bindings, body.resource_restrictions]);
  });

  it('a space: its projects, memberships (the bot\'s included), bindings and restriction; the bot is left in no space', async () => {
    const h = await world();
    const { body, removed } = await previewThenDelete(`/v2/spaces/${enc(h.spaceId)}`);
    expect(body).toEqual({ dry_run: true, projects: 2, space_memberships: 3, role_bindings: 4, resource_restrictions: 1, service_keys_without_space: 1 });
    expect([removed('spaces'), removed('projects'), removed('space_memberships'), removed('role_bindings'), removed('resource_restrictions'), removed('organization_memberships')])
      .toEqual([1, body.projects, body.space_memberships, body.role_bindings, body.resource_restrictions, 0]);
  });

  it('a project: its restriction and PROJECT bindings', async () => {
    const h = await world();
    // On a restricted project even an account admin needs a PROJECT binding to delete it.
    const admin = (await server.api('GET', '/v2/me')).body;
    await insertRoleBinding(server, admin.id, 'ADMIN', { type: 'PROJECT', id: h.projectId });
    const { body, removed } = await previewThenDelete(`/v2/projects/${enc(h.projectId)}`);
    expect(body).toEqual({ dry_run: true, role_bindings: 3, resource_restrictions: 1 });
    expect([removed('projects'), removed('role_bindings'), removed('resource_restrictions')]).toEqual([1, body.role_bindings, body.resource_restrictions]);
  });

  it('the principals name who loses what, and where', async () => {
    const h = await world();
    const { principals } = await previewThenDelete(`/v2/spaces/${enc(h.spaceId)}`);
    const member = principals.find((p: { email?: string }) => p.email?.startsWith('cascade-user'));
    expect(member.principal_type).toBe('USER');
    expect(member.changes.find((c: { resource_id?: string }) => c.resource_id === h.spaceId).lost).toContain('SPACE_READ');
    expect(principals.some((p: { principal_type: string }) => p.principal_type === 'SERVICE_KEY')).toBe(true);
  });

  it('without dry_run, or with dry_run=false, the delete answers 204 with no body as Arize\'s clients expect', async () => {
    const h = await world();
    const res = await server.api('DELETE', `/v2/projects/${enc(h.openProjectId)}?dry_run=false`);
    expect(res.status).toBe(204);
    expect(res.body).toBeUndefined();
  });

  it('a dry run of something absent or out of reach answers as the delete would (404, 403)', async () => {
    const h = await world();
    await server.api('DELETE', `/v2/spaces/${enc(h.spaceId)}`);
    expect((await server.api('DELETE', `/v2/spaces/${enc(h.spaceId)}?dry_run=true`)).status).toBe(404);
    const reader = await createUserWithKey(server, { email: `${unique('cascade-reader')}@example.com` });
    await addOrganizationMember(server, h.orgId, reader.id, 'READ_ONLY');
    const before = await tally();
    expect((await server.api('DELETE', `/v2/organizations/${enc(h.orgId)}?dry_run=true`, { key: reader.key })).status).toBe(403);
    expect(await tally()).toEqual(before);
  });

  // Deleting an organization that many people reach lists millions of changes (gigabytes: it answered 500, the
  // JSON past what one string holds). Past 20,000 the principals are left out; the counts are answered as ever.
  it('a preview of more than 20,000 changes of access answers its counts and principals_omitted, nothing written; a narrower one lists them', async () => {
    const orgId = await createOrganization(server, unique('large-org'));
    const spaceId = await createSpace(server, orgId, unique('large-space'));
    const space = parseId(spaceId)!.n;
    const now = new Date().toISOString();
    // 150 projects and 135 members of the space: with the account admin, (135 + 1) × (1 + 150) = 20,536 changes.
    const projects = await db().insertInto('projects')
      .values(Array.from({ length: 150 }, (_, i) => ({ account_id: 1, space_id: space, name: unique(`large-project-${i}`), created_at: now, updated_at: now })))
      .returning('id').execute();
    const people = await db().insertInto('users').values(Array.from({ length: 135 }, () => {
      const email = `${unique('large-member')}@example.com`;
      return { account_id: 1, name: email, email, email_lower: email, role: 'MEMBER', status: 'ACTIVE', is_developer: 1, is_bot: 0, must_change_password: 0, created_at: now, updated_at: now };
    })).returning('id').execute();
    const member = await db().selectFrom('roles').select('id').where('account_id', '=', 1).where('predefined_key', '=', 'MEMBER').executeTakeFirstOrThrow();
    await db().insertInto('space_memberships')
      .values(people.map((p) => ({ account_id: 1, space_id: space, user_id: p.id, role_id: member.id, created_at: now, updated_at: now })))
      .execute();
    server.context!.changes.deliverHere({ accountId: 1 });

    const before = await tally();
    const large = await server.api('DELETE', `/v2/spaces/${enc(spaceId)}?dry_run=true`);
    expect(large.status).toBe(200);
    expect(large.body).toEqual({
      dry_run: true, projects: 150, space_memberships: 135, role_bindings: 0, resource_restrictions: 0, service_keys_without_space: 0,
      principals: [], principals_omitted: true,
    });
    expect(await tally()).toEqual(before);
    const project = await server.api('DELETE', `/v2/projects/${enc(encodeId('Project', projects[0]!.id))}?dry_run=true`);
    expect(project.status).toBe(200);
    expect(project.body).not.toHaveProperty('principals_omitted');
    const losing = new Set(project.body.principals.map((p: { user_id: string }) => p.user_id));
    for (const p of people) expect(losing.has(encodeId('User', p.id))).toBe(true);
    expect(await tally()).toEqual(before);
  });

  it('rejects an unknown query parameter (400), as the other schemas do', async () => {
    const h = await world();
    expect((await server.api('DELETE', `/v2/projects/${enc(h.projectId)}?dryrun=true`)).status).toBe(400);
  });
});
