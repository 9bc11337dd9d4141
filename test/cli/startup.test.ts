import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AX_BIN, REPO_ROOT } from './ax-process.js';
import { testTempDir } from '../helpers/temp-dir.js';

/**
 * The files and Node built-ins `ax ARGS` loads: CommonJS ones from `require.cache`, ES modules through a loader
 * hook, built-ins from `process.moduleLoadList`. Works for the bundle (dist/cli/main.cjs + program.cjs, what
 * `npm run build` makes) and for tsc's per-file output alike.
 */
function modulesLoadedBy(args: string[]): { files: string[]; builtins: string[]; code: string } {
  const dir = testTempDir('ax-startup-');
  const esmLog = join(dir, 'esm.txt');
  const cjsLog = join(dir, 'cjs.json');
  writeFileSync(join(dir, 'hooks.mjs'), `import { appendFileSync } from 'node:fs';
export async function load(url, context, next) { appendFileSync(${JSON.stringify(esmLog)}, url + '\\n'); return next(url, context); }\n`);
  writeFileSync(join(dir, 'register.mjs'), `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(join(dir, 'hooks.mjs')).href)});\n`);
  writeFileSync(join(dir, 'preload.cjs'), `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(cjsLog)}, JSON.stringify({
  files: Object.keys(require.cache),
  builtins: process.moduleLoadList.filter((m) => m.startsWith('NativeModule ') && !m.includes('internal/')).map((m) => m.slice(13)),
})));\n`);
  writeFileSync(esmLog, '');
  const result = spawnSync(process.execPath, ['--require', join(dir, 'preload.cjs'), '--import', pathToFileURL(join(dir, 'register.mjs')).href, AX_BIN, ...args], {
    cwd: REPO_ROOT, env: { PATH: process.env.PATH ?? '', ARIZE_DIRECTORY: dir }, encoding: 'utf8',
  });
  expect(result.status, result.stderr).toBe(0);
  const loaded = JSON.parse(readFileSync(cjsLog, 'utf8')) as { files: string[]; builtins: string[] };
  const esm = readFileSync(esmLog, 'utf8').split('\n').filter((url) => url.startsWith('file:')).map((url) => fileURLToPath(url));
  const files = [...new Set([...loaded.files, ...esm])].filter((file) => file.startsWith(REPO_ROOT) && !file.startsWith(dir));
  const code = files.map((file) => readFileSync(file, 'utf8')).join('\n');
  return { files, builtins: loaded.builtins, code };
}

/** Fingerprints of what `--help` and `--version` must not load. */
const COMMANDER = 'commander.helpDisplayed';
const CLIENT = 'class Transport';
const TABLE = 'function renderTable';
const SERVER = '/dist/http/';

describe('start-up (bench row B9)', () => {
  for (const args of [['--version'], ['--help']]) {
    it(`\`ax ${args.join(' ')}\` loads neither commander nor any command, client, renderer or server module`, () => {
      const { files, builtins, code } = modulesLoadedBy(args);
      for (const fingerprint of [COMMANDER, CLIENT, TABLE]) expect(code, fingerprint).not.toContain(fingerprint);
      expect(files.filter((file) => file.includes(SERVER) || file.includes('node_modules'))).toEqual([]);
      expect(builtins).not.toContain('http');
    });
  }

  it('`ax users list --help` loads commander and the users command, but not the server', () => {
    const { files, code } = modulesLoadedBy(['users', 'list', '--help']);
    // Bundled, commander's code is inside dist/cli/program.cjs; unbundled, it comes from node_modules.
    expect(code).toContain(COMMANDER);
    expect(code).toMatch(/["']resend-invitation["']/);
    expect(files.some((file) => file.includes(SERVER))).toBe(false);
  });

  it('bin/ax.js runs the CommonJS bundle that `npm run build` writes (no ES module loader)', () => {
    const { files } = modulesLoadedBy(['--version']);
    expect(files.map((file) => file.slice(REPO_ROOT.length))).toEqual(['bin/ax.js', 'dist/cli/main.cjs']);
  });
});
