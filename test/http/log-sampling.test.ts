import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config.js';
import { loadConfiguration } from '../../src/config/config-file.js';
import { createTestDatabase } from '../helpers/database.js';
import { REPO_ROOT } from '../helpers/server.js';

type LogLine = { msg: string; level: number; req?: { method: string; url: string }; res?: { statusCode: number } };

/** A built server process with `ax.toml` as given, its JSON log lines read as they come. */
async function startServer(toml: string, env: Record<string, string>) {
  const work = await mkdtemp(join(tmpdir(), 'ax-log-sampling-'));
  const database = await createTestDatabase();
  const configFile = join(work, 'ax.toml');
  await writeFile(configFile, toml);
  // The built server, started on a line on stdin once loaded; it prints its URL when it listens, at any log level.
  const child = spawn(process.execPath, [join(REPO_ROOT, 'test/helpers/serve-built-process.mjs')], {
    cwd: REPO_ROOT,
    env: {
      PATH: process.env.PATH ?? '', HOME: work, AX_CONFIG: configFile, AX_DATA_DIR: join(work, 'data'), ARIZE_DIRECTORY: join(work, 'arize'),
      DATABASE_URL: database.url ?? '', AX_LOG_FORMAT: 'json', ...env,
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const lines: LogLine[] = [];
  const waiters: { until: (line: LogLine) => boolean; resolve: () => void }[] = [];
  let url = '';
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const stop = async () => {
    child.kill('SIGTERM');
    await exited;
    await database.drop();
    await rm(work, { recursive: true, force: true });
  };
  const ready = new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the server exited with ${code}`)));
    createInterface({ input: child.stdout }).on('line', (text) => {
      const parsed = JSON.parse(text) as LogLine & { url?: string; loaded?: boolean };
      if (parsed.loaded) return void child.stdin.write('start\n');
      if (parsed.url) {
        url ||= parsed.url;
        return resolve();
      }
      lines.push(parsed);
      for (const waiter of [...waiters]) if (waiter.until(parsed)) waiters.splice(waiters.indexOf(waiter), 1)[0]!.resolve();
    });
  });
  try {
    await ready;
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url, lines, dataDir: join(work, 'data'), stop,
    logged: (until: (line: LogLine) => boolean) => new Promise<void>((resolve) => {
      if (lines.some(until)) return resolve();
      waiters.push({ until, resolve });
    }),
  };
}

/**
 * Issue 16, logs: request lines can be sampled (AX_LOG_SAMPLE_RATE, `log_sample_rate` in ax.toml). Only successful
 * requests are sampled, by a counter (rate 0.25: every fourth); errors are always logged. Read from the JSON log
 * of a real server process. Above `info` no request line is written at all (src/http/http-logger.ts), and an
 * error's line still names its request.
 */
describe('request log sampling', () => {
  it('with log_sample_rate = 0.25 in ax.toml, logs one line per request: every fourth success and every error', async () => {
    const adminKey = 'ak-log-sampling-admin-key';
    const server = await startServer('log_sample_rate = 0.25\nlog_level = "info"\n', { AX_ADMIN_API_KEY: adminKey });
    try {
      const get = async (path: string, key?: string) => (await fetch(server.url + path, key ? { headers: { authorization: `Bearer ${key}` } } : {})).status;
      for (let i = 1; i <= 8; i++) expect(await get('/v2/me', adminKey)).toBe(200);
      for (let i = 1; i <= 3; i++) expect(await get('/v2/me')).toBe(401);
      expect(await get('/v2/no-such-thing', adminKey)).toBe(404);
      // Lines of one process arrive in order: once the last request's line is there, every earlier one is.
      await server.logged((line) => line.req?.url === '/v2/no-such-thing');

      const requestLines = server.lines.filter((line) => line.req !== undefined || line.msg === 'incoming request');
      expect(requestLines.map((line) => [line.msg, line.req?.url, line.res?.statusCode])).toEqual([
        ['request completed', '/v2/me', 200],
        ['request completed', '/v2/me', 200],
        ['request completed', '/v2/me', 401],
        ['request completed', '/v2/me', 401],
        ['request completed', '/v2/me', 401],
        ['request completed', '/v2/no-such-thing', 404],
      ]);
    } finally {
      await server.stop();
    }
  });

  it('at log_level = "warn" writes no request lines, and a failed request\'s error line carries its request id', async () => {
    const adminKey = 'ak-log-level-warn-admin-key';
    const server = await startServer('log_level = "warn"\n', { AX_ADMIN_API_KEY: adminKey });
    try {
      const headers = { authorization: `Bearer ${adminKey}` };
      expect((await fetch(`${server.url}/v2/me`, { headers })).status).toBe(200);
      expect((await fetch(`${server.url}/v2/me`)).status).toBe(401);
      // A table gone from under the server: the next list of it fails inside the store, a 500.
      const db = new Database(join(server.dataDir, 'ax.db'));
      db.exec('ALTER TABLE organizations RENAME TO organizations_moved');
      db.close();
      const failed = await fetch(`${server.url}/v2/organizations`, { headers });
      expect(failed.status).toBe(500);
      const requestId = failed.headers.get('x-request-id')!;
      expect(await failed.json()).toMatchObject({ code: 'INTERNAL', detail: `request ${requestId} failed; the operator can find it in the server log` });
      await server.logged((line) => line.msg === 'unhandled error');

      expect(server.lines.filter((line) => line.level < 40)).toEqual([]);
      const errorLine = server.lines.find((line) => line.msg === 'unhandled error') as LogLine & { reqId?: string; err?: { message: string } };
      expect(errorLine).toMatchObject({ level: 50, reqId: requestId, err: { message: expect.stringMatching(/no such table: organizations/) } });

      // A stored value the server cannot read is its own failure, logged, not the client's: a GET has no body to
      // blame (it was answered 400 INVALID_JSON, "body is not valid JSON").
      const created = await fetch(`${server.url}/v2/roles`, {
        method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'auditor', permissions: ['SPACE_READ'] }),
      });
      expect(created.status).toBe(201);
      const role = await created.json() as { id: string };
      const corrupt = new Database(join(server.dataDir, 'ax.db'));
      corrupt.prepare('UPDATE roles SET permissions = ? WHERE name = ?').run('SPACE_READ', 'auditor');
      corrupt.close();
      const unreadable = await fetch(`${server.url}/v2/roles/${encodeURIComponent(role.id)}`, { headers });
      expect(unreadable.status).toBe(500);
      const unreadableId = unreadable.headers.get('x-request-id')!;
      expect(await unreadable.json()).toMatchObject({ code: 'INTERNAL' });
      await server.logged((line) => line.msg === 'unhandled error' && (line as { reqId?: string }).reqId === unreadableId);
    } finally {
      await server.stop();
    }
  });

  it('AX_LOG_SAMPLE_RATE takes a number from 0 to 1 (default 1: every request)', () => {
    const env = (rate: string) => ({ AX_LOG_SAMPLE_RATE: rate, AX_DATA_DIR: tmpdir() });
    expect(loadConfiguration({}, env('0')).config.logSampleRate).toBe(0);
    expect(loadConfiguration({}, env('0.1')).config.logSampleRate).toBe(0.1);
    expect(loadConfiguration({}, { AX_DATA_DIR: tmpdir() }).config.logSampleRate).toBe(1);
    for (const bad of ['1.5', '-0.1', 'half', ' ']) {
      expect(() => loadConfiguration({}, env(bad))).toThrow(new ConfigError(`AX_LOG_SAMPLE_RATE must be a number from 0 to 1 (e.g. 0.1 logs one successful request in ten), got ${JSON.stringify(bad)}`));
    }
  });
});
