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
/** End-to-end files whose server is on the database under test (the rest run once, on SQLite). */
const E2E_ON_EACH_DATABASE = ['test/e2e/**/*.test.ts', 'test/cli/e2e.test.ts', 'test/cli/access-as-code.test.ts'];
const E2E = [...E2E_ON_EACH_DATABASE, 'test/cli/**/*.test.ts', 'test/web/**/*.test.ts', 'test/package/**/*.test.ts'];

function project(name: string, include: string[], options: { exclude?: string[]; database?: 'sqlite' | 'postgres' } = {}): TestProjectInlineConfiguration {
  return {
    extends: true,
    test: {
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
 * the project's longest file (the `ax` walk-through of test/cli/e2e.test.ts held e2e:postgres alone for a minute).
 * Two projects leave one barrier, which the sequencer puts before SQLite's short unit files.
 */
const PROJECTS: TestProjectInlineConfiguration[] = process.env.AX_TEST_MAIN_RUN
  ? DATABASES.map((database) => database === 'sqlite'
    ? project('sqlite', [...UNIT, ...HTTP, ...E2E], { database, exclude: GATED })
    : project(database, [...HTTP, ...E2E_ON_EACH_DATABASE], { database }))
  : [
    project('unit', UNIT),
    ...DATABASES.flatMap((database) => [
      project(`http:${database}`, HTTP, { database }),
      database === 'sqlite'
        ? project('e2e:sqlite', E2E, { database, exclude: UNIT })
        : project(`e2e:${database}`, E2E_ON_EACH_DATABASE, { database }),
    ]),
  ];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
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
