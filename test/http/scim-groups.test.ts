import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeId, parseId } from '../../src/domain/ids.js';
import { PREDEFINED_ROLES } from '../../src/domain/predefined-roles.js';
import { scimId } from '../../src/domain/scim-ids.js';
import { forAccount } from '../../src/store/account-store.js';
import { createUserWithKey, type FixtureUser } from '../helpers/fixtures.js';
import { createOrganization, createProject, createSpace, enc, insertCustomRole } from '../helpers/hierarchy.js';
import { patchOp, SCIM_ERROR, SCIM_GROUP, SCIM_LIST, type ScimRequest, setUpScim } from '../helpers/scim.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import type { StoredRule } from '../helpers/sso-provider-rows.js';

/**
 * SCIM Groups (identity.md §5.6) and the roles they drive (§4.4), through `/scim/v2/Groups` with a directory's token:
 * the cases M8–M14, M19, M20, M24 and O2 of §12.5 with the bodies Entra and Okta send, and what each change does to
 * the members' grants — mapped roles come and go with membership, names and the group itself; manual grants stay.
 */
let server: TestServer;
const builtIn: Record<string, number> = {};
let h: { org: number; space: number; spaceB: number; project: number; custom: number; customProject: number };
let domainCount = 0;

beforeAll(async () => {
  server = await startTestServer();
  const roles = (await server.api('GET', '/v2/roles?is_predefined=true')).body.roles as { id: string; name: string }[];
  for (const r of roles) builtIn[Object.values(PREDEFINED_ROLES).find((p) => p.name === r.name)!.key] = parseId(r.id)!.n;
  const org = await createOrganization(server, 'scim-groups-org');
  const space = await createSpace(server, org, 'scim-groups-space');
  const spaceB = await createSpace(server, org, 'scim-groups-space-b');
  const project = await createProject(server, space, 'scim-groups-project');
  h = {
    org: parseId(org)!.n, space: parseId(space)!.n, spaceB: parseId(spaceB)!.n, project: parseId(project)!.n,
    custom: await insertCustomRole(server, 'scim-groups-space-viewer', ['SPACE_READ', 'PROJECT_READ']),
    customProject: await insertCustomRole(server, 'scim-groups-project-reader', ['PROJECT_READ']),
  };
});
afterAll(async () => server?.close());

/** The rules of every directory here: `engineers` → organization and space MEMBER; `viewers` → a custom space role on space B. */
const rules = (): StoredRule[] => [
  { attributes: { group: 'engineers' }, orgRole: { org_id: h.org, role_id: builtIn.MEMBER! }, spaceRoles: [{ space_id: h.space, role_id: builtIn.MEMBER! }] },
  { attributes: { group: 'viewers' }, spaceRoles: [{ space_id: h.spaceB, role_id: h.custom }] },
  { attributes: { groups: 'ext-123' }, projectRoles: [{ project_id: h.project, role_id: h.customProject }] },
];

/** A directory of its own (a new provider, domain and token), and two people on its validated domain. */
async function directory(): Promise<{ scim: ScimRequest; idpWireId: string; alice: FixtureUser; bob: FixtureUser }> {
  const domain = `groups${++domainCount}.example.com`;
  const { scim, idpWireId } = await setUpScim(server, { domains: [domain], rules: rules() });
  return {
    scim, idpWireId,
    alice: await createUserWithKey(server, { email: `alice@${domain}`, name: 'Alice A' }),
    bob: await createUserWithKey(server, { email: `bob@${domain}` }),
  };
}

const member = (u: FixtureUser) => ({ value: scimId('User', u.dbId) });

/** The user's memberships and bindings as `kind:resource:role:source` (source with the provider for synced rows). */
async function grants(u: FixtureUser): Promise<string[]> {
  const rows = await forAccount(server.context!.store.db, 1).syncedGrants.heldBy(u.dbId);
  return rows.map((r) => `${r.kind}:${r.resourceId}:${r.roleId}:${r.source}`).sort();
}

async function createGroup(scim: ScimRequest, body: Record<string, unknown>): Promise<string> {
  const res = await scim('POST', '/Groups', { schemas: [SCIM_GROUP], ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id as string;
}

/** The directory's SCIM_SYNC audit rows, oldest first. */
const syncRows = (idpWireId: string) => server.context!.store.db.selectFrom('audit_logs').selectAll()
  .where('operation_name', '=', `SCIM_SYNC ${idpWireId}`).orderBy('id').execute();

const engineerGrants = () => [`ORGANIZATION_MEMBERSHIP:${h.org}:${builtIn.MEMBER}:SCIM`, `SPACE_MEMBERSHIP:${h.space}:${builtIn.MEMBER}:SCIM`].sort();

describe('create, read and list (M8, M13, M19, O2, M24)', () => {
  it('O2: an empty directory lists no groups: 200, numeric startIndex and totalResults, no Resources', async () => {
    const { scim } = await directory();
    const res = await scim('GET', '/Groups?count=100&startIndex=1');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/scim\+json/);
    expect(res.body).toEqual({ schemas: [SCIM_LIST], totalResults: 0, itemsPerPage: 0, startIndex: 1 });
  });

  it('M8/M13/M19: filter finds nothing, POST creates (201, Location, displayName as sent), the filter then finds it in any case', async () => {
    const { scim, alice } = await directory();
    const filter = (name: string) => scim('GET', `/Groups?filter=${enc(`displayName eq "${name}"`)}`);
    expect((await filter('Platform Engineers')).body.totalResults).toBe(0);
    const res = await scim('POST', '/Groups', { schemas: [SCIM_GROUP], displayName: 'Platform Engineers', externalId: 'ext-9', members: [member(alice)] });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      schemas: [SCIM_GROUP], displayName: 'Platform Engineers', externalId: 'ext-9',
      members: [{ value: scimId('User', alice.dbId), display: 'Alice A', $ref: `${server.url}/scim/v2/Users/${scimId('User', alice.dbId)}` }],
      meta: { resourceType: 'Group' },
    });
    expect(res.body.id).toMatch(/^[A-Za-z0-9_-]+=*$/);
    expect(res.headers.get('location')).toBe(`${server.url}/scim/v2/Groups/${res.body.id}`);
    expect(res.body.meta.location).toBe(res.headers.get('location'));
    const found = await filter('platform engineers');
    expect(found.body.totalResults).toBe(1);
    expect(found.body.Resources[0].id).toBe(res.body.id);
    expect((await scim('GET', `/Groups?filter=${enc('externalId eq "ext-9"')}`)).body.totalResults).toBe(1);
    expect((await scim('GET', `/Groups?filter=${enc(`id eq "${res.body.id}"`)}`)).body.totalResults).toBe(1);
    const got = await scim('GET', `/Groups/${res.body.id}`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(res.body);
  });

  it('excludedAttributes=members leaves the members out, attributes=displayName keeps only it (with id and schemas)', async () => {
    const { scim, alice } = await directory();
    const id = await createGroup(scim, { displayName: 'projected', members: [member(alice)] });
    const list = await scim('GET', '/Groups?excludedAttributes=members');
    expect(list.body.Resources[0]).not.toHaveProperty('members');
    expect(list.body.Resources[0].displayName).toBe('projected');
    const one = await scim('GET', `/Groups/${id}?attributes=displayName`);
    expect(Object.keys(one.body).sort()).toEqual(['displayName', 'id', 'schemas']);
  });

  it('POST, PUT and PATCH answer with the attributes the request asks for; Location stays without meta', async () => {
    const { scim, alice } = await directory();
    const created = await scim('POST', '/Groups?excludedAttributes=members,meta', { schemas: [SCIM_GROUP], displayName: 'projected-write', members: [member(alice)] });
    expect(created.status).toBe(201);
    expect(Object.keys(created.body).sort()).toEqual(['displayName', 'id', 'schemas']);
    const id = created.body.id as string;
    expect(created.headers.get('location')).toBe(`${server.url}/scim/v2/Groups/${id}`);
    const replaced = await scim('PUT', `/Groups/${id}?attributes=displayName`, { schemas: [SCIM_GROUP], displayName: 'projected-renamed', members: [member(alice)] });
    expect(replaced.body).toEqual({ schemas: [SCIM_GROUP], id, displayName: 'projected-renamed' });
    const patched = await scim('PATCH', `/Groups/${id}?excludedAttributes=members`, patchOp({ op: 'remove', path: `members[value eq "${member(alice).value}"]` }));
    expect(patched.status).toBe(200);
    expect(patched.body).not.toHaveProperty('members');
    expect((await scim('GET', `/Groups/${id}`)).body.members ?? []).toEqual([]);
  });

  it('M24: 12 groups in pages of 5, each page 200 with startIndex page·5+1, none twice or missing', async () => {
    const { scim } = await directory();
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push(await createGroup(scim, { displayName: `page-${i}` }));
    const seen: string[] = [];
    for (let page = 0; page < 3; page++) {
      const res = await scim('GET', `/Groups?startIndex=${page * 5 + 1}&count=5`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ totalResults: 12, startIndex: page * 5 + 1, itemsPerPage: page < 2 ? 5 : 2 });
      seen.push(...res.body.Resources.map((g: { id: string }) => g.id));
    }
    expect(seen).toEqual(ids);
  });

  it('a duplicate displayName (any case) is 409 uniqueness; another directory may use the name', async () => {
    const { scim } = await directory();
    await createGroup(scim, { displayName: 'Dupes' });
    const res = await scim('POST', '/Groups', { schemas: [SCIM_GROUP], displayName: 'DUPES' });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ schemas: [SCIM_ERROR], status: '409', scimType: 'uniqueness' });
    const other = await directory();
    await createGroup(other.scim, { displayName: 'Dupes' });
  });

  it('an unknown member, or one the directory cannot see, is 400 invalidValue naming it, and nothing is created', async () => {
    const { scim } = await directory();
    const stranger = await createUserWithKey(server, { email: `stranger@elsewhere${domainCount}.example.org` });
    const ghost = scimId('User', 999_999);
    for (const value of [ghost, scimId('User', stranger.dbId), 'not-an-id']) {
      const res = await scim('POST', '/Groups', { schemas: [SCIM_GROUP], displayName: 'strangers', members: [{ value }] });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ scimType: 'invalidValue' });
      expect(res.body.detail).toContain(value);
    }
    expect((await scim('GET', `/Groups?filter=${enc('displayName eq "strangers"')}`)).body.totalResults).toBe(0);
  });

  it('bad requests: missing displayName, unsupported filter, unknown id, bad token', async () => {
    const { scim } = await directory();
    expect((await scim('POST', '/Groups', { schemas: [SCIM_GROUP] })).body).toMatchObject({ status: '400', scimType: 'invalidValue' });
    expect((await scim('GET', `/Groups?filter=${enc('displayName co "x"')}`)).body).toMatchObject({ status: '400', scimType: 'invalidFilter' });
    expect((await scim('GET', `/Groups?filter=${enc('members.value eq "x"')}`)).body).toMatchObject({ status: '400', scimType: 'invalidFilter' });
    expect((await scim('GET', `/Groups/${scimId('ScimGroup', 424242)}`)).status).toBe(404);
    expect((await scim('GET', '/Groups/garbage')).status).toBe(404);
    expect((await scim('GET', '/Groups', undefined, { token: 'axscim-nope' })).status).toBe(401);
  });

  it("a group of another directory is 404 and absent from this one's list", async () => {
    const a = await directory();
    const b = await directory();
    const id = await createGroup(a.scim, { displayName: 'private' });
    expect((await b.scim('GET', `/Groups/${id}`)).status).toBe(404);
    expect((await b.scim('PATCH', `/Groups/${id}`, patchOp({ op: 'replace', path: 'displayName', value: 'x' }))).status).toBe(404);
    expect((await b.scim('DELETE', `/Groups/${id}`)).status).toBe(404);
    expect((await b.scim('GET', '/Groups')).body.totalResults).toBe(0);
  });
});

describe('membership drives roles (M11, M12)', () => {
  it('M11: members added in Entra batches (duplicates included) gain the mapped organization and space roles; M12: removed, they lose them', async () => {
    const { scim, idpWireId, alice, bob } = await directory();
    const id = await createGroup(scim, { displayName: 'engineers' });
    expect(await grants(alice)).toEqual([]);
    let res = await scim('PATCH', `/Groups/${id}`, patchOp({ op: 'Add', path: 'members', value: [member(alice), member(bob), member(alice)] }));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.members.map((m: { value: string }) => m.value).sort()).toEqual([member(alice).value, member(bob).value].sort());
    res = await scim('PATCH', `/Groups/${id}`, patchOp({ op: 'Add', path: 'members', value: [member(bob)] }));
    expect(res.status).toBe(200);
    expect(await grants(alice)).toEqual(engineerGrants());
    expect(await grants(bob)).toEqual(engineerGrants());
    const canCreateProject = async (u: FixtureUser) => (await server.api('POST', '/v2/access/check', {
      body: { user_id: u.id, permission: 'PROJECT_CREATE', resource_id: encodeId('Space', h.space) },
    })).body.allowed;
    expect(await canCreateProject(alice)).toBe(true);

    res = await scim('PATCH', `/Groups/${id}`, patchOp({ op: 'Remove', path: `members[value eq "${member(alice).value}"]` }));
    expect(res.status).toBe(200);
    expect(res.body.members).toEqual([expect.objectContaining(member(bob))]);
    expect(await grants(alice)).toEqual([]);
    expect(await canCreateProject(alice)).toBe(false);
    expect(await grants(bob)).toEqual(engineerGrants());

    const syncs = await syncRows(idpWireId);
    expect(syncs.map((r) => JSON.parse(r.variables!).user_id)).toEqual([alice.id, bob.id, alice.id]);
    expect(syncs.every((r) => r.user_id === null)).toBe(true);
    expect(JSON.parse(syncs[2]!.operation_text!).removed).toHaveLength(2);
  });

  it('M12: manual grants stay — a resource an admin granted by hand is skipped while in the group and kept after removal', async () => {
    const { scim, idpWireId, alice } = await directory();
    const org = encodeId('Organization', h.org);
    const space = encodeId('Space', h.space);
    const asRole = (name: string) => ({ user_id: alice.id, role: { type: 'PREDEFINED', name } });
    expect((await server.api('POST', `/v2/organizations/${enc(org)}/users`, { body: asRole('MEMBER') })).status).toBe(200);
    expect((await server.api('POST', `/v2/spaces/${enc(space)}/users`, { body: asRole('READ_ONLY') })).status).toBe(200);
    const manual = [`ORGANIZATION_MEMBERSHIP:${h.org}:${builtIn.MEMBER}:MANUAL`, `SPACE_MEMBERSHIP:${h.space}:${builtIn.READ_ONLY}:MANUAL`].sort();
    expect(await grants(alice)).toEqual(manual);
    const id = await createGroup(scim, { displayName: 'engineers', members: [member(alice)] });
    expect(await grants(alice)).toEqual(manual);
    const [sync] = await syncRows(idpWireId);
    expect(JSON.parse(sync!.operation_text!).skipped).toEqual([
      { kind: 'ORGANIZATION_MEMBERSHIP', resource_id: org, reason: 'HELD_BY_ANOTHER_SOURCE' },
      { kind: 'SPACE_MEMBERSHIP', resource_id: space, reason: 'HELD_BY_ANOTHER_SOURCE' },
    ]);
    expect((await scim('PATCH', `/Groups/${id}`, patchOp({ op: 'Remove', path: `members[value eq "${member(alice).value}"]` }))).status).toBe(200);
    expect(await grants(alice)).toEqual(manual);
  });

  it('remove with path members and a value list, then with no value (all members)', async () => {
    const { scim, alice, bob } = await directory();
    const id = await createGroup(scim, { displayName: 'engineers', members: [member(alice), member(bob)] });
    let res = await scim('PATCH', `/Groups/${id}`, patchOp({ op: 'remove', path: 'members', value: [member(bob)] }));
    expect(res.body.members).toEqual([expect.objectContaining(member(alice))]);
    expect(await grants(bob)).toEqual([]);
    res = await scim('PATCH', `/Groups/${id}`, patchOp({ op: 'remove', path: 'members' }));
    expect(res.status).toBe(200);
    expect(res.body.members ?? []).toEqual([]);
    expect(await grants(alice)).toEqual([]);
  });

  it('a PATCH with one bad operation applies none of them', async () => {
    const { scim, alice } = await directory();
    const id = await createGroup(scim, { displayName: 'engineers' });
    const res = await scim('PATCH', `/Groups/${id}`, patchOp(
      { op: 'add', path: 'members', value: [member(alice)] },
      { op: 'replace', path: 'nickName', value: 'x' },
    ));
    expect(res.status).toBe(400);
    expect(res.body.scimType).toBe('invalidPath');
    expect((await scim('GET', `/Groups/${id}`)).body.members ?? []).toEqual([]);
    expect(await grants(alice)).toEqual([]);
  });
});

describe('rename, replace and delete (M9, M10, M14, M20)', () => {
  it('M9: a rename follows the mapping — the rule on the old name stops matching, the rule on the new one starts', async () => {
    const { scim, alice } = await directory();
    const id = await createGroup(scim, { displayName: 'engineers', members: [member(alice)] });
    expect(await grants(alice)).toEqual(engineerGrants());
    const res = await scim('PATCH', `/Groups/${id}`, patchOp({ op: 'Replace', path: 'displayName', value: 'viewers' }));
    expect(res.status).toBe(200);
    expect(res.body.displayName).toBe('viewers');
    expect(await grants(alice)).toEqual([`SPACE_BINDING:${h.spaceB}:${h.custom}:SCIM`]);
  });

  it('M20: PATCH Replace of externalId and displayName, and Okta\'s path-less replace with the id; GET matches; the externalId is mapping input', async () => {
    const { scim, alice } = await directory();
    const id = await createGroup(scim, { displayName: 'renamed-by-okta', members: [member(alice)] });
    let res = await scim('PATCH', `/Groups/${id}`, patchOp({ op: 'Replace', path: 'externalId', value: 'ext-123' }));
    expect(res.status).toBe(200);
    expect(await grants(alice)).toEqual([`PROJECT_BINDING:${h.project}:${h.customProject}:SCIM`]);
    res = await scim('PATCH', `/Groups/${id}`, patchOp({ op: 'replace', value: { id, displayName: 'Okta Name' } }));
    expect(res.status).toBe(200);
    const got = await scim('GET', `/Groups/${id}`);
    expect(got.body).toMatchObject({ id, displayName: 'Okta Name', externalId: 'ext-123' });
    expect((await scim('PATCH', `/Groups/${id}`, patchOp({ op: 'replace', value: { id: scimId('ScimGroup', 777_777) } }))).body.scimType).toBe('mutability');
  });

  it('PUT replaces name, externalId and members (200); a name another group holds is 409', async () => {
    const { scim, alice, bob } = await directory();
    await createGroup(scim, { displayName: 'taken' });
    const id = await createGroup(scim, { displayName: 'Engineers', externalId: 'ext-0', members: [member(alice)] });
    const res = await scim('PUT', `/Groups/${id}`, { schemas: [SCIM_GROUP], displayName: 'engineers', members: [member(bob)] });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ displayName: 'engineers', members: [expect.objectContaining(member(bob))] });
    expect(res.body).not.toHaveProperty('externalId');
    expect(await grants(alice)).toEqual([]);
    expect(await grants(bob)).toEqual(engineerGrants());
    expect((await scim('PUT', `/Groups/${id}`, { schemas: [SCIM_GROUP], displayName: 'Taken' })).body.scimType).toBe('uniqueness');
  });

  it('M10/M14: DELETE is 204, then 404 and filtered out; what the group alone gave goes, what another group also gives stays; the name can be created again', async () => {
    const { scim, alice, bob } = await directory();
    const id = await createGroup(scim, { displayName: 'engineers', members: [member(alice), member(bob)] });
    await createGroup(scim, { displayName: 'also-engineers', externalId: 'engineers', members: [member(bob)] });
    expect((await scim('DELETE', `/Groups/${id}`)).status).toBe(204);
    expect((await scim('GET', `/Groups/${id}`)).status).toBe(404);
    expect((await scim('GET', `/Groups?filter=${enc('displayName eq "engineers"')}`)).body.totalResults).toBe(0);
    expect(await grants(alice)).toEqual([]);
    // bob's other group carries "engineers" as its externalId: the same rule still matches him.
    expect(await grants(bob)).toEqual(engineerGrants());
    await createGroup(scim, { displayName: 'engineers' });
  });
});

describe('large groups', () => {
  it('a group of 1,200 members is created in one request, listed whole, and emptied in one PATCH', async () => {
    const { scim } = await directory();
    const domain = `groups${domainCount}.example.com`;
    const now = new Date().toISOString();
    const ids: number[] = [];
    for (let start = 0; start < 1200; start += 200) {
      const rows = await server.context!.store.db.insertInto('users').values(Array.from({ length: 200 }, (_, i) => {
        const email = `bulk${start + i}@${domain}`;
        return {
          account_id: 1, name: email, email, email_lower: email, role: 'MEMBER' as const, status: 'ACTIVE' as const, is_developer: 1, is_bot: 0,
          password_hash: null, must_change_password: 0, deleted_at: null, created_at: now, updated_at: now,
        };
      })).returning('id').execute();
      ids.push(...rows.map((r) => r.id));
    }
    const members = ids.map((n) => ({ value: scimId('User', n) }));
    const id = await createGroup(scim, { displayName: 'everyone', members: [...members, ...members.slice(0, 10)] });
    expect((await scim('GET', `/Groups/${id}`)).body.members).toHaveLength(1200);
    const res = await scim('PATCH', `/Groups/${id}`, patchOp({ op: 'remove', path: 'members' }));
    expect(res.status).toBe(200);
    expect(res.body.members ?? []).toEqual([]);
  });
});

describe('the access snapshot', () => {
  it('a membership change patches the loaded snapshot instead of rebuilding it, whether it moves role bindings or memberships', async () => {
    const { scim, alice } = await directory();
    const id = await createGroup(scim, { displayName: 'viewers' });
    const access = server.context!.access;
    const canReadSpaceB = async () => (await server.api('GET', `/v2/spaces/${enc(encodeId('Space', h.spaceB))}`, { key: alice.key })).status;
    expect(await canReadSpaceB()).toBe(404);
    const loaded = await access.get(1);
    expect((await scim('PATCH', `/Groups/${id}`, patchOp({ op: 'Add', path: 'members', value: [member(alice)] }))).status).toBe(200);
    expect(await access.get(1)).toBe(loaded);
    expect(await canReadSpaceB()).toBe(200);
    expect((await scim('PATCH', `/Groups/${id}`, patchOp({ op: 'Remove', path: `members[value eq "${member(alice).value}"]` }))).status).toBe(200);
    expect(await access.get(1)).toBe(loaded);
    expect(await canReadSpaceB()).toBe(404);
    // One that moves memberships (the organization's, implied, and the space's) too.
    const canReadSpace = async () => (await server.api('GET', `/v2/spaces/${enc(encodeId('Space', h.space))}`, { key: alice.key })).status;
    expect(await canReadSpace()).toBe(404);
    expect((await scim('POST', '/Groups', { schemas: [SCIM_GROUP], displayName: 'engineers', members: [member(alice)] })).status).toBe(201);
    expect(await access.get(1)).toBe(loaded);
    expect(await canReadSpace()).toBe(200);
  });
});

describe('deleting the identity provider', () => {
  it('removes its SCIM groups and their memberships, hands their grants to the admins and refuses its token', async () => {
    const { scim, idpWireId, alice } = await directory();
    await createGroup(scim, { displayName: 'engineers', members: [member(alice)] });
    expect(await grants(alice)).toContain(`SPACE_MEMBERSHIP:${h.space}:${builtIn.MEMBER}:SCIM`);
    expect((await server.api('DELETE', `/v2/saml-identity-providers/${enc(idpWireId)}`)).status).toBe(204);
    const groups = await server.context!.store.db.selectFrom('scim_groups').select('id').where('display_name', '=', 'engineers')
      .where('idp_id', '=', parseId(idpWireId)!.n).execute();
    expect(groups).toEqual([]);
    expect(await grants(alice)).toContain(`SPACE_MEMBERSHIP:${h.space}:${builtIn.MEMBER}:MANUAL`);
    expect((await scim('GET', '/Groups')).status).toBe(401);
    const tokens = await server.context!.store.db.selectFrom('scim_tokens').select('revoked_at').where('idp_id', '=', parseId(idpWireId)!.n).execute();
    expect(tokens.length).toBeGreaterThan(0);
    expect(tokens.every((t) => t.revoked_at !== null)).toBe(true);
  });
});

describe('the audit log', () => {
  it("lists a directory's changes, with no user (User:0) and the SCIM token as the actor", async () => {
    const { scim } = await directory();
    await createGroup(scim, { displayName: 'audited-group' });
    const logs = (await server.api('GET', '/v2/audit-logs?limit=20')).body.logs as { user_id: string; operation_name?: string; variables?: string }[];
    const row = logs.find((l) => l.operation_name === 'POST /scim/v2/Groups');
    expect(row?.user_id).toBe(encodeId('User', 0));
    expect(JSON.parse(row!.variables!).actor).toMatch(/^scim_token:/);
  });
});

describe('paging past the end', () => {
  it('a startIndex beyond any row (even one that parses as Infinity) is an empty page, not a 500', async () => {
    const { scim } = await directory();
    await createGroup(scim, { displayName: 'only-one' });
    for (const path of ['/Groups?startIndex=1e309', '/Users?startIndex=1e309', '/Groups?startIndex=99999999999999']) {
      const res = await scim('GET', path);
      expect(res.status, path).toBe(200);
      expect(res.body.Resources, path).toBeUndefined();
    }
  });
});
