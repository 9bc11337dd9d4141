import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.js';

/**
 * Issue 9 §4: the configuration is read and checked once, at start. A wrong value stops `ax serve` with a message
 * naming the variable (a bad AX_AUTH_FAILURE_LIMIT used to become NaN and block an address after one failure).
 * test/cli/serve-configuration.test.ts starts the real `ax serve` with such values.
 */
describe('configuration', () => {
  it.each([
    ['AX_AUTH_FAILURE_LIMIT', 'abc'],
    ['AX_AUTH_FAILURE_LIMIT', '0'],
    ['AX_AUTH_FAILURE_RETENTION_DAYS', '0'],
    ['AX_AUTH_FAILURE_RETENTION_DAYS', '7d'],
    ['AX_PASSWORD_CHECKS', '2x'],
    ['AX_PASSWORD_HASH_N', '512'],
    ['AX_PASSWORD_HASH_N', '3000'],
    ['AX_PASSWORD_HASH_N', '65536'],
    ['AX_SESSION_IDLE_TIMEOUT', '-30'],
    ['AX_KEEP_ALIVE_TIMEOUT_MS', ''.padEnd(20, '9')],
    // Past what a Node timer holds (2^31 − 1 ms): it would fire after 1 ms.
    ['AX_KEEP_ALIVE_TIMEOUT_MS', '3000000000'],
    ['AX_DATABASE_QUERY_TIMEOUT_MS', '2147483648'],
    ['AX_AUDIT_CHECKPOINT_INTERVAL', '35792'],
    // Past 100 years: the cutoff left what a Date holds and archiving answered 500.
    ['AX_AUDIT_RETENTION_DAYS', '200000000'],
    ['AX_AUTH_FAILURE_RETENTION_DAYS', '36501'],
    ['AX_PORT', '65536'],
    ['AX_PORT', '-1'],
    ['AX_PUBLIC_URL', 'example.com/ax'],
    ['AX_LOG_LEVEL', 'loud'],
    ['AX_ADMIN_EMAIL', 'admin'],
    ['AX_TRUST_PROXY', '1'],
    ['DATABASE_URL', 'mysql://db/ax'],
  ])('refuses %s=%s with a ConfigError naming it', (name, value) => {
    expect(() => loadConfig({}, { [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({}, { [name]: value })).toThrow(name);
  });

  it('reads the defaults, and the values it accepts', () => {
    expect(loadConfig({}, {})).toMatchObject({
      port: 8080, authFailureLimit: 30, passwordCheckConcurrency: 4, passwordHashN: 16384, sessionIdleTimeoutMs: 30 * 60_000, trustProxy: false,
      logLevel: 'info', publicUrl: 'http://127.0.0.1:8080', publicUrlIsListenUrl: true, authFailureRetentionMs: 90 * 86_400_000,
    });
    expect(loadConfig({}, {
      AX_AUTH_FAILURE_LIMIT: '5', AX_TRUST_PROXY: 'true', AX_PUBLIC_URL: 'https://ax.example.com/', AX_SESSION_IDLE_TIMEOUT: '10',
      AX_PASSWORD_HASH_N: '1024', AX_AUTH_FAILURE_RETENTION_DAYS: '7',
    })).toMatchObject({ authFailureRetentionMs: 7 * 86_400_000, passwordHashN: 1024, authFailureLimit: 5, trustProxy: true, publicUrl: 'https://ax.example.com', publicUrlIsListenUrl: false, sessionIdleTimeoutMs: 600_000 });
    // The bounds themselves are taken: 100 years of retention, the longest timer.
    expect(loadConfig({}, { AX_AUDIT_RETENTION_DAYS: '36500', AX_KEEP_ALIVE_TIMEOUT_MS: '2147483647', AX_AUDIT_CHECKPOINT_INTERVAL: '35791' }))
      .toMatchObject({ auditRetentionMs: 36_500 * 86_400_000, keepAliveTimeoutMs: 2_147_483_647, auditCheckpointIntervalMs: 35_791 * 60_000 });
    // An empty variable is an unset one (as a shell's `AX_PORT= ax serve` means).
    expect(loadConfig({}, { AX_PORT: '', AX_TRUST_PROXY: '' })).toMatchObject({ port: 8080, trustProxy: false });
  });
});
