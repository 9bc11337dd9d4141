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
 * A PostgreSQL test database is a schema of its own, selected through the connection's search_path (as deployments
 * sharing one database run), so the test files of a worker never see each other's rows.
 *
 * The schemas live in a database of this worker process, not in DATABASE_URL's database that every worker and
 * every other test run shares: a server's first migration lists the tables of its whole database (Kysely's
 * PostgresIntrospector.getTables, which calls has_schema_privilege and pg_get_serial_sequence by name for each
 * column of every schema), and a schema that another process drops while that query runs fails it with
 * `schema "t_…" does not exist` — the other process's schema. A worker runs its files one after the other, so no
 * drop in its own database overlaps one of its servers' migrations.
 *
 * `reuse` (the servers of startTestServer and startProcessPair): a schema a closed server left migrated is emptied
 * and handed to the next server instead of dropped, which then finds nothing to migrate. Migrating a new schema is
 * 131 statements of DDL: a server started in ~550 ms on a new schema, ~150 ms on an emptied one (emptying takes
 * ~120 ms, dropping took ~80); the PostgreSQL project alone went from 169 s to 159 s (299 → 283 s of CPU). A schema
 * is reused only when it holds exactly the tables and the migration rows the worker's first one held
 * (emptyForReuse), else it is dropped. Without `reuse` (migration tests, tests that open the database themselves) a
 * schema is always new and empty, and dropped at the end.
 */
export async function createTestDatabase(options: { reuse?: boolean } = {}): Promise<TestDatabase> {
  if (testBackend === 'sqlite') return { url: undefined, drop: async () => undefined };
  workerDatabase ??= createWorkerDatabase();
  const database = await workerDatabase;
  const recycled = options.reuse ? emptied.pop() : undefined;
  const schema = recycled ?? `t_${randomBytes(6).toString('hex')}`;
  if (!recycled) await query(database, `create schema ${schema}`);
  const url = new URL(database);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    url: url.toString(),
    drop: async () => {
      if (options.reuse && await emptyForReuse(database, schema)) emptied.push(schema);
      else await query(database, `drop schema if exists ${schema} cascade`);
    },
  };
}

/** This worker's schemas that a closed server left migrated and that were emptied since. */
const emptied: string[] = [];
/** The tables and migrations of the first schema emptied in this worker: what a reused one must hold. */
let migratedShape: string | undefined;

/**
 * Empties a migrated schema's tables but Kysely's own (the migration rows stay, so the next server migrates nothing)
 * and answers true, or answers false when it is not shaped like a migrated schema (never started, partly migrated).
 */
async function emptyForReuse(database: URL, schema: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: database.toString() });
  await client.connect();
  try {
    // Fails (and the schema is dropped) when the server never created Kysely's migration table.
    const { rows } = await client.query<{ tables: string[]; migrations: string | null }>(`
      select (select array_agg(table_name::text order by table_name) from information_schema.tables where table_schema = $1) as tables,
             (select string_agg(name, ',' order by name) from ${schema}.kysely_migration) as migrations`, [schema],
    );
    const tables = rows[0]!.tables;
    const shape = `${tables.join(',')}|${rows[0]!.migrations ?? ''}`;
    migratedShape ??= shape;
    if (shape !== migratedShape) return false;
    const emptiedTables = tables.filter((table) => !table.startsWith('kysely_migration')).map((table) => `${schema}.${table}`);
    // A server that did not let go of a lock (a process killed mid-transaction whose backend lingers) must not hang
    // the file's end: the schema is dropped instead.
    await client.query(`set lock_timeout = '2s'`);
    await client.query(`truncate ${emptiedTables.join(', ')} restart identity cascade`);
    return true;
  } catch {
    return false;
  } finally {
    await client.end();
  }
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
