import { type Kysely, sql } from 'kysely';
import { isPostgres } from '../dialect.js';

/** How long a SQLite statement waits for another process's write lock before it fails with SQLITE_BUSY. */
export const BUSY_TIMEOUT_MS = 5000;

/**
 * Runs `write`, on SQLite without waiting for another process's write lock: it fails at once with SQLITE_BUSY
 * instead. better-sqlite3 runs each statement synchronously on the process's one connection, so a write waiting out
 * the busy timeout stops every request of the process for up to 5 s, not only its own. For writes that may be
 * skipped and done later (a key's last_used_at). On PostgreSQL, whose waits block nobody else, `write` runs as is.
 */
export async function withoutWaiting<DB, T>(db: Kysely<DB>, write: (db: Kysely<DB>) => Promise<T>): Promise<T> {
  if (isPostgres(db)) return write(db);
  // One checked-out connection: no other statement of the process runs between the two pragmas.
  return db.connection().execute(async (connection) => {
    await sql`pragma busy_timeout = 0`.execute(connection);
    try {
      return await write(connection);
    } finally {
      await sql.raw(`pragma busy_timeout = ${BUSY_TIMEOUT_MS}`).execute(connection);
    }
  });
}
