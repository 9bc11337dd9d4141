import { type Kysely, sql } from 'kysely';
import type { Database, ProjectRow } from '../schema.js';
import { containsInsensitive } from '../text-filter.js';
import { PreparedQuery } from '../prepared-query.js';
import { unindexed, unindexedWhen } from '../unindexed-column.js';

/** The hot read of `GET /v2/projects/{id}`, compiled once (see PreparedQuery). */
const projectById = new PreparedQuery((db, accountId: number, id: number) =>
  db.selectFrom('projects').selectAll().where('id', '=', id).where('account_id', '=', accountId));

/**
 * The first page of one space with no other filter (GraphQL's `node(id:) { ... on Space { projects } }` through
 * firstOfEachSpace, REST's `GET /v2/projects?space_id=…` through list), compiled once: building and compiling the
 * query cost more than SQLite running it. The `+` as in firstOfEachSpace.
 */
const firstOfOneSpace = new PreparedQuery((db, accountId: number, spaceId: number, limit: number) =>
  db.selectFrom('projects').selectAll().where(unindexed('account_id'), '=', accountId).where('space_id', '=', spaceId)
    .orderBy('id').limit(limit));

/**
 * list()'s pages of one space after a cursor (REST's `GET /v2/projects?space_id=…` with `cursor`), compiled once as
 * firstOfOneSpace is for the first page: building the query cost ~10 µs of that route's ~117 µs of server CPU.
 */
const oneSpaceAfter = new PreparedQuery((db, accountId: number, spaceId: number, after: number, limit: number) =>
  db.selectFrom('projects').selectAll().where(unindexed('account_id'), '=', accountId).where('space_id', '=', spaceId)
    .where('id', '>', after).orderBy('id').limit(limit));

/** One account's projects: every query is filtered by the account it was made for. */
export class ProjectRepository {
  constructor(private readonly db: Kysely<Database>, private readonly accountId: number) {}

  /**
   * `limit` rows by id after `after` (keyset), restricted to `ids` when given, filtered by space, by a substring
   * of the space's name (it may match several spaces) and of the project's name.
   */
  list(options: {
    spaceId?: number | undefined; spaceName?: string | undefined; name?: string | undefined;
    ids?: readonly number[] | undefined; after?: number | undefined; limit: number;
  }): Promise<ProjectRow[]> {
    const { spaceId, after, limit } = options;
    if (spaceId !== undefined && options.ids === undefined && !options.spaceName && !options.name) {
      return after === undefined ? firstOfOneSpace.all(this.db, this.accountId, spaceId, limit)
        : oneSpaceAfter.all(this.db, this.accountId, spaceId, after, limit);
    }
    // With a space, the unary `+` keeps SQLite's planner on the space's rows (see firstOfEachSpace).
    let q = this.db.selectFrom('projects').selectAll('projects')
      .where(unindexedWhen(options.spaceId !== undefined, 'projects.account_id'), '=', this.accountId);
    if (options.ids !== undefined) {
      if (options.ids.length === 0) return Promise.resolve([]);
      q = q.where('projects.id', 'in', options.ids);
    }
    if (options.spaceId !== undefined) q = q.where('projects.space_id', '=', options.spaceId);
    const spaceName = options.spaceName;
    if (spaceName) {
      q = q.where('projects.space_id', 'in', (eb) => eb.selectFrom('spaces').select('spaces.id')
        .where('spaces.account_id', '=', this.accountId).where(containsInsensitive('spaces.name', spaceName)));
    }
    if (options.name) q = q.where(containsInsensitive('projects.name', options.name));
    if (options.after !== undefined) q = q.where('projects.id', '>', options.after);
    return q.orderBy('projects.id').limit(options.limit).execute();
  }

  /**
   * The first `limit` rows by id of each of these spaces (at most 1,000), restricted to `ids` when given and
   * filtered by a substring of the name: one query for them all (a window function, on SQLite and PostgreSQL).
   * It reads the spaces' rows only, through the (space_id, id) index, in id order: the unary `+` keeps SQLite's
   * planner off the (account_id, id) index, which would walk every project of the account (PostgreSQL picks a space
   * index either way).
   */
  async firstOfEachSpace(options: { spaceIds: readonly number[]; ids?: readonly number[] | undefined; name?: string | undefined; limit: number }): Promise<ProjectRow[]> {
    if (options.spaceIds.length === 0 || options.ids?.length === 0) return [];
    if (options.spaceIds.length === 1 && options.ids === undefined && !options.name) return firstOfOneSpace.all(this.db, this.accountId, options.spaceIds[0]!, options.limit);
    let ranked = this.db.selectFrom('projects').selectAll('projects')
      .select(sql<number>`row_number() over (partition by ${sql.ref('projects.space_id')} order by ${sql.ref('projects.id')})`.as('rank'))
      .where(unindexed('projects.account_id'), '=', this.accountId).where('projects.space_id', 'in', options.spaceIds);
    if (options.ids !== undefined) ranked = ranked.where('projects.id', 'in', options.ids);
    if (options.name) ranked = ranked.where(containsInsensitive('projects.name', options.name));
    const rows = await this.db.selectFrom(ranked.as('p')).selectAll('p').where('p.rank', '<=', options.limit).orderBy('p.id').execute();
    return rows.map(({ rank: _rank, ...row }) => row);
  }

  find(id: number): Promise<ProjectRow | undefined> {
    return projectById.first(this.db, this.accountId, id);
  }

  create(values: { spaceId: number; name: string; now: string }): Promise<ProjectRow> {
    return this.db.insertInto('projects').values({
      account_id: this.accountId, space_id: values.spaceId, name: values.name, created_at: values.now, updated_at: values.now,
    }).returningAll().executeTakeFirstOrThrow();
  }

  /** The renamed row, or undefined when the account has no such project. */
  rename(id: number, name: string, now: string): Promise<ProjectRow | undefined> {
    return this.db.updateTable('projects').set({ name, updated_at: now })
      .where('id', '=', id).where('account_id', '=', this.accountId).returningAll().executeTakeFirst();
  }

  /** False when the account has no such project. Its restriction and bindings go by cascade. */
  async delete(id: number): Promise<boolean> {
    const deleted = await this.db.deleteFrom('projects').where('id', '=', id).where('account_id', '=', this.accountId).executeTakeFirst();
    return Number(deleted.numDeletedRows) > 0;
  }
}
