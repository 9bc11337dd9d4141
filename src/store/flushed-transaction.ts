import { type Kysely, sql, type Transaction } from 'kysely';
import { isPostgres } from './dialect.js';
import type { Database } from './schema.js';

/**
 * Runs `fn` in a transaction and answers once its commit is on disk — on PostgreSQL without holding the
 * transaction's row locks while the disk flushes.
 *
 * A transaction that writes an audit entry locks its account's chain head until it ends (the entry's place and hash
 * follow the one before it), and with a synchronous commit PostgreSQL ends it only after the WAL flush: every writer
 * of the account waited for the flushes of all the writers before it, one after the other. Here the transaction
 * commits without waiting for the flush (`synchronous_commit` off for it alone), which releases its locks, and the
 * answer then waits for a flush that covers the commit: a second, synchronous transaction that writes one small
 * record to the log (a logical-decoding message, which any role may write; a transaction that writes no log would
 * not flush), whose flush reaches past the first commit because the log is written in order. Writers' flushes now overlap
 * (PostgreSQL groups concurrent ones), and what the caller acknowledges is as durable as before: a crash before the
 * flush loses a change nobody was told about, never one that was acknowledged. The chain stays whole across such a
 * crash for the same reason: a later entry on disk implies every earlier one is. What changes is that another
 * session may read the change for the moment before it is durable (PostgreSQL's asynchronous commit).
 * On SQLite (one writer; the commit is the flush) this is a plain transaction, and so it is on a PostgreSQL server
 * that does not let the server's role write that message (PUBLIC may on stock PostgreSQL; a managed service may
 * have taken it away): asked once per database handle, before the first such transaction.
 */
export async function flushedTransaction<T>(db: Kysely<Database>, fn: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  if (!isPostgres(db) || !(await mayWriteFlushMessage(db))) return db.transaction().execute(fn);
  const value = await db.transaction().execute(async (trx) => {
    await sql`select set_config('synchronous_commit', 'off', true)`.execute(trx);
    return fn(trx);
  });
  await writeFlushMessage(db);
  return value;
}

/** One small record in the log, written in a synchronous transaction of its own: it returns once the log is flushed. */
const writeFlushMessage = (db: Kysely<Database>) => sql`select pg_logical_emit_message(true, 'ax', 'flush')`.execute(db);

/** PostgreSQL's answers that mean the role may never write the message: no EXECUTE right, no such function. */
const REFUSED = new Set(['42501', '42883']);

/** Per database handle: whether the flushing message may be written (a pool's connections share one role). */
const flushMessageAllowed = new WeakMap<Kysely<Database>, Promise<boolean>>();

/**
 * Writes the flushing message once, outside any transaction. A refusal (REFUSED) is kept: every transaction of this
 * handle then commits synchronously instead of answering 500 after its commit. Any other failure (a connection lost)
 * makes this one transaction synchronous and is asked again next time.
 */
function mayWriteFlushMessage(db: Kysely<Database>): Promise<boolean> {
  let allowed = flushMessageAllowed.get(db);
  if (!allowed) {
    allowed = writeFlushMessage(db).then(() => true, (error: { code?: string }) => {
      if (!REFUSED.has(error.code ?? '')) flushMessageAllowed.delete(db);
      return false;
    });
    flushMessageAllowed.set(db, allowed);
  }
  return allowed;
}
