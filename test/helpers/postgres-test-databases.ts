import pg from 'pg';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Name prefix of this test run's PostgreSQL databases: `ax_test_<pid of the vitest process>`. */
    postgresTestRun: string;
  }
}

const PREFIX = 'ax_test_';

/**
 * vitest globalSetup: names this run's PostgreSQL databases (one per worker process, created by
 * test/helpers/database.ts) and drops them when the run ends, with those of earlier runs whose vitest process is
 * gone (killed runs). Only the PostgreSQL projects touch the server.
 */
export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const run = `${PREFIX}${process.pid}`;
  project.provide('postgresTestRun', run);
  const base = process.env.DATABASE_URL;
  if (project.config.env?.AX_TEST_DB !== 'postgres' || !base) return undefined;
  await dropDatabases(base, (name) => !isAlive(Number(name.slice(PREFIX.length).split('_')[0])), { force: false });
  return () => dropDatabases(base, (name) => name.startsWith(`${run}_`), { force: true });
}

/**
 * Without `force`, a database that still has a connection (a run on another machine, whose vitest pid means nothing
 * here) is refused by PostgreSQL and kept; with it, this run's leftover connections (a server a test left open) end.
 */
async function dropDatabases(base: string, which: (name: string) => boolean, { force }: { force: boolean }): Promise<void> {
  const client = new pg.Client({ connectionString: base });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>(`select datname as name from pg_database where datname like 'ax\\_test\\_%'`);
    for (const { name } of rows.filter((row) => which(row.name))) {
      const dropped = client.query(`drop database if exists ${name}${force ? ' with (force)' : ''}`);
      await (force ? dropped : dropped.catch(() => undefined));
    }
  } finally {
    await client.end();
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
