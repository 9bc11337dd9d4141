import { type RawBuilder, sql } from 'kysely';

/**
 * A column written so that no index serves a term on it: SQLite's documented unary `+` (the same value, and a plan
 * chosen by its statistics, on PostgreSQL). Without statistics, SQLite's planner took `account_id = ?` beside a
 * more selective term (a user, a list of users, a space) for the better one and read every row of the account
 * through its index: on an account of 100k users and 1M role bindings, 113 ms for a page of one user's bindings,
 * 0.14 ms through the index by user (migration 015 gives the others).
 *
 * @example
 * db.selectFrom('role_bindings').select('id').where(unindexed('account_id'), '=', accountId).where('user_id', '=', userId);
 */
export function unindexed(column: string): RawBuilder<number> {
  return sql<number>`+${sql.ref(column)}`;
}

/**
 * `column` kept off the indexes when the query is `narrowed` to a few users, resources or ids that an index of their
 * own serves (unindexed), else the plain column, whose index a query of the whole account reads.
 *
 * @example
 * db.selectFrom('projects').selectAll().where(unindexedWhen(spaceId !== undefined, 'account_id'), '=', accountId);
 */
export function unindexedWhen(narrowed: boolean, column: string): RawBuilder<number> {
  return narrowed ? unindexed(column) : sql<number>`${sql.ref(column)}`;
}
