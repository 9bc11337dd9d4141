import { ACCOUNT_ADMIN_PERMISSIONS, type Permission } from '../domain/permissions.js';
import {
  ORGANIZATION_MEMBERSHIP_GRANTS as ORGANIZATION_MEMBERSHIP_SETS, PREDEFINED_ROLES, type PredefinedRoleKey,
} from '../domain/predefined-roles.js';
import { ADMIN_MARK, bitsOf, setBit, type PermissionBits } from './permission-bits.js';
import type { RoleInput } from './world.js';

/**
 * What still flows onto a restricted project from an ADMIN of the account, its organization or its space, so
 * that an admin can always grant access or lift the restriction. Every other permission on a restricted
 * project comes only from PROJECT role bindings on it.
 *
 * @example
 * RESTRICTED_PROJECT_MANAGEMENT.includes('PROJECT_SPAN_READ'); // false: only a PROJECT binding grants it there
 */
export const RESTRICTED_PROJECT_MANAGEMENT: readonly Permission[] = [
  'PROJECT_READ', 'PROJECT_RESTRICT', 'ROLE_BINDING_CREATE', 'ROLE_BINDING_READ', 'ROLE_BINDING_DELETE',
];

/**
 * Where an organization membership with a predefined role grants what (the sets come from the domain's
 * ORGANIZATION_MEMBERSHIP_GRANTS): `organization` on the organization and everything beneath it;
 * `publicSpaces` on the organization itself and on each of its non-private spaces and beneath those, never on
 * its private spaces. Below ADMIN, SPACE_READ is such a public-spaces grant (access-model.md, source 2).
 *
 * @example
 * ORGANIZATION_MEMBERSHIP_GRANTS.MEMBER; // { organization: ['ORGANIZATION_READ', 'SPACE_CREATE'], publicSpaces: ['SPACE_READ'] }
 */
export const ORGANIZATION_MEMBERSHIP_GRANTS: Readonly<Record<PredefinedRoleKey, OrganizationMembershipGrant>> = {
  ADMIN: splitOrganizationSet('ADMIN'),
  MEMBER: splitOrganizationSet('MEMBER'),
  READ_ONLY: splitOrganizationSet('READ_ONLY'),
  ANNOTATOR: splitOrganizationSet('ANNOTATOR'),
};

interface OrganizationMembershipGrant {
  organization: readonly Permission[];
  publicSpaces: readonly Permission[];
}

function splitOrganizationSet(key: PredefinedRoleKey): OrganizationMembershipGrant {
  const set = ORGANIZATION_MEMBERSHIP_SETS[key];
  const split = key !== 'ADMIN' && set.includes('SPACE_READ');
  return { organization: split ? set.filter((p) => p !== 'SPACE_READ') : set, publicSpaces: split ? ['SPACE_READ'] : [] };
}

export const RESTRICTED_PROJECT_MANAGEMENT_BITS = bitsOf(RESTRICTED_PROJECT_MANAGEMENT);

/** Account role MEMBER grants this on every organization the user is a member of. */
export const ACCOUNT_MEMBER_ORGANIZATION_BITS = bitsOf(['ORGANIZATION_READ']);

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
  /**
   * Granted by an organization membership on the organization itself and on each of its non-private spaces
   * (and beneath those), but not on its private spaces.
   */
  publicSpaceBits: PermissionBits | undefined;
}

export function compileRole(role: RoleInput): CompiledRole {
  const key = role.predefinedKey;
  // Account-level administration needs account ADMIN: a custom role cannot carry it into a scope.
  const permissions = key === null ? role.permissions.filter((p) => !ACCOUNT_LEVEL.has(p)) : PREDEFINED_ROLES[key].permissions;
  const atOrganization = key === null ? { organization: permissions, publicSpaces: [] } : ORGANIZATION_MEMBERSHIP_GRANTS[key];
  const bits = bitsOf(permissions);
  const organizationBits = bitsOf(atOrganization.organization);
  if (key === 'ADMIN') {
    setBit(bits, ADMIN_MARK);
    setBit(organizationBits, ADMIN_MARK);
  }
  return {
    id: role.id,
    name: role.name,
    predefinedKey: key,
    bits,
    organizationBits,
    publicSpaceBits: atOrganization.publicSpaces.length > 0 ? bitsOf(atOrganization.publicSpaces) : undefined,
  };
}
