import type { Permission } from '../domain/permissions.js';
import type { PredefinedRoleKey } from '../domain/predefined-roles.js';
import type { AccountRoleKey } from '../domain/account-roles.js';

/**
 * A user of the account, as the engine sees it. Inactive users (INVITED, EXPIRED) hold no permission at all;
 * a bot user (a service key's principal) is a user like any other.
 *
 * @example
 * snapshot.upsertUser({ id: 4, role: 'MEMBER', active: true, isBot: false });
 */
export interface UserInput {
  id: number;
  role: AccountRoleKey;
  active: boolean;
  isBot: boolean;
}

/**
 * @example
 * snapshot.upsertOrganization({ id: 1, name: 'acme' });
 */
export interface OrganizationInput {
  id: number;
  name?: string;
}

/**
 * A space; a private one is not readable through an organization MEMBER or READ_ONLY membership.
 *
 * @example
 * snapshot.upsertSpace({ id: 12, organizationId: 1, isPrivate: false, name: 'team-alpha' });
 */
export interface SpaceInput {
  id: number;
  organizationId: number;
  isPrivate: boolean;
  name?: string;
}

/**
 * A project; `restricted` when a resource restriction row exists for it.
 *
 * @example
 * snapshot.upsertProject({ id: 7, spaceId: 12, restricted: true, name: 'payroll' });
 */
export interface ProjectInput {
  id: number;
  spaceId: number;
  restricted: boolean;
  name?: string;
}

/**
 * A role row. For predefined rows (`predefinedKey` set) the engine reads the permission set from
 * PREDEFINED_ROLES, the one table of them; `permissions` only matters for custom roles.
 *
 * @example
 * snapshot.upsertRole({ id: 8, name: 'Labeler', predefinedKey: null, permissions: ['PROJECT_SPAN_READ', 'PROJECT_SPAN_ANNOTATE'] });
 */
export interface RoleInput {
  id: number;
  name: string;
  predefinedKey: PredefinedRoleKey | null;
  permissions: readonly Permission[];
}

/**
 * @example
 * snapshot.upsertOrganizationMembership({ userId: 4, organizationId: 1, roleId: readOnlyRoleId });
 */
export interface OrganizationMembershipInput {
  userId: number;
  organizationId: number;
  roleId: number;
  /** RFC 3339 instant from which the grant no longer counts (see AccessSnapshot.expire); absent or null: never. */
  expiresAt?: string | null | undefined;
}

/**
 * @example
 * snapshot.upsertSpaceMembership({ userId: 4, spaceId: 12, roleId: memberRoleId });
 */
export interface SpaceMembershipInput {
  userId: number;
  spaceId: number;
  roleId: number;
  /** RFC 3339 instant from which the grant no longer counts (see AccessSnapshot.expire); absent or null: never. */
  expiresAt?: string | null | undefined;
}

/**
 * A role binding of a user on a space (and so its projects) or on one project.
 *
 * @example
 * snapshot.upsertBinding({ id: 31, userId: 4, roleId: 8, resourceType: 'PROJECT', resourceId: 7 });
 */
export interface RoleBindingInput {
  id: number;
  userId: number;
  roleId: number;
  resourceType: 'SPACE' | 'PROJECT';
  resourceId: number;
  /** RFC 3339 instant from which the grant no longer counts (see AccessSnapshot.expire); absent or null: never. */
  expiresAt?: string | null | undefined;
}

/**
 * Everything the engine needs to decide for one account: the input of AccessSnapshot.build, as `loadWorld`
 * (src/services/access-loader.ts) reads it from the database.
 *
 * @example
 * const world: WorldInput = await loadWorld(db, accountId);
 * const snapshot = AccessSnapshot.build(world);
 */
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

/**
 * What AccessSnapshot.build reads: a WorldInput whose role bindings may be any collection that can be iterated
 * more than once (the loader holds a large account's as columns, not as an object each).
 */
export type WorldSource = Omit<WorldInput, 'roleBindings'> & { roleBindings: Iterable<RoleBindingInput> };
