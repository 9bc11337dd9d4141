import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeId } from '../../src/domain/ids.js';
import { createSecondAccount, createUserWithKey } from '../helpers/fixtures.js';
import { createOrganization, createProject, createSpace, enc, insertCustomRole } from '../helpers/hierarchy.js';
import { SamlTestIdp } from '../helpers/saml-idp.js';
import { type Json, startTestServer, type TestServer } from '../helpers/server.js';

/** §4.2 (rule shape), §4.3 (evaluation), §4.6 (errors) and §2.8's mapping rules, through `/{idp_id}/role-mappings`. */
let server: TestServer;
let metadataXml: string;
let orgId: string;
let spaceId: string;
let otherSpaceId: string;
let projectId: string;
let role: Record<'ADMIN' | 'MEMBER' | 'READ_ONLY' | 'ANNOTATOR', string>;
let customA: string;
let customB: string;
let domainCount = 0;

beforeAll(async () => {
  server = await startTestServer();
  metadataXml = (await SamlTestIdp.create()).metadataXml();
  orgId = await createOrganization(server, 'mapping-org');
  spaceId = await createSpace(server, orgId, 'mapping-space');
  otherSpaceId = await createSpace(server, orgId, 'mapping-space-2');
  projectId = await createProject(server, spaceId, 'mapping-project');
  const roles = (await server.api('GET', '/v2/roles?is_predefined=true')).body.roles as Json[];
  const byName = (name: string) => roles.find((r) => r.name === name).id as string;
  role = { ADMIN: byName('Admin'), MEMBER: byName('Member'), READ_ONLY: byName('Read Only'), ANNOTATOR: byName('Annotator') };
  customA = encodeId('Role', await insertCustomRole(server, 'mapping-custom-a', ['SPACE_READ']));
  customB = encodeId('Role', await insertCustomRole(server, 'mapping-custom-b', ['PROJECT_READ']));
});
afterAll(async () => server?.close());

const db = () => server.context!.store.db;

async function provider(extra: Record<string, unknown> = {}): Promise<{ id: string; path: string }> {
  const res = await server.api('POST', '/v2/saml-identity-providers', {
    body: {
      name: `mapping-idp-${++domainCount}`, email_domains: [`mapping${domainCount}.example.com`], metadata_xml: metadataXml,
      role_mappings: [{ attributes_map: { group: 'admins' }, is_account_admin: true }], ...extra,
    },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { id: res.body.id, path: `/v2/saml-identity-providers/${enc(res.body.id)}/role-mappings` };
}

async function mappings(path: string): Promise<Json[]> {
  const res = await server.api('GET', `${path}?limit=100`);
  expect(res.status).toBe(200);
  return res.body.role_mappings;
}

describe('rule shape and validation (§4.2, §4.6)', () => {
  it('creates a rule with every kind of grant and answers it with wire ids', async () => {
    const { path } = await provider();
    const rule = {
      attributes_map: { group: 'team-ml', dept: 'research' },
      org_role: { org_id: orgId, role_id: role.MEMBER },
      space_roles: [{ space_id: spaceId, role_id: role.MEMBER }, { space_id: spaceId, role_id: customA }],
      project_roles: [{ project_id: projectId, role_id: customB }],
    };
    const res = await server.api('POST', path, { body: rule });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(Buffer.from(res.body.id, 'base64').toString()).toMatch(/^RoleMapping:\d+$/);
    expect(res.body).toMatchObject({ ...rule, position: 2, is_account_admin: false });
    const got = await server.api('GET', `${path}/${enc(res.body.id)}`);
    expect(got.body).toEqual(res.body);
  });

  it('answers each §4.6 case with its status and code, and writes nothing', async () => {
    const { path } = await provider();
    const count = async () => (await db().selectFrom('role_mappings').select('id').execute()).length;
    const before = await count();
    const otherTenant = await createSecondAccount(server, 'admin@mapping-tenant.example');
    const theirOrg = (await server.api('POST', '/v2/organizations', { key: otherTenant.admin.key, body: { name: 'their-org' } })).body.id;
    const cases: [string, Record<string, unknown>, number, string, RegExp?][] = [
      ['no grant', { attributes_map: { group: 'x' } }, 400, 'VALIDATION_FAILED', /at least one grant/],
      ['no grant, empty lists', { attributes_map: {}, is_account_admin: false, org_role: null, space_roles: [], project_roles: [] }, 400, 'VALIDATION_FAILED'],
      ['two built-in roles for one space', { attributes_map: {}, space_roles: [{ space_id: spaceId, role_id: role.MEMBER }, { space_id: spaceId, role_id: role.READ_ONLY }] }, 400, 'VALIDATION_FAILED', /space_roles\[1\]/],
      ['two custom roles for one space', { attributes_map: {}, space_roles: [{ space_id: spaceId, role_id: customA }, { space_id: spaceId, role_id: customB }] }, 400, 'VALIDATION_FAILED'],
      ['unknown field', { attributes_map: {}, is_account_admin: true, extra: 1 }, 400, 'VALIDATION_FAILED'],
      ['wrong type', { attributes_map: { group: ['a'] }, is_account_admin: true }, 400, 'VALIDATION_FAILED'],
      ['an attribute name over 1,000 characters', { attributes_map: { ['g'.repeat(1001)]: 'x' }, is_account_admin: true }, 400, 'VALIDATION_FAILED', /attributes_map/],
      ['an empty attribute name', { attributes_map: { '': 'x' }, is_account_admin: true }, 400, 'VALIDATION_FAILED', /attributes_map/],
      ['Space id as org_id', { attributes_map: {}, org_role: { org_id: spaceId, role_id: role.MEMBER } }, 400, 'INVALID_ID', /org_role\.org_id/],
      ['Organization id as role_id', { attributes_map: {}, space_roles: [{ space_id: spaceId, role_id: orgId }] }, 400, 'INVALID_ID', /space_roles\[0\]\.role_id/],
      ['unknown organization', { attributes_map: {}, org_role: { org_id: encodeId('Organization', 999_999), role_id: role.MEMBER } }, 404, 'NOT_FOUND', /org_role\.org_id/],
      ['organization of another account', { attributes_map: {}, org_role: { org_id: theirOrg, role_id: role.MEMBER } }, 404, 'NOT_FOUND', /org_role\.org_id/],
      ['unknown space', { attributes_map: {}, space_roles: [{ space_id: encodeId('Space', 999_999), role_id: role.MEMBER }] }, 404, 'NOT_FOUND', /space_roles\[0\]\.space_id/],
      ['unknown project', { attributes_map: {}, project_roles: [{ project_id: encodeId('Project', 999_999), role_id: customA }] }, 404, 'NOT_FOUND', /project_roles\[0\]\.project_id/],
      ['unknown role', { attributes_map: {}, space_roles: [{ space_id: spaceId, role_id: encodeId('Role', 999_999) }] }, 404, 'NOT_FOUND', /role_id/],
      ['custom role as organization role', { attributes_map: {}, org_role: { org_id: orgId, role_id: customA } }, 422, 'UNPROCESSABLE', /org_role\.role_id/],
      ['predefined role as project role', { attributes_map: {}, project_roles: [{ project_id: projectId, role_id: role.MEMBER }] }, 422, 'UNPROCESSABLE', /project_roles\[0\]\.role_id/],
    ];
    for (const [label, rule, status, code, detail] of cases) {
      const res = await server.api('POST', path, { body: rule });
      expect(res.status, `${label}: ${JSON.stringify(res.body)}`).toBe(status);
      expect(res.body.code, label).toBe(code);
      if (detail) expect(res.body.detail, label).toMatch(detail);
    }
    expect(await count()).toBe(before);
  });

  it('a mapping id of another provider, or a foreign-typed one, is not found there', async () => {
    const a = await provider();
    const b = await provider();
    const [rule] = await mappings(a.path);
    expect((await server.api('GET', `${b.path}/${enc(rule.id)}`)).status).toBe(404);
    expect((await server.api('DELETE', `${b.path}/${enc(rule.id)}`)).status).toBe(404);
    expect((await server.api('GET', `${a.path}/${enc(spaceId)}`)).body.code).toBe('INVALID_ID');
    expect((await server.api('PATCH', `${a.path}/${enc(rule.id)}`, { body: {} })).status).toBe(400);
  });
});

describe('positions', () => {
  it('keeps positions 1..n dense: insert at a position shifts the others, PATCH moves, DELETE closes the gap', async () => {
    const { path } = await provider();
    const add = async (value: string, position?: number) => {
      const res = await server.api('POST', path, { body: { attributes_map: { group: value }, space_roles: [{ space_id: spaceId, role_id: role.READ_ONLY }], ...(position ? { position } : {}) } });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body;
    };
    const order = async () => (await mappings(path)).map((m) => [m.position, m.attributes_map.group]);
    await add('b');
    await add('c');
    const first = await add('a', 1);
    expect(first.position).toBe(1);
    expect(await order()).toEqual([[1, 'a'], [2, 'admins'], [3, 'b'], [4, 'c']]);
    const far = await add('z', 99);
    expect(far.position).toBe(5);

    const moved = await server.api('PATCH', `${path}/${enc(first.id)}`, { body: { position: 4 } });
    expect(moved.status).toBe(200);
    expect(moved.body.position).toBe(4);
    expect(await order()).toEqual([[1, 'admins'], [2, 'b'], [3, 'c'], [4, 'a'], [5, 'z']]);

    expect((await server.api('DELETE', `${path}/${enc(first.id)}`)).status).toBe(204);
    expect(await order()).toEqual([[1, 'admins'], [2, 'b'], [3, 'c'], [4, 'z']]);

    const page1 = await server.api('GET', `${path}?limit=3`);
    expect(page1.body.role_mappings.map((m: Json) => m.position)).toEqual([1, 2, 3]);
    const page2 = await server.api('GET', `${path}?limit=3&cursor=${enc(page1.body.pagination.next_cursor)}`);
    expect(page2.body.role_mappings.map((m: Json) => m.position)).toEqual([4]);
    expect(page2.body.pagination.has_more).toBe(false);
  });
});

describe('mapping changes keep sign-in possible (§2.8)', () => {
  it('refuses to delete the last rule while default login is off (422), and nothing changes', async () => {
    const { path } = await provider();
    const [only] = await mappings(path);
    const res = await server.api('DELETE', `${path}/${enc(only.id)}`);
    expect(res.status).toBe(422);
    expect(await mappings(path)).toHaveLength(1);
  });

  it('with allow_only_sso_logins on, at least one account-admin rule must remain', async () => {
    const { id, path } = await provider({ role_mappings: [{ attributes_map: { group: 'users' }, org_role: { org_id: orgId, role_id: role.MEMBER } }] });
    const providerPath = `/v2/saml-identity-providers/${enc(id)}`;
    const refused = await server.api('PATCH', providerPath, { body: { allow_only_sso_logins: true } });
    expect(refused.status).toBe(422);
    expect(refused.body.detail).toMatch(/is_account_admin/);
    expect((await server.api('GET', providerPath)).body.allow_only_sso_logins).toBe(false);

    const admin = (await server.api('POST', path, { body: { attributes_map: { group: 'admins' }, is_account_admin: true } })).body;
    expect((await server.api('PATCH', providerPath, { body: { allow_only_sso_logins: true } })).status).toBe(200);
    const demote = await server.api('PATCH', `${path}/${enc(admin.id)}`, { body: { is_account_admin: false, org_role: { org_id: orgId, role_id: role.ADMIN } } });
    expect(demote.status).toBe(422);
    expect((await server.api('DELETE', `${path}/${enc(admin.id)}`)).status).toBe(422);
    expect((await server.api('GET', `${path}/${enc(admin.id)}`)).body.is_account_admin).toBe(true);

    const created = await server.api('POST', '/v2/saml-identity-providers', {
      body: { name: 'only-sso-no-admin', email_domains: ['only-sso.example.com'], metadata_xml: metadataXml, allow_only_sso_logins: true, role_mappings: [{ attributes_map: {}, org_role: { org_id: orgId, role_id: role.MEMBER } }] },
    });
    expect(created.status).toBe(422);
  });

  it('PATCH of a rule changes only the fields given', async () => {
    const { path } = await provider();
    const made = (await server.api('POST', path, { body: { attributes_map: { group: 'g' }, org_role: { org_id: orgId, role_id: role.MEMBER }, space_roles: [{ space_id: spaceId, role_id: role.READ_ONLY }] } })).body;
    const res = await server.api('PATCH', `${path}/${enc(made.id)}`, { body: { attributes_map: { group: 'h' } } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ attributes_map: { group: 'h' }, org_role: made.org_role, space_roles: made.space_roles, position: made.position });
    const cleared = await server.api('PATCH', `${path}/${enc(made.id)}`, { body: { org_role: null, space_roles: [] } });
    expect(cleared.status).toBe(400);
  });
});

describe('POST …/role-mappings/evaluate', () => {
  it('runs the engine on the stored rules: first custom role wins, most permissive built-in, implied organization, matched ids; nothing written', async () => {
    const { path } = await provider({
      role_mappings: [
        { attributes_map: { group: 'admins' }, is_account_admin: true },
        { attributes_map: { group: 'ml' }, space_roles: [{ space_id: spaceId, role_id: role.READ_ONLY }, { space_id: spaceId, role_id: customA }] },
        { attributes_map: { group: 'ml-leads' }, space_roles: [{ space_id: spaceId, role_id: role.MEMBER }, { space_id: spaceId, role_id: customB }], project_roles: [{ project_id: projectId, role_id: customB }] },
      ],
    });
    const rules = await mappings(path);
    const auditBefore = (await db().selectFrom('audit_logs').select('id').execute()).length;
    const res = await server.api('POST', `${path}/evaluate`, { body: { attributes: { group: ['ml', 'ml-leads', 'other'] } } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.matched).toEqual([rules[1].id, rules[2].id]);
    expect(res.body.defaults_used).toBe(false);
    expect(res.body.grants).toEqual([
      { kind: 'ORGANIZATION_MEMBERSHIP', resource_id: orgId, role_id: role.READ_ONLY, origin: 'IMPLIED' },
      { kind: 'SPACE_MEMBERSHIP', resource_id: spaceId, role_id: role.MEMBER, origin: 'MAPPING', mapping_position: 3 },
      { kind: 'SPACE_ROLE_BINDING', resource_id: spaceId, role_id: customA, origin: 'MAPPING', mapping_position: 2 },
      { kind: 'PROJECT_ROLE_BINDING', resource_id: projectId, role_id: customB, origin: 'MAPPING', mapping_position: 3 },
    ]);
    const admin = await server.api('POST', `${path}/evaluate`, { body: { attributes: { group: ['admins'] } } });
    expect(admin.body.grants).toEqual([{ kind: 'ACCOUNT_ADMIN', origin: 'MAPPING', mapping_position: 1 }]);
    const nothing = await server.api('POST', `${path}/evaluate`, { body: { attributes: {} } });
    expect(nothing.body).toEqual({ matched: [], grants: [], defaults_used: false });
    expect((await db().selectFrom('audit_logs').select('id').execute()).length).toBe(auditBefore);
  });

  it('falls back to the defaults when no rule matches and default login is on', async () => {
    const { path } = await provider({
      allow_default_login: true, default_org_id: orgId, default_org_role_id: role.MEMBER, default_space_id: otherSpaceId, default_space_role_id: role.ANNOTATOR,
    });
    const res = await server.api('POST', `${path}/evaluate`, { body: { attributes: { group: ['nobody'] } } });
    expect(res.body).toEqual({
      matched: [], defaults_used: true,
      grants: [
        { kind: 'ORGANIZATION_MEMBERSHIP', resource_id: orgId, role_id: role.MEMBER, origin: 'DEFAULT' },
        { kind: 'SPACE_MEMBERSHIP', resource_id: otherSpaceId, role_id: role.ANNOTATOR, origin: 'DEFAULT' },
      ],
    });
    const unknownUser = await server.api('POST', `${path}/evaluate`, { body: { attributes: {}, user_id: encodeId('User', 999_999) } });
    expect(unknownUser.status).toBe(404);
    for (const name of ['', 'g'.repeat(1001)]) {
      const bad = await server.api('POST', `${path}/evaluate`, { body: { attributes: { [name]: ['x'] } } });
      expect(bad.status, `attribute name of ${name.length} characters`).toBe(400);
      expect(bad.body).toMatchObject({ code: 'VALIDATION_FAILED', detail: expect.stringMatching(/attributes/) });
    }
  });
  it('leaves out a grant whose project or custom role was deleted after the rule named it', async () => {
    const project = await createProject(server, spaceId, 'mapping-doomed-project');
    const doomedRole = (await server.api('POST', '/v2/roles', { body: { name: 'mapping-doomed-role', permissions: ['SPACE_READ'] } })).body.id;
    const { path } = await provider({
      role_mappings: [{ attributes_map: {}, is_account_admin: true, project_roles: [{ project_id: project, role_id: customB }], space_roles: [{ space_id: spaceId, role_id: doomedRole }] }],
    });
    expect((await server.api('DELETE', `/v2/projects/${enc(project)}`)).status).toBe(204);
    expect((await server.api('DELETE', `/v2/roles/${enc(doomedRole)}?force=true`)).status).toBe(204);
    const res = await server.api('POST', `${path}/evaluate`, { body: { attributes: {} } });
    expect(res.body.grants).toEqual([{ kind: 'ACCOUNT_ADMIN', origin: 'MAPPING', mapping_position: 1 }]);
  });
});

describe('GET …/users/{user_id}', () => {
  it('shows a linked user\'s last attributes and what they map to now; 404 when the user never signed in through it', async () => {
    const { id, path } = await provider();
    const user = await createUserWithKey(server, { email: 'linked@mapping.example.com' });
    const providerPath = `/v2/saml-identity-providers/${enc(id)}`;
    expect((await server.api('GET', `${providerPath}/users/${enc(user.id)}`)).status).toBe(404);
    const now = new Date().toISOString();
    await db().insertInto('user_identities').values({
      idp_id: Number(Buffer.from(id, 'base64').toString().split(':')[1]), subject: user.email, user_id: user.dbId, provisioned_by_scim: 0,
      last_login_at: now, last_attributes: JSON.stringify({ group: ['admins', 'x'] }), created_at: now,
    }).execute();
    const res = await server.api('GET', `${providerPath}/users/${enc(user.id)}`);
    expect(res.status).toBe(200);
    const [rule] = await mappings(path);
    expect(res.body).toEqual({
      user_id: user.id, subject: user.email, last_login_at: now, last_attributes: { group: ['admins', 'x'] },
      evaluation: { matched: [rule.id], grants: [{ kind: 'ACCOUNT_ADMIN', origin: 'MAPPING', mapping_position: 1 }], defaults_used: false },
    });
  });
});
