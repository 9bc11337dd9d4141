import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../src/server/start-server.js';
import { createTestDatabase, testBackend } from '../helpers/database.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server?.close());

describe('health and discovery', () => {
  it('answers /healthz and /readyz without a key', async () => {
    expect((await server.api('GET', '/healthz', { key: null })).status).toBe(200);
    expect((await server.api('GET', '/readyz', { key: null })).status).toBe(200);
  });

  it('publishes an OpenAPI 3.1 document generated from the route schemas', async () => {
    const res = await server.api('GET', '/v2/openapi.json', { key: null });
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    expect(Object.keys(res.body.paths)).toContain('/v2/me');
    expect(Object.keys(res.body.paths)).toContain('/v2/organizations/{org_id}');
  });

  it('sends an x-request-id on every answer', async () => {
    const res = await server.api('GET', '/healthz', { key: null });
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('authentication', () => {
  it('GET /v2/me with the bootstrap key is the ACTIVE admin', async () => {
    const res = await server.api('GET', '/v2/me');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    expect(res.body).toMatchObject({ email: 'admin@localhost', status: 'ACTIVE', role: { type: 'PREDEFINED', name: 'ADMIN' }, is_bot: false });
    expect(res.body.permissions.account).toContain('USER_CREATE');
  });

  it('accepts the older api_key header', async () => {
    const res = await server.api('GET', '/v2/me', { key: null, headers: { api_key: server.adminKey } });
    expect(res.status).toBe(200);
  });

  it('takes the Bearer scheme in any case, with any whitespace around the key, and nothing after it', async () => {
    const key = server.adminKey;
    for (const authorization of [`bearer ${key}`, `BEARER \t ${key}`, `Bearer ${key}  `, `Bearer\t${key}\t`]) {
      expect((await server.api('GET', '/v2/me', { key: null, headers: { authorization } })).status, authorization).toBe(200);
    }
    for (const authorization of [`Bearer ${key} ${key}`, `Bearer${key}`, 'Bearer ', `Bearer: ${key}`]) {
      expect((await server.api('GET', '/v2/me', { key: null, headers: { authorization } })).status, authorization).toBe(401);
    }
  });

  it('answers a missing, malformed, unknown or non-Bearer key with a 401 problem that does not say which', async () => {
    const cases: Record<string, string>[] = [
      {},
      { authorization: 'Bearer nope' },
      { authorization: `Bearer ${server.adminKey}x` },
      { authorization: `Basic ${server.adminKey}` },
      { authorization: 'Bearer ak-AAAAAAAAAAAA-0000000000000000000000000000000000000000000000000' },
    ];
    const details = new Set<string>();
    for (const headers of cases) {
      const res = await server.api('GET', '/v2/me', { key: null, headers });
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(res.body).toMatchObject({ status: 401, title: 'Unauthorized' });
      if (headers.authorization) details.add(res.body.detail);
    }
    expect(details.size).toBe(1);
  });
});

describe('bootstrap', () => {
  it('writes the admin key to <data dir>/admin.key with mode 0600', async () => {
    const file = join(server.dataDir, 'admin.key');
    expect((await readFile(file, 'utf8')).trim()).toBe(server.adminKey);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('creates an ax profile pointing at the server when none exists', async () => {
    const toml = await readFile(join(server.profileDir, 'config.toml'), 'utf8');
    expect(toml).toContain(`api_key = "${server.adminKey}"`);
    expect(toml).toContain('api_host = "127.0.0.1"');
    expect((await stat(join(server.profileDir, 'config.toml'))).mode & 0o777).toBe(0o600);
  });

  it('does not bootstrap a second time on the same database', async () => {
    const db = await createTestDatabase();
    const dataDir = join(server.dataDir, 'second');
    const env = { ...process.env, DATABASE_URL: db.url ?? '', AX_LOG_LEVEL: 'silent', ARIZE_DIRECTORY: join(dataDir, 'arize'), AX_ADMIN_API_KEY: '', AX_ADMIN_PASSWORD: '' };
    const first = await startServer({ host: '127.0.0.1', port: 0, dataDir, databaseUrl: db.url, handleSignals: false, env });
    const key = (await readFile(join(dataDir, 'admin.key'), 'utf8')).trim();
    expect(key).toMatch(/^ak-[0-9A-Za-z]{12}-[0-9A-Za-z]{49}$/);
    await first.close();
    const second = await startServer({ host: '127.0.0.1', port: 0, dataDir, databaseUrl: db.url, handleSignals: false, env });
    try {
      expect((await readFile(join(dataDir, 'admin.key'), 'utf8')).trim()).toBe(key);
      const users = await second.context.store.db.selectFrom('users').select('id').execute();
      expect(users).toHaveLength(1);
      const me = await fetch(`${second.url}/v2/me`, { headers: { authorization: `Bearer ${key}` } });
      expect(me.status).toBe(200);
    } finally {
      await second.close();
      await db.drop();
    }
  });

  it.skipIf(testBackend !== 'postgres')('creates one account when several servers start together on an empty PostgreSQL database', async () => {
    const db = await createTestDatabase();
    // One deployment's processes share their secrets: here, one data directory (as the multi-node docs say).
    const dataDir = join(server.dataDir, 'together');
    const env = { ...process.env, DATABASE_URL: db.url ?? '', AX_LOG_LEVEL: 'silent', ARIZE_DIRECTORY: join(dataDir, 'arize'), AX_ADMIN_API_KEY: '', AX_ADMIN_PASSWORD: '' };
    const starts = [0, 1, 2, 3].map(() => startServer({ host: '127.0.0.1', port: 0, dataDir, databaseUrl: db.url, handleSignals: false, env }));
    const servers = await Promise.all(starts);
    try {
      const accounts = await servers[0]!.context.store.db.selectFrom('accounts').select('id').execute();
      const admins = await servers[0]!.context.store.db.selectFrom('users').select('id').execute();
      expect({ accounts: accounts.length, admins: admins.length }).toEqual({ accounts: 1, admins: 1 });
    } finally {
      await Promise.all(servers.map((s) => s.close()));
      await db.drop();
    }
  });
});
