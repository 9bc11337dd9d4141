import { join } from 'node:path';
import type * as Program from '../program.js';
import { userCacheDirectory } from './cache-directory.js';
import { requireWithCodeCache } from './code-cache.js';

/**
 * The bundle's program (dist/cli/program.cjs, beside dist/cli/main.cjs, whose `__dirname` this runs with), compiled
 * from a code cache in the user's cache folder, unless `NODE_DISABLE_COMPILE_CACHE` is set (Node.js 22's switch for
 * its own compile cache). `hash` is the hash of program.cjs that scripts/bundle-cli.js inlines into main.cjs.
 */
export function loadBundledProgram(hash: string): typeof Program {
  return requireWithCodeCache(join(__dirname, 'program.cjs'), {
    key: hash,
    directory: process.env.NODE_DISABLE_COMPILE_CACHE ? undefined : userCacheDirectory(process.env),
    dynamicImport: (specifier) => import(specifier),
  }) as typeof Program;
}
