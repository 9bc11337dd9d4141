import type { AccountRoleName, PredefinedRoleName } from '../api/types.js';

/** Answers "does the signed-in user hold `permission` on the resource?" (see useCan). */
export type Holds = (permission: string) => boolean;

/**
 * The space roles the signed-in user may give a service key on a space, mirroring the server's privilege
 * ceiling (access-model.md: never more than the creator holds there). Nothing without SERVICE_KEY_CREATE
 * (read-only members and annotators cannot create service keys); Admin only with SPACE_UPDATE (admin-level
 * access), Member only with PROJECT_CREATE (member-level access), Read-Only Member with SPACE_READ. The
 * same ladder, one level up, gives the organization roles: ORGANIZATION_UPDATE (admin), SPACE_CREATE
 * (member), ORGANIZATION_READ (read-only). The server re-checks every grant and answers 403 otherwise.
 */
export function grantableSpaceRoles(holds: Holds): PredefinedRoleName[] {
  if (!holds('SERVICE_KEY_CREATE')) return [];
  return ladder(holds, 'SPACE_UPDATE', 'PROJECT_CREATE', 'SPACE_READ');
}

export function grantableOrgRoles(holds: Holds): PredefinedRoleName[] {
  return ladder(holds, 'ORGANIZATION_UPDATE', 'SPACE_CREATE', 'ORGANIZATION_READ');
}

function ladder(holds: Holds, admin: string, member: string, readOnly: string): PredefinedRoleName[] {
  const roles: PredefinedRoleName[] = [];
  if (holds(admin)) roles.push('ADMIN');
  if (holds(member)) roles.push('MEMBER');
  if (holds(readOnly)) roles.push('READ_ONLY');
  return roles;
}

/** Account roles a service key may get: never above the creator's own account role, never ANNOTATOR. */
export function grantableAccountRoles(isAccountAdmin: boolean): AccountRoleName[] {
  return isAccountAdmin ? ['ADMIN', 'MEMBER'] : ['MEMBER'];
}

/** The permissions the service key form asks about on a space and on its organization. */
export const SPACE_ROLE_PERMISSIONS = ['SERVICE_KEY_CREATE', 'SPACE_UPDATE', 'PROJECT_CREATE', 'SPACE_READ'] as const;
export const ORG_ROLE_PERMISSIONS = ['ORGANIZATION_UPDATE', 'SPACE_CREATE', 'ORGANIZATION_READ'] as const;
