import { type Kysely, sql } from 'kysely';
import type { Database } from '../schema.js';
import { unindexed } from '../unindexed-column.js';

/**
 * The access rows of a few users and projects of one account, as AccessWorldRepository reads the whole account
 * (live users only; every grant, an expired one too): what a dry run of a change confined to them reads, inside its
 * transaction, before and after the change. Beside `user_id in (…)` and `id in (…)`, `account_id` is kept off its
 * index (unindexed()): with two or more ids (four for the users) SQLite's planner searched the account's index and
 * read every row of the account (100k users, 1M role bindings: 355–363 ms for three users' bindings, 0.04 ms by
 * user; 6.3 ms for their API keys).
 */
export class AccessScopeRows {
  constructor(private readonly db: Kysely<Database>, private readonly accountId: number) {}

  async read(userIds: readonly number[], projectIds: readonly number[]) {
    const { db, accountId } = this;
    const some = userIds.length > 0;
    const [users, organizationMemberships, spaceMemberships, bindings, restrictions] = await Promise.all([
      some ? db.selectFrom('users').select(['id', 'role', 'status', 'is_bot', 'deleted_at', 'deactivated_at'])
        .where(unindexed('account_id'), '=', accountId).where('id', 'in', userIds).where('deleted_at', 'is', null).execute() : [],
      some ? db.selectFrom('organization_memberships')
        .select(['user_id as userId', 'organization_id as organizationId', 'role_id as roleId', 'expires_at as expiresAt'])
        .where('account_id', '=', accountId).where('user_id', 'in', userIds).execute() : [],
      some ? db.selectFrom('space_memberships').select(['user_id as userId', 'space_id as spaceId', 'role_id as roleId', 'expires_at as expiresAt'])
        .where('account_id', '=', accountId).where('user_id', 'in', userIds).execute() : [],
      // In the whole account's order (AccessWorldRepository): on spaces, then on projects, each by id.
      some ? db.selectFrom('role_bindings')
        .select(['id', 'user_id as userId', 'role_id as roleId', 'resource_type as resourceType', 'expires_at as expiresAt', 'space_id', 'project_id'])
        .where('user_id', 'in', userIds).where(unindexed('account_id'), '=', accountId)
        .orderBy(sql`${sql.ref('resource_type')} = 'SPACE'`, 'desc').orderBy('id').execute() : [],
      projectIds.length > 0 ? db.selectFrom('resource_restrictions').select('project_id')
        .where('account_id', '=', accountId).where('project_id', 'in', projectIds).execute() : [],
    ]);
    const roleBindings = bindings.map(({ space_id, project_id, ...b }) => ({ ...b, resourceId: (b.resourceType === 'SPACE' ? space_id : project_id)! }));
    return { users, organizationMemberships, spaceMemberships, roleBindings, restrictedProjectIds: restrictions.map((r) => r.project_id) };
  }

  /** The live SERVICE keys (ACTIVE, unexpired) of these bot users. */
  async liveServiceKeys(userIds: readonly number[], now: string): Promise<number> {
    if (userIds.length === 0) return 0;
    const row = await this.db.selectFrom('api_keys').select((eb) => eb.fn.countAll<number | string | bigint>().as('n'))
      .where(unindexed('account_id'), '=', this.accountId).where('key_type', '=', 'SERVICE').where('status', '=', 'ACTIVE')
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
      .where('user_id', 'in', userIds).executeTakeFirstOrThrow();
    return Number(row.n);
  }
}
