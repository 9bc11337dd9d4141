#!/usr/bin/env node
// Part of `npm run build`, after tsc: bundles the `ax` CLI so that it starts fast (bench row B9). On Node 20 an ES
// module entry point costs ~20 ms more than a CommonJS one, and every module file about a millisecond more.
//   dist/cli/main.cjs     the entry (bin/ax.js requires it): `--version` and `--help`, no commander, client or renderer
//   dist/cli/program.cjs  everything else in one file: commander, every command, the client, the renderer; main.cjs
//                         compiles it from a V8 code cache (src/cli/startup/code-cache.ts), keyed by its hash
// tsc's per-file ES modules stay beside them: the library exports (dist/client), `ax admin` and `ax serve
// --migrate-only` (dist/server), and bin/ax.js's fallback when the bundle is missing. `ax serve` imports the server's
// own bundle (scripts/bundle-server.js).
import { createHash } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { build } from 'esbuild';
import { writeAtomically } from './lib/write-atomically.js';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

const common = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  // Fewer bytes to read, decode and parse at every start; identifiers stay, so stack traces remain readable.
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
  // version.ts reads import.meta.url only when __AX_VERSION__ is not defined, i.e. never in the bundle.
  logOverride: { 'empty-import-meta': 'silent' },
  // tsc's output reads the version from package.json at run time; the bundle has it inlined.
  define: { __AX_VERSION__: JSON.stringify(version) },
};

/** Leaves imports matching `filter` to Node at run time, as `path` (relative to the bundle's file) or as written. */
const external = (filter, path) => ({
  name: `external:${filter}`,
  setup(b) {
    b.onResolve({ filter }, (args) => ({ path: path ?? args.path, external: true }));
  },
});

/**
 * commander requires node:child_process at its start (and with it dgram and more: ~0.6 ms) for executable subcommands
 * alone, which ax has none of: it gets a spawn that loads the module when called.
 */
const lazyChildProcessForCommander = {
  name: 'lazy-child-process-for-commander',
  setup(b) {
    b.onResolve({ filter: /^node:child_process$/ }, (args) => (/[\\/]commander[\\/]lib[\\/]command\.js$/.test(args.importer) ? { path: 'spawn', namespace: 'lazy-child-process' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'lazy-child-process' }, () => ({
      contents: "module.exports = { spawn: (...args) => require('node:child_process').spawn(...args) };",
      loader: 'js',
    }));
  },
};

/**
 * The bundle's `import("…")` calls as `dynImp("…")` (src/cli/startup/code-cache.ts says why; same length, so the
 * source map holds): every one of them, which the metafile lists in order, and nothing else.
 */
function withDynImp(code, output) {
  const expected = output.imports.filter((entry) => entry.kind === 'dynamic-import').map((entry) => entry.path);
  const found = [];
  if (/\bdynImp\b/.test(code)) throw new Error('program.cjs already uses the name dynImp');
  const rewritten = code.replace(/(?<![.\w$])import(\("([^"]+)"\))/g, (_, call, specifier) => {
    found.push(specifier);
    return `dynImp${call}`;
  });
  if (JSON.stringify(found) !== JSON.stringify(expected) || /(?<![.\w$])import\(/.test(rewritten)) {
    throw new Error(`program.cjs: the import() calls found (${found.join(', ')}) are not the bundle's (${expected.join(', ')})`);
  }
  return rewritten;
}

// An earlier layout of the bundle (ES module chunks): gone.
rmSync(new URL('../dist/cli/chunks', import.meta.url), { recursive: true, force: true });

const program = await build({
  ...common,
  entryPoints: ['src/cli/program.ts'],
  outfile: 'dist/cli/program.cjs',
  write: false,
  metafile: true,
  // Loaded only when asked for (-o yaml, a question on a terminal, https, `ax serve`, the system's browser opener —
  // open@11 finds its xdg-open beside its own import.meta.url), with import() as written.
  external: ['yaml', '@inquirer/prompts', 'open'],
  plugins: [
    lazyChildProcessForCommander,
    // The server as one file (scripts/bundle-server.js, which runs after this script).
    external(/\/server\/start-server\.js$/, '../server/start-server.bundle.mjs'),
    external(/\/server\/admin-database\.js$/, '../server/admin-database.js'),
    external(/\/server\/migrate-only\.js$/, '../server/migrate-only.js'),
  ],
});
const programFile = program.outputFiles.find((file) => file.path.endsWith('.cjs'));
const programCode = withDynImp(programFile.text, Object.entries(program.metafile.outputs).find(([path]) => path.endsWith('.cjs'))[1]);
for (const file of program.outputFiles) writeAtomically(file.path, file === programFile ? programCode : file.contents);

const main = await build({
  ...common,
  entryPoints: ['src/cli/main.ts'],
  outfile: 'dist/cli/main.cjs',
  // main.ts loads program.cjs through src/cli/startup/bundled-program.ts when this hash is defined.
  define: { ...common.define, __AX_PROGRAM_HASH__: JSON.stringify(createHash('sha256').update(programCode).digest('hex')) },
  // The registry's command loaders are never called from here (program.cjs holds its own copy).
  plugins: [external(/^\.\/commands\//)],
  write: false,
});
for (const file of main.outputFiles) writeAtomically(file.path, file.contents);
