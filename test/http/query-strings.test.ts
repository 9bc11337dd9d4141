import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeId } from '../../src/domain/ids.js';
import { createTestDatabase } from '../helpers/database.js';
import { REPO_ROOT, startTestServer, type TestServer } from '../helpers/server.js';
import { builtServeArgs } from '../helpers/server-process.js';

/**
 * Issue 8, Low: a key in a query string is refused and never logged; unknown query parameters are 400 on every
 * route, including routes that take no query at all (`GET /v2/users/{id}?foo=1` answered 200).
 */
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server?.close());

const enc = encodeURIComponent;

describe('query strings carry no credentials', () => {
  it('refuses ?api_key= and its kin with a 400 that points at the Authorization header, with or without a header', async () => {
    for (const name of ['api_key', 'key', 'token', 'access_token', 'API-Key', 'apikey']) {
      for (const key of [server.adminKey, null]) {
        const res = await server.api('GET', `/v2/me?${name}=${enc(server.adminKey)}`, { key });
        expect(res.status, `${name} → ${JSON.stringify(res.body)}`).toBe(400);
        expect(res.body).toMatchObject({ code: 'CREDENTIAL_IN_QUERY', detail: expect.stringMatching(/Authorization: Bearer/) });
        expect(JSON.stringify(res.body)).not.toContain(server.adminKey);
      }
    }
    // Also on routes that do take a query, and on public ones.
    expect((await server.api('GET', `/v2/users?limit=5&token=${enc(server.adminKey)}`)).body.code).toBe('CREDENTIAL_IN_QUERY');
    expect((await server.api('GET', `/auth/session?access_token=x`, { key: null })).body.code).toBe('CREDENTIAL_IN_QUERY');
  });

  it('never writes a query string\'s secret to the request log', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'ax-log-'));
    const database = await createTestDatabase();
    const adminKey = 'ak-logged-admin-key-0123456789';
    const child = spawn(process.execPath, builtServeArgs(), {
      cwd: REPO_ROOT,
      env: { ...process.env, AX_LOG_LEVEL: 'info', AX_DATA_DIR: dataDir, AX_ADMIN_API_KEY: adminKey, DATABASE_URL: database.url ?? '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: string[] = [];
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout }).on('line', (line) => {
          lines.push(line);
          const parsed = JSON.parse(line) as { url?: string; msg?: string };
          if (parsed.url && parsed.msg === 'ax server ready') resolve(parsed.url);
        });
        child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
      });
      const secret = 'sekrit-token-value-42';
      // Refused (a secret-named parameter, an unknown one) or answered (a key pasted into a filter): never logged.
      const requests: [string, number][] = [
        [`/v2/me?api_key=${enc(adminKey)}`, 400],
        [`/v2/users?email=a&access_token=${secret}`, 400],
        [`/v2/users?email=${enc(adminKey)}`, 200],
        [`/v2/users/${enc(encodeId('User', 1))}?k=${enc(adminKey)}`, 400],
      ];
      for (const [path, status] of requests) {
        const res = await fetch(url + path, { headers: { authorization: `Bearer ${adminKey}` } });
        await res.text();
        expect(res.status, path).toBe(status);
      }
      // Nor a credential in any other header a client sends one in: a line names the request, never its headers.
      const headers = { api_key: `${secret}-api-key`, 'x-api-key': `${secret}-x-api-key`, cookie: `ax_session=${secret}-cookie`, 'x-csrf-token': `${secret}-csrf` };
      const res = await fetch(`${url}/v2/me`, { headers });
      await res.text();
      expect(res.status).toBe(401);
    } finally {
      child.kill('SIGTERM');
      await exited;
      await database.drop();
      await rm(dataDir, { recursive: true, force: true });
    }
    const log = lines.join('\n');
    const logged = lines.map((l) => JSON.parse(l) as { req?: { url: string } }).filter((l) => l.req).map((l) => l.req!.url);
    expect(logged).toEqual([
      '/v2/me?api_key=[REDACTED]',
      '/v2/users?email=a&access_token=[REDACTED]',
      '/v2/users?email=[REDACTED]',
      `/v2/users/${enc(encodeId('User', 1))}?k=[REDACTED]`,
      '/v2/me',
    ]);
    expect(log).not.toContain(adminKey);
    expect(log).not.toContain('sekrit');
  });
});

describe('unknown query parameters are refused on every route', () => {
  it('answers 400 naming the parameter on routes without a query (GET /v2/users/{id}?foo=1 answered 200)', async () => {
    const me = encodeId('User', 1);
    for (const path of [`/v2/users/${enc(me)}?foo=1`, '/v2/me?foo=1', '/v2/openapi.json?x=', '/healthz?verbose=1']) {
      const res = await server.api('GET', path);
      expect(res.status, `${path} → ${JSON.stringify(res.body)}`).toBe(400);
      expect(res.body.detail).toMatch(/^querystring: unknown field "(foo|x|verbose)"$/);
    }
    const del = await server.api('DELETE', `/v2/users/${enc(encodeId('User', 999))}?cascade=true`);
    expect(del.body.detail).toBe('querystring: unknown field "cascade"');
  });

  it('answers 400 on routes with a query schema, and keeps the parameters Arize\'s clients send', async () => {
    expect((await server.api('GET', '/v2/users?foo=1')).body.detail).toBe('querystring: unknown field "foo"');
    for (const path of [
      '/v2/organizations?name=x&limit=100', '/v2/users?email=ADMIN&status=ACTIVE&status=INVITED&limit=100',
      '/v2/roles?is_predefined=true&limit=100', '/v2/role-bindings?resource_type=SPACE&limit=10',
      '/v2/api-keys?key_type=USER&status=ACTIVE&limit=10', '/v2/resource-restrictions?resource_type=PROJECT',
      '/v2/audit-logs?operation_type=MUTATION&limit=10', '/v2/me', `/v2/users/${enc(encodeId('User', 1))}`,
    ]) {
      const res = await server.api('GET', path);
      expect(res.status, `${path} → ${JSON.stringify(res.body)}`).toBe(200);
    }
  });
});
