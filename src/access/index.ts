/**
 * The authorization engine: pure decisions over an in-memory snapshot of one account's users, hierarchy,
 * roles, memberships, bindings and restrictions, implementing access-model.md. No I/O happens inside a
 * decision; load the snapshot with `loadWorld` (src/services/access-loader.ts) and keep it current with the
 * snapshot's apply methods.
 *
 * Readings of the spec that the engine makes explicit (each has a test in test/access):
 * - An account ADMIN holds every permission on the account and, by inheritance, on everything in it; no
 *   membership or binding ever carries account-level administration (ACCOUNT_ADMIN_PERMISSIONS), even when a
 *   custom role lists it.
 * - "Space ADMIN" is the predefined ADMIN role on the space, by membership or by SPACE binding; a custom role
 *   with the same permissions does not open a restricted project's management set.
 * - Below ADMIN, an organization membership's SPACE_READ holds on the organization itself (listing its spaces)
 *   and on its non-private spaces, never on its private ones.
 * - The privilege ceiling measures an ADMIN above a restricted project by what it would hold there without the
 *   restriction, so that an admin can always grant access (see canGrant).
 *
 * @example
 * import { AccessSnapshot, check, explain } from 'ax-admin-plane/access';
 * const snapshot = AccessSnapshot.build(world);
 * check(snapshot, userId, 'SPACE_READ', { type: 'SPACE', id: 12 });
 * explain(snapshot, userId, 'SPACE_READ', { type: 'SPACE', id: 12 }).reasons[0]?.text;
 */
export { AccessSnapshot } from './snapshot.js';
export { AccessDiffTooLarge, accessDiff, confinedAccessDiff } from './access-diff.js';
export type { AccessDelta, ConfinedRows } from './access-diff.js';
export { allowedResources, check, permissionsOn } from './check.js';
export { canGrant } from './ceiling.js';
export { explain } from './explain.js';
export type { Explanation, Reason } from './explain.js';
export { whoHasAccess } from './who-has-access.js';
export type { Accessor } from './who-has-access.js';
export { resourceParent } from './resource.js';
export type { ResourceRef } from './resource.js';
export { ORGANIZATION_MEMBERSHIP_GRANTS, RESTRICTED_PROJECT_MANAGEMENT } from './grant-rules.js';
export type {
  OrganizationInput,
  OrganizationMembershipInput,
  ProjectInput,
  RoleBindingInput,
  RoleInput,
  SpaceInput,
  SpaceMembershipInput,
  UserInput,
  WorldInput,
  WorldSource,
} from './world.js';
