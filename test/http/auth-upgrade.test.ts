import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Kysely, type Migration, Migrator, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digestToken } from '../../src/auth/token-digest.js';
import { digestKey, generateKey } from '../../src/keys/index.js';
import { startServer, type StartedServer } from '../../src/server/start-server.js';
import { openStore } from '../../src/store/database.js';
import { isPostgres } from '../../src/store/dialect.js';
import * as m001 from '../../src/store/migrations/001-initial.js';
import * as m002 from '../../src/store/migrations/002-user-tokens-by-user.js';
import * as m003 from '../../src/store/migrations/003-service-key-root-creator.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';

/**
 * Issue 8: a deployment of the version before migration 004 upgrades in place. Its failed authentications (audit rows
 * without a user) move to the counted failures, its sessions keep working with CSRF tokens now derived (the stored
 * ones are dropped), and its pepper and token key leave the database while its keys keep verifying.
 */
let database: TestDatabase;
let dataDir: string;
let server: StartedServer;
const key = generateKey();
const sessionToken = randomBytes(32).toString('base64url');
const pepper = randomBytes(32);
const tokenKey = randomBytes(32);

/** Migrations take a Kysely of any schema (Kysely's own advice), so this does too. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function migrateTo003(db: Kysely<any>): Promise<void> {
  const schema = isPostgres(db) ? (await sql<{ s: string }>`select current_schema() as s`.execute(db)).rows[0]?.s : undefined;
  const migrations: Record<string, Migration> = { '001-initial': m001, '002-user-tokens-by-user': m002, '003-service-key-root-creator': m003 };
  const { error } = await new Migrator({ db, provider: { getMigrations: async () => migrations }, ...(schema ? { migrationTableSchema: schema } : {}) }).migrateToLatest();
  if (error) throw error;
}

beforeAll(async () => {
  database = await createTestDatabase();
  dataDir = await mkdtemp(join(tmpdir(), 'ax-upgrade-'));
  const store = openStore({ dataDir, databaseUrl: database.url });
  // The schema of 003 (sessions.csrf_token), not this version's.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const db = store.db as unknown as Kysely<any>;
  await migrateTo003(db);
  const now = new Date().toISOString();
  await db.insertInto('server_settings').values([
    { name: 'key_pepper', value: pepper.toString('hex') }, { name: 'token_key', value: tokenKey.toString('hex') },
    { name: 'cursor_key', value: randomBytes(32).toString('hex') },
  ]).execute();
  await db.insertInto('accounts').values({ name: 'default', created_at: now }).execute();
  const { id: userId } = await db.insertInto('users').values({
    account_id: 1, name: 'Admin', email: 'admin@localhost', email_lower: 'admin@localhost', role: 'ADMIN', status: 'ACTIVE', is_developer: 1,
    is_bot: 0, password_hash: null, must_change_password: 0, deleted_at: null, created_at: now, updated_at: now,
  }).returning('id').executeTakeFirstOrThrow();
  await db.insertInto('api_keys').values({
    account_id: 1, user_id: userId, created_by_user_id: userId, key_type: 'USER', name: 'old key', description: null, public_id: key.publicId,
    secret_hash: digestKey(pepper, key.raw), last4: key.last4, status: 'ACTIVE', expires_at: null, revoked_at: null, last_used_at: null,
    replaced_by_id: null, created_at: now,
  }).execute();
  await db.insertInto('sessions').values({
    user_id: userId, token_hash: digestToken(tokenKey, sessionToken), csrf_token: 'stored-csrf-token', created_at: now,
    expires_at: new Date(Date.now() + 60 * 60_000).toISOString(), revoked_at: null,
  }).execute();
  await db.insertInto('audit_logs').values([
    { account_id: null, user_id: null, ip: '203.0.113.7', operation_type: 'QUERY', operation_name: 'AUTHENTICATION_FAILED GET /v2/spaces', operation_text: '{"reason":"unknown"}', variables: null, created_at: now },
    { account_id: 1, user_id: null, ip: '203.0.113.8', operation_type: 'MUTATION', operation_name: 'POST /auth/login', operation_text: '{"email":"admin@localhost","password":"[REDACTED]"}', variables: '{"reason":"wrong password"}', created_at: now },
    { account_id: 1, user_id: userId, ip: '127.0.0.1', operation_type: 'MUTATION', operation_name: 'POST /v2/organizations', operation_text: '{"name":"kept"}', variables: null, created_at: now },
  ]).execute();
  await store.close();
  server = await startServer({
    host: '127.0.0.1', port: 0, dataDir, databaseUrl: database.url, handleSignals: false,
    env: { ...process.env, DATABASE_URL: database.url ?? '', AX_LOG_LEVEL: 'silent', ARIZE_DIRECTORY: join(dataDir, 'arize'), AX_ADMIN_API_KEY: '', AX_ADMIN_PASSWORD: '' },
  });
});
afterAll(async () => {
  await server?.close();
  await database?.drop();
  await rm(dataDir, { recursive: true, force: true });
});

const get = (path: string, headers: Record<string, string>) => fetch(server.url + path, { headers });

describe('upgrading a deployment from before migration 004 (issue 8)', () => {
  it('keeps its API keys verifying, with the pepper moved out of the database', async () => {
    expect((await get('/v2/me', { authorization: `Bearer ${key.raw}` })).status).toBe(200);
    const names = (await server.context.store.db.selectFrom('server_settings').select('name').execute()).map((r) => r.name).sort();
    expect(names).toEqual(['audit_signing_key_check', 'cursor_key', 'key_pepper_check', 'token_key_check']);
  });

  it('moves failed authentications out of the audit log into the counted failures', async () => {
    const logs = await (await get('/v2/audit-logs', { authorization: `Bearer ${key.raw}` })).json() as { logs: { operation_name: string; user_id: string }[] };
    expect(logs.logs.map((l) => l.operation_name)).toEqual(['POST /v2/organizations']);
    const failures = await (await get('/v2/audit-logs/authentication-failures', { authorization: `Bearer ${key.raw}` })).json() as { failures: unknown[] };
    expect(failures.failures).toEqual(expect.arrayContaining([
      expect.objectContaining({ ip: '203.0.113.7', operation: 'GET /v2/spaces', reason: 'unknown', count: 1 }),
      expect.objectContaining({ ip: '203.0.113.8', operation: 'POST /auth/login', reason: 'wrong password', count: 1 }),
    ]));
  });

  it('keeps its console sessions, whose CSRF token is now derived and no longer the stored one', async () => {
    const cookie = `ax_session=${sessionToken}`;
    const session = await get('/auth/session', { cookie });
    expect(session.status).toBe(200);
    const { csrf_token: csrf } = await session.json() as { csrf_token: string };
    expect(csrf).not.toBe('stored-csrf-token');
    const post = (token: string) => fetch(`${server.url}/v2/organizations`, {
      method: 'POST', headers: { cookie, 'x-csrf-token': token, 'content-type': 'application/json' }, body: JSON.stringify({ name: `after-upgrade-${token.length}` }),
    });
    expect((await post('stored-csrf-token')).status).toBe(403);
    expect((await post(csrf)).status).toBe(201);
  });
});
