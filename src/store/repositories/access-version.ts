import type { Kysely } from 'kysely';
import { isPostgres } from '../dialect.js';
import type { Database } from '../schema.js';

/** One account's access version: the counter a grant compares with the snapshot it was decided on. */
export class AccessVersionRepository {
  constructor(private readonly db: Kysely<Database>, private readonly accountId: number) {}

  /** Raises the version and returns the new one; locks the account row, so account writes queue in one order. */
  async bump(): Promise<number> {
    const row = await this.db.updateTable('accounts').set((eb) => ({ access_version: eb('access_version', '+', 1) }))
      .where('id', '=', this.accountId).returning('access_version').executeTakeFirst();
    return row?.access_version ?? 0;
  }

  /** The version, held until the transaction ends so that no rights change commits in between. */
  async readHeld(): Promise<number> {
    if (isPostgres(this.db)) {
      return (await this.db.selectFrom('accounts').select('access_version').where('id', '=', this.accountId).forShare().executeTakeFirst())?.access_version ?? 0;
    }
    // SQLite has no shared row locks: a write that changes nothing takes the database's write lock first, so no other
    // process can commit between this read and the grant's writes (a deferred read could not upgrade: SQLITE_BUSY).
    const row = await this.db.updateTable('accounts').set((eb) => ({ access_version: eb.ref('access_version') }))
      .where('id', '=', this.accountId).returning('access_version').executeTakeFirst();
    return row?.access_version ?? 0;
  }
}
