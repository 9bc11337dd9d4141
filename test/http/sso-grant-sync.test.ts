import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeId, parseId } from '../../src/domain/ids.js';
import { PREDEFINED_ROLES } from '../../src/domain/predefined-roles.js';
import { completeSsoLogin, type VerifiedIdentity } from '../../src/services/sso/complete-login.js';
import { createOrganization, createProject, createSpace, enc } from '../helpers/hierarchy.js';
import { insertProvider, type ProviderRowOptions, type StoredRule } from '../helpers/sso-provider-rows.js';
import { type Json, startTestServer, type TestServer } from '../helpers/server.js';

/**
 * The login completion (identity.md §2.4, §4.4) driven through the service with a real server's dependencies, the
 * results read back through /v2: just-in-time provisioning, linking, syncs that touch only what SSO wrote, the account
 * role a sync promotes and demotes, and every refusal with nothing half-written.
 */

let server: TestServer;
const ctx = () => server.context!;
const db = () => ctx().store.db;
const dbId = (id: string) => parseId(id)!.n;
const ORIGIN = { ip: '127.0.0.1', operation: 'GET /auth/sso/complete' };
/** Role row ids of the predefined roles, by key. */
const builtIn: Record<string, number> = {};
let roleCount = 0;

beforeAll(async () => {
  server = await startTestServer({ testClock: true });
  const res = await server.api('GET', '/v2/roles?is_predefined=true');
  for (const r of res.body.roles) builtIn[Object.values(PREDEFINED_ROLES).find((p) => p.name === r.name)!.key] = dbId(r.id);
});
afterAll(async () => {
  await server?.close();
});

async function customRole(): Promise<number> {
  const res = await server.api('POST', '/v2/roles', { body: { name: `sso-role-${++roleCount}`, permissions: ['PROJECT_READ', 'SPACE_READ'] } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return dbId(res.body.id);
}

/** An organization with two spaces, a project in the first; row ids. */
async function hierarchy(name: string, options: { isPrivate?: boolean } = {}) {
  const org = await createOrganization(server, `${name}-org`);
  const spaceA = await createSpace(server, org, `${name}-a`, options);
  const spaceB = await createSpace(server, org, `${name}-b`, options);
  const project = await createProject(server, spaceA, `${name}-p`);
  return { org: dbId(org), spaceA: dbId(spaceA), spaceB: dbId(spaceB), project: dbId(project) };
}

/** A SAML identity provider of account 1 with its domain and rules. */
const provider = (domain: string, rules: StoredRule[], options: ProviderRowOptions = {}) => insertProvider(server, domain, rules, options);

function login(idpId: number, email: string, groups: string[], name?: string) {
  const identity: VerifiedIdentity = {
    protocol: 'SAML', idpId, accountId: 1, subject: email, email, attributes: { group: groups }, issuer: 'https://idp.example.test',
    assertionId: `_a${Math.random().toString(36).slice(2)}`, ...(name === undefined ? {} : { name }),
  };
  return completeSsoLogin(ctx(), identity, ORIGIN);
}

async function refusal(promise: Promise<unknown>): Promise<{ code: string; status: number }> {
  try {
    await promise;
  } catch (error) {
    return error as { code: string; status: number };
  }
  throw new Error('the login was not refused');
}

/** The user's grants as /v2 shows them: `kind:resource row id → role row id @source`. */
async function grantsOf(userId: number): Promise<string[]> {
  const out: string[] = [];
  const source = (m: Json) => (m.source === 'MANUAL' ? 'MANUAL' : `${m.source}:${dbId(m.source_idp_id)}`);
  const role = (m: Json) => (m.role.type === 'PREDEFINED' ? builtIn[m.role.name] : dbId(m.role.id));
  for (const org of await db().selectFrom('organizations').select('id').where('account_id', '=', 1).execute()) {
    const res = await server.api('GET', `/v2/organizations/${enc(encodeId('Organization', org.id))}/users`);
    for (const m of res.body.memberships.filter((u: Json) => dbId(u.user_id) === userId)) out.push(`ORG:${org.id} → ${role(m)} @${source(m)}`);
  }
  for (const space of await db().selectFrom('spaces').select('id').where('account_id', '=', 1).execute()) {
    const res = await server.api('GET', `/v2/spaces/${enc(encodeId('Space', space.id))}/users`);
    for (const m of res.body.memberships.filter((u: Json) => dbId(u.user_id) === userId)) out.push(`SPACE:${space.id} → ${role(m)} @${source(m)}`);
  }
  for (const type of ['SPACE', 'PROJECT']) {
    const res = await server.api('GET', `/v2/role-bindings?resource_type=${type}&user_id=${enc(encodeId('User', userId))}`);
    for (const b of res.body.role_bindings) out.push(`${type}_BINDING:${dbId(b.resource_id)} → ${dbId(b.role_id)} @${source(b)}`);
  }
  return out.sort();
}

const userRow = (id: number) => db().selectFrom('users').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const counts = async () => ({
  users: (await db().selectFrom('users').select('id').execute()).length,
  links: (await db().selectFrom('user_identities').select('subject').execute()).length,
  grants: (await db().selectFrom('organization_memberships').select('id').execute()).length
    + (await db().selectFrom('space_memberships').select('id').execute()).length
    + (await db().selectFrom('role_bindings').select('id').execute()).length,
  audit: (await db().selectFrom('audit_logs').select('id').execute()).length,
});

describe('just-in-time provisioning', () => {
  it('creates an ACTIVE user with a custom space role, a project role and a built-in space role, and opens a session', async () => {
    const h = await hierarchy('jit');
    const [spaceRole, projectRole] = [await customRole(), await customRole()];
    const idp = await provider('jit.example.test', [
      { attributes: { group: 'team-ml' }, spaceRoles: [{ space_id: h.spaceA, role_id: builtIn.MEMBER! }, { space_id: h.spaceA, role_id: spaceRole }], projectRoles: [{ project_id: h.project, role_id: projectRole }] },
    ]);
    const done = await login(idp, 'Alice@JIT.example.test', ['team-ml'], 'Alice A');
    expect(done.outcome).toBe('JIT');
    const user = await userRow(done.userId);
    expect(user).toMatchObject({ email_lower: 'alice@jit.example.test', name: 'Alice A', status: 'ACTIVE', role: 'MEMBER', is_developer: 1, password_hash: null });
    expect(await grantsOf(done.userId)).toEqual([
      `ORG:${h.org} → ${builtIn.READ_ONLY} @SSO:${idp}`,
      `PROJECT_BINDING:${h.project} → ${projectRole} @SSO:${idp}`,
      `SPACE:${h.spaceA} → ${builtIn.MEMBER} @SSO:${idp}`,
      `SPACE_BINDING:${h.spaceA} → ${spaceRole} @SSO:${idp}`,
    ].sort());
    const me = await server.api('GET', '/v2/me', { key: null, headers: { cookie: `ax_session=${done.session.token}` } });
    expect(me.status).toBe(200);
    const link = await db().selectFrom('user_identities').selectAll().where('idp_id', '=', idp).executeTakeFirstOrThrow();
    expect(link).toMatchObject({ subject: 'alice@jit.example.test', user_id: done.userId });
    expect(JSON.parse(link.last_attributes!)).toEqual({ group: ['team-ml'] });
    const audit = await db().selectFrom('audit_logs').selectAll().where('user_id', '=', done.userId).orderBy('id').execute();
    const wireIdp = encodeId('SamlIdentityProvider', idp);
    expect(audit.map((a) => a.operation_name)).toEqual([`SSO_SYNC ${wireIdp}`, `SSO_LOGIN SAML ${wireIdp}`]);
    expect(JSON.parse(audit[1]!.variables!)).toMatchObject({ issuer: 'https://idp.example.test', subject: 'alice@jit.example.test', outcome: 'JIT' });
    expect(JSON.parse(audit[1]!.variables!).assertion_id).toMatch(/^_a/);
    const diff = JSON.parse(audit[0]!.operation_text!);
    expect(diff.added).toHaveLength(4);
    expect(diff.added.find((a: Json) => a.kind === 'PROJECT_BINDING')).toMatchObject({ resource_id: encodeId('Project', h.project), rule: 1 });
    expect(diff.added.find((a: Json) => a.kind === 'ORGANIZATION_MEMBERSHIP').rule).toBe('implied');
  });

  it('names the user after the email when the provider sends no name, and follows a later name', async () => {
    const h = await hierarchy('named');
    const idp = await provider('named.example.test', [{ attributes: {}, orgRole: { org_id: h.org, role_id: builtIn.MEMBER! } }]);
    const first = await login(idp, 'carol@named.example.test', []);
    expect((await userRow(first.userId)).name).toBe('carol');
    const again = await login(idp, 'carol@named.example.test', [], 'Carol C');
    expect(again).toMatchObject({ userId: first.userId, outcome: 'EXISTING' });
    expect((await userRow(first.userId)).name).toBe('Carol C');
    await login(idp, 'carol@named.example.test', [], '  ');
    expect((await userRow(first.userId)).name).toBe('Carol C');
  });

  it('provisions one user when the same new person signs in twice at once', async () => {
    const h = await hierarchy('twice');
    const idp = await provider('twice.example.test', [{ attributes: {}, orgRole: { org_id: h.org, role_id: builtIn.MEMBER! } }]);
    const both = await Promise.all([login(idp, 'tess@twice.example.test', []), login(idp, 'tess@twice.example.test', [])]);
    expect(both[0].userId).toBe(both[1].userId);
    expect(both.map((b) => b.outcome).sort()).toEqual(['EXISTING', 'JIT']);
    expect(await db().selectFrom('users').select('id').where('email_lower', '=', 'tess@twice.example.test').execute()).toHaveLength(1);
  });

  it('refuses a person nothing maps (and no default login) with SSO_NO_MATCHING_ROLE, creating nothing', async () => {
    const h = await hierarchy('nomatch');
    const idp = await provider('nomatch.example.test', [{ attributes: { group: 'ax-users' }, orgRole: { org_id: h.org, role_id: builtIn.MEMBER! } }]);
    const before = await counts();
    expect(await refusal(login(idp, 'dave@nomatch.example.test', ['other']))).toMatchObject({ code: 'SSO_NO_MATCHING_ROLE', status: 403 });
    expect(await counts()).toEqual(before);
  });

  it('uses the default organization and space when no rule matches and default login is on', async () => {
    const h = await hierarchy('defaults');
    const idp = await provider('defaults.example.test', [{ attributes: { group: 'never' }, orgRole: { org_id: h.org, role_id: builtIn.ADMIN! } }]);
    await db().updateTable('identity_providers').set({
      allow_default_login: 1, default_org_id: h.org, default_org_role_id: builtIn.MEMBER!, default_space_id: h.spaceB, default_space_role_id: builtIn.READ_ONLY!,
    }).where('id', '=', idp).execute();
    const done = await login(idp, 'erin@defaults.example.test', []);
    expect(await grantsOf(done.userId)).toEqual([`ORG:${h.org} → ${builtIn.MEMBER} @SSO:${idp}`, `SPACE:${h.spaceB} → ${builtIn.READ_ONLY} @SSO:${idp}`]);
  });

  it('refuses an email outside the provider\'s domains, and a disabled provider', async () => {
    const h = await hierarchy('domains');
    const idp = await provider('domains.example.test', [{ attributes: {}, orgRole: { org_id: h.org, role_id: builtIn.MEMBER! } }]);
    const before = await counts();
    expect(await refusal(login(idp, 'frank@elsewhere.example.test', []))).toMatchObject({ code: 'SSO_EMAIL_DOMAIN_MISMATCH', status: 403 });
    await db().updateTable('identity_providers').set({ enabled: 0 }).where('id', '=', idp).execute();
    expect(await refusal(login(idp, 'frank@domains.example.test', []))).toMatchObject({ code: 'SSO_UNKNOWN_PROVIDER', status: 404 });
    expect(await counts()).toEqual(before);
  });
});

describe('sync on later logins', () => {
  it('makes the SSO grants follow the groups: another group swaps them, sync off leaves them, removing a group removes exactly its grants', async () => {
    const h = await hierarchy('sync');
    const other = await hierarchy('sync-other');
    const bindingRole = await customRole();
    const idp = await provider('sync.example.test', [
      { attributes: { group: 'team-ml' }, spaceRoles: [{ space_id: h.spaceA, role_id: builtIn.MEMBER! }] },
      { attributes: { group: 'team-ops' }, orgRole: { org_id: other.org, role_id: builtIn.ADMIN! }, projectRoles: [{ project_id: h.project, role_id: bindingRole }] },
    ]);
    const first = await login(idp, 'gina@sync.example.test', ['team-ml', 'team-ops']);
    const both = [
      `ORG:${h.org} → ${builtIn.READ_ONLY} @SSO:${idp}`, `SPACE:${h.spaceA} → ${builtIn.MEMBER} @SSO:${idp}`,
      `ORG:${other.org} → ${builtIn.ADMIN} @SSO:${idp}`, `PROJECT_BINDING:${h.project} → ${bindingRole} @SSO:${idp}`,
    ].sort();
    expect(await grantsOf(first.userId)).toEqual(both);

    await login(idp, 'gina@sync.example.test', ['team-ml']);
    expect(await grantsOf(first.userId)).toEqual([`ORG:${h.org} → ${builtIn.READ_ONLY} @SSO:${idp}`, `SPACE:${h.spaceA} → ${builtIn.MEMBER} @SSO:${idp}`]);

    await login(idp, 'gina@sync.example.test', ['team-ops']);
    expect(await grantsOf(first.userId)).toEqual([`ORG:${other.org} → ${builtIn.ADMIN} @SSO:${idp}`, `PROJECT_BINDING:${h.project} → ${bindingRole} @SSO:${idp}`].sort());

    await db().updateTable('identity_providers').set({ sync_user_roles: 0 }).where('id', '=', idp).execute();
    const auditBefore = await db().selectFrom('audit_logs').select('id').where('operation_name', 'like', 'SSO_SYNC%').execute();
    await login(idp, 'gina@sync.example.test', ['team-ml']);
    expect(await grantsOf(first.userId)).toEqual([`ORG:${other.org} → ${builtIn.ADMIN} @SSO:${idp}`, `PROJECT_BINDING:${h.project} → ${bindingRole} @SSO:${idp}`].sort());
    expect(await db().selectFrom('audit_logs').select('id').where('operation_name', 'like', 'SSO_SYNC%').execute()).toHaveLength(auditBefore.length);
    const link = await db().selectFrom('user_identities').select('last_attributes').where('idp_id', '=', idp).executeTakeFirstOrThrow();
    expect(JSON.parse(link.last_attributes!)).toEqual({ group: ['team-ml'] });
  });

  it('a sync that removes a grant is seen at once: the removed space is no longer readable with the session', async () => {
    const h = await hierarchy('revoke', { isPrivate: true });
    const idp = await provider('revoke.example.test', [
      { attributes: { group: 'a' }, spaceRoles: [{ space_id: h.spaceA, role_id: builtIn.MEMBER! }] },
      { attributes: { group: 'b' }, spaceRoles: [{ space_id: h.spaceB, role_id: builtIn.MEMBER! }] },
    ]);
    const first = await login(idp, 'hank@revoke.example.test', ['a', 'b']);
    const cookie = { cookie: `ax_session=${first.session.token}` };
    expect((await server.api('GET', `/v2/spaces/${enc(encodeId('Space', h.spaceA))}`, { key: null, headers: cookie })).status).toBe(200);
    await login(idp, 'hank@revoke.example.test', ['b']);
    expect((await server.api('GET', `/v2/spaces/${enc(encodeId('Space', h.spaceA))}`, { key: null, headers: cookie })).status).toBe(404);
    expect((await server.api('GET', `/v2/spaces/${enc(encodeId('Space', h.spaceB))}`, { key: null, headers: cookie })).status).toBe(200);
  });

  it('never touches a manual grant, and an admin\'s edit of a mapped grant takes it over', async () => {
    const h = await hierarchy('manual');
    const spaceRole = await customRole();
    const idp = await provider('manual.example.test', [
      { attributes: { group: 'g' }, spaceRoles: [{ space_id: h.spaceA, role_id: builtIn.READ_ONLY! }, { space_id: h.spaceA, role_id: spaceRole }] },
      { attributes: { group: 'g' }, spaceRoles: [{ space_id: h.spaceB, role_id: builtIn.ADMIN! }] },
    ]);
    const first = await login(idp, 'ivy@manual.example.test', ['g']);
    const user = encodeId('User', first.userId);
    // SSO wrote the user's membership in space B; an admin changes its role, which makes it MANUAL.
    const put = await server.api('POST', `/v2/spaces/${enc(encodeId('Space', h.spaceB))}/users`, { body: { user_id: user, role: { type: 'PREDEFINED', name: 'MEMBER' } } });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    const binding = (await server.api('GET', `/v2/role-bindings?resource_type=SPACE&user_id=${enc(user)}`)).body.role_bindings[0];
    expect(binding).toMatchObject({ source: 'SSO', source_idp_id: encodeId('SamlIdentityProvider', idp) });
    const patched = await server.api('PATCH', `/v2/role-bindings/${enc(binding.id)}`, { body: { role_id: encodeId('Role', builtIn.ANNOTATOR!) } });
    expect(patched.status).toBe(200);
    expect(patched.body.source).toBe('MANUAL');
    expect(patched.body).not.toHaveProperty('source_idp_id');
    const manualOrg = await hierarchy('manual-own');
    expect((await server.api('POST', `/v2/organizations/${enc(encodeId('Organization', manualOrg.org))}/users`, {
      body: { user_id: user, role: { type: 'PREDEFINED', name: 'READ_ONLY' } },
    })).status).toBe(200);

    const manual = [
      `SPACE:${h.spaceB} → ${builtIn.MEMBER} @MANUAL`, `SPACE_BINDING:${h.spaceA} → ${builtIn.ANNOTATOR} @MANUAL`, `ORG:${manualOrg.org} → ${builtIn.READ_ONLY} @MANUAL`,
    ];
    // The group is gone: SSO's own grants go, the manual ones stay (and so does the organization a manual space needs).
    await login(idp, 'ivy@manual.example.test', []);
    expect(await grantsOf(first.userId)).toEqual([...manual, `ORG:${h.org} → ${builtIn.READ_ONLY} @SSO:${idp}`].sort());
    // Back in the group: the resources held by hand are skipped, never overwritten.
    await login(idp, 'ivy@manual.example.test', ['g']);
    expect(await grantsOf(first.userId)).toEqual([...manual, `ORG:${h.org} → ${builtIn.READ_ONLY} @SSO:${idp}`, `SPACE:${h.spaceA} → ${builtIn.READ_ONLY} @SSO:${idp}`].sort());
    const lastSync = await db().selectFrom('audit_logs').select('operation_text').where('operation_name', '=', `SSO_SYNC ${encodeId('SamlIdentityProvider', idp)}`)
      .orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(JSON.parse(lastSync.operation_text!).skipped).toEqual([
      { kind: 'SPACE_MEMBERSHIP', resource_id: encodeId('Space', h.spaceB), reason: 'HELD_BY_ANOTHER_SOURCE' },
      { kind: 'SPACE_BINDING', resource_id: encodeId('Space', h.spaceA), reason: 'HELD_BY_ANOTHER_SOURCE' },
    ]);
  });

  it('a later login whose sync leaves no grant at all commits the sync and opens no session', async () => {
    const h = await hierarchy('empty');
    const idp = await provider('empty.example.test', [{ attributes: { group: 'g' }, orgRole: { org_id: h.org, role_id: builtIn.MEMBER! } }]);
    const first = await login(idp, 'jack@empty.example.test', ['g']);
    const sessionsBefore = (await db().selectFrom('sessions').select('id').where('user_id', '=', first.userId).execute()).length;
    expect(await refusal(login(idp, 'jack@empty.example.test', []))).toMatchObject({ code: 'SSO_NO_MATCHING_ROLE', status: 403 });
    expect(await grantsOf(first.userId)).toEqual([]);
    expect((await db().selectFrom('sessions').select('id').where('user_id', '=', first.userId).execute()).length).toBe(sessionsBefore);
  });
});

describe('the account role', () => {
  it('promotes to ADMIN while a rule says so and demotes back to the role before, but never the last ACTIVE admin', async () => {
    const h = await hierarchy('admins');
    const idp = await provider('admins.example.test', [
      { attributes: { group: 'ax-admins' }, isAccountAdmin: true },
      { attributes: { group: 'ax-users' }, orgRole: { org_id: h.org, role_id: builtIn.MEMBER! } },
    ]);
    const first = await login(idp, 'kate@admins.example.test', ['ax-admins', 'ax-users']);
    expect(await userRow(first.userId)).toMatchObject({ role: 'ADMIN', role_source: `SSO:${idp}`, role_before_sync: 'MEMBER' });
    await login(idp, 'kate@admins.example.test', ['ax-users']);
    expect(await userRow(first.userId)).toMatchObject({ role: 'MEMBER', role_source: null, role_before_sync: null });

    // A manual ADMIN is never demoted by a sync.
    await login(idp, 'kate@admins.example.test', ['ax-admins', 'ax-users']);
    await db().updateTable('users').set({ role_source: null, role_before_sync: null }).where('id', '=', first.userId).execute();
    await login(idp, 'kate@admins.example.test', ['ax-users']);
    expect((await userRow(first.userId)).role).toBe('ADMIN');

    // The last ACTIVE admin stays one (every other admin is demoted for the occasion).
    await db().updateTable('users').set({ role_source: `SSO:${idp}`, role_before_sync: 'ANNOTATOR' }).where('id', '=', first.userId).execute();
    const others = await db().selectFrom('users').select('id').where('role', '=', 'ADMIN').where('id', '!=', first.userId).where('account_id', '=', 1).execute();
    await db().updateTable('users').set({ role: 'MEMBER' }).where('id', 'in', others.map((o) => o.id)).execute();
    try {
      await login(idp, 'kate@admins.example.test', ['ax-users']);
      expect((await userRow(first.userId)).role).toBe('ADMIN');
      const lastSync = await db().selectFrom('audit_logs').select('operation_text').where('operation_name', '=', `SSO_SYNC ${encodeId('SamlIdentityProvider', idp)}`)
        .orderBy('id', 'desc').executeTakeFirstOrThrow();
      expect(JSON.parse(lastSync.operation_text!).account_role).toEqual({ kept: 'LAST_ACTIVE_ADMIN' });
    } finally {
      await db().updateTable('users').set({ role: 'ADMIN' }).where('id', 'in', others.map((o) => o.id)).execute();
    }
    await login(idp, 'kate@admins.example.test', ['ax-users']);
    expect(await userRow(first.userId)).toMatchObject({ role: 'ANNOTATOR', role_source: null });
  });
});

describe('linking existing users', () => {
  it('links a user with the email on a validated domain; an INVITED user becomes ACTIVE and its invitation link stops working', async () => {
    const h = await hierarchy('link');
    const idp = await provider('link.example.test', [{ attributes: {}, orgRole: { org_id: h.org, role_id: builtIn.MEMBER! } }]);
    const invited = await server.api('POST', '/v2/users', { body: { name: 'Liam', email: 'liam@link.example.test', role: { type: 'PREDEFINED', name: 'MEMBER' }, invite_mode: 'EMAIL_LINK' } });
    expect(invited.status).toBe(201);
    const mail = await server.waitForMail('liam@link.example.test');
    const token = /\/invite\/([A-Za-z0-9_-]+)/.exec(mail.text)![1]!;
    expect((await server.api('GET', `/auth/invitations/${token}`, { key: null })).status).toBe(200);
    const done = await login(idp, 'liam@link.example.test', []);
    expect(done).toMatchObject({ userId: dbId(invited.body.id), outcome: 'LINKED' });
    expect((await userRow(done.userId)).status).toBe('ACTIVE');
    expect((await server.api('GET', `/auth/invitations/${token}`, { key: null })).status).toBe(404);
    expect((await login(idp, 'liam@link.example.test', [])).outcome).toBe('EXISTING');
  });

  it('refuses to link an existing user on an unvalidated domain (409), writing nothing', async () => {
    const h = await hierarchy('unvalidated');
    const idp = await provider('unvalidated.example.test', [{ attributes: {}, orgRole: { org_id: h.org, role_id: builtIn.MEMBER! } }], { validated: false });
    const created = await server.api('POST', '/v2/users', { body: { name: 'Mia', email: 'mia@unvalidated.example.test', role: { type: 'PREDEFINED', name: 'MEMBER' }, invite_mode: 'NONE' } });
    expect(created.status).toBe(201);
    const before = await counts();
    expect(await refusal(login(idp, 'mia@unvalidated.example.test', []))).toMatchObject({ code: 'SSO_LINK_REQUIRES_VALIDATED_DOMAIN', status: 409 });
    expect(await counts()).toEqual(before);
    // A new person on the unvalidated domain is provisioned all the same.
    expect((await login(idp, 'noah@unvalidated.example.test', [])).outcome).toBe('JIT');
  });

  it('a deleted user does not count: the next login provisions a new one', async () => {
    const h = await hierarchy('deleted');
    const idp = await provider('deleted.example.test', [{ attributes: {}, orgRole: { org_id: h.org, role_id: builtIn.MEMBER! } }]);
    const first = await login(idp, 'olga@deleted.example.test', []);
    expect((await server.api('DELETE', `/v2/users/${enc(encodeId('User', first.userId))}`)).status).toBe(204);
    const again = await login(idp, 'olga@deleted.example.test', []);
    expect(again.outcome).toBe('JIT');
    expect(again.userId).not.toBe(first.userId);
  });
});
