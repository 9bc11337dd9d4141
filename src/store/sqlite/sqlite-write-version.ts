import type SQLite from 'better-sqlite3';

/**
 * A value that moves whenever what the database holds may have changed: with each row this connection inserts,
 * updates or deletes (`total_changes()`, counted when its statement completes, whether or not its transaction then
 * commits: a rollback moves it on, never back) and with each commit by any other connection, in this process or
 * another (`PRAGMA data_version`). Equal values read at two moments mean that nothing was written in between, so a
 * cache of reads may key on it instead of on a list of the places that write. Read synchronously on the connection
 * (~4 µs), beside Kysely: a read during a transaction of this connection sees its writes so far, and moves on with them.
 */
export function writeVersionOf(file: SQLite.Database): () => string {
  const statement = file.prepare('select total_changes(), data_version from pragma_data_version').raw();
  return () => {
    const [changes, dataVersion] = statement.get() as [number, number];
    return `${changes}.${dataVersion}`;
  };
}
