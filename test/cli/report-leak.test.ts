import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createHash } from 'node:crypto';
import { generateKey } from '../../src/keys/index.js';
import { createUserWithKey } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { runAx } from './ax-process.js';

/** Issue 18: `ax api-keys report-leak` revokes an exposed key through the real binary. */
let server: TestServer;
let home: string;
vi.setConfig({ testTimeout: 60_000 });

beforeAll(async () => {
  server = await startTestServer();
  home = mkdtempSync(join(tmpdir(), 'ax-report-leak-'));
});
afterAll(async () => {
  await server?.close();
  if (home) rmSync(home, { recursive: true, force: true });
});

const ax = (args: string[], input?: string) =>
  runAx(args, { env: { ARIZE_API_KEY: server.adminKey, ARIZE_ENDPOINT: server.url, ARIZE_DIRECTORY: home }, ...(input === undefined ? {} : { input }) });

describe('ax api-keys report-leak', () => {
  it('revokes a live key read from stdin, says so, and reports a second time that it was revoked already', async () => {
    const leaked = await createUserWithKey(server, { email: 'cli-leak@example.com' });
    const first = await ax(['api-keys', 'report-leak', '--url', 'https://paste.example/1', '--source', 'paste'], `${leaked.key}\n`);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('The key was live: it is revoked now');
    expect(first.stdout).not.toContain(leaked.key);
    expect((await server.api('GET', '/v2/me', { key: leaked.key })).status).toBe(401);
    await server.waitForMail('cli-leak@example.com', /revoked/);

    const again = await ax(['api-keys', 'report-leak', leaked.key, '-o', 'json']);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({
      token_hash: createHash('sha256').update(leaked.key).digest('hex'), label: 'true_positive', live: false, revoked: false,
    });
  });

  it('says when the token is no key of this server, and refuses an empty one (exit 2)', async () => {
    const unknown = await ax(['api-keys', 'report-leak', generateKey().raw]);
    expect(unknown.code, unknown.stderr).toBe(0);
    expect(unknown.stdout).toContain('Not an API key of this server');
    const empty = await ax(['api-keys', 'report-leak'], '  \n');
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('no key given');
  });
});
