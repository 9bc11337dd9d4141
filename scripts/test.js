#!/usr/bin/env node
// `npm test`: the whole suite on SQLite, then the database-backed suites again on PostgreSQL when DATABASE_URL
// is set. In CI (CI=true) PostgreSQL is required: an unreachable server fails the run loudly, never skips.
import { spawnSync } from 'node:child_process';
import pg from 'pg';

const DB_SUITES = ['test/http', 'test/store', 'test/e2e', 'test/cli/e2e.test.ts'];

function vitest(args, env) {
  const result = spawnSync(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', ...args], { stdio: 'inherit', env: { ...process.env, ...env } });
  return result.status ?? 1;
}

let status = vitest([], { AX_TEST_DB: 'sqlite' });
if (status !== 0) process.exit(status);

const url = process.env.DATABASE_URL;
if (!url) {
  const message = 'PostgreSQL half NOT run: set DATABASE_URL=postgres://127.0.0.1:5432/test to run the database suites on PostgreSQL too.';
  if (process.env.CI) {
    console.error(`\n✗ ${message} (required in CI)`);
    process.exit(1);
  }
  console.warn(`\n! ${message}`);
  process.exit(0);
}
const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
try {
  await client.connect();
  await client.end();
} catch (error) {
  console.error(`\n✗ PostgreSQL at ${url.replace(/\/\/[^@]*@/, '//***@')} cannot be reached: ${error.message}`);
  process.exit(1);
}
console.log(`\n=== database suites on PostgreSQL (${url.replace(/\/\/[^@]*@/, '//***@')}) ===`);
status = vitest(DB_SUITES, { AX_TEST_DB: 'postgres' });
process.exit(status);
