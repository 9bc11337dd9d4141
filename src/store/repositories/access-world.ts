import { type Kysely, sql } from 'kysely';
import { selectColumns } from '../json-columns.js';
import type { Database } from '../schema.js';

/** Role bindings per page of AccessWorldRepository.read: a page is five JSON arrays of ~10–80 KB of text each. */
const BINDING_PAGE = 10_000;

/**
 * A page of role bindings as the access engine reads them, as columns: the i-th binding is `id[i]`, `user_id[i]`,
 * and so on. Their resource type is the page's (see read).
 */
export interface AccessBindingPage {
  id: number[];
  user_id: number[];
  role_id: number[];
  resource_id: number[];
  expires_at: (string | null)[];
}

/** The columns of the large tables the access engine reads, each read as a column (selectColumns). */
const USER_COLUMNS = ['id', 'role', 'status', 'is_bot', 'deleted_at', 'deactivated_at'] as const;
const ORGANIZATION_MEMBERSHIP_COLUMNS = ['user_id', 'organization_id', 'role_id', 'expires_at'] as const;
const SPACE_MEMBERSHIP_COLUMNS = ['user_id', 'space_id', 'role_id', 'expires_at'] as const;
/** With `resource_id`, the space's or project's id. */
const BINDING_COLUMNS = ['id', 'user_id', 'role_id', 'expires_at'] as const;

/** One account's rows as the access engine reads them (the service builds the engine's world from them). */
export class AccessWorldRepository {
  constructor(private readonly db: Kysely<Database>, private readonly accountId: number) {}

  /**
   * Reads the whole account in one read transaction, so that the tables agree with each other; live users only.
   * Inside a transaction (a dry run's), it reads what that transaction sees. The role bindings are not returned:
   * they go to `onBindings` a page at a time with the page's resource type, SPACE ones then PROJECT ones, each by
   * id, so that no one query's JSON text grows with the account.
   */
  read(onBindings: (resourceType: 'SPACE' | 'PROJECT', page: AccessBindingPage) => void) {
    const accountId = this.accountId;
    const within = <T>(fn: (trx: Kysely<Database>) => Promise<T>): Promise<T> => this.db.isTransaction ? fn(this.db)
      // Repeatable read gives PostgreSQL one snapshot for every query; SQLite's transaction already does (read only:
      // without the write lock, immediate-transactions.ts).
      : this.db.transaction().setIsolationLevel('repeatable read').setAccessMode('read only').execute(fn);
    return within(async (trx) => {
      // Read first: every table below then reflects at least the changes this version counts.
      const account = await trx.selectFrom('accounts').select('access_version').where('id', '=', accountId).executeTakeFirst();
      // The large tables (users, memberships, role bindings) are read as columns (selectColumns), not row objects.
      const [users, organizations, spaces, projects, roles, organizationMemberships, spaceMemberships] =
        await Promise.all([
          selectColumns(trx, trx.selectFrom('users').select(USER_COLUMNS)
            .where('account_id', '=', accountId).where('deleted_at', 'is', null), USER_COLUMNS),
          trx.selectFrom('organizations').select(['id', 'name']).where('account_id', '=', accountId).execute(),
          trx.selectFrom('spaces').select(['id', 'organization_id', 'is_private', 'name'])
            .where('account_id', '=', accountId).execute(),
          trx.selectFrom('projects')
            .leftJoin('resource_restrictions', 'resource_restrictions.project_id', 'projects.id')
            .select(['projects.id', 'projects.space_id', 'projects.name', 'resource_restrictions.project_id as restricted_id'])
            .where('projects.account_id', '=', accountId).execute(),
          trx.selectFrom('roles').select(['id', 'name', 'predefined_key', 'permissions'])
            .where('account_id', '=', accountId).execute(),
          selectColumns(trx, trx.selectFrom('organization_memberships').select(ORGANIZATION_MEMBERSHIP_COLUMNS)
            .where('account_id', '=', accountId), ORGANIZATION_MEMBERSHIP_COLUMNS),
          selectColumns(trx, trx.selectFrom('space_memberships').select(SPACE_MEMBERSHIP_COLUMNS)
            .where('account_id', '=', accountId), SPACE_MEMBERSHIP_COLUMNS),
        ]);
      for (const type of ['SPACE', 'PROJECT'] as const) {
        // Keyset pages over the (account_id, resource_type, id) index, which on SQLite carries the other columns read
        // too (migration 017): the pages come from the index alone. Queries of some users', roles' or resources'
        // bindings keep `account_id` off it (unindexed-column.ts), or SQLite's planner takes it for them as well.
        for (let after = -Infinity; ;) {
          const page = await selectColumns(trx, trx.selectFrom('role_bindings')
            .select(BINDING_COLUMNS).select(sql<number>`coalesce(space_id, project_id)`.as('resource_id'))
            .where('account_id', '=', accountId).where('resource_type', '=', type)
            .$if(after > -Infinity, (q) => q.where('id', '>', after))
            .orderBy('id').limit(BINDING_PAGE), [...BINDING_COLUMNS, 'resource_id']);
          if (page.id.length > 0) onBindings(type, page);
          if (page.id.length < BINDING_PAGE) break;
          for (const id of page.id) after = Math.max(after, id);
        }
      }
      return {
        accessVersion: account?.access_version ?? 0,
        users, organizations, spaces, projects, roles, organizationMemberships, spaceMemberships,
      };
    });
  }
}
