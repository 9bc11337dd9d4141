#!/usr/bin/env node
// `npm run build`: tsc, the GraphQL schema and the CLI bundle one after the other, the console beside them; then a
// stamp in dist/ naming the inputs the build was made from (a hash of their contents). With `--if-stale` (`npm test`)
// the build runs only when the inputs differ from the stamp: `npm ci`'s prepare has just built a clean clone, and a
// second identical build cost `npm test` about a minute on 2 cores. An edit to src/ or web/ (or to the build's own
// scripts, configs or locked dependencies) changes the hash, so the next `npm test` rebuilds. `--check` only
// answers whether dist/ is up to date (exit 0) or not (1), for tests that run the built server.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const STAMP = join(ROOT, 'dist/.build-inputs');
/** The built console, and where a build writes it before swapping it in. */
const WEB = join(ROOT, 'dist/web');
const WEB_NEXT = join(ROOT, `dist/.web-next-${process.pid}`);
/** What the build reads: folders (every file in them) and files. */
const INPUTS = [
  'src', 'web', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json',
  'scripts/build.js', 'scripts/print-graphql-schema.js', 'scripts/bundle-cli.js', 'scripts/bundle-server.js',
  'scripts/lib',
];
/** The build's steps after tsc, each a script of its own: its output is the next one's input. */
const SCRIPTS = ['scripts/print-graphql-schema.js', 'scripts/bundle-cli.js', 'scripts/bundle-server.js'];

/** The input's files: itself, or every file under it. */
function files(input) {
  const path = join(ROOT, input);
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

/** A hash of every input's path and contents, in a fixed order. */
function inputsHash() {
  const hash = createHash('sha256');
  const paths = INPUTS.flatMap(files).sort();
  for (const path of paths) {
    hash.update(`${relative(ROOT, path)}\0`);
    hash.update(readFileSync(path));
    hash.update('\0');
  }
  return hash.digest('hex');
}

const inputs = inputsHash();
const fresh = existsSync(STAMP) && readFileSync(STAMP, 'utf8').trim() === inputs;
if (process.argv.includes('--check')) {
  if (!fresh) console.error('dist/ is missing or older than src/, web/ or the build configuration: run `npm run build`');
  process.exit(fresh ? 0 : 1);
}
if (fresh && process.argv.includes('--if-stale')) {
  console.log('dist/ is up to date with src/, web/ and the build configuration: not rebuilt');
  process.exit(0);
}
// A build that fails half-way leaves no stamp: the next `npm test` builds again.
rmSync(STAMP, { force: true });
const run = (args) => new Promise((resolve, reject) => {
  spawn(process.execPath, args, { cwd: ROOT, stdio: 'inherit' })
    .on('close', (code) => (code === 0 ? resolve() : reject(new Error(`node ${args.join(' ')} exited with ${code}`))));
});
// The console (vite compiles web/src itself, into dist/web only) needs nothing tsc writes: it builds beside tsc and
// the steps after it, on the second core, instead of after them.
const results = await Promise.allSettled([
  (async () => {
    await run(['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json']);
    for (const script of SCRIPTS) await run([script]);
  })(),
  (async () => {
    const { build } = await import('vite');
    // Into a folder of its own, then swapped in: vite empties its outDir first, and a console test (or a running
    // `ax serve`) reading dist/web during a rebuild found no index.html for the minute the build took.
    try {
      await build({ configFile: join(ROOT, 'web/vite.config.ts'), logLevel: 'warn', build: { outDir: WEB_NEXT } });
      const old = `${WEB}.old-${process.pid}`;
      if (existsSync(WEB)) renameSync(WEB, old);
      renameSync(WEB_NEXT, WEB);
      rmSync(old, { recursive: true, force: true });
    } finally {
      rmSync(WEB_NEXT, { recursive: true, force: true });
    }
  })(),
]);
const failed = results.filter((result) => result.status === 'rejected');
for (const { reason } of failed) console.error(reason instanceof Error ? reason.message : reason);
if (failed.length > 0) process.exit(1);
writeFileSync(STAMP, `${inputs}\n`);
