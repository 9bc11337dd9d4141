import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeId } from '../../src/domain/ids.js';
import { scimId } from '../../src/domain/scim-ids.js';
import { randomBytes } from 'node:crypto';
import { CookieJar } from '../helpers/cookie-jar.js';
import { testBackend } from '../helpers/database.js';
import { createUserWithKey } from '../helpers/fixtures.js';
import { createOrganization, createSpace } from '../helpers/hierarchy.js';
import { signInAtOp, startOidcOp } from '../helpers/oidc-op.js';
import {
  createScimToken, createScimUser, patchOp, SCIM_ENTERPRISE_USER, SCIM_ERROR, SCIM_LIST, SCIM_USER, type ScimSetup, scimRequests, setUpScim,
} from '../helpers/scim.js';
import { predefinedRoleId } from '../helpers/sso-login.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * Issue 12, SCIM Users (identity.md §5.3, §5.5; the user rows of the §12.5 conformance suite): what Entra's and Okta's
 * provisioning engines do to a user, replayed with the bodies they send, through real HTTP on a real database.
 */
let server: TestServer;
let entra: ScimSetup;
let okta: ScimSetup;
let count = 0;
const unique = (prefix: string) => `${prefix}-${++count}`;

beforeAll(async () => {
  server = await startTestServer({
    env: { AX_AUTH_FAILURE_LIMIT: '1000', AX_SSO_ALLOWED_PRIVATE_HOSTS: '127.0.0.1', AX_SECRETS_KEY: randomBytes(32).toString('base64') },
  });
  entra = await setUpScim(server, { protocol: 'SAML', domains: ['entra.example'] });
  okta = await setUpScim(server, { protocol: 'OIDC', domains: ['okta.example', 'okta-alias.example'] });
});
afterAll(async () => { await server?.close(); });

/** A user as Entra's provisioning engine creates it (its default attribute mappings). */
function entraUser(userName: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    schemas: [SCIM_USER, SCIM_ENTERPRISE_USER],
    externalId: unique('mailNickname'),
    userName,
    active: true,
    displayName: 'Ada Lovelace',
    emails: [{ primary: true, type: 'work', value: userName }],
    name: { formatted: 'Ada Lovelace', familyName: 'Lovelace', givenName: 'Ada' },
    title: 'Engineer',
    preferredLanguage: 'en-GB',
    [SCIM_ENTERPRISE_USER]: { department: 'Research', employeeNumber: '1815' },
    ...extra,
  };
}

/** A user as Okta's SCIM 2.0 test plan creates it (O5): userName not the primary email, a password, `groups: []`. */
function oktaUser(userName: string, email: string): Record<string, unknown> {
  return {
    schemas: [SCIM_USER], userName, name: { givenName: 'Grace', familyName: 'Hopper' },
    emails: [{ primary: true, value: email, type: 'work' }], displayName: 'Grace Hopper', locale: 'en-US', userType: 'Employee',
    externalId: unique('00u'), groups: [], password: 'Hunter2-never-kept', active: true,
  };
}

async function auditRowsOf(operation: string): Promise<{ operation_text: string | null; variables: string | null; user_id: number | null }[]> {
  return server.context!.store.db.selectFrom('audit_logs').select(['operation_text', 'variables', 'user_id'])
    .where('operation_name', '=', operation).orderBy('id').execute();
}

const filterQuery = (filter: string, extra = '') => `/Users?filter=${encodeURIComponent(filter)}${extra}`;

describe('creating and finding users (M1, M7, M17, O3–O6)', () => {
  it('M1 Create_User: a filter finds nothing, then POST creates the user (201, Location), and the filter finds it', async () => {
    const userName = `${unique('ada')}@entra.example`;
    const before = await entra.scim('GET', filterQuery(`userName eq "${userName}"`));
    expect(before.status).toBe(200);
    expect(before.body).toEqual({ schemas: [SCIM_LIST], totalResults: 0, itemsPerPage: 0, startIndex: 1 });

    const created = await entra.scim('POST', '/Users', entraUser(userName));
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.headers.get('content-type')).toMatch(/^application\/scim\+json/);
    expect(created.body.id).toMatch(/^[A-Za-z0-9_-]+=*$/);
    expect(created.headers.get('location')).toBe(`${server.url}/scim/v2/Users/${created.body.id}`);
    expect(created.body).toMatchObject({
      schemas: [SCIM_USER, SCIM_ENTERPRISE_USER], userName, active: true, displayName: 'Ada Lovelace', title: 'Engineer',
      [SCIM_ENTERPRISE_USER]: { department: 'Research', employeeNumber: '1815' },
      meta: { resourceType: 'User', location: `${server.url}/scim/v2/Users/${created.body.id}` },
    });
    expect(created.body.meta.created).toEqual(expect.any(String));

    // Filters are case-insensitive on userName (Entra sends it as the directory spells it).
    const found = await entra.scim('GET', filterQuery(`userName eq "${userName.toUpperCase()}"`));
    expect(found.body.totalResults).toBe(1);
    expect(found.body.Resources[0].id).toBe(created.body.id);

    // The person exists on the admin API: ACTIVE, no password, named from displayName, linked to the provider by SCIM.
    const rest = await server.api('GET', `/v2/users/${encodeURIComponent(encodeId('User', userIdOf(created.body.id)))}`);
    expect(rest.status).toBe(200);
    expect(rest.body).toMatchObject({ email: userName, name: 'Ada Lovelace', status: 'ACTIVE' });
    const link = await server.context!.store.db.selectFrom('user_identities').selectAll().where('user_id', '=', userIdOf(created.body.id)).executeTakeFirstOrThrow();
    expect(link).toMatchObject({ idp_id: entra.idpId, subject: userName, provisioned_by_scim: 1, scim_user_name: userName });
  });

  it("Entra's ?aadOptscim062020 flag, which it keeps on every request of a Tenant URL that carries it, is accepted everywhere", async () => {
    const flag = '?aadOptscim062020';
    const userName = `${unique('flag')}@entra.example`;
    const created = await entra.scim('POST', `/Users${flag}`, entraUser(userName));
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id as string;
    expect((await entra.scim('GET', `/Users/${id}${flag}`)).status).toBe(200);
    expect((await entra.scim('GET', `${filterQuery(`userName eq "${userName}"`)}&aadOptscim062020`)).body.totalResults).toBe(1);
    expect((await entra.scim('PATCH', `/Users/${id}${flag}`, patchOp({ op: 'replace', path: 'title', value: 'flagged' }))).status).toBe(200);
    expect((await entra.scim('PUT', `/Users/${id}${flag}`, entraUser(userName, { title: 'put' }))).status).toBe(200);
    const group = await entra.scim('POST', `/Groups${flag}`, { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: unique('flag-group') });
    expect(group.status, JSON.stringify(group.body)).toBe(201);
    expect((await entra.scim('DELETE', `/Groups/${group.body.id as string}${flag}`)).status).toBe(204);
    expect((await entra.scim('DELETE', `/Users/${id}${flag}`)).status).toBe(204);
  });

  it('M7 POD_User / M17: userName returned exactly as sent, found immediately by filter', async () => {
    const userName = `${unique('MiXeD')}@Entra.Example`;
    const id = await createScimUser(entra.scim, entraUser(userName));
    const res = await entra.scim('GET', filterQuery(`userName eq "${userName}"`));
    expect(res.body.totalResults).toBe(1);
    expect(res.body.Resources[0]).toMatchObject({ id, userName });
  });

  it('O3: a filter on an unknown userName is 200 with totalResults 0, never 404', async () => {
    const res = await okta.scim('GET', `/Users?count=100&filter=${encodeURIComponent(`userName eq "${unique('nobody')}@okta.example"`)}&startIndex=1`);
    expect(res.status).toBe(200);
    expect(res.body.totalResults).toBe(0);
    expect(res.body).not.toHaveProperty('Resources');
  });

  it('O4: an unknown id is 404 with the Error schema and a detail', async () => {
    for (const id of ['not-an-id', encodeId('User', 999999).replace(/\+/g, '-').replace(/\//g, '_'), encodeId('Space', 1)]) {
      const res = await okta.scim('GET', `/Users/${encodeURIComponent(id)}`);
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ schemas: [SCIM_ERROR], status: '404' });
      expect(res.body.detail).not.toBe('');
    }
  });

  it('O5/O6: Okta\'s create (userName not an email, password, groups: []) → 201 ACTIVE, as sent; GET returns the same; the password is neither returned nor audited', async () => {
    const userName = unique('grace.hopper');
    const email = `${userName}@okta.example`;
    const created = await okta.scim('POST', '/Users', oktaUser(userName, email));
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ userName, active: true, name: { givenName: 'Grace', familyName: 'Hopper' }, locale: 'en-US', userType: 'Employee' });
    expect(created.body.schemas).toContain(SCIM_USER);
    expect(created.body).not.toHaveProperty('password');
    const got = await okta.scim('GET', `/Users/${created.body.id}`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(created.body);

    const rows = await auditRowsOf('POST /scim/v2/Users');
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row.operation_text ?? '').not.toMatch(/password|Hunter2/i);
      expect(row.user_id).toBeNull();
      expect(JSON.parse(row.variables!).actor).toMatch(/^scim_token:/);
    }
    // Okta's password change by PATCH: accepted, discarded, and not in the audit row either.
    const changed = await okta.scim('PATCH', `/Users/${created.body.id}`, patchOp({ op: 'replace', path: 'password', value: 'Hunter3-never-kept' }));
    expect(changed.status).toBe(200);
    expect(changed.body).not.toHaveProperty('password');
    for (const row of await auditRowsOf('PATCH /scim/v2/Users/{id}')) expect(row.operation_text ?? '').not.toMatch(/Hunter3/);

    // The email came from emails[primary]; the OIDC link waits for the first sign-in's `sub`.
    const link = await server.context!.store.db.selectFrom('user_identities').selectAll().where('user_id', '=', userIdOf(created.body.id)).executeTakeFirstOrThrow();
    expect(link.subject).toBe(`scim:${userIdOf(created.body.id)}`);
    const rest = await server.api('GET', `/v2/users/${encodeURIComponent(encodeId('User', userIdOf(created.body.id)))}`);
    expect(rest.body.email).toBe(email);
  });

  it('filters: externalId (exact), emails[type eq "work"].value, emails.value, id, active, and two of them', async () => {
    const userName = `${unique('filters')}@entra.example`;
    const body = entraUser(userName);
    const id = await createScimUser(entra.scim, body);
    const total = async (filter: string) => {
      const res = await entra.scim('GET', filterQuery(filter));
      expect(res.status, `${filter}: ${JSON.stringify(res.body)}`).toBe(200);
      return res.body.totalResults as number;
    };
    expect(await total(`externalId eq "${body.externalId}"`)).toBe(1);
    expect(await total(`externalId eq "${(body.externalId as string).toUpperCase()}"`)).toBe(0);
    expect(await total(`emails[type eq "work"].value eq "${userName}"`)).toBe(1);
    expect(await total(`emails.value eq "${userName.toUpperCase()}"`)).toBe(1);
    expect(await total(`id eq "${id}"`)).toBe(1);
    expect(await total('id eq "garbage"')).toBe(0);
    expect(await total(`userName eq "${userName}" and active eq true`)).toBe(1);
    expect(await total(`userName eq "${userName}" and active eq false`)).toBe(0);
    expect(await total(`externalId eq "${body.externalId}" and emails[type eq "work"].value eq "${userName}"`)).toBe(1);
  });

  it('unsupported filters are 400 invalidFilter', async () => {
    for (const filter of ['userName co "x"', 'userName eq "a" or userName eq "b"', 'title eq "x"', 'not (userName eq "x")',
      'userName eq "a" and active eq true and externalId eq "c"', 'userName eq', 'emails[type eq "home"].value eq "x"']) {
      const res = await entra.scim('GET', filterQuery(filter));
      expect(res.status, filter).toBe(400);
      expect(res.body, filter).toMatchObject({ schemas: [SCIM_ERROR], status: '400', scimType: 'invalidFilter' });
    }
  });

  it('attributes and excludedAttributes choose what is returned (id and schemas always)', async () => {
    const userName = `${unique('projection')}@entra.example`;
    const id = await createScimUser(entra.scim, entraUser(userName));
    const only = await entra.scim('GET', `/Users/${id}?attributes=userName,name.givenName`);
    expect(Object.keys(only.body).sort()).toEqual(['id', 'name', 'schemas', 'userName']);
    const without = await entra.scim('GET', `${filterQuery(`userName eq "${userName}"`)}&excludedAttributes=emails,${SCIM_ENTERPRISE_USER}`);
    expect(without.body.Resources[0]).not.toHaveProperty('emails');
    expect(without.body.Resources[0]).not.toHaveProperty(SCIM_ENTERPRISE_USER);
    expect(without.body.Resources[0]).toHaveProperty('userName', userName);
  });

  it('POST, PUT and PATCH answer with the attributes the request asks for (RFC 7644 §3.9); Location stays without meta', async () => {
    const userName = `${unique('projected-write')}@entra.example`;
    const created = await entra.scim('POST', '/Users?excludedAttributes=meta,emails', entraUser(userName));
    expect(created.status).toBe(201);
    expect(created.body).not.toHaveProperty('meta');
    expect(created.body).not.toHaveProperty('emails');
    expect(created.headers.get('location')).toBe(`${server.url}/scim/v2/Users/${created.body.id}`);
    const id = created.body.id as string;
    const replaced = await entra.scim('PUT', `/Users/${id}?attributes=title`, entraUser(userName, { title: 'Countess' }));
    expect(replaced.status).toBe(200);
    expect(replaced.body).toEqual({ schemas: [SCIM_USER, SCIM_ENTERPRISE_USER], id, title: 'Countess' });
    const patched = await entra.scim('PATCH', `/Users/${id}?attributes=displayName`, patchOp({ op: 'Replace', path: 'displayName', value: 'Ada King' }));
    expect(patched.status).toBe(200);
    expect(Object.keys(patched.body).sort()).toEqual(['displayName', 'id', 'schemas']);
    expect((await entra.scim('GET', `/Users/${id}`)).body).toMatchObject({ title: 'Countess', displayName: 'Ada King', emails: [{ value: userName }] });
  });
});

describe('uniqueness and the provider\'s domains', () => {
  it('a duplicate userName (any case) or an email a live user holds is 409 uniqueness', async () => {
    const userName = `${unique('dup')}@entra.example`;
    await createScimUser(entra.scim, entraUser(userName));
    const again = await entra.scim('POST', '/Users', entraUser(userName.toUpperCase()));
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ schemas: [SCIM_ERROR], status: '409', scimType: 'uniqueness' });

    // A person the admins created (not linked to any provider) blocks too: the directory finds and takes it over instead.
    const existing = await createUserWithKey(server, { email: `${unique('manual')}@entra.example` });
    const taken = await entra.scim('POST', '/Users', entraUser(existing.email));
    expect(taken.status).toBe(409);
    const found = await entra.scim('GET', filterQuery(`userName eq "${existing.email}"`));
    expect(found.body.totalResults).toBe(1);
    const id = found.body.Resources[0].id as string;
    const takeover = await entra.scim('PATCH', `/Users/${id}`, patchOp({ op: 'Replace', path: 'externalId', value: 'taken-over' }));
    expect(takeover.status, JSON.stringify(takeover.body)).toBe(200);
    expect(takeover.body.externalId).toBe('taken-over');
    const link = await server.context!.store.db.selectFrom('user_identities').selectAll().where('user_id', '=', existing.dbId).executeTakeFirstOrThrow();
    expect(link.provisioned_by_scim).toBe(1);
  });

  it('an email outside the provider\'s domains is 400 invalidValue; a second domain of the provider is fine', async () => {
    const outside = await okta.scim('POST', '/Users', oktaUser(unique('out'), `${unique('x')}@elsewhere.example`));
    expect(outside.status).toBe(400);
    expect(outside.body).toMatchObject({ scimType: 'invalidValue' });
    const alias = await okta.scim('POST', '/Users', oktaUser(`${unique('alias')}@okta-alias.example`, 'ignored@elsewhere.example'));
    expect(alias.status, JSON.stringify(alias.body)).toBe(201);
    const noEmail = await okta.scim('POST', '/Users', { schemas: [SCIM_USER], userName: unique('no-email') });
    expect(noEmail.status).toBe(400);
    expect(noEmail.body.scimType).toBe('invalidValue');
  });

  it('bad bodies are 400: no userName, a wrong type, a foreign schema', async () => {
    expect((await entra.scim('POST', '/Users', { schemas: [SCIM_USER] })).body.scimType).toBe('invalidValue');
    const wrongType = await entra.scim('POST', '/Users', entraUser(`${unique('t')}@entra.example`, { active: 'yes' }));
    expect(wrongType.status).toBe(400);
    const foreign = await entra.scim('POST', '/Users', { schemas: ['urn:example:Thing'], userName: `${unique('f')}@entra.example` });
    expect(foreign.status).toBe(400);
    expect(foreign.body.scimType).toBe('invalidSyntax');
  });
});

describe('visibility (identity.md §5.3)', () => {
  it('a token sees its own users and unlinked users of its validated domains, not another provider\'s, not bots, not other domains', async () => {
    const oktaId = await createScimUser(okta.scim, oktaUser(`${unique('mine')}@okta.example`, 'x@okta.example'));
    expect((await entra.scim('GET', `/Users/${oktaId}`)).status).toBe(404);
    const unlinked = await createUserWithKey(server, { email: `${unique('unlinked')}@entra.example` });
    const elsewhere = await createUserWithKey(server, { email: `${unique('elsewhere')}@other.example` });
    const scimIdOf = (n: number) => encodeId('User', n).replace(/\+/g, '-').replace(/\//g, '_');
    expect((await entra.scim('GET', `/Users/${scimIdOf(unlinked.dbId)}`)).status).toBe(200);
    // The standard base64 form of the id is accepted as well as the URL-safe one.
    expect((await entra.scim('GET', `/Users/${encodeURIComponent(encodeId('User', unlinked.dbId))}`)).status).toBe(200);
    expect((await entra.scim('GET', `/Users/${scimIdOf(elsewhere.dbId)}`)).status).toBe(404);
    expect((await okta.scim('GET', `/Users/${scimIdOf(unlinked.dbId)}`)).status).toBe(404);
    const now = new Date().toISOString();
    const botEmail = `${unique('bot')}@entra.example`;
    const bot = await server.context!.store.db.insertInto('users').values({
      account_id: 1, name: 'a bot', email: botEmail, email_lower: botEmail, role: 'MEMBER', status: 'ACTIVE', is_developer: 0, is_bot: 1,
      password_hash: null, must_change_password: 0, deleted_at: null, created_at: now, updated_at: now,
    }).returning('id').executeTakeFirstOrThrow();
    expect((await entra.scim('GET', `/Users/${scimIdOf(bot.id)}`)).status).toBe(404);
    expect((await entra.scim('GET', filterQuery(`emails.value eq "${botEmail}"`))).body.totalResults).toBe(0);
    const all = await entra.scim('GET', '/Users?count=200');
    const ids = (all.body.Resources as { id: string }[]).map((r) => r.id);
    expect(ids).toContain(scimIdOf(unlinked.dbId));
    expect(ids).not.toContain(oktaId);
    expect(ids).not.toContain(scimIdOf(elsewhere.dbId));
  });

  it('an unvalidated domain shows only the users the provider itself provisioned', async () => {
    const unvalidated = await setUpScim(server, { domains: ['unvalidated.example'], validated: false });
    const person = await createUserWithKey(server, { email: `${unique('pre')}@unvalidated.example` });
    expect((await unvalidated.scim('GET', filterQuery(`userName eq "${person.email}"`))).body.totalResults).toBe(0);
    // …and it cannot create a second user with that email either.
    expect((await unvalidated.scim('POST', '/Users', entraUser(person.email))).status).toBe(409);
    const own = await createScimUser(unvalidated.scim, entraUser(`${unique('own')}@unvalidated.example`));
    expect((await unvalidated.scim('GET', `/Users/${own}`)).status).toBe(200);
  });
});

describe('updating users (M2, M5, M16, M18, M25, O7, PUT)', () => {
  it('M2 Update_User: Entra\'s Replace of title, department and displayName', async () => {
    const id = await createScimUser(entra.scim, entraUser(`${unique('m2')}@entra.example`));
    const res = await entra.scim('PATCH', `/Users/${id}`, patchOp(
      { op: 'Replace', path: 'title', value: 'Principal Engineer' },
      { op: 'Replace', path: `${SCIM_ENTERPRISE_USER}:department`, value: 'Platform' },
      { op: 'Replace', path: 'displayName', value: 'Ada King' },
    ));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const got = await entra.scim('GET', `/Users/${id}`);
    expect(got.body).toMatchObject({ title: 'Principal Engineer', displayName: 'Ada King', [SCIM_ENTERPRISE_USER]: { department: 'Platform', employeeNumber: '1815' } });
    const rest = await server.api('GET', `/v2/users/${encodeURIComponent(encodeId('User', userIdOf(id)))}`);
    expect(rest.body.name).toBe('Ada King');
  });

  it('M5 / M25 manager: Add, Replace, then Replace with empty and Remove leave no manager', async () => {
    const id = await createScimUser(entra.scim, entraUser(`${unique('m5')}@entra.example`));
    const managerPath = `${SCIM_ENTERPRISE_USER}:manager`;
    const manager = async () => (await entra.scim('GET', `/Users/${id}`)).body[SCIM_ENTERPRISE_USER]?.manager;
    // Entra's documented form names the manager by its bare id; RFC clients send {value}.
    expect((await entra.scim('PATCH', `/Users/${id}`, patchOp({ op: 'Add', path: managerPath, value: 'boss-0' }))).status).toBe(200);
    expect(await manager()).toEqual({ value: 'boss-0' });
    expect((await entra.scim('PATCH', `/Users/${id}`, patchOp({ op: 'Add', path: managerPath, value: { value: 'boss-1' } }))).status).toBe(200);
    expect(await manager()).toEqual({ value: 'boss-1' });
    expect((await entra.scim('PATCH', `/Users/${id}`, patchOp({ op: 'Replace', path: managerPath, value: { value: 'boss-2' } }))).status).toBe(200);
    expect(await manager()).toEqual({ value: 'boss-2' });
    expect((await entra.scim('PATCH', `/Users/${id}`, patchOp({ op: 'Replace', path: managerPath, value: { value: '' } }))).status).toBe(200);
    expect(await manager()).toBeUndefined();
    await entra.scim('PATCH', `/Users/${id}`, patchOp({ op: 'Add', path: managerPath, value: { value: 'boss-3' } }));
    expect((await entra.scim('PATCH', `/Users/${id}`, patchOp({ op: 'Remove', path: managerPath }))).status).toBe(200);
    expect(await manager()).toBeUndefined();
  });

  it('M16 SCIM_Null_Update: optional attributes set to "" and then null are absent', async () => {
    const id = await createScimUser(entra.scim, entraUser(`${unique('m16')}@entra.example`, { nickName: 'Countess' }));
    const empty = await entra.scim('PATCH', `/Users/${id}`, patchOp({ op: 'Replace', path: 'title', value: '' }, { op: 'Replace', path: 'nickName', value: '' }));
    expect(empty.status, JSON.stringify(empty.body)).toBe(200);
    expect(empty.body).not.toHaveProperty('title');
    expect(empty.body).not.toHaveProperty('nickName');
    const nulls = await entra.scim('PATCH', `/Users/${id}`, patchOp({ op: 'Replace', path: 'preferredLanguage', value: null }, { op: 'Replace', path: `${SCIM_ENTERPRISE_USER}:department`, value: null }));
    expect(nulls.status).toBe(200);
    const got = await entra.scim('GET', `/Users/${id}`);
    expect(got.body).not.toHaveProperty('preferredLanguage');
    expect(got.body[SCIM_ENTERPRISE_USER]).not.toHaveProperty('department');
  });

  it('M18 SCIM_User_Update: every single-valued string attribute replaced, Entra\'s filtered multi-valued paths included', async () => {
    const id = await createScimUser(entra.scim, entraUser(`${unique('m18')}@entra.example`));
    const values = {
      nickName: 'nick', profileUrl: 'https://example.com/ada', title: 't', userType: 'Contractor', preferredLanguage: 'fr-FR', locale: 'fr-FR',
      timezone: 'Europe/Paris', 'name.givenName': 'Augusta', 'name.familyName': 'King', 'name.formatted': 'Augusta Ada King',
      'name.middleName': 'Ada', 'name.honorificPrefix': 'Lady', 'name.honorificSuffix': 'II', externalId: 'ext-18',
      [`${SCIM_ENTERPRISE_USER}:employeeNumber`]: '42', [`${SCIM_ENTERPRISE_USER}:costCenter`]: 'cc', [`${SCIM_ENTERPRISE_USER}:organization`]: 'org',
      [`${SCIM_ENTERPRISE_USER}:division`]: 'div', [`${SCIM_ENTERPRISE_USER}:department`]: 'dep',
    };
    const res = await entra.scim('PATCH', `/Users/${id}`, patchOp(
      ...Object.entries(values).map(([path, value]) => ({ op: 'Replace', path, value })),
      { op: 'Add', path: 'phoneNumbers[type eq "mobile"].value', value: '+44 20 7946 0000' },
      { op: 'Add', path: 'phoneNumbers[type eq "fax"].value', value: '+44 20 7946 0001' },
      { op: 'Add', path: 'addresses[type eq "work"].locality', value: 'London' },
      { op: 'Replace', path: 'emails[type eq "work"].primary', value: 'True' },
    ));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const got = (await entra.scim('GET', `/Users/${id}`)).body;
    expect(got).toMatchObject({
      nickName: 'nick', profileUrl: 'https://example.com/ada', title: 't', userType: 'Contractor', preferredLanguage: 'fr-FR', locale: 'fr-FR',
      timezone: 'Europe/Paris', externalId: 'ext-18',
      name: { givenName: 'Augusta', familyName: 'King', formatted: 'Augusta Ada King', middleName: 'Ada', honorificPrefix: 'Lady', honorificSuffix: 'II' },
      [SCIM_ENTERPRISE_USER]: { employeeNumber: '42', costCenter: 'cc', organization: 'org', division: 'div', department: 'dep' },
    });
    expect(got.phoneNumbers).toEqual(expect.arrayContaining([{ type: 'mobile', value: '+44 20 7946 0000' }, { type: 'fax', value: '+44 20 7946 0001' }]));
    expect(got.addresses).toEqual([{ type: 'work', locality: 'London' }]);
    expect(got.emails[0].primary).toBe(true);
  });

  it('a PATCH add of an email the user has changes nothing; a new primary email takes primary from the old one', async () => {
    const userName = `${unique('emails')}@entra.example`;
    const id = await createScimUser(entra.scim, entraUser(userName));
    const again = await entra.scim('PATCH', `/Users/${id}`, patchOp({ op: 'add', path: 'emails', value: [{ value: userName, type: 'work', primary: true }] }));
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    expect((await entra.scim('GET', `/Users/${id}`)).body.emails).toEqual([{ value: userName, type: 'work', primary: true }]);
    const other = `${unique('other')}@entra.example`;
    const added = await entra.scim('PATCH', `/Users/${id}`, patchOp({ op: 'add', path: 'emails', value: [{ value: other, type: 'other', primary: true }] }));
    expect(added.status, JSON.stringify(added.body)).toBe(200);
    const emails = (await entra.scim('GET', `/Users/${id}`)).body.emails as { value: string; primary?: boolean }[];
    expect(emails.filter((e) => e.primary === true).map((e) => e.value)).toEqual([other]);
    expect(emails.map((e) => e.value).sort()).toEqual([other, userName].sort());
  });

  it('Entra\'s address parts in one PATCH build one work address, not one address per part', async () => {
    const id = await createScimUser(entra.scim, entraUser(`${unique('address')}@entra.example`));
    const res = await entra.scim('PATCH', `/Users/${id}`, patchOp(
      { op: 'Add', path: 'addresses[type eq "work"].streetAddress', value: '1 Main Street' },
      { op: 'Add', path: 'addresses[type eq "work"].locality', value: 'London' },
      { op: 'Add', path: 'addresses[type eq "work"].postalCode', value: 'EC1A 1BB' },
      { op: 'Replace', path: 'addresses[type eq "work"].country', value: 'GB' },
      { op: 'Add', path: 'phoneNumbers[type eq "work"].value', value: '+44 20 7946 0002' },
      { op: 'Add', path: 'phoneNumbers[type eq "work"].display', value: 'desk' },
    ));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const got = (await entra.scim('GET', `/Users/${id}`)).body;
    expect(got.addresses).toEqual([{ type: 'work', streetAddress: '1 Main Street', locality: 'London', postalCode: 'EC1A 1BB', country: 'GB' }]);
    expect(got.phoneNumbers).toEqual([{ type: 'work', value: '+44 20 7946 0002', display: 'desk' }]);
  });

  it('Entra\'s removal of an address part by part leaves no address behind, not [{type: "work"}]', async () => {
    const id = await createScimUser(entra.scim, entraUser(`${unique('address-gone')}@entra.example`));
    await entra.scim('PATCH', `/Users/${id}`, patchOp(
      { op: 'Add', path: 'addresses[type eq "work"].streetAddress', value: '1 Main Street' },
      { op: 'Add', path: 'addresses[type eq "work"].locality', value: 'London' },
    ));
    const res = await entra.scim('PATCH', `/Users/${id}`, patchOp(
      { op: 'Remove', path: 'addresses[type eq "work"].streetAddress' },
      { op: 'Remove', path: 'addresses[type eq "work"].locality' },
    ));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const got = (await entra.scim('GET', `/Users/${id}`)).body;
    expect(got.addresses ?? []).toEqual([]);
    expect(got.emails).toHaveLength(1);
  });

  it('O7: Okta\'s path-less replace of active answers 200 with active false in the body; the user\'s key stops', async () => {
    const email = `${unique('o7')}@okta.example`;
    const id = await createScimUser(okta.scim, oktaUser(email, email));
    const { key } = await userKeyFor(userIdOf(id));
    expect((await server.api('GET', '/v2/me', { key })).status).toBe(200);
    const res = await okta.scim('PATCH', `/Users/${id}`, patchOp({ op: 'replace', value: { active: false } }));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.active).toBe(false);
    expect((await server.api('GET', '/v2/me', { key })).status).toBe(401);
    const rest = await server.api('GET', `/v2/users/${encodeURIComponent(encodeId('User', userIdOf(id)))}`);
    expect(rest.body).toMatchObject({ status: 'EXPIRED', deactivated_at: expect.any(String) });
  });

  it('Okta\'s PUT of the whole user without active: 200, active unchanged, attributes replaced', async () => {
    const email = `${unique('put')}@okta.example`;
    const id = await createScimUser(okta.scim, oktaUser(email, email));
    const { active: _active, ...withoutActive } = oktaUser(email, email);
    const res = await okta.scim('PUT', `/Users/${id}`, { ...withoutActive, name: { givenName: 'Grace B.', familyName: 'Hopper' }, displayName: undefined, locale: undefined });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ active: true, name: { givenName: 'Grace B.', familyName: 'Hopper' } });
    expect(res.body).not.toHaveProperty('locale');
    await okta.scim('PATCH', `/Users/${id}`, patchOp({ op: 'replace', value: { active: false } }));
    const again = await okta.scim('PUT', `/Users/${id}`, withoutActive);
    expect(again.body.active).toBe(false);
  });

  it('PUT may change userName (an email change): the SAML link follows, the old name no longer matches', async () => {
    const before = `${unique('rename')}@entra.example`;
    const id = await createScimUser(entra.scim, entraUser(before));
    const after = `${unique('renamed')}@entra.example`;
    const res = await entra.scim('PUT', `/Users/${id}`, entraUser(after));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.userName).toBe(after);
    expect((await entra.scim('GET', filterQuery(`userName eq "${before}"`))).body.totalResults).toBe(0);
    expect((await entra.scim('GET', filterQuery(`userName eq "${after}"`))).body.totalResults).toBe(1);
    const link = await server.context!.store.db.selectFrom('user_identities').selectAll().where('user_id', '=', userIdOf(id)).executeTakeFirstOrThrow();
    expect(link.subject).toBe(after);
  });

  it('every PATCH operation applies or the request fails, changing nothing', async () => {
    const id = await createScimUser(entra.scim, entraUser(`${unique('atomic')}@entra.example`));
    const cases: [object, string][] = [
      [patchOp({ op: 'Replace', path: 'title', value: 'changed' }, { op: 'Replace', path: 'bogusAttribute', value: 'x' }), 'invalidPath'],
      [patchOp({ op: 'Replace', path: 'title', value: 'changed' }, { op: 'Merge', path: 'title', value: 'x' }), 'invalidSyntax'],
      [patchOp({ op: 'Replace', path: 'title', value: 'changed' }, { op: 'Replace', path: 'active', value: 'maybe' }), 'invalidValue'],
      [patchOp({ op: 'Replace', path: 'id', value: 'another' }), 'mutability'],
      [patchOp({ op: 'Add', path: 'groups', value: [{ value: 'x' }] }), 'mutability'],
      [patchOp({ op: 'Remove', path: 'userName' }), 'invalidValue'],
      [{ Operations: [{ op: 'Replace', path: 'title', value: 'changed' }] }, 'invalidSyntax'],
    ];
    for (const [body, scimType] of cases) {
      const res = await entra.scim('PATCH', `/Users/${id}`, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.scimType, JSON.stringify(body)).toBe(scimType);
    }
    expect((await entra.scim('GET', `/Users/${id}`)).body.title).toBe('Engineer');
    // Entra repeating the user's own id in a path-less replace is no change.
    const same = await entra.scim('PATCH', `/Users/${id}`, patchOp({ op: 'Replace', value: { id, title: 'same id' } }));
    expect(same.status).toBe(200);
    expect(same.body.title).toBe('same id');
  });
});

describe('deprovisioning (M3, M4, M6)', () => {
  it('M3 Disable_User: Entra\'s Replace active "False" deactivates; "True" reactivates', async () => {
    const id = await createScimUser(entra.scim, entraUser(`${unique('m3')}@entra.example`));
    const { key } = await userKeyFor(userIdOf(id));
    const off = await entra.scim('PATCH', `/Users/${id}`, patchOp({ op: 'Replace', path: 'active', value: 'False' }));
    expect(off.status).toBe(200);
    expect(off.body.active).toBe(false);
    expect((await server.api('GET', '/v2/me', { key })).status).toBe(401);
    expect((await entra.scim('GET', filterQuery(`id eq "${id}" and active eq false`))).body.totalResults).toBe(1);
    const on = await entra.scim('PATCH', `/Users/${id}`, patchOp({ op: 'Replace', path: 'active', value: 'True' }));
    expect(on.status).toBe(200);
    expect(on.body.active).toBe(true);
    const rest = await server.api('GET', `/v2/users/${encodeURIComponent(encodeId('User', userIdOf(id)))}`);
    expect(rest.body.status).toBe('ACTIVE');
    expect(rest.body).not.toHaveProperty('deactivated_at');
    // Reactivation restores the user, not its revoked key.
    expect((await server.api('GET', '/v2/me', { key })).status).toBe(401);
  });

  it('the SERVICE keys of a person the directory deactivates or deletes keep working: the audit row lists them and the admins get a mail', async () => {
    const orgId = await createOrganization(server, unique('scim-keys-org'));
    const spaceId = await createSpace(server, orgId, unique('scim-keys-space'));
    for (const how of ['deactivate', 'delete'] as const) {
      const person = await createUserWithKey(server, { email: `${unique(`keys-${how}`)}@entra.example`, name: `Keys ${how}`, role: 'ADMIN' });
      const svc = await server.api('POST', '/v2/api-keys', {
        key: person.key, body: { key_type: 'SERVICE', name: unique('pipeline'), organizations: [{ org_id: orgId, spaces: [{ space_id: spaceId }] }] },
      });
      expect(svc.status, JSON.stringify(svc.body)).toBe(201);
      const id = scimId('User', person.dbId);
      const res = how === 'deactivate'
        ? await entra.scim('PATCH', `/Users/${id}`, patchOp({ op: 'Replace', path: 'active', value: 'False' }))
        : await entra.scim('DELETE', `/Users/${id}`);
      expect(res.status, JSON.stringify(res.body)).toBe(how === 'deactivate' ? 200 : 204);
      expect((await server.api('GET', '/v2/me', { key: svc.body.key as string })).status).toBe(200);
      const [row] = (await auditRowsOf(how === 'deactivate' ? 'PATCH /scim/v2/Users/{id}' : 'DELETE /scim/v2/Users/{id}')).slice(-1);
      expect(row!.operation_text).toContain(svc.body.id as string);
      const mail = (await server.mails()).find((m) => m.subject.startsWith(`Keys ${how} was ${how === 'deactivate' ? 'deactivated' : 'deleted'} by your directory`));
      expect(mail?.text).toContain(svc.body.name as string);
    }
  });

  it('POST with active: false creates the user deactivated', async () => {
    const res = await entra.scim('POST', '/Users', entraUser(`${unique('inactive')}@entra.example`, { active: false }));
    expect(res.status).toBe(201);
    expect(res.body.active).toBe(false);
  });

  it('deactivating the last ACTIVE account admin is 400 mutability, and nothing changes', async () => {
    const local = await setUpScim(server, { domains: ['localhost'] });
    const found = await local.scim('GET', filterQuery('userName eq "admin@localhost"'));
    expect(found.body.totalResults).toBe(1);
    const res = await local.scim('PATCH', `/Users/${found.body.Resources[0].id}`, patchOp({ op: 'Replace', path: 'active', value: 'False' }));
    expect(res.status).toBe(400);
    expect(res.body.scimType).toBe('mutability');
    expect((await server.api('GET', '/v2/me')).status).toBe(200);
  });

  it('M4 Delete_User: 204, then 404 and absent from filters; M6 Restore_User: the same userName creates a live user again', async () => {
    const userName = `${unique('m4')}@entra.example`;
    const id = await createScimUser(entra.scim, entraUser(userName));
    const deleted = await entra.scim('DELETE', `/Users/${id}`);
    expect(deleted.status).toBe(204);
    expect((await entra.scim('GET', `/Users/${id}`)).status).toBe(404);
    expect((await entra.scim('GET', filterQuery(`userName eq "${userName}"`))).body.totalResults).toBe(0);
    expect((await entra.scim('DELETE', `/Users/${id}`)).status).toBe(404);
    expect((await entra.scim('PATCH', `/Users/${id}`, patchOp({ op: 'Replace', path: 'title', value: 'x' }))).status).toBe(404);

    const restored = await entra.scim('POST', '/Users', entraUser(userName));
    expect(restored.status, JSON.stringify(restored.body)).toBe(201);
    expect(restored.body.id).not.toBe(id);
    expect(restored.body.active).toBe(true);
    expect((await entra.scim('GET', filterQuery(`userName eq "${userName}"`))).body.totalResults).toBe(1);
  });
});

describe('paging (M23, O1)', () => {
  it('M23: 11 users in pages of 5 — startIndex = page·5+1, no user twice or missing, in creation order', async () => {
    const paging = await setUpScim(server, { domains: ['paging.example'] });
    const created: string[] = [];
    for (let i = 0; i < 11; i++) created.push(await createScimUser(paging.scim, entraUser(`${unique('page')}@paging.example`)));
    const seen: string[] = [];
    for (let page = 0; page < 3; page++) {
      const res = await paging.scim('GET', `/Users?startIndex=${page * 5 + 1}&count=5`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ schemas: [SCIM_LIST], totalResults: 11, startIndex: page * 5 + 1, itemsPerPage: page < 2 ? 5 : 1 });
      seen.push(...(res.body.Resources as { id: string }[]).map((r) => r.id));
    }
    expect(seen).toEqual(created);
    const beyond = await paging.scim('GET', '/Users?startIndex=50&count=5');
    expect(beyond.body).toEqual({ schemas: [SCIM_LIST], totalResults: 11, itemsPerPage: 0, startIndex: 50 });
    const onlyTotal = await paging.scim('GET', '/Users?count=0');
    expect(onlyTotal.body).toMatchObject({ totalResults: 11, itemsPerPage: 0 });
    const lenient = await paging.scim('GET', '/Users?startIndex=-3&count=2&sortBy=userName');
    expect(lenient.body).toMatchObject({ startIndex: 1, itemsPerPage: 2 });
  });

  it('O1: count=2&startIndex=1 is a ListResponse with Resources and numeric itemsPerPage, startIndex, totalResults', async () => {
    const res = await okta.scim('GET', '/Users?count=2&startIndex=1');
    expect(res.status).toBe(200);
    expect(res.body.schemas).toEqual([SCIM_LIST]);
    expect(res.body.Resources.length).toBeGreaterThan(0);
    expect(res.body.itemsPerPage).toEqual(expect.any(Number));
    expect(res.body.startIndex).toBe(1);
    expect(res.body.totalResults).toEqual(expect.any(Number));
  });
});

describe('unfiltered pages follow every write at once', () => {
  it('a user created, deactivated or deleted, by SCIM, by the REST API or straight in the database, shows in the next page', async () => {
    const directory = await setUpScim(server, { domains: ['follows.example'] });
    const scimIdOf = (n: number) => encodeId('User', n).replace(/\+/g, '-').replace(/\//g, '_');
    const page = async (query = 'count=200') => {
      const res = await directory.scim('GET', `/Users?${query}`);
      expect(res.status).toBe(200);
      const resources = (res.body.Resources ?? []) as { id: string; active: boolean }[];
      return { total: res.body.totalResults as number, users: resources.map((r) => `${r.id}:${r.active}`) };
    };
    const first = await createScimUser(directory.scim, entraUser(`${unique('follows')}@follows.example`));
    expect(await page()).toEqual({ total: 1, users: [`${first}:true`] });
    expect(await page()).toEqual({ total: 1, users: [`${first}:true`] });

    const second = await createScimUser(directory.scim, entraUser(`${unique('follows')}@follows.example`));
    expect(await page()).toEqual({ total: 2, users: [`${first}:true`, `${second}:true`] });

    expect((await directory.scim('PATCH', `/Users/${first}`, patchOp({ op: 'Replace', path: 'active', value: false }))).status).toBe(200);
    expect(await page()).toEqual({ total: 2, users: [`${first}:false`, `${second}:true`] });

    // An unlinked user of the provider's validated domain, created through the REST API, then one written straight
    // into the database: no service code announces either.
    const person = await createUserWithKey(server, { email: `${unique('rest')}@follows.example` });
    expect(await page()).toEqual({ total: 3, users: [`${first}:false`, `${second}:true`, `${scimIdOf(person.dbId)}:true`] });
    const now = new Date().toISOString();
    const email = `${unique('direct')}@follows.example`;
    const direct = await server.context!.store.db.insertInto('users').values({
      account_id: 1, name: 'written directly', email, email_lower: email, role: 'MEMBER', status: 'ACTIVE', is_developer: 0, is_bot: 0,
      password_hash: null, must_change_password: 0, deleted_at: null, created_at: now, updated_at: now,
    }).returning('id').executeTakeFirstOrThrow();
    expect((await page()).users).toEqual([`${first}:false`, `${second}:true`, `${scimIdOf(person.dbId)}:true`, `${scimIdOf(direct.id)}:true`]);
    expect(await page('startIndex=4&count=1')).toEqual({ total: 4, users: [`${scimIdOf(direct.id)}:true`] });

    expect((await server.api('DELETE', `/v2/users/${encodeURIComponent(encodeId('User', person.dbId))}`)).status).toBe(204);
    expect((await directory.scim('DELETE', `/Users/${second}`)).status).toBe(204);
    expect(await page()).toEqual({ total: 2, users: [`${first}:false`, `${scimIdOf(direct.id)}:true`] });
  });
});

describe.skipIf(testBackend !== 'postgres')('unfiltered pages on PostgreSQL, whose other connections and processes write unseen', () => {
  it('a user inserted by a transaction in progress while a page was read shows once that transaction commits', async () => {
    const directory = await setUpScim(server, { domains: ['in-flight.example'] });
    const total = async () => {
      const res = await directory.scim('GET', '/Users?count=10');
      expect(res.status).toBe(200);
      return res.body.totalResults as number;
    };
    await createScimUser(directory.scim, entraUser(`${unique('in-flight')}@in-flight.example`));
    expect(await total()).toBe(1);
    const now = new Date().toISOString();
    const email = `${unique('in-flight')}@in-flight.example`;
    // One connection of the pool holds the transaction open while the pages are read on others.
    await server.context!.store.db.connection().execute(async (connection) => {
      await sql`begin`.execute(connection);
      await connection.insertInto('users').values({
        account_id: 1, name: 'in flight', email, email_lower: email, role: 'MEMBER', status: 'ACTIVE', is_developer: 0, is_bot: 0,
        password_hash: null, must_change_password: 0, deleted_at: null, created_at: now, updated_at: now,
      }).execute();
      expect(await total()).toBe(1);
      expect(await total()).toBe(1);
      await sql`commit`.execute(connection);
    });
    expect(await total()).toBe(2);
  });
});

describe('tokens', () => {
  it('no token, a wrong token or an admin API key is 401 in SCIM\'s error form', async () => {
    for (const token of [null, 'axscim-nope', server.adminKey]) {
      const res = await entra.scim('GET', '/Users', undefined, { token });
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ schemas: [SCIM_ERROR], status: '401' });
    }
  });
});

describe('the first OIDC sign-in of a user the directory provisioned (identity.md §2.4)', () => {
  it('links it by email even on an unvalidated domain, replacing the placeholder subject; a user the directory did not provision is refused', async () => {
    const op = await startOidcOp({ redirectUris: [`${server.url}/auth/oidc/callback`] });
    try {
      const orgId = (await server.api('POST', '/v2/organizations', { body: { name: unique('scim-oidc-org') } })).body.id;
      const created = await server.api('POST', '/v2/oidc-identity-providers', {
        body: {
          name: unique('Directory OP'), email_domains: ['oidc-scim.test'], issuer: op.issuer, client_id: op.clientId, client_secret: op.clientSecret,
          role_mappings: [{ attributes_map: {}, org_role: { org_id: orgId, role_id: await predefinedRoleId(server, 'Member') } }],
        },
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const idpId = created.body.id as string;
      const idpRowId = Number(Buffer.from(idpId, 'base64').toString().split(':')[1]);
      await server.context!.store.db.updateTable('identity_provider_domains').set({ validated: 0 }).where('domain', '=', 'oidc-scim.test').execute();
      const scim = scimRequests(server, await createScimToken(server, 'OIDC', idpId));
      const id = await createScimUser(scim, oktaUser('dana@oidc-scim.test', 'dana@oidc-scim.test'));
      const outsider = await createUserWithKey(server, { email: 'erin@oidc-scim.test' });

      const signIn = async (login: string, email: string) => {
        op.setClaims(login, { email, email_verified: true, name: login });
        const jar = new CookieJar();
        const started = await jar.fetch(`${server.url}/auth/oidc/login?idp_id=${encodeURIComponent(idpId)}`);
        expect(started.status).toBe(302);
        const callback = await signInAtOp(started.headers.get('location')!, { login });
        return jar.fetch(callback, { headers: { accept: 'application/json' } });
      };
      const dana = await signIn('dana-sub', 'dana@oidc-scim.test');
      expect(dana.status, await dana.clone().text()).toBeLessThan(400);
      const links = await server.context!.store.db.selectFrom('user_identities').selectAll().where('idp_id', '=', idpRowId).where('user_id', '=', userIdOf(id)).execute();
      expect(links.map((l) => [l.subject, l.provisioned_by_scim])).toEqual([['dana-sub', 1]]);
      expect((await scim('GET', `/Users/${id}`)).body.userName).toBe('dana@oidc-scim.test');

      const erin = await signIn('erin-sub', outsider.email);
      expect(erin.status).toBe(409);
      expect((await erin.json()).code).toBe('SSO_LINK_REQUIRES_VALIDATED_DOMAIN');
    } finally {
      await op.close();
    }
  });
});

/** The row id inside a SCIM user id. */
function userIdOf(scimId: string): number {
  const text = Buffer.from(scimId.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8');
  return Number(text.split(':')[1]);
}

/** A USER key for a SCIM-provisioned user (inserted directly: the person would create one after signing in). */
async function userKeyFor(userId: number): Promise<{ key: string }> {
  const { digestKey, generateKey } = await import('../../src/keys/index.js');
  const ctx = server.context!;
  const key = generateKey();
  await ctx.store.db.insertInto('api_keys').values({
    account_id: 1, user_id: userId, created_by_user_id: userId, key_type: 'USER', name: 'scim test key', description: null,
    public_id: key.publicId, secret_hash: digestKey(ctx.secrets.keyPepper, key.raw), last4: key.last4, status: 'ACTIVE',
    expires_at: null, revoked_at: null, last_used_at: null, replaced_by_id: null, created_at: new Date().toISOString(),
  }).execute();
  return { key: key.raw };
}
