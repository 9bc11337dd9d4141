#!/usr/bin/env node
// `npm test`'s test run: the whole suite (vitest.config.ts) in one pool of workers — the unit files, and the
// database-backed http and e2e files on SQLite and, when DATABASE_URL is set, on PostgreSQL too. In CI (CI=true)
// PostgreSQL is required: an unreachable server fails the run loudly, never skips. Without arguments (`npm test`)
// the coverage gate runs first, then the main run with the static checks (scripts/check.js) beside it; arguments
// are passed to one vitest run instead (e.g. `node scripts/test.js --project unit`).
import { spawn, spawnSync } from 'node:child_process';
import pg from 'pg';

const url = process.env.DATABASE_URL;
const databases = ['sqlite'];
if (!url) {
  const message = 'PostgreSQL half NOT run: set DATABASE_URL=postgres://127.0.0.1:5432/test to run the database suites on PostgreSQL too.';
  if (process.env.CI) {
    console.error(`✗ ${message} (required in CI)`);
    process.exit(1);
  }
  console.warn(`! ${message}`);
} else {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.end();
  } catch (error) {
    console.error(`✗ PostgreSQL at ${url.replace(/\/\/[^@]*@/, '//***@')} cannot be reached: ${error.message}`);
    process.exit(1);
  }
  databases.push('postgres');
  console.log(`database suites on SQLite and on PostgreSQL (${url.replace(/\/\/[^@]*@/, '//***@')})`);
}

// The suite's processes (vitest's workers, the servers and `ax` runs they start, the static checks) talk to the
// loopback only, where no test trusts a certificate authority from the environment. A machine that sets
// NODE_EXTRA_CA_CERTS (a sandbox's bundle of 144 authorities, say) makes every Node process read and parse it as it
// starts: `node -e 0` took 130 ms with it and 80 ms without on a 2-core machine, and the suite starts hundreds.
const { NODE_EXTRA_CA_CERTS: _extraCertificates, ...suiteEnv } = process.env;

const vitest = (args, env = {}) => spawnSync(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', ...args], {
  stdio: 'inherit',
  env: { ...suiteEnv, AX_TEST_DBS: databases.join(','), ...env },
}).status ?? 1;

const extra = process.argv.slice(2);
if (extra.length > 0) process.exit(vitest(extra));

// The engine's and the keys' unit tests run first, alone, under the coverage gate (vitest.config.ts `coverage`);
// the main run leaves them out rather than running them twice. The gate's property tests are CPU-bound against
// a timeout: nothing runs beside them.
const gate = vitest(['--project', 'unit', 'test/access', 'test/keys', '--coverage']);

// The static checks run beside the main run instead of before it: the typecheck is one single-threaded process, and
// while it ran alone one of the 2 cores sat idle. Both halves always run to the end, so one run reports every failure.
const checks = new Promise((resolve) => {
  spawn(process.execPath, ['scripts/check.js'], { stdio: 'inherit', env: suiteEnv }).on('close', (code) => resolve(code ?? 1));
});
// AX_TEST_MAIN_RUN: vitest.config.ts's projects for this run, one per database, without the gated files (an
// `--exclude` here reaches no project: they ran twice).
const tests = gate === 0 ? vitest([], { AX_TEST_MAIN_RUN: '1' }) : gate;
const checked = await checks;
process.exit(tests !== 0 ? tests : checked);
