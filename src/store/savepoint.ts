import { type Kysely, sql } from 'kysely';
import type { Database } from './schema.js';

/**
 * Sets a savepoint in the transaction `trx` (SQLite and PostgreSQL alike); `rollBack()` undoes what the transaction
 * did since, and the transaction goes on.
 *
 * @example
 * const before = await savepoint(trx, 'before_change');
 * await change(trx);
 * await before.rollBack(); // trx sees the rows as they were
 */
export async function savepoint(trx: Kysely<Database>, name: string): Promise<{ rollBack(): Promise<void> }> {
  const id = sql.id(name);
  await sql`savepoint ${id}`.execute(trx);
  return { rollBack: async () => { await sql`rollback to savepoint ${id}`.execute(trx); } };
}
