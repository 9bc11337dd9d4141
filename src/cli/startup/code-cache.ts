import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { Script } from 'node:vm';

/**
 * CommonJS's five parameters, and the bundle's `import()`: code compiled from a V8 code cache by node:vm has no
 * dynamic import of its own on Node 20 (its host options are not restored), so scripts/bundle-cli.js rewrites the
 * bundle's `import("…")` calls into calls of this sixth parameter (a name of the same length: the source map holds).
 */
const WRAPPER_HEAD = '(function (exports, require, module, __filename, __dirname, dynImp) {';
const WRAPPER_TAIL = '\n})';

export interface CodeCacheOptions {
  /** A hash of the file's contents: a cache made from other contents is not used. */
  key: string;
  /** The folder of the cache files (created when missing); undefined: compile without a cache. */
  directory: string | undefined;
  /** What the file's `dynImp(specifier)` calls do: `import(specifier)`, from a module in the file's folder. */
  dynamicImport(specifier: string): Promise<unknown>;
}

/**
 * require() of a CommonJS file (a bundle), compiled from a V8 code cache (Node 20 has no module.enableCompileCache):
 * about 12 ms less at every start of `ax users list` (bench row B9). The cache is made at the process's exit, so it
 * holds the functions the run compiled, and written only when there was none, it was made from other contents (its
 * header is `key`), or V8 rejected it (other V8 flags). A cache that cannot be read or written only costs the time it
 * would have saved.
 */
export function requireWithCodeCache(file: string, options: CodeCacheOptions): unknown {
  const require = createRequire(file);
  const loaded = require.cache[file];
  if (loaded) return loaded.exports;
  const cacheFile = options.directory && join(options.directory, cacheFileName(file));
  const header = Buffer.from(`${options.key}\n`, 'latin1');
  const cachedData = cacheFile ? readCache(cacheFile, header) : undefined;
  const script = new Script(`${WRAPPER_HEAD}${readFileSync(file, 'utf8')}${WRAPPER_TAIL}`, { filename: file, cachedData });
  const module = new Module(file);
  module.filename = file;
  const compiled = script.runInThisContext() as (...args: unknown[]) => void;
  compiled.call(module.exports, module.exports, require, module, file, dirname(file), options.dynamicImport);
  module.loaded = true;
  require.cache[file] = module;
  if (cacheFile && (!cachedData || script.cachedDataRejected)) process.once('exit', () => writeCache(cacheFile, header, script));
  return module.exports;
}

/**
 * One cache file per installed bundle (its path's hash: two installs used in turn do not replace each other's cache
 * at every run) and per Node.js version and arch; a new build of the same install replaces it.
 */
export function cacheFileName(file: string): string {
  return `${basename(file)}-${fnv1a(file)}-${process.version}-${process.arch}.v8cache`;
}

/**
 * The 32-bit FNV-1a hash of a string's UTF-16 code units, in hex: enough to tell installs apart in a file name (two
 * alike would only share one cache file), and no node:crypto, which costs ~3 ms to load.
 */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return (hash >>> 0).toString(16).padStart(8, '0');
}

/** The cache after its header (the contents' hash), or undefined when it is missing or of other contents. */
function readCache(cacheFile: string, header: Buffer): Buffer | undefined {
  let data: Buffer;
  try {
    data = readFileSync(cacheFile);
  } catch {
    return undefined;
  }
  return data.subarray(0, header.length).equals(header) ? data.subarray(header.length) : undefined;
}

/** Writes the cache whole or not at all (a rename), so that a process starting meanwhile never reads half of one. */
function writeCache(cacheFile: string, header: Buffer, script: Script): void {
  const temporary = `${cacheFile}.${process.pid}.tmp`;
  try {
    mkdirSync(dirname(cacheFile), { recursive: true, mode: 0o700 });
    writeFileSync(temporary, Buffer.concat([header, script.createCachedData()]), { mode: 0o600 });
    renameSync(temporary, cacheFile);
  } catch {
    // No cache this time (an unwritable folder, a full disk), and no half-written file left behind, if there is one.
    try {
      rmSync(temporary, { force: true });
    } catch {
      // The folder is not one (ENOTDIR): nothing was written.
    }
  }
}
