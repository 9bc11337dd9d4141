import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AX_BIN, REPO_ROOT } from './ax-process.js';

/** The modules `ax ARGS` loads, recorded by a module-loader hook (`--import` of a file that registers it). */
function modulesLoadedBy(args: string[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'ax-startup-'));
  const log = join(dir, 'loaded.txt');
  writeFileSync(join(dir, 'hooks.mjs'), `import { appendFileSync } from 'node:fs';
export async function load(url, context, next) { appendFileSync(${JSON.stringify(log)}, url + '\\n'); return next(url, context); }\n`);
  writeFileSync(join(dir, 'register.mjs'), `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(join(dir, 'hooks.mjs')).href)});\n`);
  writeFileSync(log, '');
  const result = spawnSync(process.execPath, ['--import', pathToFileURL(join(dir, 'register.mjs')).href, AX_BIN, ...args], {
    cwd: REPO_ROOT, env: { PATH: process.env.PATH ?? '', ARIZE_DIRECTORY: dir }, encoding: 'utf8',
  });
  expect(result.status).toBe(0);
  return readFileSync(log, 'utf8').split('\n').filter(Boolean);
}

/** The HTTP client, the table/panel renderers, command modules and the server (output/style.js, a few colour helpers, may load). */
const HEAVY = [
  '/dist/client/', '/dist/cli/output/printer.js', '/dist/cli/output/table.js', '/dist/cli/output/panel.js', '/dist/cli/context.js',
  '/dist/cli/commands/', '/dist/http/', '/dist/server/', 'node:http', 'yaml', 'smol-toml', '@inquirer',
];

describe('start-up (bench row B9)', () => {
  it('`ax --version` loads neither commander nor any command, client, renderer or server module', () => {
    const loaded = modulesLoadedBy(['--version']);
    expect(loaded.filter((url) => url.includes('/dist/'))).toEqual([
      expect.stringContaining('/dist/cli/main.js'),
      expect.stringContaining('/dist/cli/version.js'),
    ]);
    expect(loaded.some((url) => url.includes('commander'))).toBe(false);
  });

  it('`ax --help` loads no client, renderer, command or server module', () => {
    const loaded = modulesLoadedBy(['--help']);
    expect(loaded.some((url) => url.includes('commander'))).toBe(true);
    for (const heavy of HEAVY) expect(loaded.filter((url) => url.includes(heavy)), heavy).toEqual([]);
  });

  it('`ax users list --help` loads the users command but not the server', () => {
    const loaded = modulesLoadedBy(['users', 'list', '--help']);
    expect(loaded.some((url) => url.endsWith('/dist/cli/commands/users.js'))).toBe(true);
    expect(loaded.some((url) => url.includes('/dist/cli/commands/spaces.js'))).toBe(false);
    expect(loaded.some((url) => url.includes('/dist/http/'))).toBe(false);
  });
});
