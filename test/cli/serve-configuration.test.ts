import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AX_BIN } from '../helpers/server.js';

/**
 * Issue 9 §4: a wrong configuration value stops `ax serve` at start, non-zero, with a message naming the variable
 * (a bad AX_AUTH_FAILURE_LIMIT used to become NaN and block an address after one failure).
 */
describe('ax serve with a wrong configuration value', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ax-config-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it.each([
    ['AX_AUTH_FAILURE_LIMIT', 'abc'],
    ['AX_PORT', 'eighty'],
    ['AX_REQUEST_TIMEOUT_MS', '-5'],
    ['AX_SESSION_IDLE_TIMEOUT', '1.5'],
    ['AX_TRUST_PROXY', 'yes'],
  ])('ax serve with %s=%s exits non-zero naming the variable, before touching the data directory', (name, value) => {
    const run = spawnSync(process.execPath, [AX_BIN, 'serve', '--host', '127.0.0.1', '--data-dir', join(dataDir, name)], {
      env: { ...process.env, DATABASE_URL: '', AX_LOG_LEVEL: 'warn', [name]: value },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(run.status).not.toBe(0);
    expect(run.status).not.toBeNull();
    expect(run.stderr).toContain(name);
    expect(run.stderr).toContain(JSON.stringify(value));
    expect(existsSync(join(dataDir, name))).toBe(false);
  });
});
