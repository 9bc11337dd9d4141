import type { Permission } from '../domain/permissions.js';
import type { PredefinedRoleKey } from '../domain/predefined-roles.js';
import type { AccountRoleKey } from '../store/schema.js';

/** A user of the account, as the engine sees it. Inactive users (INVITED, EXPIRED) hold no permission at all. */
export interface UserInput {
  id: number;
  role: AccountRoleKey;
  active: boolean;
  isBot: boolean;
}

export interface OrganizationInput {
  id: number;
  name?: string;
}

export interface SpaceInput {
  id: number;
  organizationId: number;
  isPrivate: boolean;
  name?: string;
}

export interface ProjectInput {
  id: number;
  spaceId: number;
  restricted: boolean;
  name?: string;
}

/**
 * A role row. For predefined rows (`predefinedKey` set) the engine reads the permission set from
 * PREDEFINED_ROLES, the one table of them; `permissions` only matters for custom roles.
 */
export interface RoleInput {
  id: number;
  name: string;
  predefinedKey: PredefinedRoleKey | null;
  permissions: readonly Permission[];
}

export interface OrganizationMembershipInput {
  userId: number;
  organizationId: number;
  roleId: number;
}

export interface SpaceMembershipInput {
  userId: number;
  spaceId: number;
  roleId: number;
}

export interface RoleBindingInput {
  id: number;
  userId: number;
  roleId: number;
  resourceType: 'SPACE' | 'PROJECT';
  resourceId: number;
}

/** Everything the engine needs to decide for one account: the input of AccessSnapshot.build. */
export interface WorldInput {
  accountId: number;
  users: UserInput[];
  organizations: OrganizationInput[];
  spaces: SpaceInput[];
  projects: ProjectInput[];
  roles: RoleInput[];
  organizationMemberships: OrganizationMembershipInput[];
  spaceMemberships: SpaceMembershipInput[];
  roleBindings: RoleBindingInput[];
}
