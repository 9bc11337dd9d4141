import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stripAnsi } from '../../src/cli/output/style.js';
import { AX_BIN, REPO_ROOT } from './ax-process.js';

/**
 * Issue 16, logs: on a terminal `ax serve` prints readable lines (pino-pretty), not JSON, and AX_LOG_HEALTH_CHECKS=false
 * leaves the probes' requests out. (JSON off a terminal is what every other test that spawns `ax serve` parses.)
 */
describe('ax serve logs on a pseudo-terminal', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ax-logs-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('prints one readable line per entry, and no health-check request lines with AX_LOG_HEALTH_CHECKS=false', async () => {
    const command = [process.execPath, AX_BIN, 'serve', '--host', '127.0.0.1', '--port', '0', '--data-dir', join(dataDir, 'data')]
      .map((word) => `'${word.replace(/'/g, `'\\''`)}'`).join(' ');
    // util-linux `script` runs the server with a pseudo-terminal as its stdout.
    const child = spawn('script', ['-qec', command, '/dev/null'], {
      cwd: REPO_ROOT,
      env: {
        PATH: process.env.PATH ?? '', HOME: dataDir, TERM: 'xterm', ARIZE_DIRECTORY: join(dataDir, 'arize'), DATABASE_URL: '',
        AX_LOG_LEVEL: 'info', AX_LOG_HEALTH_CHECKS: 'false', AX_ADMIN_API_KEY: 'ak-logs-test-admin-key',
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let screen = '';
    const waiters: { pattern: RegExp; resolve: (match: RegExpMatchArray) => void }[] = [];
    child.stdout.on('data', (chunk) => {
      screen += stripAnsi(String(chunk)).replace(/\r/g, '');
      for (const waiter of [...waiters]) {
        const match = screen.match(waiter.pattern);
        if (match) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(match);
        }
      }
    });
    const appears = (pattern: RegExp) => new Promise<RegExpMatchArray>((resolve, reject) => {
      const match = screen.match(pattern);
      if (match) return resolve(match);
      waiters.push({ pattern, resolve });
      child.once('exit', () => reject(new Error(`the server exited before printing ${pattern}:\n${screen}`)));
    });
    try {
      const [, url] = await appears(/INFO: ax server ready \{"url":"(http:\/\/127\.0\.0\.1:\d+)"/);
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      expect((await fetch(`${url}/readyz`)).status).toBe(200);
      expect((await fetch(`${url}/v2/me`)).status).toBe(401);
      await appears(/INFO: request completed .*"statusCode":401/);
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    const lines = screen.split('\n').filter((line) => line.trim() !== '');
    expect(lines.length).toBeGreaterThan(3);
    for (const line of lines) expect(line).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] (?:INFO|WARN|ERROR): /);
    expect(screen).toContain('"url":"/v2/me"');
    expect(screen).not.toContain('/healthz');
    expect(screen).not.toContain('/readyz');
    expect(screen).not.toContain('ak-logs-test-admin-key');
  });
});
