import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { loadConfiguration } from '../../src/config/config-file.js';
import { testTempDir } from '../helpers/temp-dir.js';

/** Issue 18: the file and syslog audit sinks' settings, from the environment and from ax.toml. */
describe('AX_AUDIT_FILE and AX_AUDIT_SYSLOG', () => {
  it('are off unless set', () => {
    expect(loadConfig({}, {})).toMatchObject({ auditFile: undefined, auditSyslog: undefined });
  });

  it('take a path (made absolute) and a udp:// or tcp:// address (port 514 when left out, IPv6 in brackets)', () => {
    const config = loadConfig({}, { AX_AUDIT_FILE: 'logs/audit.jsonl', AX_AUDIT_SYSLOG: 'tcp://logs.example.com:6514' });
    expect(config.auditFile).toBe(resolve('logs/audit.jsonl'));
    expect(config.auditSyslog).toEqual({ protocol: 'tcp', host: 'logs.example.com', port: 6514 });
    expect(loadConfig({}, { AX_AUDIT_SYSLOG: 'udp://[::1]' }).auditSyslog).toEqual({ protocol: 'udp', host: '::1', port: 514 });
  });

  it.each(['syslog.example.com:514', 'http://syslog.example.com', 'udp://', 'tcp://host:514/path'])('refuses AX_AUDIT_SYSLOG=%s, naming the variable', (value) => {
    expect(() => loadConfig({}, { AX_AUDIT_SYSLOG: value })).toThrow(/AX_AUDIT_SYSLOG must be udp:\/\/host:port or tcp:\/\/host:port/);
  });

  it('are read from ax.toml as audit_file and audit_syslog', () => {
    const dir = testTempDir('ax-sinks-config-');
    const file = join(dir, 'ax.toml');
    writeFileSync(file, 'audit_file = "/var/log/ax/audit.jsonl"\naudit_syslog = "udp://10.0.0.5:514"\n');
    const { config } = loadConfiguration({ configFile: file }, {});
    expect(config).toMatchObject({ auditFile: '/var/log/ax/audit.jsonl', auditSyslog: { protocol: 'udp', host: '10.0.0.5', port: 514 } });
  });
});
