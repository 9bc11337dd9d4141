import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** Which backend this test run targets: `AX_TEST_DB=postgres` (set by scripts/test.js) or SQLite. */
export const testBackend: 'sqlite' | 'postgres' = process.env.AX_TEST_DB === 'postgres' ? 'postgres' : 'sqlite';

export interface TestDatabase {
  /** DATABASE_URL for the server, or undefined for SQLite. */
  url: string | undefined;
  drop(): Promise<void>;
}

/**
 * A PostgreSQL test database is a fresh schema in DATABASE_URL's database, selected through the connection's
 * search_path, so parallel test files never see each other's rows.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  if (testBackend === 'sqlite') return { url: undefined, drop: async () => undefined };
  const base = process.env.DATABASE_URL;
  if (!base) throw new Error('AX_TEST_DB=postgres needs DATABASE_URL');
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const url = new URL(base);
  url.searchParams.set('options', `-c search_path=${schema}`);
  // Once (in CI, under load) a server's first connection did not yet see the new schema: wait until one does.
  for (let attempt = 0; ; attempt++) {
    const probe = new pg.Client({ connectionString: url.toString() });
    await probe.connect();
    const { rows } = await probe.query<{ s: string | null }>('select current_schema() as s');
    await probe.end();
    if (rows[0]?.s === schema) break;
    if (attempt >= 50) throw new Error(`schema ${schema} is not visible to new connections`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`drop schema if exists ${schema} cascade`);
      await c.end();
    },
  };
}
