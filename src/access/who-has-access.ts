import type { Permission } from '../domain/permissions.js';
import { reasonOf, type Reason } from './explain.js';
import { grantsOn, reachingBits } from './grants.js';
import { emptyBits, hasAnyPermission, orInto, toPermissions } from './permission-bits.js';
import type { ResourceRef } from './resource.js';
import type { AccessSnapshot } from './snapshot.js';

/**
 * One principal with access to a resource: what it holds there and the grants it holds it by.
 *
 * @example
 * // { userId: 4, permissions: ['PROJECT_READ', …], grants: [{ source: 'SPACE_MEMBERSHIP', text: 'space membership MEMBER on space 12', … }] }
 */
export interface Accessor {
  userId: number;
  /** In catalogue order; equals `permissionsOn(…)`. */
  permissions: Permission[];
  /** Every grant that contributes at least one permission, outermost first. */
  grants: Reason[];
}

/**
 * "Who has access to X, and why": every active user (bots included) holding at least one permission on the
 * resource, ascending by user id, with the grants that give it. Empty for an unknown resource.
 *
 * @example
 * for (const a of whoHasAccess(snapshot, { type: 'SPACE', id: 12 })) {
 *   console.log(a.userId, a.grants.map((g) => g.text).join('; '));
 * }
 */
export function whoHasAccess(s: AccessSnapshot, resource: ResourceRef): Accessor[] {
  if (!s.hasResource(resource)) return [];
  const out: Accessor[] = [];
  for (const u of s.users.values()) {
    if (!u.active) continue;
    const bits = emptyBits();
    const grants: Reason[] = [];
    for (const g of grantsOn(s, u, resource)) {
      const reaching = reachingBits(g);
      if (!hasAnyPermission(reaching)) continue;
      orInto(bits, reaching);
      grants.push(reasonOf(s, g, resource));
    }
    if (grants.length > 0) out.push({ userId: u.id, permissions: toPermissions(bits), grants });
  }
  return out.sort((a, b) => a.userId - b.userId);
}
