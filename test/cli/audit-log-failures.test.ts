import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { runAx } from './ax-process.js';

/**
 * Issue 8 (Arize fidelity): failed authentications left `ax audit-logs list` (Arize's audit entries all have a
 * user) for `ax audit-logs failures`, which lists them from GET /v2/audit-logs/authentication-failures.
 */
let server: TestServer;
let home: string;
vi.setConfig({ testTimeout: 60_000 });

beforeAll(async () => {
  server = await startTestServer();
  home = mkdtempSync(join(tmpdir(), 'ax-failures-'));
});
afterAll(async () => {
  await server?.close();
  if (home) rmSync(home, { recursive: true, force: true });
});

async function ax(args: string[]) {
  const result = await runAx(args, { env: { ARIZE_API_KEY: server.adminKey, ARIZE_ENDPOINT: server.url, ARIZE_DIRECTORY: home } });
  expect(result.code, `ax ${args.join(' ')}\n${result.stdout}\n${result.stderr}`).toBe(0);
  return result;
}

describe('ax audit-logs failures', () => {
  it('lists failed authentications, counted, as JSON and as a table; ax audit-logs list does not', async () => {
    for (let i = 0; i < 3; i++) expect((await server.api('GET', '/v2/users', { key: 'ak-not-a-key' })).status).toBe(401);
    expect((await server.api('POST', '/auth/login', { key: null, body: { email: 'admin@localhost', password: 'not the password at all' } })).status).toBe(401);

    const { failures } = JSON.parse((await ax(['audit-logs', 'failures', '--since', '1h', '-o', 'json'])).stdout);
    expect(failures).toEqual(expect.arrayContaining([
      expect.objectContaining({ operation: 'GET /v2/users', reason: 'malformed', count: 3, ip: '127.0.0.1' }),
      expect.objectContaining({ operation: 'POST /auth/login', reason: 'wrong password', count: 1, user_id: expect.any(String) }),
    ]));
    const table = (await ax(['audit-logs', 'failures'])).stdout;
    expect(table).toMatch(/COUNT/);
    expect(table).toMatch(/GET \/v2\/users/);
    expect(table).toMatch(/wrong password/);

    const { logs } = JSON.parse((await ax(['audit-logs', 'list', '--since', '1h', '--all', '-o', 'json'])).stdout);
    expect(logs.every((l: { user_id?: string }) => typeof l.user_id === 'string')).toBe(true);
    expect(JSON.stringify(logs)).not.toContain('/v2/users"');
  });
});
