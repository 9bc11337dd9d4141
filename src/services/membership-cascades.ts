import type { Trx } from './mutation.js';

/**
 * What goes with a membership when it is removed, in one place so that every path that removes memberships
 * (the removal endpoints, a forced role delete, a user's or bot's retirement) leaves the same end state. Each
 * function runs inside the caller's transaction; none removes the membership row itself, nor records the
 * change: the caller does both. Each says how many rows went, for the cascade a removal reports.
 */
interface RemovedRows { spaceMemberships: number; roleBindings: number }

/** After the user's membership in the organization: the user's memberships in its spaces and bindings on them and their projects. */
export async function cascadeOrganizationMembershipRemoval(trx: Trx, userId: number, organizationId: number): Promise<RemovedRows> {
  const spaceIds = trx.selectFrom('spaces').select('id').where('organization_id', '=', organizationId);
  const spaces = await trx.deleteFrom('space_memberships').where('user_id', '=', userId).where('space_id', 'in', spaceIds).executeTakeFirst();
  const bindings = await trx.deleteFrom('role_bindings').where('user_id', '=', userId).where((eb) => eb.or([
    eb('space_id', 'in', spaceIds),
    eb('project_id', 'in', eb.selectFrom('projects').select('id').where('space_id', 'in', spaceIds)),
  ])).executeTakeFirst();
  return { spaceMemberships: Number(spaces.numDeletedRows), roleBindings: Number(bindings.numDeletedRows) };
}

/** After the user's membership in the space: the user's bindings on the space and on its projects. */
export async function cascadeSpaceMembershipRemoval(trx: Trx, userId: number, spaceId: number): Promise<RemovedRows> {
  const bindings = await trx.deleteFrom('role_bindings').where('user_id', '=', userId).where((eb) => eb.or([
    eb('space_id', '=', spaceId),
    eb('project_id', 'in', eb.selectFrom('projects').select('id').where('space_id', '=', spaceId)),
  ])).executeTakeFirst();
  return { spaceMemberships: 0, roleBindings: Number(bindings.numDeletedRows) };
}

/** A user leaving the account (deleted user, retired bot): every organization and space membership and every binding. */
export async function removeAllMembershipsOf(trx: Trx, userId: number): Promise<RemovedRows & { organizationMemberships: number }> {
  const orgs = await trx.deleteFrom('organization_memberships').where('user_id', '=', userId).executeTakeFirst();
  const spaces = await trx.deleteFrom('space_memberships').where('user_id', '=', userId).executeTakeFirst();
  const bindings = await trx.deleteFrom('role_bindings').where('user_id', '=', userId).executeTakeFirst();
  return {
    organizationMemberships: Number(orgs.numDeletedRows), spaceMemberships: Number(spaces.numDeletedRows), roleBindings: Number(bindings.numDeletedRows),
  };
}
