import { randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readFile, rm, stat, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { startServer, type StartedServer } from '../../src/server/start-server.js';
import { createContext } from '../../src/server/context.js';
import { createTestDatabase, testBackend, type TestDatabase } from '../helpers/database.js';

/**
 * Issue 8 item 6: the data directory holds password hashes, emails, the key pepper and the token key. It is created
 * 0700 with 0600 files, a group/world-readable one is refused at start, and the pepper and token key live outside
 * the database (files of the data dir, or AX_KEY_PEPPER / AX_TOKEN_KEY), moved out of databases of earlier versions.
 */
const ADMIN_KEY = `ak-data-dir-admin-${randomBytes(6).toString('hex')}`;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function scratch(): Promise<string> {
  const parent = await mkdtemp(join(tmpdir(), 'ax-data-dir-'));
  cleanups.push(() => rm(parent, { recursive: true, force: true }));
  return parent;
}

async function database(): Promise<TestDatabase> {
  const db = await createTestDatabase();
  cleanups.push(() => db.drop());
  return db;
}

async function start(dataDir: string, db: TestDatabase, env: Record<string, string> = {}): Promise<StartedServer> {
  const server = await startServer({
    host: '127.0.0.1', port: 0, dataDir, databaseUrl: db.url, handleSignals: false,
    env: { ...process.env, DATABASE_URL: db.url ?? '', AX_ADMIN_API_KEY: ADMIN_KEY, AX_ADMIN_PASSWORD: 'a perfectly fine password', AX_LOG_LEVEL: 'silent', ARIZE_DIRECTORY: join(dataDir, 'arize'), ...env },
  });
  return server;
}

async function me(server: StartedServer): Promise<number> {
  return (await fetch(`${server.url}/v2/me`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).status;
}

const modeOf = async (path: string) => (await stat(path)).mode & 0o777;

describe.skipIf(process.platform === 'win32')('the data directory', () => {
  it('is created 0700, with the database, its WAL files and the secrets 0600 (issue 8 item 6)', async () => {
    const dataDir = join(await scratch(), 'nested', 'data');
    const db = await database();
    const previous = process.umask(0o022);
    let server: StartedServer;
    try {
      server = await start(dataDir, db);
    } finally {
      process.umask(previous);
    }
    try {
      expect(await me(server)).toBe(200);
      expect(await modeOf(dataDir)).toBe(0o700);
      const files = ['key-pepper', 'token-key', 'audit-signing-key', 'admin.key', ...(testBackend === 'sqlite' ? ['ax.db', 'ax.db-wal', 'ax.db-shm'] : [])];
      for (const file of files) expect(await modeOf(join(dataDir, file)), file).toBe(0o600);
      // The secrets are not in the database they protect; only a check value is.
      const settings = await server.context.store.db.selectFrom('server_settings').select('name').execute();
      expect(settings.map((s) => s.name).sort()).toEqual(['audit_signing_key_check', 'cursor_key', 'key_pepper_check', 'token_key_check']);
      expect((await readFile(join(dataDir, 'key-pepper'), 'utf8')).trim()).toBe(server.context.secrets.keyPepper.toString('hex'));
    } finally {
      await server.close();
    }
  });

  it('refuses to start on a data directory its group or others can read, saying how to fix it (issue 8 item 6)', async () => {
    const dataDir = join(await scratch(), 'open');
    await mkdir(dataDir, { mode: 0o755 });
    await chmod(dataDir, 0o755);
    const db = await database();
    await expect(start(dataDir, db)).rejects.toThrow(`has mode 0755`);
    await expect(start(dataDir, db)).rejects.toThrow(`chmod 700 "${dataDir}"`);
    await chmod(dataDir, 0o750);
    await expect(start(dataDir, db)).rejects.toThrow(/chmod 700/);
    await chmod(dataDir, 0o700);
    const server = await start(dataDir, db);
    expect(await me(server)).toBe(200);
    await server.close();
  });

  it('narrows database files an earlier version created 0644', async () => {
    if (testBackend !== 'sqlite') return;
    const dataDir = join(await scratch(), 'old');
    const db = await database();
    await (await start(dataDir, db)).close();
    for (const file of ['ax.db', 'key-pepper']) await chmod(join(dataDir, file), file === 'ax.db' ? 0o644 : 0o600);
    const server = await start(dataDir, db);
    expect(await modeOf(join(dataDir, 'ax.db'))).toBe(0o600);
    await server.close();
  });

  it('moves a pepper and token key kept in the database by an earlier version out of it; existing keys keep working (issue 8 item 6)', async () => {
    const dataDir = join(await scratch(), 'upgrade');
    const db = await database();
    let server = await start(dataDir, db);
    const pepper = server.context.secrets.keyPepper.toString('hex');
    const tokenKey = server.context.secrets.tokenKey.toString('hex');
    await server.close();
    // What an earlier version left: the secrets as rows of server_settings, no files, no check values.
    const ctx = await createContext(loadConfig({ dataDir, databaseUrl: db.url }, { ...process.env, DATABASE_URL: db.url ?? '' }), pino({ level: 'silent' }));
    await ctx.store.db.deleteFrom('server_settings').where('name', 'in', ['key_pepper_check', 'token_key_check']).execute();
    await ctx.store.db.insertInto('server_settings').values([{ name: 'key_pepper', value: pepper }, { name: 'token_key', value: tokenKey }]).execute();
    await ctx.close();
    await unlink(join(dataDir, 'key-pepper'));
    await unlink(join(dataDir, 'token-key'));

    server = await start(dataDir, db);
    try {
      expect(await me(server)).toBe(200);
      expect((await readFile(join(dataDir, 'key-pepper'), 'utf8')).trim()).toBe(pepper);
      expect((await readFile(join(dataDir, 'token-key'), 'utf8')).trim()).toBe(tokenKey);
      expect(await modeOf(join(dataDir, 'key-pepper'))).toBe(0o600);
      const names = (await server.context.store.db.selectFrom('server_settings').select('name').execute()).map((s) => s.name);
      expect(names).not.toContain('key_pepper');
      expect(names).not.toContain('token_key');
    } finally {
      await server.close();
    }
  });

  it('takes the secrets from AX_KEY_PEPPER / AX_TOKEN_KEY, and refuses to start with a pepper other than the database\'s', async () => {
    const dataDir = join(await scratch(), 'env');
    const db = await database();
    const pepper = randomBytes(32).toString('hex');
    const tokenKey = randomBytes(32).toString('hex');
    let server = await start(dataDir, db, { AX_KEY_PEPPER: pepper, AX_TOKEN_KEY: tokenKey });
    expect(server.context.secrets.keyPepper.toString('hex')).toBe(pepper);
    expect(await me(server)).toBe(200);
    await server.close();
    await expect(stat(join(dataDir, 'key-pepper'))).rejects.toThrow(/ENOENT/);
    await expect(start(dataDir, db, { AX_KEY_PEPPER: randomBytes(32).toString('hex'), AX_TOKEN_KEY: tokenKey })).rejects.toThrow(/AX_KEY_PEPPER/);
    if (testBackend === 'postgres') {
      // Another process with its own data directory and no AX_KEY_PEPPER would make up its own: refused too.
      await expect(start(join(await scratch(), 'other'), db, { AX_TOKEN_KEY: tokenKey })).rejects.toThrow(/set up with another key pepper/);
    }
    await expect(start(dataDir, db, { AX_KEY_PEPPER: 'short', AX_TOKEN_KEY: tokenKey })).rejects.toThrow(/64 hex digits/);
    server = await start(dataDir, db, { AX_KEY_PEPPER: pepper, AX_TOKEN_KEY: tokenKey });
    expect(await me(server)).toBe(200);
    await server.close();
  });
});

/**
 * The flake this file hit twice in CI: a server's first migration failed with `schema "t_…" does not exist` because
 * Kysely's migrator lists the tables of its whole database, and another test process dropped its own schema in the
 * shared DATABASE_URL database meanwhile. A test database now lives in a database of its vitest worker.
 */
describe.skipIf(testBackend !== 'postgres')('a PostgreSQL test database', () => {
  it('starts its server while schemas of DATABASE_URL\'s database are dropped (by other test processes)', async () => {
    const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    const doomed = Array.from({ length: 20 }, () => `doomed_${randomBytes(6).toString('hex')}`);
    try {
      // Wide tables make a listing of every table of that database take about a second: drops land inside it.
      const columns = Array.from({ length: 100 }, (_, c) => `c${c} text`).join(', ');
      for (const schema of doomed) {
        const tables = Array.from({ length: 10 }, (_, t) => `create table ${schema}.t${t} (${columns});`);
        await admin.query(`create schema ${schema}; ${tables.join(' ')}`);
      }
      let settled = false;
      const starting = start(join(await scratch(), 'beside-drops'), await database()).finally(() => { settled = true; });
      while (!settled && doomed.length > 0) await admin.query(`drop schema ${doomed.pop()} cascade`);
      await (await starting).close();
    } finally {
      for (const schema of doomed) await admin.query(`drop schema ${schema} cascade`);
      await admin.end();
    }
  });
});
