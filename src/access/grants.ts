import type { AccountRoleKey } from '../domain/account-roles.js';
import {
  ACCOUNT_MEMBER_ORGANIZATION_BITS, RESTRICTED_PROJECT_MANAGEMENT_BITS, type CompiledRole,
} from './grant-rules.js';
import { ADMIN_MARK, ALL_BITS, andBits, EMPTY_BITS, hasBit, type PermissionBits } from './permission-bits.js';
import type { ResourceRef } from './resource.js';
import {
  cellKey, membershipRoleOf, ORGANIZATION_CELL, PROJECT_CELL, SPACE_CELL, type AccessSnapshot, type SpaceEntry, type UserEntry,
} from './snapshot.js';

type GrantSource = 'ACCOUNT_ROLE' | 'ORGANIZATION_MEMBERSHIP' | 'SPACE_MEMBERSHIP' | 'SPACE_BINDING' | 'PROJECT_BINDING';

/**
 * How far a grant from above reaches the asked resource: fully; only its management permissions (an ADMIN
 * above a restricted project); or not at all, cut by a restricted project or a private space.
 */
type Reach = 'full' | 'management' | 'restricted' | 'private-space';

/** One grant of a user that bears on a resource, with the bits it carries before any cut. */
export interface Grant {
  source: GrantSource;
  /** The resource the grant sits on. */
  at: ResourceRef;
  accountRole: AccountRoleKey | undefined;
  role: CompiledRole | undefined;
  bindingId: number | undefined;
  /** Granted on the organization and its non-private spaces, not on its private ones. */
  publicSpaces: boolean;
  bits: PermissionBits;
  reach: Reach;
}

/** Every grant of an active user bearing on an existing resource, outermost first. */
export function grantsOn(s: AccessSnapshot, u: UserEntry, resource: ResourceRef): Grant[] {
  const out: Grant[] = [];
  if (u.role === 'ADMIN') out.push(grant('ACCOUNT_ROLE', { type: 'ACCOUNT' }, ALL_BITS, { accountRole: 'ADMIN' }));
  if (resource.type === 'ACCOUNT') return out;
  if (resource.type === 'ORGANIZATION') {
    organizationGrants(s, u, resource.id, undefined, out);
    return out;
  }
  const project = resource.type === 'PROJECT' ? s.projects.get(resource.id)! : undefined;
  const sp = s.spaces.get(project?.spaceId ?? resource.id)!;
  organizationGrants(s, u, sp.organizationId, sp, out);
  const spaceRef: ResourceRef = { type: 'SPACE', id: sp.id };
  const spaceRoleId = membershipRoleOf(u, SPACE_CELL, sp.id);
  if (spaceRoleId !== undefined) roleGrant(s, 'SPACE_MEMBERSHIP', spaceRef, spaceRoleId, undefined, out);
  bindingGrants(s, 'SPACE_BINDING', spaceRef, s.bindingsIn(u, cellKey(SPACE_CELL, sp.id)), out);
  if (project === undefined) return out;
  if (project.restricted) {
    for (const g of out) {
      if (g.reach === 'full') g.reach = isAdmin(g) ? 'management' : 'restricted';
    }
  }
  const projectRef: ResourceRef = { type: 'PROJECT', id: project.id };
  bindingGrants(s, 'PROJECT_BINDING', projectRef, s.bindingsIn(u, cellKey(PROJECT_CELL, project.id)), out);
  return out;
}

/** The bits a grant actually contributes to the asked resource. */
export function reachingBits(g: Grant): PermissionBits {
  switch (g.reach) {
    case 'full': return g.bits;
    case 'management': return andBits(g.bits, RESTRICTED_PROJECT_MANAGEMENT_BITS);
    default: return EMPTY_BITS;
  }
}

function isAdmin(g: Grant): boolean {
  return g.accountRole === 'ADMIN' || (!g.publicSpaces && hasBit(g.bits, ADMIN_MARK));
}

function organizationGrants(s: AccessSnapshot, u: UserEntry, orgId: number, space: SpaceEntry | undefined, out: Grant[]): void {
  const roleId = membershipRoleOf(u, ORGANIZATION_CELL, orgId);
  if (roleId === undefined) return;
  const at: ResourceRef = { type: 'ORGANIZATION', id: orgId };
  if (u.role === 'MEMBER') out.push(grant('ACCOUNT_ROLE', at, ACCOUNT_MEMBER_ORGANIZATION_BITS, { accountRole: 'MEMBER' }));
  const role = s.roles.get(roleId);
  if (role === undefined) return;
  out.push(grant('ORGANIZATION_MEMBERSHIP', at, role.organizationBits, { role }));
  if (role.publicSpaceBits !== undefined) {
    out.push(grant('ORGANIZATION_MEMBERSHIP', at, role.publicSpaceBits, {
      role, publicSpaces: true, reach: space?.isPrivate === true ? 'private-space' : 'full',
    }));
  }
}

/** Grants of a cell's role bindings, given as pairs (binding id, role id, …). */
function bindingGrants(s: AccessSnapshot, source: GrantSource, at: ResourceRef, pairs: readonly number[], out: Grant[]): void {
  for (let k = 0; k < pairs.length; k += 2) roleGrant(s, source, at, pairs[k + 1]!, pairs[k]!, out);
}

function roleGrant(
  s: AccessSnapshot, source: GrantSource, at: ResourceRef, roleId: number, bindingId: number | undefined, out: Grant[],
): void {
  const role = s.roles.get(roleId);
  if (role !== undefined) out.push(grant(source, at, role.bits, { role, bindingId }));
}

function grant(
  source: GrantSource, at: ResourceRef, bits: PermissionBits,
  extra: { accountRole?: AccountRoleKey; role?: CompiledRole; bindingId?: number | undefined; publicSpaces?: boolean; reach?: Reach },
): Grant {
  return {
    source,
    at,
    accountRole: extra.accountRole,
    role: extra.role,
    bindingId: extra.bindingId,
    publicSpaces: extra.publicSpaces ?? false,
    bits,
    reach: extra.reach ?? 'full',
  };
}
