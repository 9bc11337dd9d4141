import { ACCOUNT_ADMIN_PERMISSIONS, type Permission } from '../domain/permissions.js';
import { PREDEFINED_ROLES, type PredefinedRoleKey } from '../domain/predefined-roles.js';
import { ADMIN_MARK, bitsOf, setBit, type PermissionBits } from './permission-bits.js';
import type { RoleInput } from './world.js';

/**
 * What still flows onto a restricted project from an ADMIN of the account, its organization or its space, so
 * that an admin can always grant access or lift the restriction. Every other permission on a restricted
 * project comes only from PROJECT role bindings on it.
 */
export const RESTRICTED_PROJECT_MANAGEMENT: readonly Permission[] = [
  'PROJECT_READ', 'PROJECT_RESTRICT', 'ROLE_BINDING_CREATE', 'ROLE_BINDING_READ', 'ROLE_BINDING_DELETE',
];

/**
 * What an organization membership with a predefined role grants: `organization` on the organization and
 * everything beneath it, `publicSpaces` on each non-private space of the organization and its projects.
 * A custom role grants its own permissions on the organization and beneath.
 */
export const ORGANIZATION_MEMBERSHIP_GRANTS: Readonly<
  Record<PredefinedRoleKey, { organization: readonly Permission[]; publicSpaces: readonly Permission[] }>
> = {
  ADMIN: { organization: PREDEFINED_ROLES.ADMIN.permissions, publicSpaces: [] },
  MEMBER: { organization: ['ORGANIZATION_READ', 'SPACE_CREATE'], publicSpaces: ['SPACE_READ'] },
  READ_ONLY: { organization: ['ORGANIZATION_READ'], publicSpaces: ['SPACE_READ'] },
  ANNOTATOR: { organization: ['ORGANIZATION_READ'], publicSpaces: [] },
};

/** Account role MEMBER: this on every organization the user is a member of. */
export const ACCOUNT_MEMBER_ORGANIZATION_GRANT: readonly Permission[] = ['ORGANIZATION_READ'];

export const RESTRICTED_PROJECT_MANAGEMENT_BITS = bitsOf(RESTRICTED_PROJECT_MANAGEMENT);
export const ACCOUNT_MEMBER_ORGANIZATION_BITS = bitsOf(ACCOUNT_MEMBER_ORGANIZATION_GRANT);

const ACCOUNT_LEVEL: ReadonlySet<Permission> = new Set(ACCOUNT_ADMIN_PERMISSIONS);

/** A role compiled to the bitsets the engine tests. */
export interface CompiledRole {
  id: number;
  name: string;
  predefinedKey: PredefinedRoleKey | null;
  /** Granted on a space (membership or binding) or a project (binding), and beneath. */
  bits: PermissionBits;
  /** Granted by an organization membership on the organization and beneath. */
  organizationBits: PermissionBits;
  /** Granted by an organization membership on each non-private space of the organization, and beneath. */
  publicSpaceBits: PermissionBits | undefined;
}

export function compileRole(role: RoleInput): CompiledRole {
  const key = role.predefinedKey;
  // Account-level administration needs account ADMIN: a custom role cannot carry it into a scope.
  const permissions = key === null ? role.permissions.filter((p) => !ACCOUNT_LEVEL.has(p)) : PREDEFINED_ROLES[key].permissions;
  const bits = bitsOf(permissions);
  const organizationBits = key === null ? bitsOf(permissions) : bitsOf(ORGANIZATION_MEMBERSHIP_GRANTS[key].organization);
  if (key === 'ADMIN') {
    setBit(bits, ADMIN_MARK);
    setBit(organizationBits, ADMIN_MARK);
  }
  const publicSpaces = key === null ? [] : ORGANIZATION_MEMBERSHIP_GRANTS[key].publicSpaces;
  return {
    id: role.id,
    name: role.name,
    predefinedKey: key,
    bits,
    organizationBits,
    publicSpaceBits: publicSpaces.length > 0 ? bitsOf(publicSpaces) : undefined,
  };
}
