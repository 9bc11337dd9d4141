import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digestToken } from '../../src/auth/token-digest.js';
import { encodeId } from '../../src/domain/ids.js';
import { generateKey, digestKey } from '../../src/keys/index.js';
import { linkToken, setPassword, signIn } from '../helpers/console-session.js';
import { createSecondAccount, createUserWithKey, type FixtureUser } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
const db = () => server.context!.store.db;
let seq = 0;
/** A fresh address per test, so tests never depend on each other's users. */
const email = (label: string) => `${label}-${++seq}@example.com`;

const member = (role: 'ADMIN' | 'MEMBER' | 'ANNOTATOR' = 'MEMBER') => ({ type: 'PREDEFINED', name: role });

async function invite(body: Record<string, unknown>, key?: string) {
  return server.api('POST', '/v2/users', { key, body: { name: 'Someone', role: member(), invite_mode: 'EMAIL_LINK', ...body } });
}

async function mailsTo(to: string) {
  return (await server.mails()).filter((m) => m.to.includes(to));
}

async function createOrganization(name: string): Promise<string> {
  const res = await server.api('POST', '/v2/organizations', { body: { name } });
  expect(res.status).toBe(201);
  return res.body.id;
}

async function addToOrganization(orgId: string, userId: string, role = 'MEMBER') {
  const res = await server.api('POST', `/v2/organizations/${encodeURIComponent(orgId)}/users`, {
    body: { user_id: userId, role: { type: 'PREDEFINED', name: role } },
  });
  expect(res.status).toBe(200);
}

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server?.close());

describe('POST /v2/users', () => {
  it('invites by email link: 201 INVITED, one mail whose single-use link accepts over HTTP, then the user signs in', async () => {
    const address = email('link');
    const res = await invite({ name: 'Link Person', email: address });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(String), name: 'Link Person', email: address, role: { type: 'PREDEFINED', name: 'MEMBER' },
      status: 'INVITED', is_developer: true, created_at: expect.any(String), invite_mode: 'EMAIL_LINK',
    });
    expect(Buffer.from(res.body.id, 'base64').toString()).toMatch(/^User:\d+$/);

    const mail = await server.waitForMail(address);
    expect(mail.subject).toBe('You have been invited to ax');
    expect(mail.text).toContain('Hello Link Person');
    const token = linkToken(server, mail, 'invite');
    // Only the digest is stored.
    const stored = await db().selectFrom('user_tokens').selectAll().execute();
    expect(stored.some((t) => t.token_hash === token)).toBe(false);
    expect(stored.some((t) => t.token_hash === digestToken(server.context!.secrets.tokenKey, token) && t.kind === 'INVITE')).toBe(true);

    const preview = await server.api('GET', `/auth/invitations/${token}`, { key: null });
    expect(preview).toMatchObject({ status: 200, body: { email: address, name: 'Link Person' } });
    const accepted = await server.api('POST', `/auth/invitations/${token}/accept`, { key: null, body: { password: 'a long enough password' } });
    expect(accepted.status).toBe(200);
    expect(accepted.body.user).toMatchObject({ id: res.body.id, status: 'ACTIVE' });
    expect(accepted.body.must_change_password).toBe(false);

    expect((await server.api('POST', `/auth/invitations/${token}/accept`, { key: null, body: { password: 'another long password' } })).status).toBe(404);
    expect((await server.api('GET', `/auth/invitations/${token}`, { key: null })).status).toBe(404);
    const session = await signIn(server, address, 'a long enough password');
    expect(session.body.user.email).toBe(address);
    expect((await server.api('GET', `/v2/users/${encodeURIComponent(res.body.id)}`)).body.status).toBe('ACTIVE');
  });

  it('answers the same email again (any case) with 200 and the existing user, sending no second mail', async () => {
    const address = email('twice');
    const first = await invite({ email: address });
    expect(first.status).toBe(201);
    const second = await invite({ email: address.toUpperCase(), name: 'Other Name', invite_mode: 'TEMPORARY_PASSWORD' });
    expect(second.status).toBe(200);
    expect(second.body).toEqual({
      id: first.body.id, name: 'Someone', email: address, role: { type: 'PREDEFINED', name: 'MEMBER' }, status: 'INVITED',
      is_developer: true, created_at: first.body.created_at,
    });
    expect(await mailsTo(address)).toHaveLength(1);
  });

  it('answers the same email with invite_mode NONE with 409', async () => {
    const address = email('none-dup');
    expect((await invite({ email: address })).status).toBe(201);
    const res = await invite({ email: address, invite_mode: 'NONE' });
    expect(res.status).toBe(409);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(res.body.detail).toContain(address);
  });

  it('gives a temporary password once, stores only its hash, and keeps the user INVITED without a mail', async () => {
    const address = email('temp');
    const res = await invite({ email: address, invite_mode: 'TEMPORARY_PASSWORD' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'INVITED', invite_mode: 'TEMPORARY_PASSWORD', temporary_password: expect.any(String) });
    expect(res.body.temporary_password.length).toBeGreaterThanOrEqual(16);
    const row = await db().selectFrom('users').selectAll().where('email_lower', '=', address).executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^scrypt\$/);
    expect(row.password_hash).not.toContain(res.body.temporary_password);
    expect(row.must_change_password).toBe(1);
    expect(await mailsTo(address)).toHaveLength(0);
    const audit = await db().selectFrom('audit_logs').select('operation_text').where('operation_name', '=', 'POST /v2/users').execute();
    expect(audit.some((a) => a.operation_text?.includes(res.body.temporary_password))).toBe(false);
  });

  it('answers 409 "cannot be re-invited" for the email of a deleted user, in every invite mode and any case (issue 8)', async () => {
    const address = email('gone');
    const created = await invite({ email: address });
    expect(created.status).toBe(201);
    expect((await server.api('DELETE', `/v2/users/${encodeURIComponent(created.body.id)}`)).status).toBe(204);
    for (const invite_mode of ['EMAIL_LINK', 'TEMPORARY_PASSWORD', 'NONE']) {
      const res = await invite({ email: address.toUpperCase(), invite_mode });
      expect(res.status, invite_mode).toBe(409);
      expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(res.body).toMatchObject({ status: 409, title: 'user cannot be re-invited', code: 'CONFLICT' });
      expect(res.body.detail).toContain(address.toUpperCase());
    }
    const rows = await db().selectFrom('users').select('id').where('email_lower', '=', address).execute();
    expect(rows).toHaveLength(1);
    expect(await mailsTo(address)).toHaveLength(1);
  });

  it('creates an EXPIRED user without a mail for invite_mode NONE', async () => {
    const address = email('none');
    const res = await invite({ email: address, invite_mode: 'NONE' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'EXPIRED', invite_mode: 'NONE' });
    expect(res.body).not.toHaveProperty('temporary_password');
    expect(await mailsTo(address)).toHaveLength(0);
  });

  it('defaults is_developer to true for ADMIN and MEMBER, false for ANNOTATOR, and honours an explicit value', async () => {
    expect((await invite({ email: email('adm'), role: member('ADMIN'), invite_mode: 'NONE' })).body.is_developer).toBe(true);
    expect((await invite({ email: email('mem'), role: member('MEMBER'), invite_mode: 'NONE' })).body.is_developer).toBe(true);
    const annotator = await invite({ email: email('ann'), role: member('ANNOTATOR'), invite_mode: 'NONE' });
    expect(annotator.body).toMatchObject({ role: { type: 'PREDEFINED', name: 'ANNOTATOR' }, is_developer: false });
    expect((await invite({ email: email('ann2'), role: member('ANNOTATOR'), invite_mode: 'NONE', is_developer: true })).body.is_developer).toBe(true);
    expect((await invite({ email: email('mem2'), invite_mode: 'NONE', is_developer: false })).body.is_developer).toBe(false);
  });

  it('answers a CUSTOM account role with 422 and a READ_ONLY account role with 400', async () => {
    const custom = await invite({ email: email('custom'), role: { type: 'CUSTOM', id: encodeId('Role', 1) } });
    expect(custom.status).toBe(422);
    expect(custom.body.detail).toMatch(/^role: CUSTOM/);
    const readOnly = await invite({ email: email('ro'), role: { type: 'PREDEFINED', name: 'READ_ONLY' } });
    expect(readOnly.status).toBe(400);
    expect(readOnly.body.detail).toMatch(/role/);
  });

  it('rejects malformed bodies with 400 naming the field', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ email: email('x'), extra: 1 }, /unknown field "extra"/],
      [{ email: email('x'), name: 5 }, /^name:/],
      [{ email: email('x'), name: '   ' }, /^name:/],
      [{ email: 'not-an-email' }, /^email:/],
      [{ email: email('x'), invite_mode: 'SMOKE_SIGNAL' }, /^invite_mode:/],
      [{ email: email('x'), is_developer: 'yes' }, /^is_developer:/],
    ];
    for (const [body, detail] of cases) {
      const res = await invite(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.detail).toMatch(detail);
    }
    const missing = await server.api('POST', '/v2/users', { body: { name: 'n', email: email('x'), role: member() } });
    expect(missing.status).toBe(400);
    expect(missing.body.detail).toMatch(/missing required field "invite_mode"/);
    expect((await server.api('POST', '/v2/users', { body: '{"name":' })).status).toBe(400);
  });

  it('answers 503 saying what to do when the invitation mail cannot be sent; the invitation can be resent', async () => {
    const offline = await startTestServer({ env: { AX_SMTP_URL: 'smtp://127.0.0.1:1' } });
    try {
      const address = email('unreachable');
      const res = await offline.api('POST', '/v2/users', { body: { name: 'N', email: address, role: member(), invite_mode: 'EMAIL_LINK' } });
      expect(res.status).toBe(503);
      expect(res.body.detail).toMatch(/the user was created, but the invitation mail could not be sent; resend the invitation/);
      const listed = await offline.api('GET', `/v2/users?email=${encodeURIComponent(address)}`);
      expect(listed.body.users).toEqual([expect.objectContaining({ email: address, status: 'INVITED' })]);
      const resent = await offline.api('POST', `/v2/users/${encodeURIComponent(listed.body.users[0].id)}/resend-invitation`);
      expect(resent.status).toBe(503);
      expect(resent.body.detail).toMatch(/AX_SMTP_URL/);
    } finally {
      await offline.close();
    }
  });

  it('is for account admins only (403)', async () => {
    const m = await createUserWithKey(server, { email: email('creator') });
    const res = await invite({ email: email('by-member') }, m.key);
    expect(res.status).toBe(403);
    expect(res.body.detail).toMatch(/account admin/);
  });
});

describe('GET /v2/users and /v2/users/{user_id}', () => {
  it('pages through users by keyset with opaque cursors, each user exactly once', async () => {
    const tag = `page${Date.now()}`;
    for (let i = 0; i < 7; i++) expect((await invite({ email: `${tag}-${i}@example.com`, invite_mode: 'NONE' })).status).toBe(201);
    const seen: string[] = [];
    let cursor: string | undefined;
    const pages: number[] = [];
    do {
      const res = await server.api('GET', `/v2/users?email=${tag}&limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(res.status).toBe(200);
      pages.push(res.body.users.length);
      seen.push(...res.body.users.map((u: { email: string }) => u.email));
      if (res.body.pagination.has_more) expect(res.body.pagination.next_cursor).toEqual(expect.any(String));
      else expect(res.body.pagination).toEqual({ has_more: false });
      cursor = res.body.pagination.next_cursor;
    } while (cursor);
    expect(pages).toEqual([3, 3, 1]);
    expect(seen).toEqual(Array.from({ length: 7 }, (_, i) => `${tag}-${i}@example.com`));
  });

  it('pages through every user unfiltered (the list compiled once), each once and by id, with its effective status', async () => {
    const invited = await invite({ email: email('all-invited') });
    const lapsed = await invite({ email: email('all-lapsed') });
    const none = await invite({ email: email('all-none'), invite_mode: 'NONE' });
    const rowId = (id: string) => Number(Buffer.from(id, 'base64').toString().split(':')[1]);
    await db().updateTable('user_tokens').set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .where('user_id', '=', rowId(lapsed.body.id)).execute();
    const seen: { id: string; status: string }[] = [];
    let cursor: string | undefined;
    do {
      const res = await server.api('GET', `/v2/users?limit=4${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(res.status).toBe(200);
      seen.push(...res.body.users);
      cursor = res.body.pagination.next_cursor;
    } while (cursor);
    const ids = seen.map((u) => rowId(u.id));
    expect(ids).toEqual([...new Set(ids)].sort((a, b) => a - b));
    const statusOf = (id: string) => seen.find((u) => u.id === id)?.status;
    expect([statusOf(invited.body.id), statusOf(lapsed.body.id), statusOf(none.body.id)]).toEqual(['INVITED', 'EXPIRED', 'EXPIRED']);
  });

  it('filters email by case-insensitive substring and status (repeatable)', async () => {
    const tag = `filter${Date.now()}`;
    await invite({ email: `${tag}-active@example.com`, invite_mode: 'TEMPORARY_PASSWORD' });
    await invite({ email: `${tag}-expired@example.com`, invite_mode: 'NONE' });
    await invite({ email: `${tag}-invited@example.com` });
    const emails = async (query: string) => (await server.api('GET', `/v2/users?email=${tag.toUpperCase()}${query}`)).body.users.map((u: { email: string }) => u.email.split('-')[1]);
    expect(await emails('')).toEqual(['active@example.com', 'expired@example.com', 'invited@example.com']);
    expect(await emails('&status=EXPIRED')).toEqual(['expired@example.com']);
    expect(await emails('&status=EXPIRED&status=INVITED')).toEqual(['active@example.com', 'expired@example.com', 'invited@example.com']);
    expect(await emails('&status=ACTIVE')).toEqual([]);
  });

  it('never lists bots or deleted users, and a deleted user is 404', async () => {
    const now = new Date().toISOString();
    const { id: botId } = await db().insertInto('users').values({
      account_id: 1, name: 'bot', email: 'svc-1@bots.invalid', email_lower: 'svc-1@bots.invalid', role: 'MEMBER', status: 'ACTIVE',
      is_developer: 1, is_bot: 1, password_hash: null, must_change_password: 0, deleted_at: null, created_at: now, updated_at: now,
    }).returning('id').executeTakeFirstOrThrow();
    const gone = await createUserWithKey(server, { email: email('gone') });
    expect((await server.api('DELETE', `/v2/users/${encodeURIComponent(gone.id)}`)).status).toBe(204);
    const all = await server.api('GET', '/v2/users?limit=100&status=ACTIVE&status=INVITED&status=EXPIRED');
    const ids = all.body.users.map((u: { id: string }) => u.id);
    expect(ids).not.toContain(encodeId('User', botId));
    expect(ids).not.toContain(gone.id);
    expect((await server.api('GET', `/v2/users/${encodeURIComponent(gone.id)}`)).status).toBe(404);
  });

  it('shows others only themselves plus the users they share an organization with', async () => {
    const me = await createUserWithKey(server, { email: email('me') });
    const colleague = await createUserWithKey(server, { email: email('colleague') });
    const stranger = await createUserWithKey(server, { email: email('stranger') });
    const listed = async () => (await server.api('GET', '/v2/users?limit=100', { key: me.key })).body.users.map((u: { id: string }) => u.id);
    expect(await listed()).toEqual([me.id]);
    expect((await server.api('GET', `/v2/users/${encodeURIComponent(colleague.id)}`, { key: me.key })).status).toBe(404);

    const org = await createOrganization(`shared-${seq}`);
    await addToOrganization(org, me.id, 'READ_ONLY');
    await addToOrganization(org, colleague.id, 'ANNOTATOR');
    expect(await listed()).toEqual([me.id, colleague.id]);
    const got = await server.api('GET', `/v2/users/${encodeURIComponent(colleague.id)}`, { key: me.key });
    expect(got).toMatchObject({ status: 200, body: { id: colleague.id, email: colleague.email } });
    expect((await server.api('GET', `/v2/users/${encodeURIComponent(stranger.id)}`, { key: me.key })).status).toBe(404);
  });

  it('never crosses accounts: another tenant neither lists nor gets our users', async () => {
    const { admin } = await createSecondAccount(server, `admin-${seq}@tenant-b.example`);
    const ours = await createUserWithKey(server, { email: email('ours') });
    const theirList = await server.api('GET', '/v2/users?limit=100', { key: admin.key });
    expect(theirList.body.users.map((u: { id: string }) => u.id)).toEqual([admin.id]);
    for (const [method, path] of [['GET', ''], ['PATCH', ''], ['DELETE', ''], ['POST', '/resend-invitation'], ['POST', '/reset-password']] as const) {
      const res = await server.api(method, `/v2/users/${encodeURIComponent(ours.id)}${path}`, { key: admin.key, body: method === 'PATCH' ? { name: 'x' } : undefined });
      expect(res.status, `${method} ${path}`).toBe(404);
    }
    expect((await server.api('GET', `/v2/users/${encodeURIComponent(ours.id)}`)).status).toBe(200);
  });

  it('rejects bad queries and ids with 400', async () => {
    for (const query of ['limit=0', 'limit=101', 'limit=ten', 'status=DELETED', 'status=', 'colour=red', 'cursor=forged.cursor']) {
      const res = await server.api('GET', `/v2/users?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    }
    await createOrganization(`cursor-a-${seq}`);
    await createOrganization(`cursor-b-${seq}`);
    const orgs = await server.api('GET', '/v2/organizations?limit=1');
    const foreign = await server.api('GET', `/v2/users?cursor=${encodeURIComponent(orgs.body.pagination.next_cursor)}`);
    expect(foreign).toMatchObject({ status: 400, body: { code: 'INVALID_CURSOR' } });
    expect((await server.api('GET', '/v2/users/not-an-id')).body).toMatchObject({ status: 400, code: 'INVALID_ID' });
    expect((await server.api('GET', `/v2/users/${encodeURIComponent(encodeId('Organization', 1))}`)).body.detail).toMatch(/^user_id is not a valid User id/);
    expect((await server.api('GET', `/v2/users/${encodeURIComponent(encodeId('User', 999999))}`)).status).toBe(404);
  });
});

describe('PATCH /v2/users/{user_id}', () => {
  it('lets an admin change name and is_developer, each alone', async () => {
    const u = await createUserWithKey(server, { email: email('patch') });
    const path = `/v2/users/${encodeURIComponent(u.id)}`;
    expect((await server.api('PATCH', path, { body: { name: 'Renamed' } })).body).toMatchObject({ name: 'Renamed', is_developer: true });
    expect((await server.api('PATCH', path, { body: { is_developer: false } })).body).toMatchObject({ name: 'Renamed', is_developer: false });
    expect((await server.api('GET', path)).body).toMatchObject({ name: 'Renamed', is_developer: false, status: 'ACTIVE' });
  });

  it('rejects {} and bad fields with 400', async () => {
    const u = await createUserWithKey(server, { email: email('patch-bad') });
    const path = `/v2/users/${encodeURIComponent(u.id)}`;
    for (const body of [{}, { name: '  ' }, { name: '' }, { is_developer: 'no' }, { role: member('ADMIN') }, { email: 'x@example.com' }]) {
      const res = await server.api('PATCH', path, { body });
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
  });

  it('lets a user rename itself but not change is_developer or other users', async () => {
    const self = await createUserWithKey(server, { email: email('self') });
    const other = await createUserWithKey(server, { email: email('other') });
    const selfPath = `/v2/users/${encodeURIComponent(self.id)}`;
    expect((await server.api('PATCH', selfPath, { key: self.key, body: { name: 'My Name' } })).body).toMatchObject({ name: 'My Name' });
    const dev = await server.api('PATCH', selfPath, { key: self.key, body: { is_developer: false } });
    expect(dev.status).toBe(403);
    expect(dev.body.detail).toMatch(/is_developer/);
    expect((await server.api('PATCH', `/v2/users/${encodeURIComponent(other.id)}`, { key: self.key, body: { name: 'x' } })).status).toBe(404);
    const org = await createOrganization(`patch-org-${seq}`);
    await addToOrganization(org, self.id);
    await addToOrganization(org, other.id);
    expect((await server.api('PATCH', `/v2/users/${encodeURIComponent(other.id)}`, { key: self.key, body: { name: 'x' } })).status).toBe(403);
  });
});

describe('DELETE /v2/users/{user_id}', () => {
  it('soft-deletes in one transaction: memberships and bindings go, USER keys are revoked (401 at once), sessions end, bot keys stay', async () => {
    const victim = await createUserWithKey(server, { email: email('victim') });
    await setPassword(server, victim.dbId, 'victim password 123');
    const session = await signIn(server, victim.email, 'victim password 123');
    expect((await server.api('GET', '/v2/me', { key: victim.key })).status).toBe(200);

    const org = await createOrganization(`doomed-${seq}`);
    await addToOrganization(org, victim.id);
    const orgId = Buffer.from(org, 'base64').toString().split(':')[1]!;
    const now = new Date().toISOString();
    const { id: spaceId } = await db().insertInto('spaces').values({
      account_id: 1, organization_id: Number(orgId), name: `s-${seq}`, description: '', is_private: 0, created_at: now, updated_at: now,
    }).returning('id').executeTakeFirstOrThrow();
    const memberRole = await db().selectFrom('roles').select('id').where('account_id', '=', 1).where('predefined_key', '=', 'MEMBER').executeTakeFirstOrThrow();
    await db().insertInto('space_memberships').values({ account_id: 1, space_id: spaceId, user_id: victim.dbId, role_id: memberRole.id, created_at: now, updated_at: now }).execute();
    await db().insertInto('role_bindings').values({
      account_id: 1, user_id: victim.dbId, role_id: memberRole.id, resource_type: 'SPACE', space_id: spaceId, project_id: null, created_at: now, updated_at: now,
    }).execute();
    const bot = await insertBotWithKey(victim);
    expect((await server.api('GET', '/v2/me', { key: bot.key })).status).toBe(200);
    // Used right before the delete: the key verifier now holds it in its cache, which the delete must drop.
    expect((await server.api('GET', '/v2/me', { key: victim.key })).status).toBe(200);

    const res = await server.api('DELETE', `/v2/users/${encodeURIComponent(victim.id)}`);
    expect(res.status).toBe(204);
    expect(res.body).toBeUndefined();

    expect((await server.api('GET', '/v2/me', { key: victim.key })).status).toBe(401);
    expect((await server.api('GET', '/auth/session', { key: null, headers: { cookie: session.cookie } })).status).toBe(401);
    expect((await server.api('GET', '/v2/me', { key: bot.key })).status).toBe(200);
    const row = await db().selectFrom('users').selectAll().where('id', '=', victim.dbId).executeTakeFirstOrThrow();
    expect(row.deleted_at).not.toBeNull();
    const keys = await db().selectFrom('api_keys').select(['key_type', 'status', 'revoked_at']).where('created_by_user_id', '=', victim.dbId).orderBy('id').execute();
    expect(keys).toEqual([
      { key_type: 'USER', status: 'REVOKED', revoked_at: expect.any(String) },
      { key_type: 'SERVICE', status: 'ACTIVE', revoked_at: null },
    ]);
    for (const table of ['organization_memberships', 'space_memberships', 'role_bindings'] as const) {
      expect(await db().selectFrom(table).select('id').where('user_id', '=', victim.dbId).execute(), table).toEqual([]);
    }
    const sessions = await db().selectFrom('sessions').select('revoked_at').where('user_id', '=', victim.dbId).execute();
    expect(sessions.every((s) => s.revoked_at !== null)).toBe(true);
    const audit = await db().selectFrom('audit_logs').select(['user_id', 'variables']).where('operation_name', '=', 'DELETE /v2/users/:user_id').execute();
    expect(audit.some((a) => a.variables?.includes(victim.id))).toBe(true);

    // Idempotent; deletion is terminal, so the address cannot be invited again (as in Arize).
    expect((await server.api('DELETE', `/v2/users/${encodeURIComponent(victim.id)}`)).status).toBe(204);
    expect((await server.api('GET', `/v2/users/${encodeURIComponent(victim.id)}`)).status).toBe(404);
    expect((await invite({ email: victim.email, invite_mode: 'NONE' })).status).toBe(409);
  });

  it('is for account admins only, and 404 for unknown users', async () => {
    const m = await createUserWithKey(server, { email: email('nodelete') });
    expect((await server.api('DELETE', `/v2/users/${encodeURIComponent(m.id)}`, { key: m.key })).status).toBe(403);
    expect((await server.api('DELETE', `/v2/users/${encodeURIComponent(encodeId('User', 999999))}`)).status).toBe(404);
    expect((await server.api('DELETE', '/v2/users/bogus')).status).toBe(400);
  });

  it('refuses to delete the last ACTIVE account ADMIN (422); INVITED admins do not count', async () => {
    const { accountId, admin } = await createSecondAccount(server, `last-${seq}@tenant-c.example`);
    const self = await server.api('DELETE', `/v2/users/${encodeURIComponent(admin.id)}`, { key: admin.key });
    expect(self.status).toBe(422);
    // The same code as demoting it (PUT /v2/users/{user_id}/role), so a client tells this rule from other 422s.
    expect(self.body).toMatchObject({ code: 'LAST_ACTIVE_ADMIN', title: 'Last active account admin' });
    expect(self.body.detail).toMatch(/last ACTIVE account ADMIN/);
    expect((await server.api('POST', '/v2/users', { key: admin.key, body: { name: 'Future admin', email: email('future'), role: member('ADMIN'), invite_mode: 'EMAIL_LINK' } })).status).toBe(201);
    expect((await server.api('DELETE', `/v2/users/${encodeURIComponent(admin.id)}`, { key: admin.key })).status).toBe(422);
    const second = await createUserWithKey(server, { email: email('second-admin'), role: 'ADMIN', accountId });
    expect((await server.api('DELETE', `/v2/users/${encodeURIComponent(admin.id)}`, { key: second.key })).status).toBe(204);
    expect((await server.api('DELETE', `/v2/users/${encodeURIComponent(second.id)}`, { key: second.key })).status).toBe(422);
  });

  it('answers 422 for a bot user (it goes with its service key)', async () => {
    const owner = await createUserWithKey(server, { email: email('bot-owner') });
    const bot = await insertBotWithKey(owner);
    const res = await server.api('DELETE', `/v2/users/${encodeURIComponent(encodeId('User', bot.userId))}`);
    expect(res.status).toBe(422);
  });
});

describe('POST /v2/users/{user_id}/resend-invitation', () => {
  it('mails a fresh link, invalidating the previous one', async () => {
    const address = email('resend');
    const created = await invite({ email: address });
    const first = linkToken(server, await server.waitForMail(address), 'invite');
    const res = await server.api('POST', `/v2/users/${encodeURIComponent(created.body.id)}/resend-invitation`);
    expect(res.status).toBe(204);
    const mails = await mailsTo(address);
    expect(mails).toHaveLength(2);
    const second = linkToken(server, mails[1]!, 'invite');
    expect(second).not.toBe(first);
    expect((await server.api('GET', `/auth/invitations/${first}`, { key: null })).status).toBe(404);
    expect((await server.api('GET', `/auth/invitations/${second}`, { key: null })).status).toBe(200);
  });

  it('turns an expired invitation (link lapsed) from EXPIRED back to INVITED', async () => {
    const address = email('lapsed');
    const created = await invite({ email: address });
    const token = linkToken(server, await server.waitForMail(address), 'invite');
    await db().updateTable('user_tokens').set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .where('token_hash', '=', digestToken(server.context!.secrets.tokenKey, token)).execute();
    const path = `/v2/users/${encodeURIComponent(created.body.id)}`;
    expect((await server.api('GET', path)).body.status).toBe('EXPIRED');
    const expired = await server.api('GET', `/v2/users?email=${encodeURIComponent(address)}&status=EXPIRED`);
    expect(expired.body.users.map((u: { id: string }) => u.id)).toEqual([created.body.id]);
    expect((await server.api('GET', `/auth/invitations/${token}`, { key: null })).status).toBe(404);
    expect((await server.api('POST', `/auth/invitations/${token}/accept`, { key: null, body: { password: 'long enough password' } })).status).toBe(404);

    expect((await server.api('POST', `${path}/resend-invitation`)).status).toBe(204);
    expect((await server.api('GET', path)).body.status).toBe('INVITED');
    const fresh = linkToken(server, await server.waitForMail(address), 'invite');
    expect((await server.api('POST', `/auth/invitations/${fresh}/accept`, { key: null, body: { password: 'long enough password' } })).status).toBe(200);
  });

  it('invites a NONE user (EXPIRED → INVITED) and answers 400 for ACTIVE users and bots (as Arize documents), 403 for non-admins', async () => {
    const address = email('later');
    const created = await invite({ email: address, invite_mode: 'NONE' });
    const path = `/v2/users/${encodeURIComponent(created.body.id)}/resend-invitation`;
    const m = await createUserWithKey(server, { email: email('not-admin') });
    expect((await server.api('POST', path, { key: m.key })).status).toBe(403);
    expect((await server.api('POST', path)).status).toBe(204);
    expect((await server.api('GET', `/v2/users/${encodeURIComponent(created.body.id)}`)).body.status).toBe('INVITED');
    expect(await mailsTo(address)).toHaveLength(1);
    const active = await server.api('POST', `/v2/users/${encodeURIComponent(m.id)}/resend-invitation`);
    expect(active.status).toBe(400);
    expect(active.body).toMatchObject({ code: 'WRONG_USER_STATUS', title: 'wrong user status' });
    expect(active.body.detail).toMatch(/ACTIVE/);
    const bot = await insertBotWithKey(m);
    const botResend = await server.api('POST', `/v2/users/${encodeURIComponent(encodeId('User', bot.userId))}/resend-invitation`);
    expect(botResend.status).toBe(400);
    expect(botResend.body.detail).toMatch(/bot/);
  });
});

describe('POST /v2/users/{user_id}/reset-password', () => {
  it('mails a one-hour single-use link, ends sessions and the old password; the new one works', async () => {
    const u = await createUserWithKey(server, { email: email('reset') });
    await setPassword(server, u.dbId, 'old password 12345');
    const session = await signIn(server, u.email, 'old password 12345');
    const res = await server.api('POST', `/v2/users/${encodeURIComponent(u.id)}/reset-password`);
    expect(res.status).toBe(204);
    expect((await server.api('GET', '/auth/session', { key: null, headers: { cookie: session.cookie } })).status).toBe(401);
    expect((await server.api('POST', '/auth/login', { key: null, body: { email: u.email, password: 'old password 12345' } })).status).toBe(401);
    expect((await server.api('GET', '/v2/me', { key: u.key })).status).toBe(200);

    const mail = await server.waitForMail(u.email, /Reset/);
    const token = linkToken(server, mail, 'reset');
    const stored = await db().selectFrom('user_tokens').selectAll().where('token_hash', '=', digestToken(server.context!.secrets.tokenKey, token)).executeTakeFirstOrThrow();
    const lifetime = Date.parse(stored.expires_at) - Date.parse(stored.created_at);
    expect(lifetime).toBe(60 * 60_000);

    expect((await server.api('POST', `/auth/password-resets/${token}`, { key: null, body: { password: 'new password 12345' } })).status).toBe(204);
    expect((await server.api('POST', `/auth/password-resets/${token}`, { key: null, body: { password: 'newer password 12345' } })).status).toBe(404);
    await signIn(server, u.email, 'new password 12345');
  });

  it('answers 400 for INVITED, EXPIRED and bot users (as Arize documents), 403 for non-admins', async () => {
    const invited = await invite({ email: email('r-invited') });
    const expired = await invite({ email: email('r-expired'), invite_mode: 'NONE' });
    const owner = await createUserWithKey(server, { email: email('r-owner') });
    const bot = await insertBotWithKey(owner);
    for (const id of [invited.body.id, expired.body.id, encodeId('User', bot.userId)]) {
      const res = await server.api('POST', `/v2/users/${encodeURIComponent(id)}/reset-password`);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('WRONG_USER_STATUS');
    }
    expect((await server.api('POST', `/v2/users/${encodeURIComponent(owner.id)}/reset-password`, { key: owner.key })).status).toBe(403);
  });
});

/** A bot user with a SERVICE key created by `creator`, inserted directly (the api-keys routes are not under test here). */
async function insertBotWithKey(creator: FixtureUser): Promise<{ userId: number; key: string }> {
  const ctx = server.context!;
  const now = new Date().toISOString();
  const bot = `bot-${++seq}@bots.invalid`;
  const { id } = await db().insertInto('users').values({
    account_id: 1, name: 'service bot', email: bot, email_lower: bot, role: 'MEMBER', status: 'ACTIVE', is_developer: 1, is_bot: 1,
    password_hash: null, must_change_password: 0, deleted_at: null, created_at: now, updated_at: now,
  }).returning('id').executeTakeFirstOrThrow();
  const key = generateKey();
  await db().insertInto('api_keys').values({
    account_id: 1, user_id: id, created_by_user_id: creator.dbId, key_type: 'SERVICE', name: 'svc', description: null,
    public_id: key.publicId, secret_hash: digestKey(ctx.secrets.keyPepper, key.raw), last4: key.last4, status: 'ACTIVE',
    expires_at: null, revoked_at: null, last_used_at: null, replaced_by_id: null, created_at: now,
  }).execute();
  await ctx.changes.publish({ accountId: 1 });
  return { userId: id, key: key.raw };
}
