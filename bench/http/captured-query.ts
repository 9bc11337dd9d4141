import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { type AccountStore, forAccount } from '../../src/store/account-store.js';
import type { Database } from '../../src/store/schema.js';

/** One statement as the server sends it to PostgreSQL: its text and parameters. */
export interface CapturedQuery {
  sql: string;
  parameters: readonly unknown[];
}

/**
 * The single statement that `read` (a call of the server's own repositories, src/store/) sends to PostgreSQL, captured
 * through Kysely's log: the bare peer of a PostgreSQL row then runs exactly the server's query, not a look-alike.
 */
export async function captureQuery(databaseUrl: string, accountId: number, read: (store: AccountStore) => Promise<unknown>): Promise<CapturedQuery> {
  const captured: CapturedQuery[] = [];
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: databaseUrl, max: 1 }) }),
    log: (event) => {
      if (event.level === 'query') captured.push({ sql: event.query.sql, parameters: event.query.parameters });
    },
  });
  try {
    await read(forAccount(db, accountId));
  } finally {
    await db.destroy();
  }
  if (captured.length !== 1) throw new Error(`expected one statement, the read sent ${captured.length}`);
  return captured[0]!;
}
