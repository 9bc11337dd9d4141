#!/usr/bin/env node
// Part of `npm run build`, after tsc: bundles the server into one ES module, dist/server/start-server.bundle.mjs,
// which `ax serve` (and so `npm start`) imports. tsc's output is ~400 modules and its dependencies ~1,250 more
// files (kysely alone 265, TypeBox 201): Node 20 resolving, reading and compiling them one by one cost a server
// ~1.2–1.4 s of CPU before it could open its database, against ~0.4 s for this one file. tsc's per-file modules stay
// beside it for the library exports, `ax admin`, `ax serve --migrate-only` and bin/ax.js's fallback when the CLI's
// bundle is missing.
import { readFileSync } from 'node:fs';
import { build } from 'esbuild';
import { writeAtomically } from './lib/write-atomically.js';

/**
 * Left to Node at run time: a native addon (better-sqlite3) and what the server loads only when configured for it
 * (pg for PostgreSQL, pino-pretty for a terminal, OpenTelemetry for tracing, oidc-provider for `ax auth login`'s
 * authorization server); and the packages below that find files beside their own (`__dirname`), which a bundle
 * moves: pino's transports start worker files, @fastify/swagger reads its package.json.
 */
const EXTERNAL = [
  'better-sqlite3', 'pg', 'pino-pretty', '@opentelemetry/*', 'oidc-provider', 'pino', 'thread-stream', '@fastify/swagger',
];

/**
 * src/http/graphql/graphql-js.ts requires graphql at run time (`createRequire(import.meta.url)('graphql')`), which a
 * bundler cannot follow: as written, graphql's ~130 files would load beside the bundle (~100 ms of a start). Here it
 * is a plain `require('graphql')`, bundled once and shared with mercurius's and graphql-jit's own requires: one copy,
 * which is what that module's run-time require is for (graphql checks its types with instanceof).
 */
const graphqlInBundle = {
  name: 'graphql-in-bundle',
  setup(b) {
    b.onLoad({ filter: /[\\/]src[\\/]http[\\/]graphql[\\/]graphql-js\.ts$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      const call = "createRequire(import.meta.url)('graphql')";
      if (source.split(call).length !== 2) throw new Error(`${args.path}: expected one ${call}`);
      return { contents: source.replace(call, "require('graphql')"), loader: 'ts' };
    });
  },
};

/**
 * Bundled modules that name `__dirname` or `__filename` (undefined in an ES module) on a path the server never
 * takes; any other such module fails the build instead of failing a server at run time.
 */
const FILE_PATHS_NEVER_TAKEN = new Set([
  // GraphiQL's static files, registered only with mercurius's `ide` option; the server serves its own
  // (graphiql: false).
  'node_modules/mercurius/lib/routes.js',
  // qlobber's worker-thread mode, which mercurius's subscriptions (mqemitter) do not use.
  'node_modules/qlobber/lib/qlobber.js',
]);

const outfile = 'dist/server/start-server.bundle.mjs';
const result = await build({
  entryPoints: ['src/server/start-server.ts'],
  outfile,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Stack traces map to the modules' own lines (`node --enable-source-maps`); their text stays out of the map, which
  // held all of it in 13 MB.
  sourcemap: true,
  sourcesContent: false,
  // Fewer bytes to read, decode and parse at every start; identifiers stay, so stack traces remain readable.
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
  metafile: true,
  write: false,
  external: EXTERNAL,
  plugins: [graphqlInBundle],
  // The bundled CommonJS packages' `require()` of a built-in or of an external package.
  banner: { js: "import { createRequire as __axCreateRequire } from 'node:module'; const require = __axCreateRequire(import.meta.url);" },
});

const unexpected = Object.keys(result.metafile.inputs).filter((input) => {
  if (!/\.(c|m)?js$/.test(input) || FILE_PATHS_NEVER_TAKEN.has(input)) return false;
  return /\b__(dirname|filename)\b/.test(readFileSync(input, 'utf8'));
});
if (unexpected.length > 0) {
  throw new Error(`${outfile}: these modules find files by __dirname or __filename, which a bundle moves; make their packages external: ${unexpected.join(', ')}`);
}

for (const file of result.outputFiles) writeAtomically(file.path, file.contents);
