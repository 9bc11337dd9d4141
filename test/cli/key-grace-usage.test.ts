import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseId } from '../../src/domain/ids.js';
import { TestClock } from '../helpers/clock.js';
import { createUserWithKey, type FixtureUser } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { runAx } from './ax-process.js';

/** Issue 18, rotation telemetry in `ax api-keys get` and `ax api-keys list`, through the real binary. */
let server: TestServer;
let home: string;
let owner: FixtureUser;
const clock = new TestClock();
vi.setConfig({ testTimeout: 60_000 });

beforeAll(async () => {
  server = await startTestServer({ clock, env: { AX_TRUST_PROXY: 'true' } });
  home = mkdtempSync(join(tmpdir(), 'ax-grace-cli-'));
  owner = await createUserWithKey(server, { email: 'grace-cli@example.com' });
});
afterAll(async () => {
  await server?.close();
  if (home) rmSync(home, { recursive: true, force: true });
});

const ax = (args: string[]) => runAx(args, { env: { ARIZE_API_KEY: owner.key, ARIZE_ENDPOINT: server.url, ARIZE_DIRECTORY: home, COLUMNS: '400' } });

describe('ax api-keys get / list: grace usage', () => {
  it('shows how much an old key is still used during its grace period, and nothing for a key not in grace', async () => {
    const created = await server.api('POST', '/v2/api-keys', { key: owner.key, body: { key_type: 'USER', name: 'rotated-cli' } });
    expect(created.status).toBe(201);
    const fresh = await server.api('POST', `/v2/api-keys/${encodeURIComponent(created.body.id)}/refresh`, { key: owner.key, body: { grace_period_seconds: 3600 } });
    expect(fresh.status).toBe(200);
    for (let i = 0; i < 2; i++) expect((await server.api('GET', '/v2/me', { key: created.body.key, headers: { 'x-forwarded-for': '10.0.0.7' } })).status).toBe(200);
    const at = new Date(clock.now()).toISOString();

    const json = await ax(['api-keys', 'get', created.body.id, '-o', 'json']);
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({
      id: created.body.id, replaced_by_api_key_id: fresh.body.id,
      grace_usage: { uses_since_refresh: 2, uses_last_hour: 2, last_used_at: at, last_used_ip: '10.0.0.7' },
    });
    const table = await ax(['api-keys', 'get', created.body.id]);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toContain(`2 in the last hour (2 since refresh), last from 10.0.0.7 at ${at}`);

    const list = await ax(['api-keys', 'list']);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/GRACE USE/);
    const rows = list.stdout.split('\n');
    expect(rows.find((row) => row.includes(created.body.id))).toContain('2 in the last hour (2 since refresh), last from 10.0.0.7');
    expect(rows.find((row) => row.includes(fresh.body.id))).not.toMatch(/in the last hour/);

    const plain = await ax(['api-keys', 'get', fresh.body.id, '-o', 'json']);
    expect(JSON.parse(plain.stdout)).not.toHaveProperty('grace_usage');
    const missing = await ax(['api-keys', 'get', 'QXBpS2V5Ojk5OTk5']);
    expect(missing.code).toBe(4);
  });

  it('reads a key past its own expires_at as EXPIRED in tables; -o json keeps the API\'s ACTIVE', async () => {
    const created = await server.api('POST', '/v2/api-keys', {
      key: owner.key, body: { key_type: 'USER', name: 'lapsing-cli', expires_at: new Date(Date.now() + 3_600_000).toISOString() },
    });
    expect(created.status).toBe(201);
    const listRow = async () => (await ax(['api-keys', 'list'])).stdout.split('\n').find((row) => row.includes(created.body.id));
    expect(await listRow()).toMatch(/\sACTIVE\s/);

    // Its expiry passes (written straight to the row: the CLI reads its own clock, as a person's terminal would).
    await server.context!.store.db.updateTable('api_keys').set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .where('id', '=', parseId(created.body.id)!.n).execute();
    const row = await listRow();
    expect(row).toMatch(/\sEXPIRED\s/);
    expect(row).not.toMatch(/\sACTIVE\s/);
    const panel = await ax(['api-keys', 'get', created.body.id]);
    expect(panel.code, panel.stderr).toBe(0);
    expect(panel.stdout).toMatch(/^status\s+EXPIRED$/m);
    const json = await ax(['api-keys', 'get', created.body.id, '-o', 'json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ id: created.body.id, status: 'ACTIVE' });
  });
});
