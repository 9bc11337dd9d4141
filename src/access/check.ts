import type { Permission } from '../domain/permissions.js';
import { RESTRICTED_PROJECT_MANAGEMENT_BITS as MANAGEMENT_BITS } from './grant-rules.js';
import {
  ADMIN_MARK, ALL_BITS, EMPTY_BITS, emptyBits, hasBit, orInto, permissionIndex, toPermissions, type PermissionBits,
} from './permission-bits.js';
import type { ResourceRef } from './resource.js';
import {
  cellBits, ORGANIZATION_CELL, PROJECT_CELL, PUBLIC_SPACES_CELL, SPACE_CELL, type AccessSnapshot, type ProjectEntry, type SpaceEntry,
  type UserEntry,
} from './snapshot.js';

/**
 * May the user do `permission` on `resource`? The union of every grant on the resource and its ancestors,
 * except that a restricted project takes only its PROJECT bindings and, from an ADMIN above it, the
 * management set. Unknown users, inactive users, unknown resources and unknown permissions answer false;
 * it never throws.
 *
 * @example
 * if (!check(snapshot, principal.userId, 'SPACE_READ', { type: 'SPACE', id: spaceId })) throw notFound();
 */
export function check(s: AccessSnapshot, userId: number, permission: Permission, resource: ResourceRef): boolean {
  const u = s.users.get(userId);
  if (u === undefined || !u.active) return false;
  const i = permissionIndex(permission);
  if (i < 0) return false;
  switch (resource.type) {
    case 'ACCOUNT':
      return u.role === 'ADMIN';
    case 'ORGANIZATION': {
      if (!s.organizations.has(resource.id)) return false;
      if (u.role === 'ADMIN') return true;
      return hasBit(cellBits(u, ORGANIZATION_CELL, resource.id), i) || hasBit(cellBits(u, PUBLIC_SPACES_CELL, resource.id), i);
    }
    case 'SPACE': {
      const sp = s.spaces.get(resource.id);
      if (sp === undefined) return false;
      return u.role === 'ADMIN' || spaceGrants(u, sp, i);
    }
    case 'PROJECT': {
      const p = s.projects.get(resource.id);
      if (p === undefined) return false;
      if (hasBit(cellBits(u, PROJECT_CELL, p.id), i)) return true;
      const sp = s.spaces.get(p.spaceId)!;
      if (p.restricted) return hasBit(MANAGEMENT_BITS, i) && isAdminAbove(u, sp);
      return u.role === 'ADMIN' || spaceGrants(u, sp, i);
    }
  }
}

/**
 * Every permission the user holds on the resource (empty for unknown or inactive users and unknown
 * resources).
 *
 * @example
 * const held = permissionsOn(snapshot, userId, { type: 'PROJECT', id: 7 });
 * held.has('PROJECT_SPAN_READ');
 */
export function permissionsOn(s: AccessSnapshot, userId: number, resource: ResourceRef): ReadonlySet<Permission> {
  return new Set(toPermissions(effectiveBits(s, userId, resource)));
}

/**
 * The ids of the resources of one type on which the user holds `permission`, ascending: the filter of a
 * list endpoint.
 *
 * @example
 * const visible = allowedResources(snapshot, userId, 'SPACE_READ', 'SPACE'); // [3, 12, 40]
 */
export function allowedResources(
  s: AccessSnapshot, userId: number, permission: Permission, type: 'ORGANIZATION' | 'SPACE' | 'PROJECT',
): number[] {
  const ids = type === 'ORGANIZATION' ? s.organizations.keys() : type === 'SPACE' ? s.spaces.keys() : s.projects.keys();
  const out: number[] = [];
  for (const id of ids) if (check(s, userId, permission, { type, id })) out.push(id);
  return out.sort((a, b) => a - b);
}

/**
 * @internal The union of what reaches the resource, as bits (shared constants must not be mutated). With
 * `ignoreRestriction`, a restricted project is treated as unrestricted.
 */
export function effectiveBits(
  s: AccessSnapshot, userId: number, resource: ResourceRef, ignoreRestriction = false,
): PermissionBits {
  const u = s.users.get(userId);
  if (u === undefined || !u.active || !s.hasResource(resource)) return EMPTY_BITS;
  if (resource.type === 'ACCOUNT') return u.role === 'ADMIN' ? ALL_BITS : EMPTY_BITS;
  if (u.role === 'ADMIN' && resource.type !== 'PROJECT') return ALL_BITS;
  const out = emptyBits();
  if (resource.type === 'ORGANIZATION') {
    orInto(out, cellBits(u, ORGANIZATION_CELL, resource.id));
    orInto(out, cellBits(u, PUBLIC_SPACES_CELL, resource.id));
    return out;
  }
  let sp: SpaceEntry;
  if (resource.type === 'PROJECT') {
    const p: ProjectEntry = s.projects.get(resource.id)!;
    orInto(out, cellBits(u, PROJECT_CELL, p.id));
    sp = s.spaces.get(p.spaceId)!;
    if (p.restricted && !ignoreRestriction) {
      if (isAdminAbove(u, sp)) orInto(out, MANAGEMENT_BITS);
      return out;
    }
  } else {
    sp = s.spaces.get(resource.id)!;
  }
  if (u.role === 'ADMIN') return ALL_BITS;
  orInto(out, cellBits(u, SPACE_CELL, sp.id));
  orInto(out, cellBits(u, ORGANIZATION_CELL, sp.organizationId));
  if (!sp.isPrivate) orInto(out, cellBits(u, PUBLIC_SPACES_CELL, sp.organizationId));
  return out;
}

function spaceGrants(u: UserEntry, sp: SpaceEntry, i: number): boolean {
  return hasBit(cellBits(u, SPACE_CELL, sp.id), i)
    || hasBit(cellBits(u, ORGANIZATION_CELL, sp.organizationId), i)
    || (!sp.isPrivate && hasBit(cellBits(u, PUBLIC_SPACES_CELL, sp.organizationId), i));
}

/** @internal Account ADMIN, or the predefined ADMIN role on the space's organization or on the space. */
export function isAdminAbove(u: UserEntry, sp: SpaceEntry): boolean {
  return u.role === 'ADMIN'
    || hasBit(cellBits(u, ORGANIZATION_CELL, sp.organizationId), ADMIN_MARK)
    || hasBit(cellBits(u, SPACE_CELL, sp.id), ADMIN_MARK);
}
