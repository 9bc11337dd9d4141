import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackend } from '../helpers/database.js';
import { encodeId, parseId } from '../../src/domain/ids.js';
import { parseScimId, scimId } from '../../src/domain/scim-ids.js';
import type { AccessChange } from '../../src/store/change-feed.js';
import { createUserWithKey, type FixtureUser } from '../helpers/fixtures.js';
import { createScimUser, patchOp, SCIM_GROUP, SCIM_USER, setUpScim } from '../helpers/scim.js';
import { insertProvider } from '../helpers/sso-provider-rows.js';
import { CookieJar } from '../helpers/cookie-jar.js';
import { signInAtOp, startOidcOp } from '../helpers/oidc-op.js';
import { callProcess, type ProcessPair, snapshotBuildsOf, startProcessPair } from '../helpers/server-process.js';
import type { TestServer } from '../helpers/server.js';
import { serverCountingSnapshotBuilds } from '../helpers/snapshot-builds.js';

/**
 * Membership and restriction changes, new or changed organizations, spaces and projects, new users, account role
 * changes, a person's deactivation, reactivation and deletion (by an admin, or by a directory's SCIM DELETE), service keys' bots, project renames, and deletes of organizations, spaces and projects patch the loaded access snapshot
 * as role bindings do (renames, new invitations, password resets and the other key operations leave it as it is): each takes effect on the next request without a rebuild (which costs a 10k-user account ~0.25 s and a 100k-user one seconds, every
 * request of the account waiting), and the patched snapshot decides every question as one rebuilt from the
 * database afterwards.
 */
const enc = encodeURIComponent;
const MEMBER = { type: 'PREDEFINED', name: 'MEMBER' } as const;

describe('membership, restriction and hierarchy changes in the process that makes them', () => {
  // Single sign-on against an OpenID Provider on loopback, its client secret sealed.
  const counting = serverCountingSnapshotBuilds({ env: { AX_SSO_ALLOWED_PRIVATE_HOSTS: '127.0.0.1', AX_SECRETS_KEY: randomBytes(32).toString('base64') } });
  let server: TestServer;
  const builds = counting.builds;
  beforeAll(() => { server = counting.server(); });
  /** The id of what an admin's POST created. */
  const created = async (path: string, body: unknown) => {
    const res = await server.api('POST', path, { body });
    expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
    return res.body.id as string;
  };

  it('take effect at once, patched rather than rebuilt, and decide as a rebuilt snapshot does', async () => {
    const org = await created('/v2/organizations', { name: 'patch-org' });
    const open = await created('/v2/spaces', { name: 'patch-open', organization_id: org });
    const closed = await created('/v2/spaces', { name: 'patch-closed', organization_id: org, is_private: true });
    const openProject = await created('/v2/projects', { name: 'patch-open-project', space_id: open });
    const closedProject = await created('/v2/projects', { name: 'patch-closed-project', space_id: closed });
    const user: FixtureUser = await createUserWithKey(server, { email: 'patched@example.com' });
    const other: FixtureUser = await createUserWithKey(server, { email: 'patched-other@example.com' });
    const leaver: FixtureUser = await createUserWithKey(server, { email: 'patched-leaver@example.com' });
    const roles = (await server.api('GET', '/v2/roles?is_predefined=true')).body.roles as { id: string; name: string }[];
    const memberRole = roles.find((r) => r.name === 'Member')!.id;
    await created(`/v2/organizations/${enc(org)}/users`, { user_id: other.id, role: MEMBER });
    await created(`/v2/spaces/${enc(open)}/users`, { user_id: other.id, role: MEMBER });
    await created(`/v2/organizations/${enc(org)}/users`, { user_id: leaver.id, role: MEMBER });

    const questions: [FixtureUser, string, string][] = [
      [user, 'ORGANIZATION_READ', org], [user, 'SPACE_CREATE', org], [user, 'SPACE_READ', open], [user, 'SPACE_READ', closed],
      [user, 'SPACE_UPDATE', closed], [user, 'PROJECT_READ', openProject], [user, 'PROJECT_READ', closedProject],
      [other, 'SPACE_READ', open], [other, 'SPACE_READ', closed], [other, 'PROJECT_READ', openProject], [other, 'PROJECT_READ', closedProject],
      [leaver, 'ORGANIZATION_READ', org], [leaver, 'SPACE_READ', open],
    ];
    const decide = async (): Promise<Record<string, boolean>> => {
      const res = await server.api('POST', '/v2/access/checks', {
        body: { checks: questions.map(([who, permission, resource]) => ({ user_id: who.id, permission, resource_id: resource })) },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const results = res.body.results as { allowed: boolean }[];
      return Object.fromEntries(questions.map(([who, permission, resource], i) => [`${who.email} ${permission} ${resource}`, results[i]!.allowed]));
    };
    const allowed = (decisions: Record<string, boolean>, who: FixtureUser, permission: string, resource: string) =>
      decisions[`${who.email} ${permission} ${resource}`];
    /** The change, then the decisions it left: made on the patched snapshot, then again on one rebuilt from the database. */
    const after = async (change: () => Promise<{ status: number; body: unknown }>) => {
      await decide(); // the snapshot is loaded
      const before = builds();
      const res = await change();
      expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
      const patched = await decide();
      expect(builds(), 'a rebuild of the access snapshot').toBe(before);
      // A change that declares no edits: the next question rebuilds the snapshot from the database.
      server.context!.changes.deliverHere({ accountId: 1 });
      expect(await decide()).toEqual(patched);
      expect(builds()).toBe(before + 1);
      return patched;
    };

    let d = await after(() => server.api('POST', `/v2/organizations/${enc(org)}/users`, { body: { user_id: user.id, role: MEMBER } }));
    expect([allowed(d, user, 'SPACE_CREATE', org), allowed(d, user, 'SPACE_READ', open), allowed(d, user, 'SPACE_READ', closed)]).toEqual([true, true, false]);

    // A space its creator is made ADMIN of (no admin role above it), then one made private and public again.
    let made: { status: number; body: { id: string } } | undefined;
    d = await after(async () => made = await server.api('POST', '/v2/spaces', { body: { name: 'patch-by-member', organization_id: org, is_private: true }, key: user.key }));
    questions.push([user, 'SPACE_UPDATE', made!.body.id], [other, 'SPACE_READ', made!.body.id]);
    d = await decide();
    expect([allowed(d, user, 'SPACE_UPDATE', made!.body.id), allowed(d, other, 'SPACE_READ', made!.body.id)]).toEqual([true, false]);
    d = await after(() => server.api('PATCH', `/v2/spaces/${enc(closed)}`, { body: { is_private: false } }));
    expect(allowed(d, other, 'SPACE_READ', closed)).toBe(true);
    d = await after(() => server.api('PATCH', `/v2/spaces/${enc(closed)}`, { body: { is_private: true } }));
    expect(allowed(d, other, 'SPACE_READ', closed)).toBe(false);
    // A custom role: created, bound, given other permissions (its holder re-evaluated), unbound and deleted.
    d = await after(async () => made = await server.api('POST', '/v2/roles', { body: { name: 'patch-custom', permissions: ['SPACE_READ'] } }));
    const custom = made!.body.id;
    d = await after(async () => made = await server.api('POST', '/v2/role-bindings', {
      body: { user_id: other.id, role_id: custom, resource_type: 'SPACE', resource_id: closed },
    }));
    const customBinding = made!.body.id;
    expect(allowed(d, other, 'SPACE_READ', closed)).toBe(true);
    d = await after(() => server.api('PATCH', `/v2/roles/${enc(custom)}`, { body: { permissions: ['TAG_READ'] } }));
    expect(allowed(d, other, 'SPACE_READ', closed)).toBe(false);
    questions.push([other, 'SPACE_UPDATE', closed]);
    d = await after(() => server.api('PATCH', `/v2/roles/${enc(custom)}`, { body: { permissions: ['SPACE_READ', 'SPACE_UPDATE'], name: 'patch-custom-renamed' } }));
    expect([allowed(d, other, 'SPACE_READ', closed), allowed(d, other, 'SPACE_UPDATE', closed)]).toEqual([true, true]);
    d = await after(() => server.api('PATCH', `/v2/roles/${enc(custom)}`, { body: { description: 'only the description' } }));
    expect(allowed(d, other, 'SPACE_UPDATE', closed)).toBe(true);
    d = await after(() => server.api('DELETE', `/v2/role-bindings/${enc(customBinding)}`));
    expect(allowed(d, other, 'SPACE_READ', closed)).toBe(false);
    d = await after(() => server.api('DELETE', `/v2/roles/${enc(custom)}`));
    d = await after(async () => made = await server.api('POST', '/v2/projects', { body: { name: 'patch-new-project', space_id: open } }));
    const newProject = made!.body.id;
    questions.push([other, 'PROJECT_READ', newProject]);
    expect(allowed(await decide(), other, 'PROJECT_READ', newProject)).toBe(true);
    d = await after(async () => made = await server.api('POST', '/v2/organizations', { body: { name: 'patch-new-org' } }));
    const newOrg = made!.body.id;
    questions.push([user, 'ORGANIZATION_READ', newOrg]);
    d = await after(() => server.api('PATCH', `/v2/organizations/${enc(newOrg)}`, { body: { name: 'patch-renamed-org' } }));
    d = await after(() => server.api('POST', `/v2/organizations/${enc(newOrg)}/users`, { body: { user_id: user.id, role: MEMBER } }));
    expect(allowed(d, user, 'ORGANIZATION_READ', newOrg)).toBe(true);

    d = await after(() => server.api('POST', `/v2/organizations/${enc(org)}/users`, { body: { user_id: user.id, role: { type: 'PREDEFINED', name: 'READ_ONLY' } } }));
    expect([allowed(d, user, 'SPACE_CREATE', org), allowed(d, user, 'SPACE_READ', open)]).toEqual([false, true]);

    d = await after(() => server.api('POST', `/v2/spaces/${enc(closed)}/users`, { body: { user_id: user.id, role: MEMBER } }));
    expect([allowed(d, user, 'SPACE_READ', closed), allowed(d, user, 'PROJECT_READ', closedProject)]).toEqual([true, true]);

    // Bindings the space membership's removal must take with it (a patch that kept them would still grant the project).
    for (const [type, id] of [['SPACE', closed], ['PROJECT', closedProject], ['PROJECT', openProject]] as const) {
      await created('/v2/role-bindings', { user_id: user.id, role_id: memberRole, resource_type: type, resource_id: id });
    }
    // A project renamed: the explanations of the snapshot name it so at once, without a rebuild.
    const beforeRename = builds();
    expect((await server.api('PATCH', `/v2/projects/${enc(openProject)}`, { body: { name: 'patch-renamed-project' } })).status).toBe(200);
    const why = await server.api('POST', '/v2/access/check', { body: { user_id: user.id, permission: 'PROJECT_READ', resource_id: openProject } });
    expect(JSON.stringify(why.body.reasons)).toContain('(patch-renamed-project)');
    expect(builds(), 'a rebuild of the access snapshot').toBe(beforeRename);
    d = await after(() => server.api('POST', '/v2/resource-restrictions', { body: { resource_id: openProject } }));
    expect([allowed(d, user, 'PROJECT_READ', openProject), allowed(d, other, 'PROJECT_READ', openProject)]).toEqual([true, false]);

    // Users: a new one (not active until it accepts), a new invitation, an account role changed there and back, a rename.
    d = await after(async () => made = await server.api('POST', '/v2/users', {
      body: { name: 'Patched Invitee', email: 'patched-invitee@example.com', role: MEMBER, invite_mode: 'NONE' },
    }));
    const invitee = { id: made!.body.id, email: 'patched-invitee@example.com' } as FixtureUser;
    questions.push([invitee, 'ORGANIZATION_READ', org]);
    d = await after(() => server.api('POST', `/v2/organizations/${enc(org)}/users`, { body: { user_id: invitee.id, role: MEMBER } }));
    d = await after(() => server.api('POST', `/v2/users/${enc(invitee.id)}/resend-invitation`));
    d = await after(() => server.api('PUT', `/v2/users/${enc(user.id)}/role`, { body: { role: 'ADMIN' } }));
    expect(allowed(d, user, 'SPACE_UPDATE', closed)).toBe(true);
    d = await after(() => server.api('PUT', `/v2/users/${enc(user.id)}/role`, { body: { role: 'MEMBER' } }));
    expect(allowed(d, user, 'SPACE_UPDATE', closed)).toBe(false);
    d = await after(() => server.api('PATCH', `/v2/users/${enc(user.id)}`, { body: { name: 'Patched Renamed' } }));

    // Keys: a USER key made and revoked; a SERVICE key (its bot joins the organization and the space), refreshed and
    // handed to another creator.
    d = await after(async () => made = await server.api('POST', '/v2/api-keys', { body: { name: 'patched-user-key', key_type: 'USER' }, key: user.key }));
    const userKey = made!.body.id;
    d = await after(() => server.api('PUT', `/v2/api-keys/${enc(userKey)}/revoke`));
    let service: { status: number; body: { id: string; bot_user: { id: string } } } | undefined;
    d = await after(async () => service = await server.api('POST', '/v2/api-keys', {
      body: { name: 'patched-service-key', key_type: 'SERVICE', organizations: [{ org_id: org, spaces: [{ space_id: open }] }] },
    }));
    const bot = { id: service!.body.bot_user.id, email: 'the bot' } as FixtureUser;
    questions.push([bot, 'SPACE_READ', open], [bot, 'PROJECT_CREATE', open], [bot, 'SPACE_READ', closed]);
    d = await decide();
    expect([allowed(d, bot, 'SPACE_READ', open), allowed(d, bot, 'PROJECT_CREATE', open), allowed(d, bot, 'SPACE_READ', closed)]).toEqual([true, true, false]);
    d = await after(async () => service = await server.api('POST', `/v2/api-keys/${enc(service!.body.id)}/refresh`, { body: {} }));
    d = await after(() => server.api('POST', `/v2/api-keys/${enc(service!.body.id)}/transfer`, { body: { created_by_user_id: other.id } }));

    // A person deactivated (holding nothing meanwhile), reactivated, then deleted with its grants.
    const leaverHolds = (decisions: Record<string, boolean>) => [allowed(decisions, leaver, 'ORGANIZATION_READ', org), allowed(decisions, leaver, 'SPACE_READ', open)];
    expect(leaverHolds(d)).toEqual([true, true]);
    d = await after(() => server.api('POST', `/v2/users/${enc(leaver.id)}/deactivate`));
    expect(leaverHolds(d)).toEqual([false, false]);
    d = await after(() => server.api('POST', `/v2/users/${enc(leaver.id)}/reactivate`));
    expect(leaverHolds(d)).toEqual([true, true]);
    d = await after(() => server.api('DELETE', `/v2/users/${enc(leaver.id)}`));
    expect(leaverHolds(d)).toEqual([false, false]);

    d = await after(() => server.api('DELETE', `/v2/spaces/${enc(closed)}/users/${enc(user.id)}`));
    expect([allowed(d, user, 'SPACE_READ', closed), allowed(d, user, 'PROJECT_READ', closedProject)]).toEqual([false, false]);

    d = await after(() => server.api('DELETE', `/v2/resource-restrictions/${enc(openProject)}`));
    expect(allowed(d, other, 'PROJECT_READ', openProject)).toBe(true);

    d = await after(() => server.api('DELETE', `/v2/organizations/${enc(org)}/users/${enc(user.id)}`));
    // Everything the user held in the organization went with it (its spaces' memberships, bindings on them and their projects).
    const inOrg = questions.filter(([who, , resource]) => who === user && resource !== newOrg);
    expect(allowed(d, invitee, 'ORGANIZATION_READ', org)).toBe(false);
    expect(inOrg.map(([, permission, resource]) => allowed(d, user, permission, resource))).toEqual(inOrg.map(() => false));
    expect(allowed(d, user, 'ORGANIZATION_READ', newOrg)).toBe(true);

    // Deletes: a project, a space (its memberships and bindings, the bot's included), organizations (their spaces).
    d = await after(() => server.api('DELETE', `/v2/projects/${enc(newProject)}`));
    expect(allowed(d, other, 'PROJECT_READ', newProject)).toBe(false);
    d = await after(() => server.api('DELETE', `/v2/spaces/${enc(open)}`));
    expect([allowed(d, other, 'SPACE_READ', open), allowed(d, bot, 'SPACE_READ', open), allowed(d, other, 'PROJECT_READ', openProject)]).toEqual([false, false, false]);
    d = await after(() => server.api('DELETE', `/v2/organizations/${enc(newOrg)}`));
    expect(allowed(d, user, 'ORGANIZATION_READ', newOrg)).toBe(false);
    d = await after(() => server.api('DELETE', `/v2/organizations/${enc(org)}`));
    expect(Object.values(d).every((allowedThere) => !allowedThere)).toBe(true);
  });

  it("a directory's DELETE of a person (SCIM) patches it too: the person's grants go, as a rebuilt snapshot decides", async () => {
    const directory = await setUpScim(server, { domains: ['patched-directory.example'] });
    const email = 'leaving@patched-directory.example';
    await createScimUser(directory.scim, { userName: email, emails: [{ primary: true, value: email }], active: true });
    const row = await server.context!.store.db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirstOrThrow();
    const person = encodeId('User', row.id);
    const org = (await server.api('POST', '/v2/organizations', { body: { name: 'directory-patch-org' } })).body.id as string;
    expect((await server.api('POST', `/v2/organizations/${enc(org)}/users`, { body: { user_id: person, role: MEMBER } })).status).toBe(200);
    // Who has access to the organization (a check about a deleted person is a 404 that reads no snapshot).
    const reads = async () => ((await server.api('GET', `/v2/access/principals?resource_id=${enc(org)}`)).body.principals as { user_id: string }[])
      .map((p) => p.user_id);
    expect(await reads()).toContain(person);
    const before = builds();

    expect((await directory.scim('DELETE', `/Users/${scimId('User', row.id)}`)).status).toBe(204);
    const patched = await reads();
    expect(patched).not.toContain(person);
    expect(builds(), 'a rebuild of the access snapshot').toBe(before);
    server.context!.changes.deliverHere({ accountId: 1 });
    expect(await reads()).toEqual(patched);
    expect(builds()).toBe(before + 1);
  });

  it("an identity provider's grants patch it too: a directory's group changes moving memberships, and a deactivation taking synced grants back", async () => {
    const org = await created('/v2/organizations', { name: 'synced-patch-org' });
    const space = await created('/v2/spaces', { name: 'synced-patch-space', organization_id: org, is_private: true });
    const roles = (await server.api('GET', '/v2/roles?is_predefined=true')).body.roles as { id: string; name: string }[];
    const roleRow = (name: string) => parseId(roles.find((r) => r.name === name)!.id)!.n;
    const directory = await setUpScim(server, {
      domains: ['patched-sync.example'], rules: [{ attributes: { group: 'patch-data' }, spaceRoles: [{ space_id: parseId(space)!.n, role_id: roleRow('Member') }] }],
    });
    const email = 'synced@patched-sync.example';
    const scimUser = await createScimUser(directory.scim, { userName: email, emails: [{ primary: true, value: email }], active: true });
    const synced = encodeId('User', parseScimId('User', scimUser)!);
    // A person an SSO login gave grants to (its rows as a sync writes them), beside one an admin gave it.
    const sso = await insertProvider(server, 'patched-sso.example', []);
    const person = await createUserWithKey(server, { email: 'sso-synced@example.com' });
    const now = new Date().toISOString();
    const db = server.context!.store.db;
    await db.insertInto('organization_memberships').values({
      account_id: 1, organization_id: parseId(org)!.n, user_id: person.dbId, role_id: roleRow('Read Only'), source: 'MANUAL', source_idp_id: null, created_at: now, updated_at: now,
    }).execute();
    await db.insertInto('space_memberships').values({
      account_id: 1, space_id: parseId(space)!.n, user_id: person.dbId, role_id: roleRow('Member'), source: 'SSO', source_idp_id: sso, created_at: now, updated_at: now,
    }).execute();
    server.context!.changes.deliverHere({ accountId: 1 });

    const questions = [['ORGANIZATION_READ', org], ['SPACE_READ', space], ['PROJECT_CREATE', space]] as const;
    const decide = async (who: string) => {
      const res = await server.api('POST', '/v2/access/checks', { body: { checks: questions.map(([permission, resource]) => ({ user_id: who, permission, resource_id: resource })) } });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return (res.body.results as { allowed: boolean }[]).map((r) => r.allowed);
    };
    /** The change's decisions about `who`, made on the patched snapshot, then on one rebuilt (a change that declares no edits). */
    const patchedThenRebuilt = async (who: string, change: () => Promise<{ status: number; body: unknown }>, read: (who: string) => Promise<unknown> = decide) => {
      await read(who);
      const before = builds();
      const res = await change();
      expect(res.status, JSON.stringify(res.body)).toBeLessThan(400); // a sign-in's answer is a redirect
      const patched = await read(who);
      expect(builds(), 'a rebuild of the access snapshot').toBe(before);
      server.context!.changes.deliverHere({ accountId: 1 });
      expect(await read(who)).toEqual(patched);
      expect(builds()).toBe(before + 1);
      return patched;
    };

    let groupId = '';
    expect(await patchedThenRebuilt(synced, async () => {
      const res = await directory.scim('POST', '/Groups', { schemas: [SCIM_GROUP], displayName: 'patch-data', members: [{ value: scimUser }] });
      groupId = res.body.id as string;
      return res;
    })).toEqual([true, true, true]);
    const members = (op: string) => () => directory.scim('PATCH', `/Groups/${groupId}`, patchOp(op === 'remove'
      ? { op: 'Remove', path: `members[value eq "${scimUser}"]` } : { op: 'Add', path: 'members', value: [{ value: scimUser }] }));
    expect(await patchedThenRebuilt(synced, members('remove'))).toEqual([false, false, false]);
    expect(await patchedThenRebuilt(synced, members('add'))).toEqual([true, true, true]);

    // The directory's writes to the person: deactivated (its synced grants taken back), reactivated (synced again),
    // renamed (nothing the snapshot holds).
    const activeSetTo = (value: boolean) => () => directory.scim('PATCH', `/Users/${scimUser}`, patchOp({ op: 'Replace', path: 'active', value }));
    expect(await patchedThenRebuilt(synced, activeSetTo(false))).toEqual([false, false, false]);
    expect(await patchedThenRebuilt(synced, activeSetTo(true))).toEqual([true, true, true]);
    expect(await patchedThenRebuilt(synced, () => directory.scim('PUT', `/Users/${scimUser}`, {
      schemas: [SCIM_USER], userName: email, name: { givenName: 'Renamed', familyName: 'Person' }, emails: [{ primary: true, value: email }], active: true,
    }))).toEqual([true, true, true]);
    // An admin's change of the provider's rules: its directory's people are synced again at once.
    const mappings = `/v2/saml-identity-providers/${enc(directory.idpWireId)}/role-mappings`;
    const rule = ((await server.api('GET', mappings)).body.role_mappings as { id: string }[])[0]!.id;
    const spaceMember = { space_roles: [{ space_id: space, role_id: roles.find((r) => r.name === 'Member')!.id }] };
    let second = '';
    expect(await patchedThenRebuilt(synced, async () => {
      const res = await server.api('POST', mappings, { body: { attributes_map: { group: 'patch-other' }, ...spaceMember } });
      second = res.body.id as string;
      return res;
    })).toEqual([true, true, true]);
    expect(await patchedThenRebuilt(synced, () => server.api('DELETE', `${mappings}/${enc(rule)}`))).toEqual([false, false, false]);
    expect(await patchedThenRebuilt(synced, () => server.api('PATCH', `${mappings}/${enc(second)}`, { body: { attributes_map: { group: 'patch-data' } } })))
      .toEqual([true, true, true]);
    // Account roles the syncs move: a group whose mapping makes its members account admins (an organization the
    // person has no grant in tells), the directory's deactivation demoting the person, its reactivation promoting it
    // again, and a change of the provider's defaults resyncing everyone.
    const elsewhere = await created('/v2/organizations', { name: 'synced-patch-elsewhere' });
    const readsElsewhere = async (who: string) => {
      const res = await server.api('POST', '/v2/access/checks', { body: { checks: [{ user_id: who, permission: 'ORGANIZATION_READ', resource_id: elsewhere }] } });
      return (res.body.results as { allowed: boolean }[])[0]!.allowed;
    };
    expect(await patchedThenRebuilt(synced, () => server.api('POST', mappings, { body: { attributes_map: { group: 'patch-admins' }, is_account_admin: true } }), readsElsewhere))
      .toBe(false);
    expect(await patchedThenRebuilt(synced, () => directory.scim('POST', '/Groups', { schemas: [SCIM_GROUP], displayName: 'patch-admins', members: [{ value: scimUser }] }), readsElsewhere))
      .toBe(true);
    expect(await patchedThenRebuilt(synced, activeSetTo(false), readsElsewhere)).toBe(false);
    expect(await patchedThenRebuilt(synced, activeSetTo(true), readsElsewhere)).toBe(true);
    expect(await patchedThenRebuilt(synced, () => server.api('PATCH', `/v2/saml-identity-providers/${enc(directory.idpWireId)}`, { body: { allow_default_login: false } }), readsElsewhere))
      .toBe(true);
    expect((await server.api('GET', `/v2/users/${enc(synced)}`)).body.role).toMatchObject({ name: 'ADMIN' });

    // People the directory creates: active and in none of its groups, or created deactivated.
    for (const active of [true, false]) {
      const before = builds();
      const newcomer = `newcomer-${active}@patched-sync.example`;
      const id = encodeId('User', parseScimId('User', await createScimUser(directory.scim, { userName: newcomer, emails: [{ primary: true, value: newcomer }], active }))!);
      const patched = await decide(id);
      expect(builds(), 'a rebuild of the access snapshot').toBe(before);
      const listed = async () => ((await server.api('GET', `/v2/access/principals?resource_id=${enc(org)}`)).body.principals as { user_id: string }[])
        .some((p) => p.user_id === id);
      expect(await listed()).toBe(false);
      server.context!.changes.deliverHere({ accountId: 1 });
      expect([await decide(id), await listed()]).toEqual([patched, false]);
      expect(builds()).toBe(before + 1);
    }

    expect(await decide(person.id)).toEqual([true, true, true]);
    expect(await patchedThenRebuilt(person.id, () => server.api('POST', `/v2/users/${enc(person.id)}/deactivate`))).toEqual([false, false, false]);
    // Reactivated, the person holds what the admin gave it, not what the login had.
    expect(await patchedThenRebuilt(person.id, () => server.api('POST', `/v2/users/${enc(person.id)}/reactivate`))).toEqual([true, false, false]);

    // Sign-ins through an OpenID Provider whose mappings follow the groups claim: the first creates the person with
    // its grants, a later one with other groups moves them (sync on), one that changes nothing changes nothing.
    const op = await startOidcOp({ redirectUris: [`${server.url}/auth/oidc/callback`] });
    // The person does not exist before its first sign-in: its decisions are asked about afterwards.
    await decide(synced);
    const before = builds();
    try {
      const provider = await server.api('POST', '/v2/oidc-identity-providers', {
        body: {
          name: 'Patched OP', email_domains: ['patched-sso.test'], issuer: op.issuer, client_id: op.clientId, client_secret: op.clientSecret,
          groups_claim_path: 'groups', sync_user_roles: true,
          role_mappings: [
            { attributes_map: { groups: 'staff' }, org_role: { org_id: org, role_id: roles.find((r) => r.name === 'Read Only')!.id } },
            { attributes_map: { groups: 'data' }, space_roles: [{ space_id: space, role_id: roles.find((r) => r.name === 'Member')!.id }] },
          ],
        },
      });
      expect(provider.status, JSON.stringify(provider.body)).toBe(201);
      expect(builds(), 'a rebuild of the access snapshot').toBe(before);
      const signIn = (groups: string[]) => async () => {
        op.setClaims('patched-sso', { email: 'signed-in@patched-sso.test', email_verified: true, name: 'Signed In', groups });
        const jar = new CookieJar();
        const start = await jar.fetch(`${server.url}/auth/oidc/login?idp_id=${enc(provider.body.id)}`);
        const callback = await signInAtOp(start.headers.get('location')!, { login: 'patched-sso' });
        const res = await jar.fetch(callback, { headers: { accept: 'application/json' } });
        return { status: res.status, body: res.status < 400 ? {} : await res.json() };
      };
      expect((await signIn(['staff'])()).status).toBe(302);
      const signedIn = (await server.api('GET', `/v2/users?email=${enc('signed-in@patched-sso.test')}`)).body.users[0].id as string;
      expect(await decide(signedIn)).toEqual([true, false, false]);
      expect(builds(), 'a rebuild of the access snapshot').toBe(before);
      expect(await patchedThenRebuilt(signedIn, signIn(['staff', 'data']))).toEqual([true, true, true]);
      expect(await patchedThenRebuilt(signedIn, signIn(['staff', 'data']))).toEqual([true, true, true]);
      expect(await patchedThenRebuilt(signedIn, signIn(['staff']))).toEqual([true, false, false]);
      // The provider deleted: the person keeps what it gave, now the admins' (MANUAL).
      expect(await patchedThenRebuilt(signedIn, () => server.api('DELETE', `/v2/oidc-identity-providers/${enc(provider.body.id)}`))).toEqual([true, false, false]);
    } finally {
      await op.close();
    }
  });

  it('rebuild the snapshot on an edit this version does not know (a newer process, mid-upgrade), rather than ignore it', async () => {
    const org = (await server.api('POST', '/v2/organizations', { body: { name: 'future-edit-org' } })).body.id as string;
    const principals = async () => (await server.api('GET', `/v2/access/principals?resource_id=${enc(org)}`)).status;
    expect(await principals()).toBe(200);
    const before = builds();
    server.context!.changes.deliverHere({ accountId: 1, access: [{ op: 'editFromTheFuture' } as unknown as AccessChange] });
    expect(await principals()).toBe(200);
    expect(builds()).toBe(before + 1);
  });

  it('rebuild the snapshot when the removal also retires a bot (service_keys=revoke): no edit describes a user leaving', async () => {
    const posted = async (path: string, body: unknown, key?: string) => {
      const res = await server.api('POST', path, { body, key });
      expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
      return res.body;
    };
    const org = (await posted('/v2/organizations', { name: 'retire-org' })).id as string;
    const space = (await posted('/v2/spaces', { name: 'retire-space', organization_id: org })).id as string;
    const user = await createUserWithKey(server, { email: 'retiring-bots@example.com' });
    await posted(`/v2/organizations/${enc(org)}/users`, { user_id: user.id, role: MEMBER });
    await posted(`/v2/spaces/${enc(space)}/users`, { user_id: user.id, role: MEMBER });
    const key = await posted('/v2/api-keys', { name: 'ci', key_type: 'SERVICE', organizations: [{ org_id: org, spaces: [{ space_id: space }] }] }, user.key);
    const principals = async () => ((await server.api('GET', `/v2/access/principals?resource_id=${enc(space)}`)).body.principals as { user_id: string }[])
      .map((p) => p.user_id);
    expect(await principals()).toEqual(expect.arrayContaining([user.id, key.bot_user.id]));
    const before = builds();

    expect((await server.api('DELETE', `/v2/spaces/${enc(space)}/users/${enc(user.id)}?service_keys=revoke`)).status).toBe(204);
    const after = await principals();
    expect(after).not.toContain(key.bot_user.id);
    expect(builds()).toBe(before + 1);
  });
});

const ADMIN_KEY = `ak-membership-mp-admin-${Math.random().toString(36).slice(2)}`;

const api = (url: string, method: string, path: string, options: { key?: string; body?: unknown } = {}) =>
  callProcess(url, options.key ?? ADMIN_KEY, method, path, options.body);

describe.skipIf(testBackend !== 'postgres')(
  'a space membership removal seen by another process (runs with AX_TEST_DB=postgres; skipped on SQLite, where one process owns the file)',
  () => {
    let pair: ProcessPair;
    beforeAll(async () => { pair = await startProcessPair({ adminKey: ADMIN_KEY }); });
    afterAll(async () => { await pair?.stop(); });

    it('takes effect there through the change feed, with the bindings it took, patched rather than rebuilt', async () => {
      const { a, b } = pair;
      const made = async (path: string, body: unknown) => {
        const res = await api(a.url, 'POST', path, { body });
        expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
        return res.body!.id as string;
      };
      const org = await made('/v2/organizations', { name: 'membership-mp-org' });
      const space = await made('/v2/spaces', { name: 'membership-mp-space', organization_id: org, is_private: true });
      const project = await made('/v2/projects', { name: 'membership-mp-project', space_id: space });
      const user = await pair.insertUserWithKey('membership-mp@example.com');
      const roles = (await api(a.url, 'GET', '/v2/roles?is_predefined=true')).body!.roles as { id: string; name: string }[];
      await made(`/v2/organizations/${enc(org)}/users`, { user_id: user.id, role: MEMBER });
      await made(`/v2/spaces/${enc(space)}/users`, { user_id: user.id, role: MEMBER });
      await made('/v2/role-bindings', { user_id: user.id, role_id: roles.find((r) => r.name === 'Member')!.id, resource_type: 'PROJECT', resource_id: project });
      const read = async (url: string) => (await api(url, 'GET', `/v2/projects/${enc(project)}`, { key: user.key })).status;
      for (let i = 0; i < 50 && (await read(b.url)) !== 200; i++) await read(a.url);
      expect(await read(b.url)).toBe(200);
      const before = await snapshotBuildsOf(b.url);

      expect((await api(a.url, 'DELETE', `/v2/spaces/${enc(space)}/users/${enc(user.id)}`)).status).toBe(204);
      expect(await read(a.url)).toBe(404);
      let status = 200;
      for (let i = 0; i < 100 && status !== 404; i++) status = await read(b.url);
      expect(status).toBe(404);
      expect(await snapshotBuildsOf(b.url)).toBe(before);
    });
  },
);
