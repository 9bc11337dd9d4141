import type { Kysely } from 'kysely';
import type { Database } from '../../src/store/schema.js';

/**
 * Every row of `tables` as one JSON text, each table's rows sorted, for comparing what a request left behind: rows
 * compared as sets, whatever order the backend answers in (PostgreSQL returns an updated row wherever its page had
 * room). Columns named in `leaveOut` are not compared.
 */
export async function tableRows(db: Kysely<Database>, tables: readonly (keyof Database)[], leaveOut: readonly string[] = []): Promise<string> {
  const all = await Promise.all(tables.map((table) => db.selectFrom(table).selectAll().execute()));
  const json = (row: unknown) => JSON.stringify(row, (field, value: unknown) => (leaveOut.includes(field) ? undefined : value));
  return JSON.stringify(all.map((rows) => rows.map(json).sort()));
}
