#!/usr/bin/env node
// `npm test`'s test run: every vitest project (vitest.config.ts) in one pool — unit, then the database-backed
// http and e2e projects on SQLite and, when DATABASE_URL is set, on PostgreSQL too, side by side rather than one
// half after the other. In CI (CI=true) PostgreSQL is required: an unreachable server fails the run loudly, never
// skips. Arguments are passed to vitest (e.g. `node scripts/test.js --project unit`).
import { spawnSync } from 'node:child_process';
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

const result = spawnSync(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, AX_TEST_DBS: databases.join(',') },
});
process.exit(result.status ?? 1);
