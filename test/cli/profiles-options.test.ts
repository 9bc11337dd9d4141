import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readProfile } from '../../src/profiles/store.js';
import { runAx } from './ax-process.js';
import { testTempDir } from '../helpers/temp-dir.js';

/** `ax profiles …` takes the flags of Arize's `profiles.py` (wire reference §7.1–7.2); none of them needs a server. */
describe('ax profiles options', () => {
  const home = () => ({ ARIZE_DIRECTORY: testTempDir('ax-profiles-cli-') });

  it('takes -f as --from-file on create and update', async () => {
    const env = home();
    const file = join(env.ARIZE_DIRECTORY, 'from.toml');
    writeFileSync(file, '[auth]\napi_key = "ak-from-file"\n\n[routing]\napi_host = "ax.example.com"\napi_scheme = "https"\n');
    const created = await runAx(['profiles', 'create', 'ci', '-f', file], { env });
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    expect(readProfile('ci', env).auth?.api_key).toBe('ak-from-file');
    writeFileSync(file, '[auth]\napi_key = "ak-replaced"\n');
    const updated = await runAx(['profiles', 'update', 'ci', '-f', file], { env });
    expect(updated.code).toBe(0);
    expect(readProfile('ci', env).auth?.api_key).toBe('ak-replaced');
  });

  it('names the [routing] port key a profile gets wrong, instead of "https://host:NaN is not a URL"', async () => {
    const env = home();
    writeFileSync(join(env.ARIZE_DIRECTORY, 'config.toml'), '[auth]\napi_key = "ak-x"\n\n[routing]\napi_host = "127.0.0.1"\napi_port = "abc"\n');
    const result = await runAx(['users', 'list'], { env });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('✗ Error: profile "default": [routing] api_port must be a port number from 0 to 65535, got "abc"');
    expect(result.stderr).not.toContain('NaN');
  });

  it('takes -v / --verbose on every profiles command, as on every other command', async () => {
    const env = home();
    const runs = [
      ['profiles', 'create', 'one', '--api-key', 'ak-one', '--endpoint', 'http://127.0.0.1:9', '-v'],
      ['profiles', 'create', 'two', '--api-key', 'ak-two', '--endpoint', 'http://127.0.0.1:9', '--verbose'],
      ['profiles', 'update', 'two', '--output-format', 'json', '-v'],
      ['profiles', 'show', 'two', '-v'],
      ['profiles', 'list', '-v'],
      ['profiles', 'use', 'one', '-v'],
      ['profiles', 'delete', 'two', '--force', '-v'],
    ];
    for (const args of runs) {
      const result = await runAx(args, { env });
      expect({ args, code: result.code, stderr: result.stderr }).toEqual({ args, code: 0, stderr: '' });
    }
  });

  it('show --all adds the other sections of the file, secrets redacted', async () => {
    const env = home();
    writeFileSync(join(env.ARIZE_DIRECTORY, 'config.toml'), [
      '[auth]', 'api_key = "ak-abcdefghijkl-wxyz"', '',
      '[routing]', 'api_host = "ax.example.com"', 'api_scheme = "https"', '',
      '[transport]', 'stream_max_workers = 4', '',
      '[network]', 'proxy_mode = "url"', 'proxy_url = "http://bob:hunter2@proxy.example.com:3128"', '',
    ].join('\n'));
    const plain = await runAx(['profiles', 'show', '-o', 'json'], { env });
    expect(plain.code).toBe(0);
    expect(JSON.parse(plain.stdout)).not.toHaveProperty('sections');
    const all = await runAx(['profiles', 'show', '--all', '-o', 'json'], { env });
    expect(all.stderr).toBe('');
    expect(all.code).toBe(0);
    const shown = JSON.parse(all.stdout);
    expect(shown.api_key).toBe(JSON.parse(plain.stdout).api_key);
    expect(shown.sections).toEqual({
      routing: { api_host: 'ax.example.com', api_scheme: 'https' },
      transport: { stream_max_workers: 4 },
      network: { proxy_mode: 'url', proxy_url: 'http://***@proxy.example.com:3128' },
    });
    expect(all.stdout).not.toContain('hunter2');
  });
});
