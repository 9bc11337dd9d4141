import type { Trx } from './mutation.js';

/**
 * What goes with a membership when it is removed, in one place so that every path that removes memberships
 * (the removal endpoints, a forced role delete, a user's or bot's retirement) leaves the same end state. Each
 * function runs inside the caller's transaction; none removes the membership row itself, nor records the
 * change: the caller does both.
 */

/** After the user's membership in the organization: the user's memberships in its spaces and bindings on them and their projects. */
export async function cascadeOrganizationMembershipRemoval(trx: Trx, userId: number, organizationId: number): Promise<void> {
  const spaceIds = trx.selectFrom('spaces').select('id').where('organization_id', '=', organizationId);
  await trx.deleteFrom('space_memberships').where('user_id', '=', userId).where('space_id', 'in', spaceIds).execute();
  await trx.deleteFrom('role_bindings').where('user_id', '=', userId).where((eb) => eb.or([
    eb('space_id', 'in', spaceIds),
    eb('project_id', 'in', eb.selectFrom('projects').select('id').where('space_id', 'in', spaceIds)),
  ])).execute();
}

/** After the user's membership in the space: the user's bindings on the space and on its projects. */
export async function cascadeSpaceMembershipRemoval(trx: Trx, userId: number, spaceId: number): Promise<void> {
  await trx.deleteFrom('role_bindings').where('user_id', '=', userId).where((eb) => eb.or([
    eb('space_id', '=', spaceId),
    eb('project_id', 'in', eb.selectFrom('projects').select('id').where('space_id', '=', spaceId)),
  ])).execute();
}

/** A user leaving the account (deleted user, retired bot): every organization and space membership and every binding. */
export async function removeAllMembershipsOf(trx: Trx, userId: number): Promise<void> {
  await trx.deleteFrom('organization_memberships').where('user_id', '=', userId).execute();
  await trx.deleteFrom('space_memberships').where('user_id', '=', userId).execute();
  await trx.deleteFrom('role_bindings').where('user_id', '=', userId).execute();
}
