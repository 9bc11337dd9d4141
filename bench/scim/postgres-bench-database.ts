import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** A PostgreSQL database the bench creates and drops. */
export interface BenchDatabase {
  /** DATABASE_URL for the server and the seeding. */
  url: string;
  /** Drops it, closing whatever connection is still open on it. */
  drop(): Promise<void>;
}

async function run(url: URL, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/**
 * A new database beside `baseUrl`'s, not a schema in it: the tests of other processes create and drop schemas there,
 * and a server's first migration lists the tables of every schema of its database, which fails when one is dropped
 * meanwhile (test/helpers/database.ts); 100 000 users of a schema there would also weigh on their catalog queries.
 */
export async function createBenchDatabase(baseUrl: string): Promise<BenchDatabase> {
  const base = new URL(baseUrl);
  const name = `ax_bench_${randomBytes(6).toString('hex')}`;
  await run(base, `create database ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => run(base, `drop database if exists ${name} with (force)`) };
}
