import type { RoleInput } from '../../src/access/index.js';
import { ACCOUNT_ADMIN_PERMISSIONS, type Permission } from '../../src/domain/permissions.js';
import { PREDEFINED_ROLES } from '../../src/domain/predefined-roles.js';

const ACCOUNT_LEVEL: ReadonlySet<Permission> = new Set(ACCOUNT_ADMIN_PERMISSIONS);

/**
 * What a role grants through a role binding, as the peers hold it: a predefined role's permission set, a custom
 * role's list without account-level administration, which no binding ever carries (access-model.md; the engine
 * drops it too). Without this cut a peer would allow `USER_CREATE` on a space bound with such a custom role.
 */
export function boundPermissions(role: Pick<RoleInput, 'predefinedKey' | 'permissions'>): readonly Permission[] {
  return role.predefinedKey ? PREDEFINED_ROLES[role.predefinedKey].permissions : role.permissions.filter((p) => !ACCOUNT_LEVEL.has(p));
}
