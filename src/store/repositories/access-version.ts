import type { Kysely } from 'kysely';
import { isPostgres } from '../dialect.js';
import { PreparedQuery } from '../prepared-query.js';
import type { Database } from '../schema.js';

/** Run by every change that may take rights away: compiled once (see PreparedQuery). */
const bumpVersion = new PreparedQuery((db, accountId: number) => db.updateTable('accounts')
  .set((eb) => ({ access_version: eb('access_version', '+', 1) })).where('id', '=', accountId).returning('access_version'));

/**
 * Run by every grant: the version, held until the transaction ends. PostgreSQL reads it `FOR SHARE`; a SQLite
 * transaction holds the database's write lock from its BEGIN (immediate-transactions.ts), so no other process can
 * commit between this read and the grant's writes.
 */
const heldVersion = new PreparedQuery((db, accountId: number) => {
  const read = db.selectFrom('accounts').select('access_version').where('id', '=', accountId);
  return isPostgres(db) ? read.forShare() : read;
});

/** One account's access version: the counter a grant compares with the snapshot it was decided on. */
export class AccessVersionRepository {
  constructor(private readonly db: Kysely<Database>, private readonly accountId: number) {}

  /** Raises the version and returns the new one; locks the account row, so account writes queue in one order. */
  async bump(): Promise<number> {
    return (await bumpVersion.first(this.db, this.accountId))?.access_version ?? 0;
  }

  /** The version, held until the transaction ends so that no rights change commits in between. */
  async readHeld(): Promise<number> {
    return (await heldVersion.first(this.db, this.accountId))?.access_version ?? 0;
  }
}
