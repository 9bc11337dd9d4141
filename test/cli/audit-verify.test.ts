import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { encodeId } from '../../src/domain/ids.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { runAx } from './ax-process.js';

/** Issue 18: `ax audit-logs verify` and `ax audit-logs checkpoint` through the real binary against a real server. */
let server: TestServer;
let home: string;
vi.setConfig({ testTimeout: 60_000 });

beforeAll(async () => {
  server = await startTestServer();
  home = mkdtempSync(join(tmpdir(), 'ax-audit-verify-'));
});
afterAll(async () => {
  await server?.close();
  if (home) rmSync(home, { recursive: true, force: true });
});

const ax = (args: string[]) => runAx(args, { env: { ARIZE_API_KEY: server.adminKey, ARIZE_ENDPOINT: server.url, ARIZE_DIRECTORY: home } });

describe('ax audit-logs verify', () => {
  it('exits 0 on an intact chain, signs a checkpoint, then exits 1 naming the first entry edited in the database', async () => {
    const intact = await ax(['audit-logs', 'verify', '-o', 'json']);
    expect(intact.code, intact.stderr).toBe(0);
    expect(JSON.parse(intact.stdout)).toMatchObject({ valid: true, head_seq: 0 });
    const empty = await ax(['audit-logs', 'checkpoint']);
    expect(empty.code, empty.stderr).toBe(0);
    expect(empty.stdout).toMatch(/nothing to sign/);

    for (let i = 0; i < 4; i++) expect((await server.api('POST', '/v2/organizations', { body: { name: `verify-cli-${i}` } })).status).toBe(201);
    const signed = await ax(['audit-logs', 'checkpoint', '-o', 'json']);
    expect(signed.code, signed.stderr).toBe(0);
    expect(JSON.parse(signed.stdout)).toMatchObject({ seq: 4, signature: expect.any(String) });

    const table = await ax(['audit-logs', 'verify']);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/valid\s+true/i);
    const quick = await ax(['audit-logs', 'verify', '--from-checkpoint', '-o', 'json']);
    expect(JSON.parse(quick.stdout)).toMatchObject({ valid: true, entries_checked: 0, trusted_through_seq: 4 });

    const db = server.context!.store.db;
    const second = await db.selectFrom('audit_logs').select('id').where('chain_seq', '=', 2).executeTakeFirstOrThrow();
    await db.updateTable('audit_logs').set({ ip: '198.51.100.7' }).where('id', '=', second.id).execute();
    const broken = await ax(['audit-logs', 'verify', '-o', 'json']);
    expect(broken.code).toBe(1);
    expect(JSON.parse(broken.stdout)).toMatchObject({ valid: false, first_broken: { entry_id: encodeId('AuditLog', second.id), seq: 2 } });
    expect(broken.stderr).toContain(`✗ Error: the audit chain is broken at entry ${encodeId('AuditLog', second.id)}, seq 2: its content or its place does not match its hash`);
  });

  it('ax audit-logs archive says when the server keeps entries for ever (exit 4)', async () => {
    const res = await ax(['audit-logs', 'archive']);
    expect(res.code).toBe(4);
    expect(res.stderr).toMatch(/AX_AUDIT_RETENTION_DAYS/);
  });
});
