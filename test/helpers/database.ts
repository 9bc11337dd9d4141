import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** Which backend this test run targets: `AX_TEST_DB=postgres` (set by scripts/test.js) or SQLite. */
export const testBackend: 'sqlite' | 'postgres' = process.env.AX_TEST_DB === 'postgres' ? 'postgres' : 'sqlite';

export interface TestDatabase {
  /** DATABASE_URL for the server, or undefined for SQLite. */
  url: string | undefined;
  drop(): Promise<void>;
}

/** The test run's PostgreSQL databases, one per vitest worker process (test/helpers/postgres-test-databases.ts). */
let workerDatabase: Promise<URL> | undefined;

/**
 * A PostgreSQL test database is a fresh schema, selected through the connection's search_path (as deployments
 * sharing one database run), so the test files of a worker never see each other's rows.
 *
 * The schemas live in a database of this worker process, not in DATABASE_URL's database that every worker and
 * every other test run shares: a server's first migration lists the tables of its whole database (Kysely's
 * PostgresIntrospector.getTables, which calls has_schema_privilege and pg_get_serial_sequence by name for each
 * column of every schema), and a schema that another process drops while that query runs fails it with
 * `schema "t_…" does not exist` — the other process's schema. A worker runs its files one after the other, so no
 * drop in its own database overlaps one of its servers' migrations.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  if (testBackend === 'sqlite') return { url: undefined, drop: async () => undefined };
  workerDatabase ??= createWorkerDatabase();
  const database = await workerDatabase;
  const schema = `t_${randomBytes(6).toString('hex')}`;
  await query(database, `create schema ${schema}`);
  const url = new URL(database);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    url: url.toString(),
    drop: () => query(database, `drop schema if exists ${schema} cascade`),
  };
}

async function createWorkerDatabase(): Promise<URL> {
  const base = process.env.DATABASE_URL;
  if (!base) throw new Error('AX_TEST_DB=postgres needs DATABASE_URL');
  // Imported here, not at the top: the benchmarks import these helpers (spawnServerProcess) outside vitest.
  const { inject } = await import('vitest');
  const run = inject('postgresTestRun');
  if (!run) throw new Error('PostgreSQL test databases need vitest.config.ts\'s globalSetup (test/helpers/postgres-test-databases.ts)');
  const name = `${run}_${process.pid}`;
  // Already there when the worker re-imports this module (vitest's isolate: true): the schemas are new all the same.
  await query(new URL(base), `create database ${name}`).catch((error: { code?: string }) => {
    if (error.code !== '42P04') throw error;
  });
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url;
}

async function query(database: URL, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: database.toString() });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}
