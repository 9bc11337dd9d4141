import type { Kysely, NotNull } from 'kysely';
import type { Database } from './schema.js';

/** A CLI login as the list shows it: the grant row of `oauth_payloads` with its user. */
export interface OAuthGrantRow {
  row_id: number;
  grant_id: string;
  client_id: string | null;
  payload: string;
  created_at: string;
  expires_at: string;
  last_used_at: string | null;
  user_id: number;
  user_email: string;
}

/**
 * The CLI logins (oidc-provider's `Grant` rows of `oauth_payloads`) of one account's users: listed per user and found
 * by their wire number (`row_id`). Expired grants are absent, as everywhere in that table. Ending a login is
 * `OAuthPayloadRecords.revokeGrant`, which also deletes the codes and tokens issued under it.
 */
export class OAuthGrantRecords {
  constructor(private readonly db: Kysely<Database>, private readonly accountId: number) {}

  #grants(now: string) {
    return this.db.selectFrom('oauth_payloads as g')
      .innerJoin('users as u', 'u.id', 'g.account_id')
      .select(['g.row_id', 'g.grant_id', 'g.client_id', 'g.payload', 'g.created_at', 'g.expires_at', 'g.last_used_at', 'u.id as user_id', 'u.email as user_email'])
      .where('g.model', '=', 'Grant').where('g.expires_at', '>', now).where('u.account_id', '=', this.accountId)
      // The adapter writes a grant's own id to `grant_id` on its row: never null for a Grant.
      .where('g.grant_id', 'is not', null).$narrowType<{ grant_id: NotNull }>();
  }

  /** The user's live logins, oldest first, keyset-paginated on `row_id`. */
  listForUser(userId: number, options: { now: string; after?: number | undefined; limit: number }): Promise<OAuthGrantRow[]> {
    let query = this.#grants(options.now).where('g.account_id', '=', userId);
    if (options.after !== undefined) query = query.where('g.row_id', '>', options.after);
    return query.orderBy('g.row_id').limit(options.limit).execute();
  }

  /** A live login of a user of this account, by its wire number. */
  find(rowId: number, now: string): Promise<OAuthGrantRow | undefined> {
    return this.#grants(now).where('g.row_id', '=', rowId).executeTakeFirst();
  }
}
