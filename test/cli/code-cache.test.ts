import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { userCacheDirectory } from '../../src/cli/startup/cache-directory.js';
import { cacheFileName } from '../../src/cli/startup/code-cache.js';
import { AX_BIN, REPO_ROOT } from './ax-process.js';
import { testTempDir } from '../helpers/temp-dir.js';

const BUNDLE = join(REPO_ROOT, 'dist/cli/program.cjs');
const CACHE_NAME = cacheFileName(BUNDLE);

/** `ax profiles list -o yaml` (offline; loads program.cjs, and yaml through the bundle's rewritten import()). */
function ax(env: Record<string, string>): { status: number | null; stdout: string; stderr: string } {
  const profiles = testTempDir('ax-code-cache-profiles-');
  const result = spawnSync(process.execPath, [AX_BIN, 'profiles', 'list', '-o', 'yaml'], {
    env: { PATH: process.env.PATH ?? '', HOME: profiles, ARIZE_DIRECTORY: profiles, ...env }, encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const EXPECTED = { status: 0, stdout: 'profiles: []\n', stderr: '' };

describe.skipIf(!existsSync(BUNDLE))('the code cache of dist/cli/program.cjs (bench row B9)', () => {
  it('is written in the user cache folder at the first run, under the hash of the bundle, and read at the next', () => {
    const cacheHome = testTempDir('ax-code-cache-');
    expect(ax({ XDG_CACHE_HOME: cacheHome })).toEqual(EXPECTED);
    const file = join(cacheHome, 'ax-admin-plane', CACHE_NAME);
    const written = readFileSync(file);
    expect(written.subarray(0, 65).toString('latin1')).toMatch(/^[0-9a-f]{64}\n$/);
    const { mtimeMs } = statSync(file);
    expect(ax({ XDG_CACHE_HOME: cacheHome })).toEqual(EXPECTED);
    // Accepted by V8, so not written again.
    expect(statSync(file).mtimeMs).toBe(mtimeMs);
    expect(readdirSync(join(cacheHome, 'ax-admin-plane'))).toEqual([CACHE_NAME]);
  });

  it('is made again when V8 rejects it, or when it was made from other contents', () => {
    const cacheHome = testTempDir('ax-code-cache-');
    expect(ax({ XDG_CACHE_HOME: cacheHome })).toEqual(EXPECTED);
    const file = join(cacheHome, 'ax-admin-plane', CACHE_NAME);
    const good = readFileSync(file);
    const header = good.subarray(0, 65);
    for (const bad of [Buffer.concat([header, Buffer.from('not a V8 code cache')]), Buffer.concat([Buffer.from(`${'0'.repeat(64)}\n`), good.subarray(65)])]) {
      writeFileSync(file, bad);
      expect(ax({ XDG_CACHE_HOME: cacheHome })).toEqual(EXPECTED);
      expect(readFileSync(file).subarray(0, 65)).toEqual(header);
      expect(readFileSync(file).length).toBeGreaterThan(1000);
    }
  });

  it('is left out, without a word, when its folder cannot be written or NODE_DISABLE_COMPILE_CACHE is set', () => {
    const cacheHome = testTempDir('ax-code-cache-');
    // A file where the folder should be: neither root nor anyone else can create the folder.
    writeFileSync(join(cacheHome, 'ax-admin-plane'), '');
    expect(ax({ XDG_CACHE_HOME: cacheHome })).toEqual(EXPECTED);
    expect(readdirSync(cacheHome)).toEqual(['ax-admin-plane']);

    const unused = testTempDir('ax-code-cache-');
    expect(ax({ XDG_CACHE_HOME: unused, NODE_DISABLE_COMPILE_CACHE: '1' })).toEqual(EXPECTED);
    expect(readdirSync(unused)).toEqual([]);
  });
});

describe('the name of a cache file', () => {
  it('tells installs apart, and Node.js versions and archs', () => {
    expect(cacheFileName('/usr/lib/node_modules/ax-admin-plane/dist/cli/program.cjs')).toBe(`program.cjs-84e29eff-${process.version}-${process.arch}.v8cache`);
    expect(cacheFileName('/home/ana/project/node_modules/ax-admin-plane/dist/cli/program.cjs')).not.toBe(cacheFileName('/usr/lib/node_modules/ax-admin-plane/dist/cli/program.cjs'));
  });
});

describe('the user cache folder', () => {
  it('follows each platform\'s convention, and is undefined rather than relative', () => {
    const ana = { HOME: '/home/ana' };
    expect(userCacheDirectory(ana, 'linux')).toBe('/home/ana/.cache/ax-admin-plane');
    expect(userCacheDirectory({ ...ana, XDG_CACHE_HOME: '/var/cache/ana' }, 'linux')).toBe('/var/cache/ana/ax-admin-plane');
    expect(userCacheDirectory({ ...ana, XDG_CACHE_HOME: 'relative' }, 'linux')).toBe('/home/ana/.cache/ax-admin-plane');
    expect(userCacheDirectory(ana, 'darwin')).toBe('/home/ana/Library/Caches/ax-admin-plane');
    expect(userCacheDirectory({}, 'linux')).toBeUndefined();
    expect(userCacheDirectory({ HOME: 'relative' }, 'linux')).toBeUndefined();
    expect(userCacheDirectory({ ...ana, LOCALAPPDATA: 'relative' }, 'win32')).toBeUndefined();
  });
});
