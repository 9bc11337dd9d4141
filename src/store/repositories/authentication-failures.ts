import type { Kysely } from 'kysely';
import type { AuthenticationFailureRow, Database } from '../schema.js';

/** One account's failed authentications (their writer is src/store/authentication-failures.ts). */
export class AuthenticationFailureRepository {
  constructor(private readonly db: Kysely<Database>, private readonly accountId: number) {}

  /**
   * Rows overlapping the window, newest first, with an id below `before` (keyset); `withoutAccount` adds those
   * of no known account.
   */
  list(options: { start: string; end: string; withoutAccount: boolean; before?: number | undefined; limit: number }): Promise<AuthenticationFailureRow[]> {
    let q = this.db.selectFrom('authentication_failures').selectAll()
      .where((eb) => options.withoutAccount
        ? eb.or([eb('account_id', '=', this.accountId), eb('account_id', 'is', null)])
        : eb('account_id', '=', this.accountId))
      .where('last_at', '>=', options.start)
      .where('first_at', '<=', options.end);
    if (options.before !== undefined) q = q.where('id', '<', options.before);
    return q.orderBy('id', 'desc').limit(options.limit).execute();
  }
}
