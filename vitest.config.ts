import { dirname, join, sep } from 'node:path';
import type { PluginOption } from 'vite';
import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';
import { SlowestFirstSequencer } from './test/helpers/slowest-first-sequencer.js';

/**
 * Three kinds of test, each a vitest project (`npx vitest run --project unit`):
 * - unit: in-process, no database, no server — the engine, keys, domain, config, the CLI's pure parts;
 * - http: a real server in the test process on a real database (test/http, test/store);
 * - e2e: real processes — the `ax` binary, spawned servers, Chromium, `npm pack`.
 * The database-backed projects exist once per backend (`http:sqlite`, `http:postgres`, …). `npm test`'s main run
 * groups the same files by database instead (PROJECTS below says why).
 */
const UNIT = [
  'test/access/**/*.test.ts', 'test/auth/**/*.test.ts', 'test/config/**/*.test.ts', 'test/domain/**/*.test.ts',
  'test/keys/**/*.test.ts', 'test/role-mapping/**/*.test.ts', 'test/services/**/*.test.ts', 'test/sso/**/*.test.ts',
  'test/cli/client-types.test.ts', 'test/cli/options.test.ts', 'test/cli/output.test.ts', 'test/cli/profiles.test.ts',
  'test/cli/resolve.test.ts', 'test/cli/transport.test.ts',
];
const HTTP = ['test/http/**/*.test.ts', 'test/store/**/*.test.ts'];
/**
 * http files whose subject sits above the store, run on SQLite only: what they assert (headers, the OpenAPI
 * document, the console's files, request and header timeouts, the request log, refusals before any query, password
 * rules and hashing, the test clock, static GraphQL and SCIM documents, trace propagation) does not depend on which
 * database answers. Every other http file runs on both; a file that reads or writes rows in a way a dialect could
 * change (lists, filters, constraints, transactions, ids past 32 bits, throttling kept in tables) stays off this list.
 */
const ABOVE_THE_STORE = [
  'console-missing-asset', 'console-static', 'graphql-schema', 'hostile-input', 'log-sampling',
  'metrics-tracing-propagation', 'openapi', 'password-hash-cost', 'password-rules', 'query-strings', 'request-timeouts',
  'scim-discovery', 'security-headers', 'test-clock',
].map((name) => `test/http/${name}.test.ts`);
/**
 * End-to-end files whose server is on the database under test (the rest run once, on SQLite). The `ax` walk
 * (test/cli/e2e.test.ts, ~150 processes) runs on SQLite only: the seeds' workflows reach PostgreSQL through
 * test/e2e/seed-workflows.test.ts and every route through the http files.
 */
const E2E_ON_EACH_DATABASE = ['test/e2e/**/*.test.ts', 'test/cli/access-as-code.test.ts'];
const E2E = [...E2E_ON_EACH_DATABASE, 'test/cli/**/*.test.ts', 'test/web/**/*.test.ts', 'test/package/**/*.test.ts'];

/**
 * `npm test`'s main run tests the build it has just made (scripts/build.js --if-stale): a test's import of src/ is
 * answered with the same module in dist/, which Node loads itself, outside vitest's module runner. Transforming and
 * evaluating the server's ~400 modules through the runner cost each worker of each project 5–15 s before its first
 * file's first test. Other runs (`npx vitest run test/http/x.test.ts`) import src/ directly, so an edit needs no build.
 */
const BUILT = Boolean(process.env.AX_TEST_MAIN_RUN);
const ROOT = import.meta.dirname;
const SRC = join(ROOT, 'src') + sep;
/** dist/'s modules, which the runner leaves to Node. */
const DIST = new RegExp(`^${(join(ROOT, 'dist') + sep).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`);
const FROM_BUILD: PluginOption = {
  name: 'src-from-dist',
  enforce: 'pre',
  resolveId(source, importer) {
    if (!importer || !source.startsWith('.')) return null;
    const path = join(dirname(importer), source);
    return path.startsWith(SRC) ? join(ROOT, 'dist', path.slice(SRC.length)) : null;
  },
};

function project(name: string, include: string[], options: { exclude?: string[]; database?: 'sqlite' | 'postgres' } = {}): TestProjectInlineConfiguration {
  return {
    extends: true,
    plugins: BUILT ? [FROM_BUILD] : [],
    test: {
      ...(BUILT ? { server: { deps: { external: [DIST] } } } : {}),
      name,
      include,
      exclude: options.exclude ?? [],
      ...(options.database ? { env: { AX_TEST_DB: options.database } } : {}),
    },
  };
}

/**
 * Which backends the database-backed projects run on: AX_TEST_DBS (scripts/test.js: `sqlite,postgres`), else the
 * one AX_TEST_DB names (default SQLite), so `AX_TEST_DB=postgres npx vitest run test/http/x.test.ts` runs x once.
 */
const DATABASES = (process.env.AX_TEST_DBS ?? process.env.AX_TEST_DB ?? 'sqlite').split(',').map((name) => {
  if (name !== 'sqlite' && name !== 'postgres') throw new Error(`AX_TEST_DB(S): sqlite or postgres, got ${JSON.stringify(name)}`);
  return name;
});

/** The engine's and the keys' unit tests: `npm test` runs them first, alone, under the coverage gate (scripts/test.js). */
const GATED = ['test/access/**', 'test/keys/**'];

/**
 * The projects by kind (above), for runs of some of the suite (`--project http:sqlite`, a file or two).
 *
 * `npm test`'s main run (scripts/test.js sets AX_TEST_MAIN_RUN) groups them by database instead: `sqlite` (the unit
 * files but the gated ones, which the coverage gate has just run, and every http and e2e file) and `postgres`.
 * With `isolate: false` vitest runs a pool's projects one after the other, each to its last file, and recycles the
 * workers in between: five projects were five barriers, and at each one a worker sat idle while the other finished
 * the project's longest file (the `ax` walk-through of test/cli/e2e.test.ts, then on both databases, held e2e:postgres
 * alone for a minute).
 * Two projects leave one barrier, which the sequencer puts before SQLite's short unit files.
 */
const PROJECTS: TestProjectInlineConfiguration[] = process.env.AX_TEST_MAIN_RUN
  ? DATABASES.map((database) => database === 'sqlite'
    ? project('sqlite', [...UNIT, ...HTTP, ...E2E], { database, exclude: GATED })
    : project(database, [...HTTP, ...E2E_ON_EACH_DATABASE], { database, exclude: ABOVE_THE_STORE }))
  : [
    project('unit', UNIT),
    ...DATABASES.flatMap((database) => [
      project(`http:${database}`, HTTP, { database, exclude: database === 'sqlite' ? [] : ABOVE_THE_STORE }),
      database === 'sqlite'
        ? project('e2e:sqlite', E2E, { database, exclude: UNIT })
        : project(`e2e:${database}`, E2E_ON_EACH_DATABASE, { database }),
    ]),
  ];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // expect.poll's own default (1 s) is a wait for a page to show what it fetched: on a loaded 2-core machine (two
    // workers, Chromium, servers) a console page took longer than that to render, and the test failed on the clock,
    // not on what it checks. A poll that asserts a bound ("within a second") passes its own timeout.
    expect: { poll: { timeout: 10_000 } },
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    // Files of a worker share one module graph instead of importing the server, oidc-provider, node-saml and the rest
    // again for each of them: collecting the http project took 135 s of its 170 s on 2 cores, 13 s of 50 s without
    // isolation. Tests therefore keep no state in modules between files (servers, clocks and PostgreSQL schemas are
    // per file), but for the worker's PostgreSQL database (test/helpers/database.ts says why a worker has its own).
    isolate: false,
    globalSetup: ['test/helpers/postgres-test-databases.ts'],
    sequence: { sequencer: SlowestFirstSequencer },
    // The coverage gate (scripts/test.js runs the engine's and the keys' unit tests with --coverage): in src/access and
    // src/keys a branch no test takes is a security decision nobody has checked.
    coverage: {
      provider: 'v8',
      include: ['src/access/**', 'src/keys/**'],
      reporter: ['text-summary'],
      thresholds: {
        'src/access/**': { statements: 100, lines: 100, functions: 100, branches: 99 },
        'src/keys/**': { statements: 98, lines: 98, functions: 96, branches: 92 },
      },
    },
    projects: PROJECTS,
  },
});
