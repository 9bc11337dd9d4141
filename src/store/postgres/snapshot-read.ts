import { type Kysely, sql } from 'kysely';
import type { Database } from '../schema.js';

/**
 * Runs `read` in one REPEATABLE READ, read-only transaction and hands it the transaction's snapshot as text
 * (`pg_current_snapshot()`: xmin:xmax:in-progress xids), taken by its first statement; every read after it sees
 * exactly that snapshot. Two snapshots that print alike see the same committed transactions, so the same rows: a
 * commit since either removed an in-progress xid (one below xmax) or moved xmax. Transaction ids are the cluster's,
 * so other databases' commits move it too. PostgreSQL only.
 */
export function readInSnapshot<T>(db: Kysely<Database>, read: (trx: Kysely<Database>, snapshot: string) => Promise<T>): Promise<T> {
  return db.transaction().setIsolationLevel('repeatable read').setAccessMode('read only').execute(async (trx) => {
    const { rows } = await sql<{ snapshot: string }>`select pg_current_snapshot()::text as snapshot`.execute(trx);
    return read(trx, rows[0]!.snapshot);
  });
}
