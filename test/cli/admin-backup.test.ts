import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../src/server/start-server.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { runAx } from './ax-process.js';

/**
 * Issue 16, backups: `ax admin backup` copies the SQLite database of a server that keeps writing, and the copy,
 * restored by `ax admin restore` into a stopped data directory, serves every write acknowledged before the backup
 * began.
 */
describe('ax admin backup / restore (SQLite)', () => {
  let server: TestServer;
  const work = mkdtempSync(join(tmpdir(), 'ax-backup-'));
  const env = (dataDir: string) => ({ AX_DATA_DIR: dataDir, DATABASE_URL: '' });

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('takes a consistent backup during a write load; restored, it holds every write acknowledged before the backup began', async () => {
    const created: string[] = [];
    let writing = true;
    let failures = 0;
    const writer = async (lane: number) => {
      for (let i = 0; writing; i++) {
        const res = await server.api('POST', '/v2/organizations', { body: { name: `load-${lane}-${i}` } });
        if (res.status === 201) created.push(res.body.name);
        else failures++;
      }
    };
    const writers = [0, 1, 2].map(writer);
    while (created.length < 30) await new Promise((r) => setImmediate(r));
    const acknowledgedBefore = [...created];
    const file = join(work, 'during-load.db');
    const backup = await runAx(['admin', 'backup', file], { env: env(server.dataDir) });
    const acknowledgedAfter = created.length;
    writing = false;
    await Promise.all(writers);
    expect(backup.stderr).not.toMatch(/Error/);
    expect(backup.code).toBe(0);
    expect(backup.stdout).toMatch(/✓ Backed up .*ax\.db to .*during-load\.db: [\d.]+ MB, \d+ pages, integrity check ok, in \d+ ms/);
    expect(failures).toBe(0);
    // The load went on while the backup ran.
    expect(acknowledgedAfter).toBeGreaterThan(acknowledgedBefore.length);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(existsSync(`${file}-wal`)).toBe(false);

    // A file holding what a rollback-journal database holds: integrity ok, readable alone.
    const copy = new SQLite(file, { readonly: true });
    expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(copy.pragma('journal_mode', { simple: true })).toBe('delete');
    const names = new Set((copy.prepare('select name from organizations').all() as { name: string }[]).map((row) => row.name));
    copy.close();
    for (const name of acknowledgedBefore) expect(names.has(name), name).toBe(true);

    // Restore into a new, stopped data directory with the deployment's secrets, and serve from it.
    const restored = join(work, 'restored');
    const restore = await runAx(['admin', 'restore', file, '--data-dir', restored], { env: { DATABASE_URL: '' } });
    expect(restore.code, restore.stderr).toBe(0);
    expect(restore.stdout).toContain(`✓ Restored ${file} into ${restored}/ax.db`);
    expect(restore.stderr).toMatch(/has no key-pepper, token-key, audit-signing-key file/);
    for (const secret of readdirSync(server.dataDir)) {
      const path = join(server.dataDir, secret);
      if (!secret.startsWith('ax.') && statSync(path).isFile()) copyFileSync(path, join(restored, secret));
    }
    const revived = await startServer({
      host: '127.0.0.1', port: 0, dataDir: restored, handleSignals: false,
      env: { ...process.env, DATABASE_URL: '', AX_LOG_LEVEL: 'warn', ARIZE_DIRECTORY: join(work, 'arize') },
    });
    try {
      const listed = new Set<string>();
      for (let cursor: string | undefined; ;) {
        const res = await fetch(`${revived.url}/v2/organizations?limit=100${cursor ? `&cursor=${cursor}` : ''}`, { headers: { authorization: `Bearer ${server.adminKey}` } });
        expect(res.status).toBe(200);
        const page = await res.json() as { organizations: { name: string }[]; pagination: { next_cursor?: string } };
        for (const org of page.organizations) listed.add(org.name);
        if (!page.pagination.next_cursor) break;
        cursor = encodeURIComponent(page.pagination.next_cursor);
      }
      for (const name of acknowledgedBefore) expect(listed.has(name), name).toBe(true);
    } finally {
      await revived.close();
    }
  });

  it('restore refuses a data directory a running server uses, and an existing database without --force', async () => {
    const file = join(work, 'for-refusals.db');
    expect((await runAx(['admin', 'backup', file], { env: env(server.dataDir) })).code).toBe(0);
    const live = await runAx(['admin', 'restore', file, '--force'], { env: env(server.dataDir) });
    expect(live.code).toBe(1);
    expect(live.stderr).toMatch(new RegExp(`a server \\(pid ${process.pid} on .*\\) is using ${server.dataDir}`));
    expect(live.stderr).toContain('Suggestion: Stop it first');

    const stopped = join(work, 'stopped');
    expect((await runAx(['admin', 'restore', file, '--data-dir', stopped], { env: {} })).code).toBe(0);
    const again = await runAx(['admin', 'restore', file, '--data-dir', stopped], { env: {} });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already holds a database; restoring replaces it');
    expect((await runAx(['admin', 'restore', file, '--data-dir', stopped, '--force'], { env: {} })).code).toBe(0);
  });

  it('a second server refuses a data directory a running server uses (one SQLite server per data directory)', async () => {
    const second = await runAx(['serve', '--host', '127.0.0.1', '--port', '0'], { env: env(server.dataDir) });
    expect(second.code).not.toBe(0);
    expect(second.stderr).toContain(`another ax server (pid ${process.pid} on `);
    expect(second.stderr).toContain(`is serving ${server.dataDir}: a SQLite data directory has one server process`);
    expect((await server.api('GET', '/v2/me')).status).toBe(200);
  });

  it('backup refuses to overwrite a file, and restore refuses what is not an intact ax database', async () => {
    const existing = join(work, 'existing.db');
    writeFileSync(existing, 'not a database\n'.repeat(512));
    const overwrite = await runAx(['admin', 'backup', existing], { env: env(server.dataDir) });
    expect(overwrite.code).toBe(1);
    expect(overwrite.stderr).toContain('already exists');

    const junk = await runAx(['admin', 'restore', existing, '--data-dir', join(work, 'junk')], { env: {} });
    expect(junk.code).toBe(1);
    expect(junk.stderr).toMatch(/not a SQLite database/);
    expect(existsSync(join(work, 'junk', 'ax.db'))).toBe(false);

    const postgres = await runAx(['admin', 'backup', join(work, 'pg.db')], { env: { DATABASE_URL: 'postgres://u@127.0.0.1:1/x' } });
    expect(postgres.code).toBe(1);
    expect(postgres.stderr).toContain('pg_dump');
  });
});
