import type { Kysely } from 'kysely';
import type { Database, ResourceRestrictionRow } from '../schema.js';

/** One account's project restrictions, keyed by project id: every query is filtered by the account. */
export class ResourceRestrictionRepository {
  constructor(private readonly db: Kysely<Database>, private readonly accountId: number) {}

  /** `limit` rows by project id after `after` (keyset), restricted to the projects `ids` when given. */
  list(options: { ids?: readonly number[] | undefined; after?: number | undefined; limit: number }): Promise<ResourceRestrictionRow[]> {
    let q = this.db.selectFrom('resource_restrictions').selectAll().where('account_id', '=', this.accountId);
    if (options.ids !== undefined) {
      if (options.ids.length === 0) return Promise.resolve([]);
      q = q.where('project_id', 'in', options.ids);
    }
    if (options.after !== undefined) q = q.where('project_id', '>', options.after);
    return q.orderBy('project_id').limit(options.limit).execute();
  }

  /**
   * Restricts the project, or leaves its existing restriction as it is, and answers the restriction (undefined
   * when the account has no such project). ON CONFLICT DO NOTHING waits for a concurrent insert of the same
   * project to settle and never aborts the transaction, so the existing record can be read right here.
   */
  async restrict(projectId: number, now: string): Promise<ResourceRestrictionRow | undefined> {
    await this.db.insertInto('resource_restrictions').values({ project_id: projectId, account_id: this.accountId, created_at: now })
      .onConflict((oc) => oc.column('project_id').doNothing()).execute();
    return this.db.selectFrom('resource_restrictions').selectAll().where('project_id', '=', projectId)
      .where('account_id', '=', this.accountId).executeTakeFirst();
  }

  /** False when the project was not restricted. */
  async lift(projectId: number): Promise<boolean> {
    const removed = await this.db.deleteFrom('resource_restrictions').where('project_id', '=', projectId)
      .where('account_id', '=', this.accountId).executeTakeFirst();
    return Number(removed.numDeletedRows) > 0;
  }
}
