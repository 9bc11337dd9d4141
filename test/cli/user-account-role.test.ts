import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createUserWithKey } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { runAx } from './ax-process.js';

/** Issue 14: `ax users set-role USER ROLE` through the real `ax` binary (PUT /v2/users/{user_id}/role). */
let server: TestServer;
vi.setConfig({ testTimeout: 120_000 });

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server?.close());

const env = () => ({ ARIZE_API_KEY: server.adminKey, ARIZE_ENDPOINT: server.url, ARIZE_DIRECTORY: server.profileDir });

describe('ax users set-role', () => {
  it('promotes a user found by email to ADMIN (any case of the role), then demotes by id', async () => {
    const user = await createUserWithKey(server, { email: 'set-role@example.com' });
    const promoted = await runAx(['users', 'set-role', user.email, 'Admin', '-o', 'json'], { env: env() });
    expect(promoted.code, promoted.stderr).toBe(0);
    expect(JSON.parse(promoted.stdout)).toMatchObject({ id: user.id, role: { type: 'PREDEFINED', name: 'ADMIN' } });
    expect((await server.api('GET', '/v2/api-keys?all_users=true', { key: user.key })).status).toBe(200);

    const demoted = await runAx(['users', 'set-role', user.id, 'annotator', '-o', 'json'], { env: env() });
    expect(demoted.code, demoted.stderr).toBe(0);
    expect(JSON.parse(demoted.stdout).role.name).toBe('ANNOTATOR');
  });

  it('refuses an unknown role as a usage error (exit 2) without calling the server', async () => {
    const result = await runAx(['users', 'set-role', 'set-role@example.com', 'owner'], { env: env() });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('admin, member, annotator');
  });

  it('shows the server\'s 422 for the last ACTIVE admin (exit 4)', async () => {
    const me = (await server.api('GET', '/v2/me')).body;
    const result = await runAx(['users', 'set-role', me.id ?? me.user.id, 'member'], { env: env() });
    expect(result.code).toBe(4);
    expect(result.stderr).toContain('last ACTIVE account ADMIN');
  });
});
