import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import SQLite from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { AX_BIN } from '../helpers/server.js';

/**
 * Issue 16, upgrades: `ax serve --migrate-only`, and the refusals to start on a schema newer than the code or with a
 * pending migration while automatic migration is off.
 */
describe('ax serve and the database schema', () => {
  const work = mkdtempSync(join(tmpdir(), 'ax-upgrade-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  const env = (extra: Record<string, string> = {}) => ({
    PATH: process.env.PATH ?? '', HOME: work, ARIZE_DIRECTORY: join(work, 'arize'), DATABASE_URL: '', AX_LOG_LEVEL: 'warn', ...extra,
  });
  const serve = (dataDir: string, args: string[] = [], extra: Record<string, string> = {}) =>
    spawnSync(process.execPath, [AX_BIN, 'serve', '--host', '127.0.0.1', '--port', '0', '--data-dir', dataDir, ...args], {
      env: env(extra), encoding: 'utf8', timeout: 20_000,
    });
  const migrationRows = (dataDir: string) => {
    const db = new SQLite(join(dataDir, 'ax.db'), { readonly: true });
    try {
      const table = db.prepare("select 1 from sqlite_master where name = 'kysely_migration'").get();
      return table ? (db.prepare('select name from kysely_migration order by name').all() as { name: string }[]).map((row) => row.name) : [];
    } finally {
      db.close();
    }
  };

  it('--migrate-only applies the migrations and exits without serving or bootstrapping; a second run finds none pending', () => {
    const dataDir = join(work, 'migrate-only');
    const first = serve(dataDir, ['--migrate-only']);
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/^✓ Applied \d+ migrations: 001-initial, .*; the schema is now at \S+\n$/);
    expect(migrationRows(dataDir)[0]).toBe('001-initial');
    expect(existsSync(join(dataDir, 'admin.key'))).toBe(false);
    const second = serve(dataDir, ['--migrate-only']);
    expect(second.status).toBe(0);
    expect(second.stdout).toMatch(/^✓ The database schema is current \(\S+\); no migration was pending\n$/);
  });

  it('with automatic migration off, a pending migration stops the start (AX_AUTO_MIGRATE=false and --no-auto-migrate); after --migrate-only it starts', async () => {
    const dataDir = join(work, 'pending');
    for (const [args, extra] of [[[], { AX_AUTO_MIGRATE: 'false' }], [['--no-auto-migrate'], {}]] as const) {
      const refused = serve(dataDir, [...args], extra);
      expect(refused.status).toBe(1);
      expect(refused.stderr).toMatch(/the server could not start: the database needs \d+ migrations of this version \(001-initial, .*\) and automatic migration is off/);
      expect(refused.stderr).toContain('run `ax serve --migrate-only` with this version once');
      expect(migrationRows(dataDir)).toEqual([]);
    }
    expect(serve(dataDir, ['--migrate-only']).status).toBe(0);

    const child = spawn(process.execPath, [AX_BIN, 'serve', '--host', '127.0.0.1', '--port', '0', '--data-dir', dataDir], {
      env: env({ AX_AUTO_MIGRATE: 'false', AX_LOG_LEVEL: 'info' }), stdio: ['ignore', 'pipe', 'pipe'],
    });
    const ready = await new Promise<boolean>((resolve) => {
      createInterface({ input: child.stdout }).on('line', (line) => {
        if (line.includes('"ax server ready"')) resolve(true);
      });
      child.once('exit', () => resolve(false));
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
    expect(ready).toBe(true);
  });

  it('a database whose schema is newer than the code is refused by ax serve and by --migrate-only, and left as it was', () => {
    const dataDir = join(work, 'newer');
    expect(serve(dataDir, ['--migrate-only']).status).toBe(0);
    const db = new SQLite(join(dataDir, 'ax.db'));
    db.prepare('insert into kysely_migration (name, timestamp) values (?, ?)').run('999-from-a-later-version', new Date().toISOString());
    db.close();
    const before = migrationRows(dataDir);
    for (const args of [[], ['--migrate-only']]) {
      const refused = serve(dataDir, args);
      expect(refused.status).toBe(1);
      expect(refused.stderr).toContain('the database schema is newer than this version of ax (it has had migrations this version does not know: 999-from-a-later-version)');
      expect(refused.stderr).toContain('ax never downgrades a schema');
    }
    expect(migrationRows(dataDir)).toEqual(before);
  });
});
