import type { Permission } from '../domain/permissions.js';
import { RESTRICTED_PROJECT_MANAGEMENT_BITS } from './grant-rules.js';
import { grantsOn, reachingBits, type Grant } from './grants.js';
import { hasBit, permissionIndex } from './permission-bits.js';
import type { ResourceRef } from './resource.js';
import type { AccessSnapshot } from './snapshot.js';

/**
 * One grant (or the absence of one) behind a decision. `resource` is where the grant sits (a space
 * membership explains a decision on one of the space's projects); `text` is a sentence for a 403 body or
 * `ax access explain`.
 *
 * @example
 * // { effect: 'allow', source: 'SPACE_MEMBERSHIP', roleId: 2, roleName: 'Member', resource: { type: 'SPACE', id: 12 },
 * //   text: 'space membership MEMBER on space 12 (team-alpha)' }
 */
export interface Reason {
  effect: 'allow' | 'deny';
  source:
    | 'ACCOUNT_ROLE' | 'ORGANIZATION_MEMBERSHIP' | 'SPACE_MEMBERSHIP' | 'SPACE_BINDING' | 'PROJECT_BINDING'
    | 'RESTRICTION' | 'NONE';
  /** The role row of a membership or binding. */
  roleId?: number;
  /** The role's name; for ACCOUNT_ROLE, the account role (ADMIN, MEMBER). */
  roleName?: string;
  /** The binding, for SPACE_BINDING and PROJECT_BINDING. */
  bindingId?: number;
  resource: ResourceRef;
  text: string;
}

/**
 * An allow/deny decision with the grants that decided it.
 *
 * @example
 * const { allowed, reasons } = explain(snapshot, userId, 'SPACE_READ', { type: 'SPACE', id: 12 });
 * if (!allowed) throw forbidden(reasons.map((r) => r.text).join('; '));
 */
export interface Explanation {
  allowed: boolean;
  reasons: Reason[];
}

/**
 * `check` with its reasons: when allowed, every grant that carries the permission to the resource; when
 * denied, the restriction or private space that cut a grant from above, the grants it cut, or that nothing
 * grants it. `allowed` always equals `check(…)`.
 *
 * @example
 * explain(snapshot, 4, 'PROJECT_SPAN_READ', { type: 'PROJECT', id: 7 });
 * // { allowed: false, reasons: [
 * //   { effect: 'deny', source: 'RESTRICTION', text: 'denied: project 7 is restricted; no PROJECT binding grants PROJECT_SPAN_READ', … },
 * //   { effect: 'deny', source: 'SPACE_MEMBERSHIP', text: 'space membership MEMBER on space 12 grants PROJECT_SPAN_READ but does not reach restricted project 7', … } ] }
 */
export function explain(s: AccessSnapshot, userId: number, permission: Permission, resource: ResourceRef): Explanation {
  const u = s.users.get(userId);
  if (u === undefined) return denied(resource, `denied: unknown user ${userId}`);
  if (!u.active) return denied(resource, `denied: user ${userId} is not active`);
  const i = permissionIndex(permission);
  if (i < 0) return denied(resource, `denied: unknown permission ${permission}`);
  if (!s.hasResource(resource)) return denied(resource, `denied: unknown ${describeResource(s, resource)}`);

  const grants = grantsOn(s, u, resource);
  const allowing = grants.filter((g) => hasBit(reachingBits(g), i));
  if (allowing.length > 0) return { allowed: true, reasons: allowing.map((g) => reasonOf(s, g, resource)) };

  const reasons: Reason[] = [];
  const where = describeResource(s, resource);
  if (resource.type === 'PROJECT' && s.isRestricted(resource.id)) {
    const management = hasBit(RESTRICTED_PROJECT_MANAGEMENT_BITS, i)
      ? ` or ADMIN of its space, organization or the account`
      : '';
    reasons.push({
      effect: 'deny', source: 'RESTRICTION', resource,
      text: `denied: ${where} is restricted; no PROJECT binding${management} grants ${permission}`,
    });
  }
  for (const g of grants) {
    if (g.reach === 'full' || !hasBit(g.bits, i)) continue;
    const cut = g.reach === 'private-space'
      ? `does not reach private ${where}`
      : `does not reach restricted ${where}${g.reach === 'management' ? ' (only its management permissions do)' : ''}`;
    reasons.push({ ...reasonOf(s, g, resource), effect: 'deny', text: `${describeGrant(s, g)} grants ${permission} but ${cut}` });
  }
  if (reasons.length === 0) {
    const text = resource.type === 'ACCOUNT'
      ? `denied: ${permission} on the account needs account role ADMIN (user ${userId} is ${u.role})`
      : `denied: no grant of ${permission} on ${where} or its ancestors`;
    reasons.push({ effect: 'deny', source: 'NONE', resource, text });
  }
  return { allowed: false, reasons };
}

/** @internal An allow reason for a grant that reaches `resource`. */
export function reasonOf(s: AccessSnapshot, g: Grant, resource: ResourceRef): Reason {
  const reason: Reason = { effect: 'allow', source: g.source, resource: g.at, text: describeGrant(s, g) };
  if (g.role !== undefined) {
    reason.roleId = g.role.id;
    reason.roleName = g.role.name;
  } else if (g.accountRole !== undefined) {
    reason.roleName = g.accountRole;
  }
  if (g.bindingId !== undefined) reason.bindingId = g.bindingId;
  if (g.reach === 'management') {
    reason.text += ` (management permissions only: ${describeResource(s, resource)} is restricted)`;
  }
  return reason;
}

function describeGrant(s: AccessSnapshot, g: Grant): string {
  const on = describeResource(s, g.at);
  const role = g.role === undefined ? '' : g.role.predefinedKey ?? `"${g.role.name}"`;
  switch (g.source) {
    case 'ACCOUNT_ROLE':
      return g.accountRole === 'ADMIN' ? 'account role ADMIN' : `account role ${g.accountRole} as a member of ${on}`;
    case 'ORGANIZATION_MEMBERSHIP':
      return `organization membership ${role} on ${on}${g.publicSpaces ? ' (on it and its non-private spaces)' : ''}`;
    case 'SPACE_MEMBERSHIP':
      return `space membership ${role} on ${on}`;
    case 'SPACE_BINDING':
    case 'PROJECT_BINDING':
      return `role binding ${role} on ${on}`;
  }
}

/** "space 12 (team-alpha)", "project 7", "the account". */
function describeResource(s: AccessSnapshot, r: ResourceRef): string {
  switch (r.type) {
    case 'ACCOUNT': return 'the account';
    case 'ORGANIZATION': return named('organization', r.id, s.organizations.get(r.id)?.name);
    case 'SPACE': return named('space', r.id, s.spaces.get(r.id)?.name);
    case 'PROJECT': return named('project', r.id, s.projects.get(r.id)?.name);
  }
}

function named(kind: string, id: number, name: string | undefined): string {
  return name === undefined ? `${kind} ${id}` : `${kind} ${id} (${name})`;
}

function denied(resource: ResourceRef, text: string): Explanation {
  return { allowed: false, reasons: [{ effect: 'deny', source: 'NONE', resource, text }] };
}
