import type { Kysely } from 'kysely';
import type { PredefinedRoleKey } from '../../domain/predefined-roles.js';
import type { Database } from '../schema.js';

/** One account's roles: every query is filtered by the account it was made for. */
export class RoleRepository {
  constructor(private readonly db: Kysely<Database>, private readonly accountId: number) {}

  /** The account's row of a predefined role (every account has one per predefined role). */
  async predefinedId(key: PredefinedRoleKey): Promise<number> {
    const row = await this.db.selectFrom('roles').select('id').where('account_id', '=', this.accountId)
      .where('predefined_key', '=', key).executeTakeFirstOrThrow();
    return row.id;
  }
}
