import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { unindexed } from '../unindexed-column.js';

/** How many rows a cascade removed, for the cascade a removal reports. */
export interface RemovedRows { spaceMemberships: number; roleBindings: number }

/**
 * What goes with a membership when it is removed, in one place so that every path that removes memberships
 * (the removal endpoints, a forced role delete, a user's or bot's retirement) leaves the same end state. Each
 * runs inside the caller's transaction; none removes the membership row itself, nor records the change: the
 * caller does both. Every query is filtered by the account the repository was made for.
 */
export class MembershipCascades {
  constructor(private readonly db: Kysely<Database>, private readonly accountId: number) {}

  /** After the user's membership in the organization: the user's memberships in its spaces and bindings on them and their projects. */
  async afterOrganizationMembership(userId: number, organizationId: number): Promise<RemovedRows> {
    const spaceIds = this.db.selectFrom('spaces').select('id').where('organization_id', '=', organizationId).where(unindexed('account_id'), '=', this.accountId);
    const spaces = await this.db.deleteFrom('space_memberships').where('user_id', '=', userId).where('account_id', '=', this.accountId)
      .where('space_id', 'in', spaceIds).executeTakeFirst();
    const bindings = await this.db.deleteFrom('role_bindings').where('user_id', '=', userId).where(unindexed('account_id'), '=', this.accountId)
      .where((eb) => eb.or([
        eb('space_id', 'in', spaceIds),
        eb('project_id', 'in', eb.selectFrom('projects').select('id').where('space_id', 'in', spaceIds)),
      ])).executeTakeFirst();
    return { spaceMemberships: Number(spaces.numDeletedRows), roleBindings: Number(bindings.numDeletedRows) };
  }

  /** After the user's membership in the space: the user's bindings on the space and on its projects (their ids too). */
  async afterSpaceMembership(userId: number, spaceId: number): Promise<RemovedRows & { bindingIds: number[] }> {
    const bindings = await this.db.deleteFrom('role_bindings').where('user_id', '=', userId).where(unindexed('account_id'), '=', this.accountId)
      .where((eb) => eb.or([
        eb('space_id', '=', spaceId),
        eb('project_id', 'in', eb.selectFrom('projects').select('id').where('space_id', '=', spaceId)),
      ])).returning('id').execute();
    return { spaceMemberships: 0, roleBindings: bindings.length, bindingIds: bindings.map((b) => b.id) };
  }

  /** A user leaving the account (deleted user, retired bot): every organization and space membership and every binding. */
  async removeAllOf(userId: number): Promise<RemovedRows & { organizationMemberships: number }> {
    const orgs = await this.db.deleteFrom('organization_memberships').where('user_id', '=', userId).where('account_id', '=', this.accountId).executeTakeFirst();
    const spaces = await this.db.deleteFrom('space_memberships').where('user_id', '=', userId).where('account_id', '=', this.accountId).executeTakeFirst();
    const bindings = await this.db.deleteFrom('role_bindings').where('user_id', '=', userId).where(unindexed('account_id'), '=', this.accountId).executeTakeFirst();
    return {
      organizationMemberships: Number(orgs.numDeletedRows), spaceMemberships: Number(spaces.numDeletedRows), roleBindings: Number(bindings.numDeletedRows),
    };
  }
}
