import type { Kysely } from 'kysely';
import { AUTHENTICATION_FAILURE_WINDOW_MS } from '../../domain/authentication-failure-window.js';
import type { TimePosition } from '../../domain/time-position.js';
import { pageEnd } from '../time-page-end.js';
import type { AuthenticationFailureRow, Database } from '../schema.js';

/** One account's failed authentications (their writer is src/store/authentication-failures.ts). */
export class AuthenticationFailureRepository {
  constructor(private readonly db: Kysely<Database>, private readonly accountId: number) {}

  /**
   * Rows overlapping the window, newest first by when each began (ties by id), after the position `before` in that
   * order; `withoutAccount` adds those of no known account. Each page is a walk of the (account_id, first_at, id)
   * index backwards from the window's end or the position, to one counting window before the window's start (a row
   * began less than that before it last counted): a page reads its rows, not the window's. With `withoutAccount`,
   * the account's page and the page of no account are read apart and merged.
   */
  async list(options: { start: string; end: string; withoutAccount: boolean; before?: TimePosition | undefined; limit: number }): Promise<AuthenticationFailureRow[]> {
    const accounts = options.withoutAccount ? [this.accountId, null] : [this.accountId];
    const pages = await Promise.all(accounts.map((accountId) => this.#page(accountId, options)));
    return pages.flat().sort(newestFirst).slice(0, options.limit);
  }

  #page(accountId: number | null, options: { start: string; end: string; before?: TimePosition | undefined; limit: number }): Promise<AuthenticationFailureRow[]> {
    const before = options.before;
    const earliest = new Date(Date.parse(options.start) - AUTHENTICATION_FAILURE_WINDOW_MS).toISOString();
    let q = this.db.selectFrom('authentication_failures').selectAll()
      .where('account_id', accountId === null ? 'is' : '=', accountId)
      .where('first_at', '>=', earliest)
      .where('first_at', '<=', pageEnd(options.end, before))
      .where('last_at', '>=', options.start);
    if (before !== undefined) q = q.where(({ eb, refTuple, tuple }) => eb(refTuple('first_at', 'id'), '<', tuple(before.at, before.id)));
    // The page's one account_id leads the order too: PostgreSQL does not take `account_id is null` for an equality
    // that the index's order starts with, and sorted all of no account's rows of the window (206 ms among 500k).
    return q.orderBy('account_id', 'desc').orderBy('first_at', 'desc').orderBy('id', 'desc').limit(options.limit).execute();
  }
}

function newestFirst(a: AuthenticationFailureRow, b: AuthenticationFailureRow): number {
  if (a.first_at !== b.first_at) return a.first_at < b.first_at ? 1 : -1;
  return b.id - a.id;
}
