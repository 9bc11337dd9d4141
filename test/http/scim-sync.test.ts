import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeId, parseId } from '../../src/domain/ids.js';
import { PREDEFINED_ROLES } from '../../src/domain/predefined-roles.js';
import { parseScimId, scimId } from '../../src/domain/scim-ids.js';
import { forAccount } from '../../src/store/account-store.js';
import { createSecondAccount, createUserWithKey } from '../helpers/fixtures.js';
import { createOrganization, createSpace, enc, insertCustomRole } from '../helpers/hierarchy.js';
import { createScimUser, patchOp, SCIM_GROUP, type ScimRequest, setUpScim } from '../helpers/scim.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import type { StoredRule } from '../helpers/sso-provider-rows.js';

/**
 * When the SCIM role sync runs and what it may touch (identity.md §4.4): a directory's groups drive its users' `SCIM`
 * grants through the provider's role mappings and defaults, an admin's change to those mappings or defaults recomputes
 * every SCIM-managed user at once in the admin's transaction, and the sync never touches a grant another source wrote
 * (an admin's, or the same provider's SSO logins') nor a deactivated user.
 */
let server: TestServer;
const builtIn: Record<string, number> = {};
let h: { org: number; space: number; spaceB: number; custom: number };
let domainCount = 0;
const db = () => server.context!.store.db;

beforeAll(async () => {
  server = await startTestServer();
  const roles = (await server.api('GET', '/v2/roles?is_predefined=true')).body.roles as { id: string; name: string }[];
  for (const r of roles) builtIn[Object.values(PREDEFINED_ROLES).find((p) => p.name === r.name)!.key] = parseId(r.id)!.n;
  const org = await createOrganization(server, 'scim-sync-org');
  h = {
    org: parseId(org)!.n,
    space: parseId(await createSpace(server, org, 'scim-sync-space'))!.n,
    spaceB: parseId(await createSpace(server, org, 'scim-sync-space-b'))!.n,
    custom: await insertCustomRole(server, 'scim-sync-viewer', ['SPACE_READ']),
  };
});
afterAll(async () => server?.close());

/** A user as these tests name it: row id, REST id and (for one the directory created) SCIM id. */
interface Person { dbId: number; id: string; scimId?: string }

interface Directory {
  scim: ScimRequest;
  idpId: number;
  idpWireId: string;
  domain: string;
  /** The provider's admin API path. */
  path: string;
}

/** A SAML provider with these rules and a SCIM token for it. */
async function directory(rules: StoredRule[]): Promise<Directory> {
  const domain = `sync${++domainCount}.example.com`;
  const setup = await setUpScim(server, { domains: [domain], rules });
  return { ...setup, domain, path: `/v2/saml-identity-providers/${enc(setup.idpWireId)}` };
}

/** A person the directory provisioned (POST /Users), in no group yet. */
async function managedUser(dir: Directory, local: string): Promise<Person> {
  const scimUserId = await createScimUser(dir.scim, { userName: `${local}@${dir.domain}`, name: { givenName: local, familyName: 'Test' } });
  const dbId = parseScimId('User', scimUserId)!;
  return { dbId, id: encodeId('User', dbId), scimId: scimUserId };
}

async function group(dir: Directory, displayName: string, members: Person[]): Promise<string> {
  const res = await dir.scim('POST', '/Groups', { schemas: [SCIM_GROUP], displayName, members: members.map((u) => ({ value: scimId('User', u.dbId) })) });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id as string;
}

async function grants(u: Person): Promise<string[]> {
  const rows = await forAccount(db(), 1).syncedGrants.heldBy(u.dbId);
  return rows.map((r) => `${r.kind}:${r.resourceId}:${r.roleId}:${r.source}`).sort();
}

async function accountRole(u: Person) {
  return db().selectFrom('users').select(['role', 'role_source', 'role_before_sync']).where('id', '=', u.dbId).executeTakeFirstOrThrow();
}

const wire = {
  org: () => encodeId('Organization', h.org),
  space: () => encodeId('Space', h.space),
  role: (n: number) => encodeId('Role', n),
};
const spaceMember = () => [`ORGANIZATION_MEMBERSHIP:${h.org}:${builtIn.READ_ONLY}:SCIM`, `SPACE_MEMBERSHIP:${h.space}:${builtIn.MEMBER}:SCIM`].sort();
const viewerBinding = () => [`SPACE_BINDING:${h.spaceB}:${h.custom}:SCIM`];
/** Keeps sign-in possible (§2.8) whatever the tests do to the other rules. */
const adminRule: StoredRule = { attributes: { group: 'ax-admins' }, isAccountAdmin: true };

describe('an admin changes the mappings (§4.4: recomputed in the same transaction)', () => {
  it('a new rule gives group members its grants at once, an update moves them, a delete takes them away', async () => {
    const dir = await directory([adminRule]);
    const member = await managedUser(dir, 'member');
    const outsider = await managedUser(dir, 'outsider');
    await group(dir, 'data', [member]);
    expect(await grants(member)).toEqual([]);

    const created = await server.api('POST', `${dir.path}/role-mappings`, {
      body: { attributes_map: { group: 'data' }, space_roles: [{ space_id: wire.space(), role_id: wire.role(builtIn.MEMBER!) }] },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(await grants(member)).toEqual(spaceMember());
    expect(await grants(outsider)).toEqual([]);

    const updated = await server.api('PATCH', `${dir.path}/role-mappings/${enc(created.body.id)}`, {
      body: { space_roles: [{ space_id: encodeId('Space', h.spaceB), role_id: wire.role(h.custom) }] },
    });
    expect(updated.status, JSON.stringify(updated.body)).toBe(200);
    expect(await grants(member)).toEqual(viewerBinding());

    expect((await server.api('DELETE', `${dir.path}/role-mappings/${enc(created.body.id)}`)).status).toBe(204);
    expect(await grants(member)).toEqual([]);
    const syncs = await db().selectFrom('audit_logs').select(['user_id', 'variables']).where('operation_name', '=', `SCIM_SYNC ${dir.idpWireId}`).execute();
    expect(syncs.map((row) => JSON.parse(row.variables!).user_id)).toEqual([member.id, member.id, member.id]);
  });

  it('a catch-all rule reaches SCIM-managed users in no group; users the directory does not manage are left alone', async () => {
    const dir = await directory([adminRule]);
    const managed = await managedUser(dir, 'managed');
    const bystander = await createUserWithKey(server, { email: `bystander@${dir.domain}` });
    const res = await server.api('POST', `${dir.path}/role-mappings`, {
      body: { attributes_map: {}, space_roles: [{ space_id: encodeId('Space', h.spaceB), role_id: wire.role(h.custom) }] },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(await grants(managed)).toEqual(viewerBinding());
    expect(await grants(bystander)).toEqual([]);
  });

  it('turning default login on gives the defaults to SCIM users no rule matches; turning it off takes them away', async () => {
    const dir = await directory([adminRule]);
    const user = await managedUser(dir, 'defaulted');
    const on = await server.api('PATCH', dir.path, {
      body: {
        allow_default_login: true, default_org_id: wire.org(), default_org_role_id: wire.role(builtIn.MEMBER!),
        default_space_id: wire.space(), default_space_role_id: wire.role(builtIn.READ_ONLY!),
      },
    });
    expect(on.status, JSON.stringify(on.body)).toBe(200);
    expect(await grants(user)).toEqual([`ORGANIZATION_MEMBERSHIP:${h.org}:${builtIn.MEMBER}:SCIM`, `SPACE_MEMBERSHIP:${h.space}:${builtIn.READ_ONLY}:SCIM`].sort());
    const off = await server.api('PATCH', dir.path, {
      body: { allow_default_login: false, default_org_id: null, default_org_role_id: null, default_space_id: null, default_space_role_id: null },
    });
    expect(off.status, JSON.stringify(off.body)).toBe(200);
    expect(await grants(user)).toEqual([]);
  });

  it('a mapping change the admin API refuses changes no grant (one transaction)', async () => {
    const dir = await directory([{ attributes: { group: 'data' }, spaceRoles: [{ space_id: h.space, role_id: builtIn.MEMBER! }] }]);
    const member = await managedUser(dir, 'kept');
    await group(dir, 'data', [member]);
    expect(await grants(member)).toEqual(spaceMember());
    const [only] = (await server.api('GET', `${dir.path}/role-mappings`)).body.role_mappings as { id: string }[];
    // The last rule of a provider without default login cannot go (422): the grants it gives stay as they are.
    expect((await server.api('DELETE', `${dir.path}/role-mappings/${enc(only!.id)}`)).status).toBe(422);
    expect(await grants(member)).toEqual(spaceMember());
  });
});

describe('what the SCIM sync may touch', () => {
  it('an account-admin rule promotes a group member (recorded as SCIM of the provider) and leaving the group demotes it back', async () => {
    const dir = await directory([adminRule]);
    const user = await managedUser(dir, 'promoted');
    const id = await group(dir, 'ax-admins', [user]);
    expect(await accountRole(user)).toEqual({ role: 'ADMIN', role_source: `SCIM:${dir.idpId}`, role_before_sync: 'MEMBER' });
    const res = await dir.scim('PATCH', `/Groups/${id}`, patchOp({ op: 'Remove', path: `members[value eq "${scimId('User', user.dbId)}"]` }));
    expect(res.status).toBe(200);
    expect(await accountRole(user)).toEqual({ role: 'MEMBER', role_source: null, role_before_sync: null });
  });

  it("the provider's SSO grants and an admin's grants stay when the group gives and then takes the same resources", async () => {
    const dir = await directory([{ attributes: { group: 'data' }, spaceRoles: [{ space_id: h.space, role_id: builtIn.MEMBER! }, { space_id: h.spaceB, role_id: h.custom }] }]);
    const user = await managedUser(dir, 'mixed');
    const now = new Date().toISOString();
    const common = { account_id: 1, user_id: user.dbId, created_at: now, updated_at: now };
    await db().insertInto('organization_memberships').values({ ...common, organization_id: h.org, role_id: builtIn.MEMBER!, source: 'SSO', source_idp_id: dir.idpId }).execute();
    await db().insertInto('space_memberships').values({ ...common, space_id: h.space, role_id: builtIn.READ_ONLY!, source: 'SSO', source_idp_id: dir.idpId }).execute();
    await db().insertInto('role_bindings').values({
      ...common, role_id: h.custom, resource_type: 'SPACE', space_id: h.spaceB, project_id: null, source: 'MANUAL', source_idp_id: null,
    }).execute();
    await server.context!.changes.publish({ accountId: 1, userIds: [user.dbId] });
    const before = await grants(user);
    const id = await group(dir, 'data', [user]);
    expect(await grants(user)).toEqual(before);
    expect((await dir.scim('DELETE', `/Groups/${id}`)).status).toBe(204);
    expect(await grants(user)).toEqual(before);
  });

  it('a member the directory deactivated gains nothing from a group, and gets the group\'s grants back when reactivated', async () => {
    const dir = await directory([{ attributes: { group: 'data' }, spaceRoles: [{ space_id: h.spaceB, role_id: h.custom }] }]);
    const user = await managedUser(dir, 'asleep');
    const active = (value: boolean) => dir.scim('PATCH', `/Users/${user.scimId}`, patchOp({ op: 'replace', path: 'active', value }));
    expect((await active(false)).status).toBe(200);
    await group(dir, 'data', [user]);
    expect(await grants(user)).toEqual([]);
    expect((await active(true)).status).toBe(200);
    expect(await grants(user)).toEqual(viewerBinding());
  });

  it('users of another account are never visible members, whatever their email', async () => {
    const dir = await directory([adminRule]);
    const { admin } = await createSecondAccount(server, `elsewhere@${dir.domain}`);
    const res = await dir.scim('POST', '/Groups', { schemas: [SCIM_GROUP], displayName: 'cross', members: [{ value: scimId('User', admin.dbId) }] });
    expect(res.status).toBe(400);
    expect(res.body.scimType).toBe('invalidValue');
  });
});
