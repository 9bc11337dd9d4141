import { readFileSync } from 'node:fs';

/** Inlined by scripts/bundle-cli.js; undefined in tsc's per-file output and under tsx. */
declare const __AX_VERSION__: string | undefined;

/** The package version: inlined in the bundle, else read from package.json (two levels above src/cli and dist/cli). */
export const VERSION: string =
  typeof __AX_VERSION__ === 'string'
    ? __AX_VERSION__
    : (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
