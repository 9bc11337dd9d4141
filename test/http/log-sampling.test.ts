import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config.js';
import { loadConfiguration } from '../../src/config/config-file.js';
import { createTestDatabase } from '../helpers/database.js';
import { REPO_ROOT } from '../helpers/server.js';
import { builtServeArgs } from '../helpers/server-process.js';

type LogLine = { msg: string; level: number; req?: { method: string; url: string }; res?: { statusCode: number } };

/**
 * Issue 16, logs: request lines can be sampled (AX_LOG_SAMPLE_RATE, `log_sample_rate` in ax.toml). Only successful
 * requests are sampled, by a counter (rate 0.25: every fourth); errors are always logged. Read from the JSON log
 * of a real server process.
 */
describe('request log sampling', () => {
  it('with log_sample_rate = 0.25 in ax.toml, logs one line per request: every fourth success and every error', async () => {
    const work = await mkdtemp(join(tmpdir(), 'ax-log-sampling-'));
    const database = await createTestDatabase();
    const configFile = join(work, 'ax.toml');
    await writeFile(configFile, 'log_sample_rate = 0.25\nlog_level = "info"\n');
    const adminKey = 'ak-log-sampling-admin-key';
    const child = spawn(process.execPath, builtServeArgs(), {
      cwd: REPO_ROOT,
      env: {
        PATH: process.env.PATH ?? '', HOME: work, AX_CONFIG: configFile, AX_DATA_DIR: join(work, 'data'), ARIZE_DIRECTORY: join(work, 'arize'),
        DATABASE_URL: database.url ?? '', AX_ADMIN_API_KEY: adminKey, AX_LOG_FORMAT: 'json',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: LogLine[] = [];
    const waiters: { until: (line: LogLine) => boolean; resolve: () => void }[] = [];
    let url: string | undefined;
    const ready = new Promise<void>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`the server exited with ${code}`)));
      createInterface({ input: child.stdout }).on('line', (text) => {
        const parsed = JSON.parse(text) as LogLine & { url?: string };
        if (parsed.msg === 'ax server ready' && parsed.url) {
          url = parsed.url;
          return resolve();
        }
        lines.push(parsed);
        for (const waiter of [...waiters]) if (waiter.until(parsed)) waiters.splice(waiters.indexOf(waiter), 1)[0]!.resolve();
      });
    });
    const logged = (until: (line: LogLine) => boolean) => new Promise<void>((resolve) => {
      if (lines.some(until)) return resolve();
      waiters.push({ until, resolve });
    });
    try {
      await ready;
      const get = async (path: string, key?: string) => (await fetch(url + path, key ? { headers: { authorization: `Bearer ${key}` } } : {})).status;
      for (let i = 1; i <= 8; i++) expect(await get('/v2/me', adminKey)).toBe(200);
      for (let i = 1; i <= 3; i++) expect(await get('/v2/me')).toBe(401);
      expect(await get('/v2/no-such-thing', adminKey)).toBe(404);
      // Lines of one process arrive in order: once the last request's line is there, every earlier one is.
      await logged((line) => line.req?.url === '/v2/no-such-thing');

      const requestLines = lines.filter((line) => line.req !== undefined || line.msg === 'incoming request');
      expect(requestLines.map((line) => [line.msg, line.req?.url, line.res?.statusCode])).toEqual([
        ['request completed', '/v2/me', 200],
        ['request completed', '/v2/me', 200],
        ['request completed', '/v2/me', 401],
        ['request completed', '/v2/me', 401],
        ['request completed', '/v2/me', 401],
        ['request completed', '/v2/no-such-thing', 404],
      ]);
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      await database.drop();
      await rm(work, { recursive: true, force: true });
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
