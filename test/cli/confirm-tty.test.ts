import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readProfile, writeProfile } from '../../src/profiles/store.js';
import { stripAnsi } from '../../src/cli/output/style.js';
import { runAxInTty } from './tty.js';
import { testTempDir } from '../helpers/temp-dir.js';

function setup(): Record<string, string> {
  const dir = testTempDir('ax-tty-');
  const env = { ARIZE_DIRECTORY: dir };
  writeProfile('default', { auth: { api_key: 'ak-default' } }, env);
  writeProfile('staging', { auth: { api_key: 'ak-staging' } }, env);
  // A closed port: profiles are local, so neither the question nor declining needs a server.
  return { ...env, ARIZE_API_KEY: 'ak-x', ARIZE_ENDPOINT: 'http://127.0.0.1:9' };
}

describe('confirmation on a terminal', () => {
  it('defaults to No on a bare Enter', async () => {
    const env = setup();
    const result = await runAxInTty(['profiles', 'delete', 'staging'], { env, input: '\n' });
    expect(result.code).toBe(0);
    expect(stripAnsi(result.stdout)).toContain('Profile staging not deleted.');
    expect(existsSync(join(env.ARIZE_DIRECTORY!, 'profiles', 'staging.toml'))).toBe(true);
  });

  it('proceeds on y', async () => {
    const env = setup();
    const result = await runAxInTty(['profiles', 'delete', 'staging'], { env, input: 'y\n' });
    expect(result.code).toBe(0);
    expect(stripAnsi(result.stdout)).toContain('Deleted profile staging');
    expect(existsSync(join(env.ARIZE_DIRECTORY!, 'profiles', 'staging.toml'))).toBe(false);
  });

  it('uses colour on a terminal, and none with NO_COLOR', async () => {
    const coloured = await runAxInTty(['profiles', 'list'], { env: setup(), input: '' });
    expect(coloured.stdout).toContain('\u001b[1m');
    const plain = await runAxInTty(['profiles', 'list'], { env: { ...setup(), NO_COLOR: '1' }, input: '' });
    expect(plain.stdout).not.toContain('\u001b[');
    expect(plain.stdout).toMatch(/ACTIVE\s+NAME\s+ENDPOINT\s+API KEY\n\*\s+default/);
  });
});

describe('questions on a terminal', () => {
  it('`profiles create` asks for the name, the key (masked, never echoed) and the server', async () => {
    const dir = testTempDir('ax-tty-');
    const result = await runAxInTty(['profiles', 'create'], {
      env: { ARIZE_DIRECTORY: dir },
      input: [
        { after: 'Profile name:', send: 'ci\r' },
        { after: 'API key:', send: 'ak-typed-secret\r' },
        { after: 'Server URL:', send: '\r' },
      ],
    });
    const text = stripAnsi(result.stdout);
    expect(result.code, text).toBe(0);
    expect(text).toContain('Created profile ci');
    expect(text).not.toContain('ak-typed-secret');
    expect(readProfile('ci', { ARIZE_DIRECTORY: dir })).toMatchObject({
      auth: { api_key: 'ak-typed-secret' },
      routing: { api_host: '127.0.0.1', api_scheme: 'http', api_port: 8080 },
    });
  });
});
