import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSecondAccount, createUserWithKey } from '../helpers/fixtures.js';
import { setPassword } from '../helpers/console-session.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { insertProvider } from '../helpers/sso-provider-rows.js';

/**
 * Allow-only-SSO (identity.md §2.5) and users pre-provisioned for SSO (§2.4 last bullet): password sign-in refused
 * with SSO_REQUIRED for the provider's domains and linked users, never for anyone else (the bootstrap admin keeps the
 * way back in); no password reset or invitation for such users; invite_mode NONE creates them ACTIVE.
 */

let server: TestServer;
const db = () => server.context!.store.db;
const PASSWORD = 'orange kites over the harbour';
let idp: number;

beforeAll(async () => {
  server = await startTestServer();
  idp = await insertProvider(server, 'only.example.test', [{ attributes: {}, isAccountAdmin: true }], { allowOnlySso: true });
});
afterAll(async () => {
  await server?.close();
});

const signIn = (email: string, password: string) => server.api('POST', '/auth/login', { key: null, body: { email, password } });

async function passwordUser(email: string) {
  const user = await createUserWithKey(server, { email });
  await setPassword(server, user.dbId, PASSWORD);
  return user;
}

async function setProvider(values: { enabled?: number; allow_only_sso_logins?: number }) {
  await db().updateTable('identity_providers').set(values).where('id', '=', idp).execute();
}

describe('POST /auth/login with allow_only_sso_logins', () => {
  it('refuses a user of the provider\'s domain with 403 SSO_REQUIRED, whether the password is right or wrong, and an unknown email of the domain alike', async () => {
    await passwordUser('pat@only.example.test');
    for (const [email, password] of [['pat@only.example.test', PASSWORD], ['Pat@Only.example.test', 'wrong password entirely'], ['nobody@only.example.test', PASSWORD]]) {
      const res = await signIn(email!, password!);
      expect(res.status, email).toBe(403);
      expect(res.body.code).toBe('SSO_REQUIRED');
      expect(res.headers.getSetCookie().some((c) => c.startsWith('ax_session='))).toBe(false);
    }
    const failures = await db().selectFrom('authentication_failures').select(['reason', 'user_id']).where('reason', '=', 'SSO_REQUIRED').execute();
    expect(failures).toHaveLength(1);
  });

  it('keeps password sign-in for users outside the domains: the bootstrap admin and a contractor', async () => {
    expect((await signIn('admin@localhost', server.adminPassword)).status).toBe(200);
    await passwordUser('quinn@contractor.example.test');
    expect((await signIn('quinn@contractor.example.test', PASSWORD)).status).toBe(200);
  });

  it('refuses a user linked to the provider from outside its domains, only once the password is right (a wrong one is the usual 401)', async () => {
    const user = await passwordUser('rita@linked.example.test');
    await db().insertInto('user_identities').values({
      idp_id: idp, subject: 'rita@linked.example.test', user_id: user.dbId, provisioned_by_scim: 0, last_login_at: null, last_attributes: null,
      created_at: new Date().toISOString(),
    }).execute();
    expect((await signIn('rita@linked.example.test', PASSWORD)).body.code).toBe('SSO_REQUIRED');
    const wrong = await signIn('rita@linked.example.test', 'not the password at all');
    expect(wrong.status).toBe(401);
    expect(wrong.body.code).toBe('INVALID_CREDENTIALS');
  });

  it('lets passwords work again when the provider is disabled or allows passwords', async () => {
    await passwordUser('sam@only.example.test');
    try {
      await setProvider({ enabled: 0 });
      expect((await signIn('sam@only.example.test', PASSWORD)).status).toBe(200);
      await setProvider({ enabled: 1, allow_only_sso_logins: 0 });
      expect((await signIn('sam@only.example.test', PASSWORD)).status).toBe(200);
      expect((await signIn('sam@only.example.test', 'wrong password entirely')).status).toBe(401);
    } finally {
      await setProvider({ enabled: 1, allow_only_sso_logins: 1 });
    }
  });
});

describe('passwords of SSO-only users', () => {
  it('answers 422 to a password reset and to an invitation of a user whose provider allows only SSO; others are unaffected', async () => {
    const active = await passwordUser('tom@only.example.test');
    const reset = await server.api('POST', `/v2/users/${encodeURIComponent(active.id)}/reset-password`);
    expect(reset.status).toBe(422);
    expect(reset.body.detail).toMatch(/single sign-on/);

    const invited = await server.api('POST', '/v2/users', { body: { name: 'Uma', email: 'uma@only.example.test', role: { type: 'PREDEFINED', name: 'MEMBER' }, invite_mode: 'EMAIL_LINK' } });
    expect(invited.status).toBe(201);
    const resend = await server.api('POST', `/v2/users/${encodeURIComponent(invited.body.id)}/resend-invitation`);
    expect(resend.status).toBe(422);

    const outside = await passwordUser('vic@elsewhere.example.test');
    expect((await server.api('POST', `/v2/users/${encodeURIComponent(outside.id)}/reset-password`)).status).toBe(204);
  });
});

describe('POST /v2/users with invite_mode NONE', () => {
  it('creates the user ACTIVE when the email\'s domain belongs to an identity provider of the account, else EXPIRED as before', async () => {
    await insertProvider(server, 'sso.example.test', [{ attributes: {}, isAccountAdmin: true }]);
    const create = (email: string) => server.api('POST', '/v2/users', { body: { name: email, email, role: { type: 'PREDEFINED', name: 'MEMBER' }, invite_mode: 'NONE' } });
    const sso = await create('wes@SSO.example.test');
    expect(sso.status).toBe(201);
    expect(sso.body.status).toBe('ACTIVE');
    const plain = await create('xena@plain.example.test');
    expect(plain.body.status).toBe('EXPIRED');
    // A provider of another account does not make this account's user ACTIVE.
    const other = await createSecondAccount(server);
    await insertProvider(server, 'tenant-b-sso.example.test', [{ attributes: {}, isAccountAdmin: true }], { accountId: other.accountId });
    const foreign = await create('yan@tenant-b-sso.example.test');
    expect(foreign.body.status).toBe('EXPIRED');
    expect((await server.api('GET', `/v2/users/${encodeURIComponent(sso.body.id)}`)).body.status).toBe('ACTIVE');
  });
});
