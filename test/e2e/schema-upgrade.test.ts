import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../src/server/start-server.js';
import { openStore } from '../../src/store/database.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { AX_BIN } from '../helpers/server.js';

/**
 * Issue 16, upgrades, on the database under test: `ax serve --migrate-only` (the real binary), and the refusals to
 * start on a schema newer than the code or with a pending migration while automatic migration is off.
 */
describe('the database schema at start', () => {
  const work = mkdtempSync(join(tmpdir(), 'ax-upgrade-'));
  const dataDir = join(work, 'data');
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.drop();
    rmSync(work, { recursive: true, force: true });
  });

  const env = (extra: Record<string, string> = {}) => ({
    PATH: process.env.PATH ?? '', HOME: work, ARIZE_DIRECTORY: join(work, 'arize'), DATABASE_URL: database.url ?? '', AX_LOG_LEVEL: 'warn', ...extra,
  });
  const ax = (args: string[], extra: Record<string, string> = {}) =>
    spawnSync(process.execPath, [AX_BIN, 'serve', '--host', '127.0.0.1', '--port', '0', '--data-dir', dataDir, ...args], { env: env(extra), encoding: 'utf8', timeout: 30_000 });
  /** The server in this process, as `ax serve` starts it. */
  const start = (extra: Record<string, string> = {}) => startServer({ host: '127.0.0.1', port: 0, dataDir, databaseUrl: database.url, handleSignals: false, env: env(extra) });
  const applied = async () => {
    const store = openStore({ dataDir, databaseUrl: database.url });
    try {
      return (await sql<{ name: string }>`select name from kysely_migration order by name`.execute(store.db)).rows.map((row) => row.name);
    } catch {
      return [];
    } finally {
      await store.close();
    }
  };

  it('with automatic migration off, pending migrations stop the start (AX_AUTO_MIGRATE=false, --no-auto-migrate) and nothing is applied', async () => {
    await expect(start({ AX_AUTO_MIGRATE: 'false' })).rejects.toThrow(/^the database needs \d+ migrations of this version \(001-initial, .*\) and automatic migration is off .*run `ax serve --migrate-only` with this version once/);
    const flag = ax(['--no-auto-migrate']);
    expect(flag.status).toBe(1);
    expect(flag.stderr).toMatch(/✗ Error: the server could not start: the database needs \d+ migrations of this version/);
    expect(await applied()).toEqual([]);
  });

  it('ax serve --migrate-only applies them and exits without serving or bootstrapping; then the server starts with auto-migration off', async () => {
    const first = ax(['--migrate-only']);
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/^✓ Applied \d+ migrations: 001-initial, .*; the schema is now at \S+\n$/);
    expect((await applied())[0]).toBe('001-initial');
    expect(existsSync(join(dataDir, 'admin.key'))).toBe(false);
    const second = ax(['--migrate-only']);
    expect(second.status).toBe(0);
    expect(second.stdout).toMatch(/^✓ The database schema is current \(\S+\); no migration was pending\n$/);

    const server = await start({ AX_AUTO_MIGRATE: 'false' });
    try {
      expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('a schema newer than the code is refused by the server and by --migrate-only, and left as it was', async () => {
    const store = openStore({ dataDir, databaseUrl: database.url });
    await sql`insert into kysely_migration (name, timestamp) values (${'999-from-a-later-version'}, ${new Date().toISOString()})`.execute(store.db);
    await store.close();
    const before = await applied();
    const newer = /the database schema is newer than this version of ax \(it has had migrations this version does not know: 999-from-a-later-version\).*ax never downgrades a schema/;
    await expect(start()).rejects.toThrow(newer);
    const migrate = ax(['--migrate-only']);
    expect(migrate.status).toBe(1);
    expect(migrate.stderr.replace(/\n/g, ' ')).toMatch(newer);
    expect(await applied()).toEqual(before);
  });
});
