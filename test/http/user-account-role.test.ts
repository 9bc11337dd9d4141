import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeId } from '../../src/domain/ids.js';
import { digestKey, generateKey } from '../../src/keys/index.js';
import { createSecondAccount, createUserWithKey } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
const db = () => server.context!.store.db;
let seq = 0;
const email = (label: string) => `${label}-${++seq}@role.example`;

const setRole = (userId: string, body: unknown, key?: string) =>
  server.api('PUT', `/v2/users/${encodeURIComponent(userId)}/role`, { key, body });

/** Whether the key's holder may list every key of the account (account admins only: 403 otherwise). */
const seesAllKeys = async (key: string) => (await server.api('GET', '/v2/api-keys?all_users=true', { key })).status;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server?.close());

describe('PUT /v2/users/{user_id}/role', () => {
  it('refuses to demote the last ACTIVE account ADMIN: 422 LAST_ACTIVE_ADMIN, nothing changes', async () => {
    const me = (await server.api('GET', '/v2/me')).body;
    const meId: string = me.id ?? me.user?.id;
    const res = await setRole(meId, { role: 'MEMBER' });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'LAST_ACTIVE_ADMIN', detail: expect.stringContaining('last ACTIVE account ADMIN') });
    expect((await server.api('GET', `/v2/users/${encodeURIComponent(meId)}`)).body.role).toEqual({ type: 'PREDEFINED', name: 'ADMIN' });
    expect(await seesAllKeys(server.adminKey)).toBe(200);
  });

  it('promotes a member to ADMIN: 200 with the user, audited, and the member key gets admin rights at once; demoting takes them back', async () => {
    const member = await createUserWithKey(server, { email: email('promote') });
    expect(await seesAllKeys(member.key)).toBe(403);

    const promoted = await setRole(member.id, { role: 'ADMIN' });
    expect(promoted.status).toBe(200);
    expect(promoted.body).toMatchObject({ id: member.id, email: member.email, role: { type: 'PREDEFINED', name: 'ADMIN' }, status: 'ACTIVE' });
    expect(await seesAllKeys(member.key)).toBe(200);
    expect((await server.api('GET', `/v2/users/${encodeURIComponent(member.id)}`)).body.role.name).toBe('ADMIN');

    const audit = await db().selectFrom('audit_logs').select(['operation_name', 'operation_text', 'variables'])
      .where('operation_name', '=', 'PUT /v2/users/:user_id/role').execute();
    const row = audit.find((a) => a.variables?.includes(member.id));
    expect(row).toBeDefined();
    expect(JSON.parse(row!.operation_text!)).toEqual({ role: 'ADMIN', previous_role: 'MEMBER' });

    const demoted = await setRole(member.id, { role: 'ANNOTATOR' });
    expect(demoted.status).toBe(200);
    expect(demoted.body.role).toEqual({ type: 'PREDEFINED', name: 'ANNOTATOR' });
    expect(await seesAllKeys(member.key)).toBe(403);
  });

  it('lets an admin demote another admin while one ACTIVE admin remains, and that admin may then not change roles (403)', async () => {
    const other = await createUserWithKey(server, { email: email('other-admin'), role: 'ADMIN' });
    const target = await createUserWithKey(server, { email: email('target') });
    expect((await setRole(target.id, { role: 'ADMIN' }, other.key)).status).toBe(200);
    const res = await setRole(other.id, { role: 'MEMBER' }, target.key);
    expect(res.status).toBe(200);
    expect(res.body.role.name).toBe('MEMBER');
    const refused = await setRole(target.id, { role: 'MEMBER' }, other.key);
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toContain('account admin required');
  });

  it('refuses members (403) without changing anything, and a member cannot promote itself', async () => {
    const member = await createUserWithKey(server, { email: email('member') });
    const victim = await createUserWithKey(server, { email: email('victim') });
    expect((await setRole(victim.id, { role: 'ADMIN' }, member.key)).status).toBe(403);
    expect((await setRole(member.id, { role: 'ADMIN' }, member.key)).status).toBe(403);
    const row = await db().selectFrom('users').select('role').where('id', 'in', [member.dbId, victim.dbId]).execute();
    expect(row.map((r) => r.role)).toEqual(['MEMBER', 'MEMBER']);
  });

  it('refuses bot users of service keys with 422', async () => {
    const creator = await createUserWithKey(server, { email: email('creator') });
    const now = new Date().toISOString();
    const bot = `bot-${++seq}@bots.invalid`;
    const { id } = await db().insertInto('users').values({
      account_id: 1, name: 'service bot', email: bot, email_lower: bot, role: 'MEMBER', status: 'ACTIVE', is_developer: 1, is_bot: 1,
      password_hash: null, must_change_password: 0, deleted_at: null, created_at: now, updated_at: now,
    }).returning('id').executeTakeFirstOrThrow();
    const key = generateKey();
    await db().insertInto('api_keys').values({
      account_id: 1, user_id: id, created_by_user_id: creator.dbId, key_type: 'SERVICE', name: 'svc', description: null,
      public_id: key.publicId, secret_hash: digestKey(server.context!.secrets.keyPepper, key.raw), last4: key.last4, status: 'ACTIVE',
      expires_at: null, revoked_at: null, last_used_at: null, replaced_by_id: null, created_at: now,
    }).execute();
    const res = await setRole(encodeId('User', id), { role: 'ADMIN' });
    expect(res.status).toBe(422);
    expect(res.body.detail).toContain('bot');
    expect((await db().selectFrom('users').select('role').where('id', '=', id).executeTakeFirstOrThrow()).role).toBe('MEMBER');
  });

  it('answers 404 for an unknown, a deleted or another account\'s user', async () => {
    expect((await setRole(encodeId('User', 999_999), { role: 'MEMBER' })).status).toBe(404);
    const gone = await createUserWithKey(server, { email: email('gone') });
    expect((await server.api('DELETE', `/v2/users/${encodeURIComponent(gone.id)}`)).status).toBe(204);
    expect((await setRole(gone.id, { role: 'ADMIN' })).status).toBe(404);
    const { admin } = await createSecondAccount(server, email('tenant-b-admin'));
    expect((await setRole(admin.id, { role: 'MEMBER' })).status).toBe(404);
  });

  it('answers 400 for a bad body: unknown role, the POST /v2/users object form, extra fields, no body, a bad id', async () => {
    const user = await createUserWithKey(server, { email: email('bad-body') });
    for (const body of [{ role: 'OWNER' }, { role: 'admin' }, { role: { type: 'PREDEFINED', name: 'ADMIN' } }, { role: 'ADMIN', name: 'x' }, {}]) {
      const res = await setRole(user.id, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.status).toBe(400);
    }
    expect((await server.api('PUT', `/v2/users/${encodeURIComponent(user.id)}/role`)).status).toBe(400);
    expect((await setRole('not-an-id', { role: 'ADMIN' })).status).toBe(400);
  });

  it('keeps PATCH /v2/users/{user_id} to name and is_developer: role there is still a 400', async () => {
    const user = await createUserWithKey(server, { email: email('patch') });
    const res = await server.api('PATCH', `/v2/users/${encodeURIComponent(user.id)}`, { body: { role: 'ADMIN' } });
    expect(res.status).toBe(400);
  });

  it('makes the role an admin\'s choice: a role an SSO sync promoted loses its sync provenance', async () => {
    const user = await createUserWithKey(server, { email: email('synced'), role: 'ADMIN' });
    await db().updateTable('users').set({ role_source: 'SSO:1', role_before_sync: 'MEMBER' }).where('id', '=', user.dbId).execute();
    expect((await setRole(user.id, { role: 'ADMIN' })).status).toBe(200);
    const row = await db().selectFrom('users').select(['role', 'role_source', 'role_before_sync']).where('id', '=', user.dbId).executeTakeFirstOrThrow();
    expect(row).toEqual({ role: 'ADMIN', role_source: null, role_before_sync: null });
  });
});
