import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AX_BIN } from './ax-process.js';

/** Issue 16, configuration: an optional ax.toml beside flags and variables, and `ax serve --print-config`. */
describe('ax.toml and ax serve --print-config', () => {
  const work = mkdtempSync(join(tmpdir(), 'ax-config-file-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  const ax = (args: string[], options: { cwd: string; env?: Record<string, string> }) => spawnSync(process.execPath, [AX_BIN, ...args], {
    cwd: options.cwd, env: { PATH: process.env.PATH ?? '', HOME: work, ...options.env }, encoding: 'utf8', timeout: 20_000,
  });

  it('reads ./ax.toml under the variables and flags, and prints the effective configuration with secrets masked', () => {
    const dir = join(work, 'project');
    mkdirSync(dir);
    writeFileSync(join(dir, 'ax.toml'), [
      'port = 9999',
      'log_level = "debug"',
      'data_dir = "/var/lib/ax"',
      'database_url = "postgres://ax:db-password-1@db.internal:5432/ax"',
      'sso_validated_domains = ["example.com", "example.org"]',
      'trust_proxy = true',
      '[metrics]',
      'token = "metrics-token-from-the-file"',
      'port = 9100',
      '',
    ].join('\n'));
    const run = ax(['serve', '--print-config', '--port', '7000'], {
      cwd: dir, env: { AX_LOG_LEVEL: 'warn', AX_ADMIN_API_KEY: 'ak-admin-key-from-env', AX_SMTP_URL: '' },
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toContain(`the file ${join(dir, 'ax.toml')}`);
    // flag over file, variable over file, file over default
    expect(lines).toContain('port = 7000');
    expect(lines).toContain('log_level = "warn"');
    expect(lines).toContain('data_dir = "/var/lib/ax"');
    expect(lines).toContain('trust_proxy = true');
    expect(lines).toContain('metrics_port = 9100');
    expect(lines).toContain('sso_validated_domains = [ "example.com", "example.org" ]');
    // secrets and URL passwords masked, unset settings said so
    expect(lines).toContain('metrics_token = "********"');
    expect(lines).toContain('admin_api_key = "********"');
    expect(lines).toContain('database_url = "postgres://ax:********@db.internal:5432/ax"');
    expect(lines).toContain('# smtp_url is not set');
    expect(lines).toContain('password_check_concurrency = 4');
    for (const secret of ['metrics-token-from-the-file', 'ak-admin-key-from-env', 'db-password-1']) expect(run.stdout).not.toContain(secret);
    // Only the configuration was read: no data directory was created.
    expect(existsSync('/var/lib/ax')).toBe(false);
  });

  it('--config names the file; an unknown setting or a missing file stops with a message naming it', () => {
    const file = join(work, 'other.toml');
    writeFileSync(file, 'host = "0.0.0.0"\n');
    const named = ax(['serve', '--print-config', '--config', file], { cwd: work });
    expect(named.status).toBe(0);
    expect(named.stdout).toContain('host = "0.0.0.0"');

    writeFileSync(file, '[metrics]\ntokn = "x"\n');
    const unknown = ax(['serve', '--print-config', '--config', file], { cwd: work });
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain(`✗ Error: the configuration is not valid: the configuration file ${file} has an unknown setting metrics.tokn (it would be AX_METRICS_TOKN)`);

    const missing = ax(['serve', '--print-config'], { cwd: work, env: { AX_CONFIG: join(work, 'nope.toml') } });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('nope.toml does not exist (AX_CONFIG)');
  });
});
