import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * Issue 8, Low: every API answer — successes, errors, `/auth/*` — carries `Cache-Control: no-store` and
 * `X-Content-Type-Options: nosniff`; above all those carrying a raw key, a temporary password or a CSRF token.
 * (The console's files keep their own caching: test/http/console-static.test.ts.)
 */
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server?.close());

function expectNoStore(res: { status: number; headers: Headers }, label: string): void {
  expect(res.headers.get('cache-control'), `${label} (${res.status})`).toBe('no-store');
  expect(res.headers.get('x-content-type-options'), `${label} (${res.status})`).toBe('nosniff');
}

describe('API answers are never cached nor sniffed', () => {
  it('on answers that carry a raw key, a temporary password or a CSRF token', async () => {
    const key = await server.api('POST', '/v2/api-keys', { body: { key_type: 'USER', name: 'cached?' } });
    expect(key.status, JSON.stringify(key.body)).toBe(201);
    expect(typeof key.body.key).toBe('string');
    expectNoStore(key, 'POST /v2/api-keys');
    const user = await server.api('POST', '/v2/users', {
      body: { name: 'Temp', email: 'temp@example.com', role: { type: 'PREDEFINED', name: 'MEMBER' }, invite_mode: 'TEMPORARY_PASSWORD' },
    });
    expect(user.body.temporary_password).toBeDefined();
    expectNoStore(user, 'POST /v2/users');
    const login = await server.api('POST', '/auth/login', { key: null, body: { email: 'temp@example.com', password: user.body.temporary_password } });
    expect(login.status, JSON.stringify(login.body)).toBe(200);
    expect(login.body.csrf_token).toBeDefined();
    expectNoStore(login, 'POST /auth/login');
  });

  it('on successes, errors, public routes and unknown routes', async () => {
    const cases: [string, string, { key?: string | null; body?: unknown }][] = [
      ['GET', '/v2/me', {}],
      ['GET', '/v2/users', {}],
      ['GET', '/v2/me', { key: null }],
      ['GET', '/v2/users/not-an-id', {}],
      ['POST', '/v2/organizations', { body: '{"name": ' }],
      ['GET', '/auth/session', { key: null }],
      ['POST', '/auth/login', { key: null, body: { email: 'nobody@example.com', password: 'wrong' } }],
      ['GET', '/v2/openapi.json', { key: null }],
      ['GET', '/healthz', { key: null }],
      ['GET', '/v2/nope', {}],
      ['POST', '/nope', { key: null }],
    ];
    for (const [method, path, options] of cases) expectNoStore(await server.api(method, path, options), `${method} ${path}`);
  });
});
