import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseId } from '../../src/domain/ids.js';
import { createUserWithKey, type FixtureUser } from '../helpers/fixtures.js';
import { TestClock } from '../helpers/clock.js';
import { startTestServer, type Json, type TestServer } from '../helpers/server.js';

/**
 * Issue 18, rotation telemetry: while a refreshed key's grace period runs, every use of the old key is counted (since
 * the refresh, in the last hour, last time and address) and shown on the key in `GET /v2/api-keys` and
 * `GET /v2/api-keys/{id}` as `grace_usage`; keys not in grace carry none and are never counted.
 */
let server: TestServer;
const clock = new TestClock();
const MINUTE = 60_000;

beforeAll(async () => {
  server = await startTestServer({ clock, env: { AX_TRUST_PROXY: 'true' } });
});
afterAll(async () => server?.close());

const enc = encodeURIComponent;
let users = 0;
const user = (role: 'ADMIN' | 'MEMBER' = 'MEMBER'): Promise<FixtureUser> => createUserWithKey(server, { email: `grace-${++users}@example.com`, role });
const useKey = (key: string, ip: string) => server.api('GET', '/v2/me', { key, headers: { 'x-forwarded-for': ip } });
const listed = async (key: string, id: string, query = ''): Promise<Json | undefined> => {
  const res = await server.api('GET', `/v2/api-keys${query}`, { key });
  expect(res.status).toBe(200);
  return (res.body as Json).api_keys.find((k: Json) => k.id === id);
};

async function refreshedKey(owner: FixtureUser, graceSeconds: number): Promise<{ old: Json; fresh: Json }> {
  const created = await server.api('POST', '/v2/api-keys', { key: owner.key, body: { key_type: 'USER', name: `rotated-${users}` } });
  expect(created.status).toBe(201);
  const fresh = await server.api('POST', `/v2/api-keys/${enc(created.body.id)}/refresh`, { key: owner.key, body: { grace_period_seconds: graceSeconds } });
  expect(fresh.status).toBe(200);
  return { old: created.body as Json, fresh: fresh.body as Json };
}

describe('grace usage of a refreshed key', () => {
  it('counts every use of the old key during the grace period: since the refresh, in the last hour, last time and address', async () => {
    const owner = await user();
    const { old, fresh } = await refreshedKey(owner, 2 * 3600);
    expect(await listed(owner.key, old.id)).toMatchObject({ replaced_by_api_key_id: fresh.id, grace_usage: { uses_since_refresh: 0, uses_last_hour: 0 } });
    expect((await listed(owner.key, old.id))!.grace_usage).not.toHaveProperty('last_used_at');

    for (let i = 0; i < 3; i++) expect((await useKey(old.key, '10.0.0.7')).status).toBe(200);
    const firstUse = new Date(clock.now()).toISOString();
    expect((await listed(owner.key, old.id))!.grace_usage).toEqual({ uses_since_refresh: 3, uses_last_hour: 3, last_used_at: firstUse, last_used_ip: '10.0.0.7' });

    clock.advance(30 * MINUTE);
    for (let i = 0; i < 2; i++) expect((await useKey(old.key, '10.0.0.8')).status).toBe(200);
    const lastUse = new Date(clock.now()).toISOString();
    expect((await listed(owner.key, old.id))!.grace_usage).toEqual({ uses_since_refresh: 5, uses_last_hour: 5, last_used_at: lastUse, last_used_ip: '10.0.0.8' });

    // 70 minutes after the first three uses, only the last two are within the hour.
    clock.advance(40 * MINUTE);
    expect((await listed(owner.key, old.id))!.grace_usage).toEqual({ uses_since_refresh: 5, uses_last_hour: 2, last_used_at: lastUse, last_used_ip: '10.0.0.8' });

    // GET by id says the same; the new key is not in grace and has no grace_usage.
    const one = await server.api('GET', `/v2/api-keys/${enc(old.id)}`, { key: owner.key });
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ id: old.id, status: 'ACTIVE', grace_usage: { uses_since_refresh: 5, uses_last_hour: 2 } });
    const replacement = await server.api('GET', `/v2/api-keys/${enc(fresh.id)}`, { key: owner.key });
    expect(replacement.status).toBe(200);
    expect(replacement.body).not.toHaveProperty('grace_usage');
    expect(await listed(owner.key, fresh.id)).not.toHaveProperty('grace_usage');

    // Once the grace period is over the key no longer works, and no longer carries grace_usage.
    clock.advance(51 * MINUTE);
    expect((await useKey(old.key, '10.0.0.7')).status).toBe(401);
    expect(await listed(owner.key, old.id)).toBeUndefined();
    expect(await listed(owner.key, old.id, '?status=REVOKED')).not.toHaveProperty('grace_usage');
  });

  it('never counts a key that is not in grace: its uses write nothing', async () => {
    const owner = await user();
    for (let i = 0; i < 5; i++) expect((await useKey(owner.key, '10.0.0.9')).status).toBe(200);
    const { old } = await refreshedKey(owner, 600);
    expect((await useKey(old.key, '10.0.0.9')).status).toBe(200);
    await listed(owner.key, old.id); // flushes this process's counts
    const rows = await server.context!.store.db.selectFrom('api_key_grace_usage').select('api_key_id').execute();
    expect(rows.map((r) => Number(r.api_key_id))).toContain(parseId(old.id)!.n);
    const ownerKeyId = (await server.context!.store.db.selectFrom('api_keys').select('id').where('user_id', '=', owner.dbId).where('name', '=', 'fixture key').executeTakeFirstOrThrow()).id;
    expect(rows.map((r) => Number(r.api_key_id))).not.toContain(Number(ownerKeyId));
  });

  it('GET /v2/api-keys/{id} shows a key to its owner and account admins only (404 otherwise, 400 for a bad id)', async () => {
    const owner = await user();
    const other = await user();
    const admin = await user('ADMIN');
    const { old } = await refreshedKey(owner, 600);
    expect((await useKey(old.key, '10.0.0.1')).status).toBe(200);
    const byAdmin = await server.api('GET', `/v2/api-keys/${enc(old.id)}`, { key: admin.key });
    expect(byAdmin.status).toBe(200);
    expect(byAdmin.body.grace_usage).toMatchObject({ uses_since_refresh: 1, last_used_ip: '10.0.0.1' });
    expect(await listed(admin.key, old.id, '?all_users=true')).toMatchObject({ grace_usage: { uses_since_refresh: 1 } });
    expect((await server.api('GET', `/v2/api-keys/${enc(old.id)}`, { key: other.key })).status).toBe(404);
    expect((await server.api('GET', '/v2/api-keys/not-an-id', { key: owner.key })).status).toBe(400);
  });
});
