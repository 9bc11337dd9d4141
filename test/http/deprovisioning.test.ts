import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CookieJar } from '../helpers/cookie-jar.js';
import { type OidcOp, signInAtOp, startOidcOp } from '../helpers/oidc-op.js';
import { loginRowCounts, predefinedRoleId } from '../helpers/sso-login.js';
import { auditRows, authenticationFailures, cliLogin, refreshTokens } from '../helpers/cli-login.js';
import { type ConsoleSession, sessionCookieOf, setPassword, signIn } from '../helpers/console-session.js';
import { createSecondAccount, createUserWithKey, type FixtureUser } from '../helpers/fixtures.js';
import { addOrganizationMember, addSpaceMember, createOrganization, createSpace, enc } from '../helpers/hierarchy.js';
import { type DeactivationReport, type DeletionReport, mailAdminsAboutServiceKeys } from '../../src/services/deprovisioning.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { insertProvider } from '../helpers/sso-provider-rows.js';

/**
 * Issue 12, deprovisioning (identity.md §5.5): deactivating a person ends every credential it holds at once — console
 * sessions, USER keys, CLI logins, password sign-in — and keeps what a reactivation restores (memberships, bindings)
 * and what outlives people (the SERVICE keys it created). Service keys can be transferred to a new owner.
 */
let server: TestServer;
let op: OidcOp | undefined;
let count = 0;
const unique = (prefix: string) => `${prefix}-${++count}`;
const PASSWORD = 'a long enough password for tests';

beforeAll(async () => {
  server = await startTestServer({
    env: { AX_SSO_ALLOWED_PRIVATE_HOSTS: '127.0.0.1', AX_AUTH_FAILURE_LIMIT: '1000', AX_SECRETS_KEY: randomBytes(32).toString('base64') },
  });
});
afterAll(async () => {
  await op?.close();
  await server?.close();
});

interface Hierarchy { orgId: string; spaceId: string }
interface ServiceKeyAnswer { id: string; name: string; key: string; created_by_user_id: string; bot_user: { id: string } }

async function hierarchy(): Promise<Hierarchy> {
  const orgId = await createOrganization(server, unique('deprov-org'));
  return { orgId, spaceId: await createSpace(server, orgId, unique('deprov-space')) };
}

/** An organization READ_ONLY member who is a space MEMBER (may create service keys on the space), with a password. */
async function spaceMember(h: Hierarchy, role: 'MEMBER' | 'ADMIN' = 'MEMBER'): Promise<FixtureUser> {
  const u = await createUserWithKey(server, { email: `${unique('deprov-user')}@example.com`, role });
  await setPassword(server, u.dbId, PASSWORD);
  await addOrganizationMember(server, h.orgId, u.id, 'READ_ONLY');
  await addSpaceMember(server, h.spaceId, u.id, 'MEMBER');
  return u;
}

async function serviceKey(h: Hierarchy, key: string, extra: Record<string, unknown> = {}): Promise<ServiceKeyAnswer> {
  const res = await server.api('POST', '/v2/api-keys', {
    key, body: { key_type: 'SERVICE', name: unique('svc'), organizations: [{ org_id: h.orgId, spaces: [{ space_id: h.spaceId }] }], ...extra },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

const deactivate = (userId: string, key?: string) => server.api('POST', `/v2/users/${enc(userId)}/deactivate`, key ? { key } : {});
const reactivate = (userId: string, key?: string) => server.api('POST', `/v2/users/${enc(userId)}/reactivate`, key ? { key } : {});
const transfer = (keyId: string, to: string, key?: string) =>
  server.api('POST', `/v2/api-keys/${enc(keyId)}/transfer`, { body: { created_by_user_id: to }, ...(key ? { key } : {}) });
const me = (key: string) => server.api('GET', '/v2/me', { key });
const space = (h: Hierarchy, key: string) => server.api('GET', `/v2/spaces/${enc(h.spaceId)}`, { key });
const consoleSession = (session: ConsoleSession) => server.api('GET', '/auth/session', { key: null, headers: { cookie: session.cookie } });
const login = (email: string, password: string) => server.api('POST', '/auth/login', { key: null, body: { email, password } });
const db = () => server.context!.store.db;
const decodeRowId = (wireId: string) => Number(Buffer.from(wireId, 'base64').toString().split(':')[1]);
const roleRowId = async (key: 'MEMBER' | 'READ_ONLY') =>
  (await db().selectFrom('roles').select('id').where('account_id', '=', 1).where('predefined_key', '=', key).executeTakeFirstOrThrow()).id;
const adminId = async () => (await server.api('GET', '/v2/me')).body.id as string;

/** Links the user to the provider as its SCIM directory provisioned it, beside another user of the same provider. */
async function linkScimUser(idpId: number, u: FixtureUser): Promise<{ other: number }> {
  const other = await createUserWithKey(server, { email: `${unique('deprov-scim-other')}@example.com` });
  const now = new Date().toISOString();
  for (const user of [u, other]) {
    await db().insertInto('user_identities').values({
      idp_id: idpId, subject: user.email, user_id: user.dbId, provisioned_by_scim: 1, last_login_at: null, last_attributes: null, created_at: now,
      scim_external_id: `ext-${user.dbId}`, scim_user_name: user.email, scim_user_name_key: user.email.toLowerCase(), scim_attributes: '{}', scim_updated_at: now,
    }).execute();
  }
  return { other: other.dbId };
}

/** A SCIM group of the provider with these members (row ids); its row id. */
async function scimGroup(idpId: number, members: number[], name = unique('deprov-group')): Promise<number> {
  const now = new Date().toISOString();
  const { id } = await db().insertInto('scim_groups').values({
    account_id: 1, idp_id: idpId, display_name: name, display_name_key: name.toLowerCase(), external_id: null, created_at: now, updated_at: now,
  }).returning('id').executeTakeFirstOrThrow();
  for (const userId of members) await db().insertInto('scim_group_members').values({ group_id: id, user_id: userId, created_at: now }).execute();
  return id;
}

async function auditOf(operation: string, userId: string) {
  return (await auditRows(server, operation)).filter((row) => JSON.parse(row.operation_text ?? '{}').user_id === userId);
}

describe('POST /v2/users/{user_id}/deactivate', () => {
  it('ends the console session, the USER key and the CLI login; the SERVICE key it created keeps working; reactivation lets the person back in, the old credentials stay dead', async () => {
    const h = await hierarchy();
    const u = await spaceMember(h);
    const session = await signIn(server, u.email, PASSWORD);
    const cli = await cliLogin(server.url, { email: u.email, password: PASSWORD });
    const svc = await serviceKey(h, u.key);
    expect((await consoleSession(session)).status).toBe(200);
    expect((await me(u.key)).status).toBe(200);
    expect((await me(cli.access)).status).toBe(200);

    expect((await deactivate(u.id)).status).toBe(204);
    expect((await consoleSession(session)).status).toBe(401);
    expect((await me(u.key)).status).toBe(401);
    expect((await me(cli.access)).status).toBe(401);
    const refreshed = await refreshTokens(server.url, cli.refresh);
    expect(refreshed.status).toBe(400);
    expect(refreshed.body.error).toBe('invalid_grant');
    expect((await space(h, svc.key)).status).toBe(200);

    const user = await server.api('GET', `/v2/users/${enc(u.id)}`);
    expect(user.body).toMatchObject({ id: u.id, status: 'EXPIRED', deactivated_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/) });
    const expired = await server.api('GET', `/v2/users?status=EXPIRED&email=${enc(u.email)}`);
    expect(expired.body.users.map((x: { id: string }) => x.id)).toEqual([u.id]);
    expect((await server.api('GET', `/v2/users?status=ACTIVE&email=${enc(u.email)}`)).body.users).toEqual([]);

    // The right password gets the same 401 as a wrong one; the failure is recorded as `deactivated`.
    const refused = await login(u.email, PASSWORD);
    const wrong = await login(u.email, 'not the password at all');
    expect(refused.status).toBe(401);
    expect(refused.body).toEqual({ ...wrong.body, instance: refused.body.instance });
    expect(sessionCookieOf(refused)).toBeUndefined();
    expect((await authenticationFailures(server, 'deactivated')).length).toBeGreaterThan(0);

    const [audit] = await auditOf('DEACTIVATE_USER', u.id);
    expect(audit).toBeDefined();
    expect(JSON.parse(audit!.operation_text!)).toEqual({
      user_id: u.id, user_keys_revoked: [expect.any(String)], service_keys_kept: [svc.id], synced_grants_removed: [],
      grants_kept: { organization_memberships: 1, space_memberships: 1, role_bindings: 0 },
    });

    // Idempotent: nothing more happens, nothing more is audited.
    const audited = (await auditRows(server, 'DEACTIVATE_USER')).length;
    expect((await deactivate(u.id)).status).toBe(204);
    expect(await auditRows(server, 'DEACTIVATE_USER')).toHaveLength(audited);

    expect((await reactivate(u.id)).status).toBe(204);
    const back = await server.api('GET', `/v2/users/${enc(u.id)}`);
    expect(back.body.status).toBe('ACTIVE');
    expect(back.body).not.toHaveProperty('deactivated_at');
    expect((await reactivate(u.id)).status).toBe(204);
    expect(await auditOf('REACTIVATE_USER', u.id)).toHaveLength(1);
    const again = await signIn(server, u.email, PASSWORD);
    expect((await consoleSession(again)).status).toBe(200);
    // Its memberships were kept: the person sees the space again, with a new login.
    const fresh = await cliLogin(server.url, { email: u.email, password: PASSWORD });
    expect((await space(h, fresh.access)).status).toBe(200);
    expect((await consoleSession(session)).status).toBe(401);
    expect((await me(u.key)).status).toBe(401);
    expect((await me(cli.access)).status).toBe(401);
    expect((await space(h, svc.key)).status).toBe(200);
  });

  it('leaves the person no access while deactivated, as an EXPIRED user has none: checks deny and the principals list leaves it out; reactivated, it holds its grants again', async () => {
    const h = await hierarchy();
    const u = await spaceMember(h);
    const check = async () => {
      const res = await server.api('POST', '/v2/access/check', { body: { user_id: u.id, permission: 'SPACE_READ', resource_id: h.spaceId } });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body.allowed as boolean;
    };
    const listed = async () => ((await server.api('GET', `/v2/access/principals?resource_id=${enc(h.spaceId)}`)).body.principals as { user_id: string }[])
      .some((p) => p.user_id === u.id);
    expect([await check(), await listed()]).toEqual([true, true]);
    expect((await deactivate(u.id)).status).toBe(204);
    expect([await check(), await listed()]).toEqual([false, false]);
    // The same answer from a snapshot built from the database (a change that declares no edits rebuilds it).
    server.context!.changes.deliverHere({ accountId: 1 });
    expect([await check(), await listed()]).toEqual([false, false]);
    expect((await reactivate(u.id)).status).toBe(204);
    expect([await check(), await listed()]).toEqual([true, true]);
  });

  it('refuses resend-invitation and reset-password for a deactivated user (422: reactivate first)', async () => {
    const h = await hierarchy();
    const u = await spaceMember(h);
    expect((await deactivate(u.id)).status).toBe(204);
    for (const action of ['resend-invitation', 'reset-password']) {
      const res = await server.api('POST', `/v2/users/${enc(u.id)}/${action}`);
      expect(res.status, action).toBe(422);
      expect(res.body.detail).toContain('reactivate the user first');
    }
  });

  it('refuses the caller itself (422), a bot (400 WRONG_USER_STATUS), a non-admin (403), a deleted or unknown user (404)', async () => {
    const h = await hierarchy();
    const u = await spaceMember(h);
    const self = await deactivate(await adminId());
    expect(self.status).toBe(422);
    expect(self.body.detail).toContain('ask another admin');

    const svc = await serviceKey(h, u.key);
    const bot = await deactivate(svc.bot_user.id);
    expect(bot.status).toBe(400);
    expect(bot.body.code).toBe('WRONG_USER_STATUS');

    const other = await spaceMember(h);
    expect((await deactivate(other.id, u.key)).status).toBe(403);
    expect((await reactivate(other.id, u.key)).status).toBe(403);
    expect((await me(other.key)).status).toBe(200);

    expect((await server.api('DELETE', `/v2/users/${enc(other.id)}`)).status).toBe(204);
    expect((await deactivate(other.id)).status).toBe(404);
    expect((await reactivate(other.id)).status).toBe(404);
    expect((await deactivate(Buffer.from('User:999999').toString('base64'))).status).toBe(404);
  });

  it('refuses to deactivate the last ACTIVE account ADMIN (422), and a deactivated admin no longer counts as one', async () => {
    const h = await hierarchy();
    const admin = await adminId();
    // A bot with the account role ADMIN may act as an admin, but is not a person who could administer the account.
    const botAdmin = await serviceKey(h, server.adminKey, { account_role: { type: 'PREDEFINED', name: 'ADMIN' } });
    const last = await deactivate(admin, botAdmin.key);
    expect(last.status).toBe(422);
    expect(last.body.code).toBe('LAST_ACTIVE_ADMIN');
    expect(last.body.detail).toContain('last ACTIVE account ADMIN');

    const second = await spaceMember(h, 'ADMIN');
    expect((await deactivate(second.id)).status).toBe(204);
    // With the second admin deactivated, the bootstrap admin is the last one again.
    expect((await deactivate(admin, botAdmin.key)).status).toBe(422);
    expect((await reactivate(second.id)).status).toBe(204);
    const thirdAdmin = await spaceMember(h, 'ADMIN');
    expect((await deactivate(thirdAdmin.id, second.key)).status).toBe(401);
  });
});

describe('POST /v2/users/{user_id}/deactivate: the service keys the person created (as DELETE /v2/users/{user_id})', () => {
  it('dry_run answers 200 with the cascade and changes nothing', async () => {
    const h = await hierarchy();
    const u = await spaceMember(h);
    const svc = await serviceKey(h, u.key);
    const res = await server.api('POST', `/v2/users/${enc(u.id)}/deactivate?dry_run=true`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({
      dry_run: true, service_keys_action: 'keep', organization_memberships: 0, space_memberships: 0, role_bindings: 0, user_keys_revoked: 1,
      service_keys: [{ id: svc.id, name: expect.any(String), redacted_key: expect.any(String), created_by_user_id: u.id, spaces: [h.spaceId] }],
      principals: expect.any(Array),
    });
    expect((await me(u.key)).status).toBe(200);
    expect((await server.api('GET', `/v2/users/${enc(u.id)}`)).body).not.toHaveProperty('deactivated_at');
    expect(await auditOf('DEACTIVATE_USER', u.id)).toEqual([]);
  });

  it('service_keys=revoke revokes them in the same transaction (204) and the audit row says so', async () => {
    const h = await hierarchy();
    const u = await spaceMember(h);
    const svc = await serviceKey(h, u.key);
    const res = await server.api('POST', `/v2/users/${enc(u.id)}/deactivate?service_keys=revoke`);
    expect(res.status).toBe(204);
    expect((await space(h, svc.key)).status).toBe(401);
    const [audit] = await auditOf('DEACTIVATE_USER', u.id);
    const report = JSON.parse(audit!.operation_text!);
    expect(report.service_keys_revoked).toEqual([svc.id]);
    expect(report).not.toHaveProperty('service_keys_kept');
  });

  it('service_keys=rotate answers 200 with each new raw key once; the old secret stops at once', async () => {
    const h = await hierarchy();
    const u = await spaceMember(h);
    const svc = await serviceKey(h, u.key);
    const res = await server.api('POST', `/v2/users/${enc(u.id)}/deactivate?service_keys=rotate`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const [rotated] = res.body.service_keys;
    expect(rotated).toMatchObject({ replaces_key_id: svc.id, key: expect.stringMatching(/^ak-/) });
    expect((await space(h, svc.key)).status).toBe(401);
    expect((await space(h, rotated.key)).status).toBe(200);
    expect((await me(u.key)).status).toBe(401);
  });

  it('refuses an unknown service_keys value (400)', async () => {
    const h = await hierarchy();
    const u = await spaceMember(h);
    expect((await server.api('POST', `/v2/users/${enc(u.id)}/deactivate?service_keys=burn`)).status).toBe(400);
    expect((await me(u.key)).status).toBe(200);
  });
});

describe('deactivation takes back SSO- and SCIM-given grants', () => {
  it('removes the rows each provider synced and demotes the ADMIN a sync promoted; MANUAL grants stay; reactivation does not bring them back', async () => {
    const h = await hierarchy();
    const u = await spaceMember(h);
    const sso = await insertProvider(server, `${unique('deprov-sso')}.test`, []);
    const scim = await insertProvider(server, `${unique('deprov-scim')}.test`, [], { protocol: 'OIDC' });
    const other = await hierarchy();
    const org = decodeRowId(other.orgId);
    const memberRole = await roleRowId('MEMBER');
    const now = new Date().toISOString();
    await db().insertInto('organization_memberships').values({
      account_id: 1, organization_id: org, user_id: u.dbId, role_id: memberRole, source: 'SSO', source_idp_id: sso, created_at: now, updated_at: now,
    }).execute();
    await db().insertInto('space_memberships').values({
      account_id: 1, space_id: decodeRowId(other.spaceId), user_id: u.dbId, role_id: memberRole, source: 'SCIM', source_idp_id: scim, created_at: now, updated_at: now,
    }).execute();
    await db().updateTable('users').set({ role: 'ADMIN', role_source: `SSO:${sso}`, role_before_sync: 'MEMBER' }).where('id', '=', u.dbId).execute();
    await server.context!.changes.publish({ accountId: 1, userIds: [u.dbId] });
    expect((await server.api('GET', `/v2/spaces/${enc(other.spaceId)}`, { key: server.adminKey })).status).toBe(200);

    expect((await deactivate(u.id)).status).toBe(204);
    const [audit] = await auditOf('DEACTIVATE_USER', u.id);
    const report = JSON.parse(audit!.operation_text!);
    expect(report.synced_grants_removed).toEqual([
      {
        source: 'SSO', idp_id: Buffer.from(`SamlIdentityProvider:${sso}`).toString('base64'),
        removed: [{ kind: 'ORGANIZATION_MEMBERSHIP', resource_id: other.orgId, role_id: expect.any(String) }], skipped: [],
        account_role: { demoted_to: 'MEMBER' },
      },
      {
        source: 'SCIM', idp_id: Buffer.from(`OidcIdentityProvider:${scim}`).toString('base64'),
        removed: [{ kind: 'SPACE_MEMBERSHIP', resource_id: other.spaceId, role_id: expect.any(String) }], skipped: [],
      },
    ]);
    expect(report.grants_kept).toEqual({ organization_memberships: 1, space_memberships: 1, role_bindings: 0 });
    const held = async () => ({
      orgs: (await db().selectFrom('organization_memberships').select(['organization_id', 'source']).where('user_id', '=', u.dbId).execute()),
      spaces: (await db().selectFrom('space_memberships').select(['space_id', 'source']).where('user_id', '=', u.dbId).execute()),
      role: (await db().selectFrom('users').select(['role', 'role_source', 'role_before_sync']).where('id', '=', u.dbId).executeTakeFirstOrThrow()),
    });
    const after = await held();
    expect(after).toEqual({
      orgs: [{ organization_id: decodeRowId(h.orgId), source: 'MANUAL' }],
      spaces: [{ space_id: decodeRowId(h.spaceId), source: 'MANUAL' }],
      role: { role: 'MEMBER', role_source: null, role_before_sync: null },
    });

    expect((await reactivate(u.id)).status).toBe(204);
    expect(await held()).toEqual(after);
  });
});

describe('POST /v2/users/{user_id}/reactivate of a SCIM-managed user', () => {
  it('is refused with 422 naming the identity provider while the provider lives; a deleted provider no longer manages it', async () => {
    const h = await hierarchy();
    const u = await spaceMember(h);
    const domain = `${unique('deprov-managed')}.test`;
    const idpId = await insertProvider(server, domain, []);
    await linkScimUser(idpId, u);
    expect((await deactivate(u.id)).status).toBe(204);

    const refused = await reactivate(u.id);
    expect(refused.status).toBe(422);
    expect(refused.body.detail).toBe(`user_id: the user is managed by SCIM; reactivate the user in the identity provider (idp-${domain})`);
    // Account admins see which provider manages the user, in the user object and the list; the user itself does not.
    const provider = { id: Buffer.from(`SamlIdentityProvider:${idpId}`).toString('base64'), name: `idp-${domain}` };
    expect((await server.api('GET', `/v2/users/${enc(u.id)}`)).body).toMatchObject({ deactivated_at: expect.any(String), scim_provider: provider });
    expect((await server.api('GET', `/v2/users?email=${enc(u.email)}`)).body.users).toEqual([expect.objectContaining({ id: u.id, scim_provider: provider })]);
    const peer = await spaceMember(h);
    expect((await server.api('GET', `/v2/users/${enc(u.id)}`, { key: peer.key })).body).not.toHaveProperty('scim_provider');

    await db().updateTable('identity_providers').set({ deleted_at: new Date().toISOString() }).where('id', '=', idpId).execute();
    expect((await reactivate(u.id)).status).toBe(204);
    const back = (await server.api('GET', `/v2/users/${enc(u.id)}`)).body;
    expect(back).not.toHaveProperty('deactivated_at');
    expect(back).not.toHaveProperty('scim_provider');
  });

  it('is named in the unfiltered users list to account admins: the first live provider by id, its name as it is', async () => {
    const h = await hierarchy();
    const u = await spaceMember(h);
    const colleague = await spaceMember(h);
    const first = await insertProvider(server, `${unique('deprov-listed')}.test`, []);
    const second = await insertProvider(server, `${unique('deprov-listed')}.test`, []);
    await db().updateTable('identity_providers').set({ name: 'Okta: EU, "prod"' }).where('id', '=', first).execute();
    await linkScimUser(second, u);
    await linkScimUser(first, u);
    /** The user as the list's pages (not filtered) show it to whoever holds `key`. */
    const listed = async (userId: string, key?: string) => {
      for (let cursor: string | undefined; ;) {
        const res = await server.api('GET', `/v2/users?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, key ? { key } : {});
        expect(res.status).toBe(200);
        const found = (res.body.users as { id: string }[]).find((user) => user.id === userId);
        if (found || !res.body.pagination.has_more) return found;
        cursor = res.body.pagination.next_cursor as string;
      }
    };
    const provider = { id: Buffer.from(`SamlIdentityProvider:${first}`).toString('base64'), name: 'Okta: EU, "prod"' };
    expect(await listed(u.id)).toMatchObject({ id: u.id, scim_provider: provider });
    expect(await listed(colleague.id)).not.toHaveProperty('scim_provider');
    expect(await listed(u.id, colleague.key)).toEqual(expect.not.objectContaining({ scim_provider: expect.anything() }));

    await db().updateTable('identity_providers').set({ deleted_at: new Date().toISOString() }).where('id', '=', first).execute();
    expect((await listed(u.id))!).toMatchObject({ scim_provider: { id: Buffer.from(`SamlIdentityProvider:${second}`).toString('base64'), name: expect.stringMatching(/^idp-/) } });
  });

  it('is named once the account gains its first identity provider, in the list read before without one', async () => {
    const { accountId, admin } = await createSecondAccount(server, `${unique('deprov-first-idp')}@example.com`);
    const u = await createUserWithKey(server, { email: `${unique('deprov-first-idp-user')}@example.com`, accountId });
    const listedUser = async () => ((await server.api('GET', '/v2/users?limit=100', { key: admin.key })).body.users as { id: string }[]).find((x) => x.id === u.id);
    expect(await listedUser()).not.toHaveProperty('scim_provider');
    const idpId = await insertProvider(server, `${unique('deprov-first-idp')}.test`, [], { accountId });
    await linkScimUser(idpId, u);
    expect(await listedUser()).toMatchObject({ scim_provider: { id: Buffer.from(`SamlIdentityProvider:${idpId}`).toString('base64') } });
    expect((await server.api('GET', `/v2/users/${enc(u.id)}`, { key: admin.key })).body).toMatchObject({ scim_provider: { id: Buffer.from(`SamlIdentityProvider:${idpId}`).toString('base64') } });
  });

  it('a user linked by SSO only (not provisioned by SCIM) is reactivated by the admin', async () => {
    const h = await hierarchy();
    const u = await spaceMember(h);
    const idpId = await insertProvider(server, `${unique('deprov-linked')}.test`, []);
    await linkScimUser(idpId, u);
    await db().updateTable('user_identities').set({ provisioned_by_scim: 0 }).where('user_id', '=', u.dbId).execute();
    expect((await deactivate(u.id)).status).toBe(204);
    expect((await reactivate(u.id)).status).toBe(204);
  });
});

describe('DELETE /v2/users/{user_id} (deleteWithin, shared with SCIM DELETE)', () => {
  it('also removes the identity links and SCIM group memberships, ends the CLI login, and audits what it took; the SERVICE key keeps working', async () => {
    const h = await hierarchy();
    const u = await spaceMember(h);
    const idpId = await insertProvider(server, `${unique('deprov-delete')}.test`, []);
    const scimUser = await linkScimUser(idpId, u);
    const groupId = await scimGroup(idpId, [u.dbId, scimUser.other]);
    const cli = await cliLogin(server.url, { email: u.email, password: PASSWORD });
    const svc = await serviceKey(h, u.key);

    expect((await server.api('DELETE', `/v2/users/${enc(u.id)}`)).status).toBe(204);
    expect((await me(u.key)).status).toBe(401);
    expect((await me(cli.access)).status).toBe(401);
    expect((await space(h, svc.key)).status).toBe(200);
    expect(await db().selectFrom('user_identities').select('subject').where('user_id', '=', u.dbId).execute()).toEqual([]);
    expect(await db().selectFrom('scim_group_members').select('user_id').where('user_id', '=', u.dbId).execute()).toEqual([]);
    // Only the deleted user's rows went: the group and the provider's other links stay.
    expect(await db().selectFrom('scim_group_members').select('user_id').where('group_id', '=', groupId).execute()).toEqual([{ user_id: scimUser.other }]);

    const [audit] = (await auditRows(server, 'DELETE /v2/users/:user_id')).filter((row) => JSON.parse(row.variables ?? '{}').user_id === u.id);
    expect(JSON.parse(audit!.operation_text!)).toEqual({
      user_id: u.id, user_keys_revoked: [expect.any(String)], service_keys_kept: [svc.id],
      grants_removed: { organization_memberships: 1, space_memberships: 1, role_bindings: 0 },
      identity_links_removed: 1, scim_group_memberships_removed: 1,
    });
  });

  it('refuses the last ACTIVE account ADMIN (422) and writes nothing', async () => {
    const { admin } = await createSecondAccount(server, `${unique('deprov-tenant')}@example.com`);
    const res = await server.api('DELETE', `/v2/users/${enc(admin.id)}`, { key: admin.key });
    expect(res.status).toBe(422);
    expect(res.body.detail).toContain('last ACTIVE account ADMIN');
    expect((await me(admin.key)).status).toBe(200);
  });
});

describe('mailAdminsAboutServiceKeys (SCIM deprovisioning cannot ask, so it tells the admins after the commit)', () => {
  it('mails each ACTIVE admin the service keys that keep working, by name and never by secret, with the API-keys link', async () => {
    const h = await hierarchy();
    const u = await spaceMember(h);
    const svc = await serviceKey(h, u.key);
    const away = await spaceMember(h, 'ADMIN');
    expect((await deactivate(away.id)).status).toBe(204);
    expect((await deactivate(u.id)).status).toBe(204);
    const [audit] = await auditOf('DEACTIVATE_USER', u.id);
    const report = JSON.parse(audit!.operation_text!) as DeactivationReport;
    const before = (await server.mails()).length;

    await mailAdminsAboutServiceKeys(server.context!, 1, report);
    const mails = (await server.mails()).slice(before);
    const admin = (await me(server.adminKey)).body as { email: string };
    const mail = mails.find((m) => m.to === admin.email);
    const name = (await server.api('GET', `/v2/users/${enc(u.id)}`)).body.name as string;
    expect(mail?.subject).toBe(`${name} was deactivated by your directory: 1 service key they created still works`);
    expect(mail!.text).toContain(`${svc.name} (ak-`);
    expect(mail!.text).toContain(`${server.url}/settings/api-keys?tab=service`);
    expect(mails.some((m) => m.text.includes(svc.key))).toBe(false);
    expect(mails.some((m) => m.to === away.email)).toBe(false);
  });

  it('sends nothing when no service key keeps working, and never throws when the mail cannot go', async () => {
    const h = await hierarchy();
    const u = await spaceMember(h);
    const before = (await server.mails()).length;
    const none: DeletionReport = {
      user_id: u.id, user_keys_revoked: [], service_keys_kept: [], identity_links_removed: 0, scim_group_memberships_removed: 0,
      grants_removed: { organization_memberships: 0, space_memberships: 0, role_bindings: 0 },
    };
    await mailAdminsAboutServiceKeys(server.context!, 1, none);
    expect((await server.mails()).length).toBe(before);

    const svc = await serviceKey(h, u.key);
    const failing = { ...server.context!, mailer: { send: () => Promise.reject(new Error('smtp down')), close: () => undefined } };
    await expect(mailAdminsAboutServiceKeys(failing, 1, { ...none, service_keys_kept: [svc.id] })).resolves.toBeUndefined();
    await expect(mailAdminsAboutServiceKeys(server.context!, 1, { ...none, service_keys_kept: ['not an id'] })).resolves.toBeUndefined();
  });
});

describe('POST /v2/api-keys/{api_key_id}/transfer', () => {
  it('moves a SERVICE key of a deactivated creator to a person holding its permissions: 200, the new creator controls it', async () => {
    const h = await hierarchy();
    const creator = await spaceMember(h);
    const heir = await spaceMember(h);
    const svc = await serviceKey(h, creator.key);
    expect((await deactivate(creator.id)).status).toBe(204);

    const res = await transfer(svc.id, heir.id);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ id: svc.id, key_type: 'SERVICE', status: 'ACTIVE', created_by_user_id: heir.id });
    expect(res.body).not.toHaveProperty('key');
    const listed = await server.api('GET', '/v2/api-keys?key_type=SERVICE', { key: heir.key });
    expect(listed.body.api_keys.map((k: { id: string }) => k.id)).toEqual([svc.id]);
    const byHeir = await server.api('GET', `/v2/api-keys?created_by_user_id=${enc(heir.id)}`, { key: heir.key });
    expect(byHeir.body.api_keys.map((k: { id: string }) => k.id)).toContain(svc.id);
    expect((await space(h, svc.key)).status).toBe(200);
    const rows = (await auditRows(server, 'POST /v2/api-keys/:api_key_id/transfer')).filter((row) => JSON.parse(row.variables ?? '{}').api_key_id === svc.id);
    expect(rows).toHaveLength(1);
    // The new owner refreshes it as its creator.
    expect((await server.api('POST', `/v2/api-keys/${enc(svc.id)}/refresh`, { key: heir.key, body: {} })).status).toBe(200);
  });

  it('refuses a new owner lacking a permission of the key (403 naming it), a USER key, a bot, a deactivated person (422) and non-admins (403)', async () => {
    const h = await hierarchy();
    const creator = await spaceMember(h);
    const svc = await serviceKey(h, creator.key);

    const outsider = await createUserWithKey(server, { email: `${unique('deprov-outsider')}@example.com` });
    await addOrganizationMember(server, h.orgId, outsider.id, 'READ_ONLY');
    const lacking = await transfer(svc.id, outsider.id);
    expect(lacking.status).toBe(403);
    expect(lacking.body.detail).toContain('SERVICE_KEY_CREATE');

    const userKey = (await server.api('GET', '/v2/api-keys?key_type=USER', { key: creator.key })).body.api_keys[0].id as string;
    expect((await transfer(userKey, outsider.id)).status).toBe(422);

    const other = await serviceKey(h, creator.key);
    expect((await transfer(svc.id, other.bot_user.id)).status).toBe(422);

    const gone = await spaceMember(h);
    expect((await deactivate(gone.id)).status).toBe(204);
    const deactivated = await transfer(svc.id, gone.id);
    expect(deactivated.status).toBe(422);
    expect(deactivated.body.detail).toContain('deactivated');

    const heir = await spaceMember(h);
    expect((await transfer(svc.id, heir.id, creator.key)).status).toBe(403);
    expect((await transfer(svc.id, Buffer.from('User:999999').toString('base64'))).status).toBe(404);
    const unchanged = await server.api('GET', `/v2/api-keys?created_by_user_id=${enc(creator.id)}&key_type=SERVICE`);
    expect(unchanged.body.api_keys.map((k: { id: string }) => k.id)).toContain(svc.id);
  });
});

describe('single sign-on of a deactivated user', () => {
  it('is refused with 403 SSO_USER_INACTIVE and changes nothing; after reactivation the same login works', async () => {
    op = await startOidcOp({ redirectUris: [`${server.url}/auth/oidc/callback`] });
    const h = await hierarchy();
    const created = await server.api('POST', '/v2/oidc-identity-providers', {
      body: {
        name: 'Deprovisioning OP', email_domains: ['deprov.test'], issuer: op.issuer, client_id: op.clientId, client_secret: op.clientSecret,
        groups_claim_path: 'groups',
        role_mappings: [{ attributes_map: { groups: 'staff' }, org_role: { org_id: h.orgId, role_id: await predefinedRoleId(server, 'Member') } }],
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    op.setClaims('sso-person', { email: 'sso-person@deprov.test', email_verified: true, name: 'SSO Person', groups: ['staff'] });
    const ssoLogin = async () => {
      const jar = new CookieJar();
      const start = await jar.fetch(`${server.url}/auth/oidc/login?idp_id=${enc(created.body.id)}`);
      expect(start.status).toBe(302);
      const callback = await signInAtOp(start.headers.get('location')!, { login: 'sso-person' });
      return jar.fetch(callback, { headers: { accept: 'application/json' } });
    };
    expect((await ssoLogin()).status).toBe(302);
    const userId = (await server.api('GET', `/v2/users?email=${enc('sso-person@deprov.test')}`)).body.users[0].id as string;

    expect((await deactivate(userId)).status).toBe(204);
    const before = await loginRowCounts(server);
    const refused = await ssoLogin();
    expect(refused.status).toBe(403);
    expect((await refused.json()).code).toBe('SSO_USER_INACTIVE');
    expect(await loginRowCounts(server)).toEqual(before);
    expect((await server.api('GET', `/v2/users/${enc(userId)}`)).body).toMatchObject({ status: 'EXPIRED', deactivated_at: expect.any(String) });

    expect((await reactivate(userId)).status).toBe(204);
    expect((await ssoLogin()).status).toBe(302);
    expect((await server.api('GET', `/v2/users/${enc(userId)}`)).body.status).toBe('ACTIVE');
  });
});
