import { check, type AccessSnapshot, type ResourceRef } from '../access/index.js';
import { forbidden, notFound } from '../domain/errors.js';
import type { Permission } from '../domain/permissions.js';
import type { Principal } from '../domain/principal.js';
import { ACCESS_ALLOWED, ACCESS_FORBIDDEN, ACCESS_HIDDEN, telemetry } from '../domain/telemetry.js';

const READ_PERMISSION: Record<ResourceRef['type'], Permission | undefined> = {
  ACCOUNT: undefined,
  ORGANIZATION: 'ORGANIZATION_READ',
  SPACE: 'SPACE_READ',
  PROJECT: 'PROJECT_READ',
};

const NOUN: Record<ResourceRef['type'], string> = { ACCOUNT: 'account', ORGANIZATION: 'organization', SPACE: 'space', PROJECT: 'project' };

/** 404 unless the principal may read the resource: what it may not see does not exist for it. */
export function requireVisible(snapshot: AccessSnapshot, principal: Principal, resource: ResourceRef): void {
  if (!visible(snapshot, principal, resource)) hidden(resource);
  if (telemetry.accessCheck.hasSubscribers) telemetry.accessCheck.publish(ACCESS_ALLOWED);
}

/**
 * The gate of every operation: 404 when the resource is invisible to the principal, 403 naming the missing
 * permission when it is visible but the permission is not held.
 */
export function requirePermission(snapshot: AccessSnapshot, principal: Principal, permission: Permission, resource: ResourceRef): void {
  if (!visible(snapshot, principal, resource)) hidden(resource);
  const allowed = check(snapshot, principal.userId, permission, resource);
  if (telemetry.accessCheck.hasSubscribers) telemetry.accessCheck.publish(allowed ? ACCESS_ALLOWED : ACCESS_FORBIDDEN);
  if (!allowed) throw forbidden(`missing permission ${permission} on this ${NOUN[resource.type]}`);
}

function visible(snapshot: AccessSnapshot, principal: Principal, resource: ResourceRef): boolean {
  const read = READ_PERMISSION[resource.type];
  return !read || check(snapshot, principal.userId, read, resource);
}

function hidden(resource: ResourceRef): never {
  if (telemetry.accessCheck.hasSubscribers) telemetry.accessCheck.publish(ACCESS_HIDDEN);
  throw notFound(NOUN[resource.type]);
}

/** Account-level administration (users, organizations create/delete, custom roles, audit log). */
export function requireAccountAdmin(principal: Principal, what: string): void {
  if (principal.role !== 'ADMIN') throw forbidden(`account admin required to ${what}`);
}
