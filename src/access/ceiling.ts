import type { Permission } from '../domain/permissions.js';
import { effectiveBits, isAdminAbove } from './check.js';
import { hasBit, permissionIndex } from './permission-bits.js';
import type { ResourceRef } from './resource.js';
import type { AccessSnapshot } from './snapshot.js';

/**
 * The privilege ceiling: may `granterId` grant a role carrying `permissions` on `resource` (a role binding,
 * a membership or a service key)? Only when the granter already holds every one of them there; otherwise
 * the first one missing, in the order given, for the 403 detail. Whether the granter may grant at all
 * (`ROLE_BINDING_CREATE`, `SERVICE_KEY_CREATE`) is a separate `check`.
 *
 * On a restricted project an ADMIN of the account, the organization or the space is measured by what it
 * would hold there without the restriction: the restriction hides the project's data from inheritance, but
 * "an admin can always grant access" (access-model.md), so admins may create PROJECT bindings up to their
 * own level. Everybody else is measured by what they hold on the project.
 *
 * @example
 * const verdict = canGrant(snapshot, callerId, role.permissions, { type: 'SPACE', id: 12 });
 * if (!verdict.ok) throw forbidden(`you do not hold ${verdict.missing} on this space`);
 */
export function canGrant(
  s: AccessSnapshot, granterId: number, permissions: readonly Permission[], resource: ResourceRef,
): { ok: true } | { ok: false; missing: Permission } {
  const held = effectiveBits(s, granterId, resource, adminOfRestrictedProject(s, granterId, resource));
  for (const p of permissions) {
    if (!hasBit(held, permissionIndex(p))) return { ok: false, missing: p };
  }
  return { ok: true };
}

function adminOfRestrictedProject(s: AccessSnapshot, userId: number, resource: ResourceRef): boolean {
  if (resource.type !== 'PROJECT' || !s.isRestricted(resource.id)) return false;
  const u = s.users.get(userId);
  const sp = s.spaces.get(s.spaceOf(resource.id)!)!;
  return u !== undefined && isAdminAbove(u, sp);
}
