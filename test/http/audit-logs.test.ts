import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeId, parseId } from '../../src/domain/ids.js';
import type { AuthenticationFailure } from '../../src/client/types.js';
import type { AuditLogRow } from '../../src/store/schema.js';
import { createSecondAccount, createUserWithKey, type FixtureUser } from '../helpers/fixtures.js';
import { addOrganizationMember, createOrganization, enc } from '../helpers/hierarchy.js';
import { startTestServer, type TestServer, type Json } from '../helpers/server.js';

let server: TestServer;
let userCount = 0;
let adminId: string;

beforeAll(async () => {
  server = await startTestServer();
  adminId = (await server.api('GET', '/v2/me')).body.id;
});
afterAll(async () => {
  await server?.close();
});

const db = () => server.context!.store.db;
const user = (role: 'ADMIN' | 'MEMBER' | 'ANNOTATOR' = 'MEMBER'): Promise<FixtureUser> =>
  createUserWithKey(server, { email: `audit-user-${++userCount}@example.com`, role });
const dbId = (id: string) => parseId(id)!.n;
const WIDE = `start_time=${enc('2000-01-01T00:00:00Z')}&end_time=${enc('2100-01-01T00:00:00Z')}`;

/** Every entry the caller sees for the query, following cursors (limit 2 per page to exercise them). */
async function allLogs(query: string, key?: string): Promise<Json[]> {
  const logs: Json[] = [];
  let cursor: string | undefined;
  do {
    const res = await server.api('GET', `/v2/audit-logs?${query}&limit=2${cursor ? `&cursor=${enc(cursor)}` : ''}`, key ? { key } : {});
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.logs.length).toBeLessThanOrEqual(2);
    logs.push(...res.body.logs);
    cursor = res.body.pagination.next_cursor;
    expect(res.body.pagination.has_more).toBe(cursor !== undefined);
  } while (cursor);
  return logs;
}

async function insertLog(values: Partial<AuditLogRow> & { created_at: string }): Promise<string> {
  const { id } = await db().insertInto('audit_logs').values({
    account_id: 1, user_id: dbId(adminId), ip: '203.0.113.9', operation_type: 'QUERY', operation_name: null, operation_text: null, variables: null,
    ...values,
  }).returning('id').executeTakeFirstOrThrow();
  return encodeId('AuditLog', id);
}

describe('GET /v2/audit-logs access', () => {
  it('is for account admins only: 403 with Arize\'s detail "account admin required"', async () => {
    const orgId = await createOrganization(server, 'audit-403-org');
    const orgAdmin = await user();
    await addOrganizationMember(server, orgId, orgAdmin.id, 'ADMIN');
    for (const u of [await user('MEMBER'), await user('ANNOTATOR'), orgAdmin]) {
      const res = await server.api('GET', '/v2/audit-logs', { key: u.key });
      expect(res.status).toBe(403);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ status: 403, title: 'Forbidden', detail: 'account admin required' });
    }
    const admin = await user('ADMIN');
    expect((await server.api('GET', '/v2/audit-logs', { key: admin.key })).status).toBe(200);
  });
});

describe('what the audit log records', () => {
  it('records each mutation with its endpoint, body, path parameters, caller and address', async () => {
    const created = await server.api('POST', '/v2/roles', { body: { name: 'audited-role', permissions: ['PROJECT_READ'] } });
    expect(created.status).toBe(201);
    const patched = await server.api('PATCH', `/v2/roles/${enc(created.body.id)}`, { body: { description: 'now described' } });
    expect(patched.status).toBe(200);
    const deleted = await server.api('DELETE', `/v2/roles/${enc(created.body.id)}?force=true`);
    expect(deleted.status).toBe(204);
    const logs = (await allLogs(`${WIDE}&operation_type=MUTATION&user_id=${enc(adminId)}`)).slice(0, 3);
    expect(logs.map((l) => l.operation_name)).toEqual(['DELETE /v2/roles/:role_id', 'PATCH /v2/roles/:role_id', 'POST /v2/roles']);
    const [del, patch, post] = logs;
    expect(Object.keys(post).sort()).toEqual(['created_at', 'id', 'ip', 'operation_name', 'operation_text', 'operation_type', 'user_id']);
    expect(post).toMatchObject({ user_id: adminId, ip: '127.0.0.1', operation_type: 'MUTATION' });
    expect(JSON.parse(post.operation_text)).toEqual({ name: 'audited-role', permissions: ['PROJECT_READ'] });
    expect(Buffer.from(post.id, 'base64').toString()).toMatch(/^AuditLog:\d+$/);
    expect(new Date(post.created_at).toISOString()).toBe(post.created_at);
    expect(JSON.parse(patch.variables)).toEqual({ role_id: created.body.id });
    expect(JSON.parse(patch.operation_text)).toEqual({ description: 'now described' });
    expect(JSON.parse(del.variables)).toEqual({ role_id: created.body.id, force: true });
    expect('operation_text' in del).toBe(false);
    expect(dbId(del.id)).toBeGreaterThan(dbId(patch.id));
    expect(dbId(patch.id)).toBeGreaterThan(dbId(post.id));
  });

  it('records role binding changes under their endpoints, and nothing for a change that failed', async () => {
    const orgId = await createOrganization(server, 'audit-binding-org');
    const space = await server.api('POST', '/v2/spaces', { body: { name: 'audit-binding-space', organization_id: orgId } });
    const target = await user();
    const readOnly = (await server.api('GET', '/v2/roles?is_predefined=true')).body.roles.find((r: { name: string }) => r.name === 'Read Only');
    const body = { user_id: target.id, role_id: readOnly.id, resource_type: 'SPACE', resource_id: space.body.id };
    const binding = await server.api('POST', '/v2/role-bindings', { body });
    expect(binding.status).toBe(201);
    const before = await db().selectFrom('audit_logs').select('id').execute();
    expect((await server.api('POST', '/v2/role-bindings', { body })).status).toBe(409);
    expect((await server.api('POST', '/v2/roles', { body: { name: 'Admin', permissions: ['TAG_READ'] } })).status).toBe(409);
    expect(await db().selectFrom('audit_logs').select('id').execute()).toHaveLength(before.length);
    expect((await server.api('DELETE', `/v2/role-bindings/${enc(binding.body.id)}`)).status).toBe(204);
    const names = (await allLogs(`${WIDE}&operation_type=MUTATION`)).slice(0, 2).map((l) => l.operation_name);
    expect(names).toEqual(['DELETE /v2/role-bindings/:binding_id', 'POST /v2/role-bindings']);
  });

  // Issue 8 (Arize fidelity): Arize's schema requires user_id on every audit entry, so failed authentications
  // (nobody was authenticated) are listed apart, at /v2/audit-logs/authentication-failures.
  it('keeps failed authentications out of /v2/audit-logs (every entry has a user_id) and lists them apart, without the key', async () => {
    const bogus = `ak-${'Z'.repeat(12)}-${'q'.repeat(49)}`;
    expect((await server.api('GET', '/v2/organizations', { key: bogus })).status).toBe(401);
    expect((await server.api('POST', '/v2/roles', { key: null, body: { name: 'x', permissions: ['TAG_READ'] } })).status).toBe(401);
    const logs = await allLogs(WIDE);
    expect(logs.length).toBeGreaterThan(0);
    expect(logs.every((l) => typeof l.user_id === 'string')).toBe(true);
    expect(logs.some((l) => l.operation_name?.includes('/v2/organizations') && l.operation_type === 'QUERY')).toBe(false);

    const res = await server.api('GET', `/v2/audit-logs/authentication-failures?${WIDE}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const failures = (res.body.failures as AuthenticationFailure[]).slice(0, 2);
    expect(failures.map((f) => [f.operation, f.reason])).toEqual([['POST /v2/roles', 'missing'], ['GET /v2/organizations', 'malformed']]);
    for (const f of failures) {
      expect(Object.keys(f).sort()).toEqual(['count', 'first_at', 'ip', 'last_at', 'operation', 'reason']);
      expect(f).toMatchObject({ ip: '127.0.0.1', count: 1 });
      expect(JSON.stringify(f)).not.toContain(bogus);
    }
    expect(JSON.stringify(await db().selectFrom('authentication_failures').selectAll().execute())).not.toContain(bogus.slice(-16));
    // Only account admins.
    const member = await user();
    expect((await server.api('GET', '/v2/audit-logs/authentication-failures', { key: member.key })).status).toBe(403);
  });

  it('never stores a raw key or a password in any audit row', async () => {
    const secrets: string[] = [server.adminKey, server.adminPassword];
    const member = await user();
    secrets.push(member.key);
    const created = await server.api('POST', '/v2/api-keys', { body: { key_type: 'USER', name: 'audit-secret-key' } });
    expect(created.status).toBe(201);
    secrets.push(created.body.key);
    const refreshed = await server.api('POST', `/v2/api-keys/${enc(created.body.id)}/refresh`, { body: { grace_period_seconds: 60 } });
    expect(refreshed.status).toBe(200);
    secrets.push(refreshed.body.key);
    // The old key, still in its grace period, and the new one both authenticate; then the new one is revoked and fails.
    expect((await server.api('GET', '/v2/me', { key: created.body.key })).status).toBe(200);
    expect((await server.api('PUT', `/v2/api-keys/${enc(refreshed.body.id)}/revoke`)).status).toBe(204);
    expect((await server.api('GET', '/v2/me', { key: refreshed.body.key })).status).toBe(401);
    const invited = await server.api('POST', '/v2/users', {
      body: { name: 'Temp', email: 'audit-temp@example.com', role: { type: 'PREDEFINED', name: 'MEMBER' }, invite_mode: 'TEMPORARY_PASSWORD' },
    });
    expect(invited.status).toBe(201);
    expect(typeof invited.body.temporary_password).toBe('string');
    secrets.push(invited.body.temporary_password);
    const wrongPassword = 'not-the-password-0123456789';
    secrets.push(wrongPassword);
    expect((await server.api('POST', '/auth/login', { key: null, body: { email: 'admin@localhost', password: wrongPassword } })).status).toBe(401);
    expect((await server.api('POST', '/auth/login', { key: null, body: { email: 'nobody@example.com', password: wrongPassword } })).status).toBe(401);
    const temp = await server.api('POST', '/auth/login', { key: null, body: { email: 'audit-temp@example.com', password: invited.body.temporary_password } });
    expect(temp.status).toBe(200);
    const cookie = temp.headers.getSetCookie().find((c) => c.startsWith('ax_session='))!.split(';')[0]!;
    const newPassword = 'a brand new passphrase 42';
    secrets.push(newPassword);
    const changed = await server.api('POST', '/auth/change-password', {
      key: null, headers: { cookie, 'x-csrf-token': temp.body.csrf_token },
      body: { current_password: invited.body.temporary_password, new_password: newPassword },
    });
    expect(changed.status).toBe(204);

    const rows = await db().selectFrom('audit_logs').selectAll().execute();
    expect(rows.length).toBeGreaterThan(5);
    const operations = rows.map((r) => r.operation_name);
    expect(operations).toEqual(expect.arrayContaining(['POST /v2/api-keys', 'POST /v2/api-keys/:api_key_id/refresh', 'POST /v2/users', 'POST /auth/login', 'POST /auth/change-password']));
    const text = JSON.stringify(rows);
    for (const secret of secrets) {
      expect(text).not.toContain(secret);
      // Nor any long piece of it (a key's secret part, say, without its prefix).
      expect(text).not.toContain(secret.slice(-16));
    }
  });
});

describe('GET /v2/audit-logs filters', () => {
  it('takes an inclusive RFC 3339 window; start defaults to end − 30 days', async () => {
    const t1 = await insertLog({ created_at: '2020-01-01T00:00:00.000Z', operation_name: 'window-1' });
    const t2 = await insertLog({ created_at: '2020-01-15T12:00:00.000Z', operation_name: 'window-2' });
    const t3 = await insertLog({ created_at: '2020-02-01T00:00:00.000Z', operation_name: 'window-3' });
    const ids = async (query: string) => (await allLogs(query)).map((l) => l.id);
    expect(await ids(`start_time=${enc('2020-01-01T00:00:00Z')}&end_time=${enc('2020-02-01T00:00:00Z')}`)).toEqual([t3, t2, t1]);
    expect(await ids(`start_time=${enc('2020-01-01T00:00:00.001Z')}&end_time=${enc('2020-01-31T23:59:59.999Z')}`)).toEqual([t2]);
    // Offsets are honoured: 01:00+01:00 is 00:00Z.
    expect(await ids(`start_time=${enc('2020-01-15T13:00:00+01:00')}&end_time=${enc('2020-02-01T01:00:00+01:00')}`)).toEqual([t3, t2]);
    expect(await ids(`end_time=${enc('2020-01-20T00:00:00Z')}`)).toEqual([t2, t1]);
    expect(await ids(`end_time=${enc('2020-02-01T00:00:00Z')}`)).toEqual([t3, t2]);
    expect(await ids(`start_time=${enc('2020-01-15T12:00:00Z')}&end_time=${enc('2020-01-15T12:00:00Z')}`)).toEqual([t2]);
  });

  it('orders by time, newest first, then by id; pages through entries of one instant and narrows the window between pages', async () => {
    // Written out of time order: the later id holds the earlier time.
    const late = await insertLog({ created_at: '2019-03-01T00:00:02.000Z', operation_name: 'order-late' });
    const early = await insertLog({ created_at: '2019-03-01T00:00:00.000Z', operation_name: 'order-early' });
    const tied = [];
    for (let i = 0; i < 5; i++) tied.push(await insertLog({ created_at: '2019-03-01T00:00:01.000Z', operation_name: `order-tied-${i}` }));
    const window = `start_time=${enc('2019-03-01T00:00:00Z')}&end_time=${enc('2019-03-01T00:00:02Z')}`;
    expect((await allLogs(window)).map((l) => l.id)).toEqual([late, ...[...tied].reverse(), early]);
    // A page's cursor with a window that now ends before it: the window's end is kept.
    const first = await server.api('GET', `/v2/audit-logs?${window}&limit=1`);
    expect(first.body.logs.map((l: Json) => l.id)).toEqual([late]);
    const narrowed = await server.api('GET', `/v2/audit-logs?start_time=${enc('2019-03-01T00:00:00Z')}&end_time=${enc('2019-03-01T00:00:00.500Z')}`
      + `&limit=10&cursor=${enc(first.body.pagination.next_cursor)}`);
    expect(narrowed.status).toBe(200);
    expect(narrowed.body.logs.map((l: Json) => l.id)).toEqual([early]);
  });

  it('lists failed authentications newest first by when each began, the operator account\'s and those of no account merged, across pages', async () => {
    const failure = async (name: string, accountId: number | null, first: string, last: string) => {
      await db().insertInto('authentication_failures').values({
        bucket: `order-${name}`, account_id: accountId, user_id: null, ip: `198.51.100.${name.charCodeAt(0)}`, reason: name, operation: 'GET /v2/spaces',
        count: 1, first_at: `2018-05-01T${first}:00.000Z`, last_at: `2018-05-01T${last}:00.000Z`,
      }).execute();
    };
    await failure('a', 1, '00:05', '00:12'); // began before the window, counted in it
    await failure('b', null, '00:30', '00:31');
    await failure('c', 1, '00:20', '00:21');
    await failure('d', null, '00:20', '00:25'); // began with c, written after it
    await failure('e', 1, '00:02', '00:09'); // over before the window
    const window = `start_time=${enc('2018-05-01T00:10:00Z')}&end_time=${enc('2018-05-01T01:00:00Z')}`;
    const reasons: string[] = [];
    let cursor: string | undefined;
    do {
      const res = await server.api('GET', `/v2/audit-logs/authentication-failures?${window}&limit=2${cursor ? `&cursor=${enc(cursor)}` : ''}`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      reasons.push(...(res.body.failures as AuthenticationFailure[]).map((f) => f.reason));
      cursor = res.body.pagination.next_cursor;
    } while (cursor);
    expect(reasons).toEqual(['b', 'd', 'c', 'a']);
  });

  it('defaults to the last 30 days up to now', async () => {
    const day = 24 * 60 * 60 * 1000;
    const old = await insertLog({ created_at: new Date(Date.now() - 31 * day).toISOString(), operation_name: 'default-old' });
    const recent = await insertLog({ created_at: new Date(Date.now() - 29 * day).toISOString(), operation_name: 'default-recent' });
    const future = await insertLog({ created_at: new Date(Date.now() + day).toISOString(), operation_name: 'default-future' });
    const ids = (await allLogs('')).map((l) => l.id);
    expect(ids).toContain(recent);
    expect(ids).not.toContain(old);
    expect(ids).not.toContain(future);
  });

  it('filters by user_id and operation_type', async () => {
    const member = await user();
    const key = await server.api('POST', '/v2/api-keys', { key: member.key, body: { key_type: 'USER', name: 'member-key' } });
    expect(key.status).toBe(201);
    const mine = await allLogs(`${WIDE}&user_id=${enc(member.id)}`);
    expect(mine.map((l) => l.operation_name)).toEqual(['POST /v2/api-keys']);
    expect(mine[0].user_id).toBe(member.id);
    const query = await insertLog({ created_at: '2021-06-01T00:00:00.000Z', operation_type: 'QUERY', operation_name: 'q' });
    const subscription = await insertLog({ created_at: '2021-06-01T00:00:01.000Z', operation_type: 'SUBSCRIPTION', operation_name: 's' });
    const window = `start_time=${enc('2021-06-01T00:00:00Z')}&end_time=${enc('2021-06-02T00:00:00Z')}`;
    expect((await allLogs(`${window}&operation_type=SUBSCRIPTION`)).map((l) => l.id)).toEqual([subscription]);
    expect((await allLogs(`${window}&operation_type=QUERY`)).map((l) => l.id)).toEqual([query]);
    expect(await allLogs(`${window}&operation_type=MUTATION`)).toEqual([]);
    expect(await allLogs(`${WIDE}&user_id=${enc(encodeId('User', 999999))}`)).toEqual([]);
  });

  it('answers 400 naming the parameter for bad times, types, ids, limits and cursors', async () => {
    const cases: [string, string][] = [
      ['start_time=yesterday', 'start_time'],
      ['end_time=2020-01-01', 'end_time'],
      [`end_time=${enc('2020-01-01T00:00:00')}`, 'end_time'],
      [`start_time=${enc('2020-13-01T00:00:00Z')}`, 'start_time'],
      [`start_time=${enc('2020-12-31T23:59:60Z')}`, 'start_time'],
      [`start_time=${enc('2020-02-01T00:00:00Z')}&end_time=${enc('2020-01-01T00:00:00Z')}`, 'start_time'],
      [`start_time=${enc('2999-01-01T00:00:00Z')}`, 'start_time'],
      ['operation_type=READ', 'operation_type'],
      ['user_id=nope', 'user_id'],
      [`user_id=${enc(encodeId('Space', 1))}`, 'user_id'],
      ['limit=0', 'limit'],
      ['limit=101', 'limit'],
      ['cursor=abc.def', 'cursor'],
    ];
    for (const [query, field] of cases) {
      const res = await server.api('GET', `/v2/audit-logs?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.detail, query).toContain(field);
    }
    await server.api('POST', '/v2/roles', { body: { name: 'cursor-role-1', permissions: ['TAG_READ'] } });
    const roles = await server.api('GET', '/v2/roles?limit=1');
    const foreign = await server.api('GET', `/v2/audit-logs?cursor=${enc(roles.body.pagination.next_cursor)}`);
    expect(foreign.status).toBe(400);
  });

  it('pages newest first without gaps or repeats', async () => {
    for (let i = 0; i < 5; i++) {
      expect((await server.api('POST', '/v2/organizations', { body: { name: `audit-page-${i}` } })).status).toBe(201);
    }
    const logs = await allLogs(WIDE);
    const ids = logs.map((l) => dbId(l.id));
    // Newest first by time, then by id: this suite writes entries dated in the past and the future, so ids alone are not in that order.
    const newestFirst = [...logs].sort((a, b) => (a.created_at === b.created_at ? dbId(b.id) - dbId(a.id) : b.created_at.localeCompare(a.created_at)));
    expect(ids).toEqual(newestFirst.map((l) => dbId(l.id)));
    expect(new Set(ids).size).toBe(ids.length);
    const inDb = await db().selectFrom('audit_logs').select('id')
      .where('account_id', '=', 1).where('user_id', 'is not', null)
      .where('created_at', '>=', '2000-01-01T00:00:00.000Z').where('created_at', '<=', '2100-01-01T00:00:00.000Z')
      .orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
    expect(ids).toEqual(inDb.map((r) => r.id));
    const names = logs.filter((l) => l.operation_name === 'POST /v2/organizations').slice(0, 5)
      .map((l) => JSON.parse(l.operation_text).name);
    expect(names).toEqual(['audit-page-4', 'audit-page-3', 'audit-page-2', 'audit-page-1', 'audit-page-0']);
  });
});

describe('audit logs across accounts', () => {
  it('shows each account only its own rows; failures of no known account only to the operator account', async () => {
    const other = await createSecondAccount(server, 'audit-b@tenant-b.example');
    const theirOrg = await server.api('POST', '/v2/organizations', { key: other.admin.key, body: { name: 'tenant-b-audited' } });
    expect(theirOrg.status).toBe(201);
    // A key of tenant B that is revoked: its failure is attributed to tenant B.
    const theirKey = await server.api('POST', '/v2/api-keys', { key: other.admin.key, body: { key_type: 'USER', name: 'b-key' } });
    expect((await server.api('PUT', `/v2/api-keys/${enc(theirKey.body.id)}/revoke`, { key: other.admin.key })).status).toBe(204);
    expect((await server.api('GET', '/v2/organizations', { key: theirKey.body.key })).status).toBe(401);
    // A key nobody knows: no account.
    expect((await server.api('GET', '/v2/spaces', { key: 'ak-nobody-knows-this' })).status).toBe(401);

    const theirs = await allLogs(WIDE, other.admin.key);
    expect(theirs.map((l) => l.operation_name)).toEqual([
      'PUT /v2/api-keys/:api_key_id/revoke',
      'POST /v2/api-keys',
      'POST /v2/organizations',
    ]);
    expect(theirs.every((l) => l.user_id === other.admin.id)).toBe(true);
    const failuresOf = async (key?: string) =>
      (await server.api('GET', `/v2/audit-logs/authentication-failures?${WIDE}&limit=100`, key ? { key } : {})).body.failures as AuthenticationFailure[];
    expect((await failuresOf(other.admin.key)).map((f) => [f.operation, f.reason])).toEqual([['GET /v2/organizations', 'revoked']]);

    const ours = await allLogs(WIDE);
    const ourIds = new Set(ours.map((l) => l.id));
    expect(theirs.some((l) => ourIds.has(l.id))).toBe(false);
    const ourFailures = await failuresOf();
    expect(ourFailures.map((f) => [f.operation, f.reason])).toContainEqual(['GET /v2/spaces', 'malformed']);
    expect(ourFailures.map((f) => [f.operation, f.reason])).not.toContainEqual(['GET /v2/organizations', 'revoked']);
    const rows = await db().selectFrom('audit_logs').select(['id', 'account_id']).execute();
    expect(rows.filter((r) => r.account_id === other.accountId)).toHaveLength(theirs.length);
    // Filtering by a user of the other account yields nothing rather than their rows.
    expect(await allLogs(`${WIDE}&user_id=${enc(other.admin.id)}`)).toEqual([]);
  });
});
