import { decodeId, encodeId } from '../domain/ids.js';
import { notFound, unprocessable } from '../domain/errors.js';
import type { Permission } from '../domain/permissions.js';
import { ORGANIZATION_MEMBERSHIP_GRANTS, PREDEFINED_ROLES, type PredefinedRoleKey } from '../domain/predefined-roles.js';
import type { RoleRow } from '../store/schema.js';
import type { Trx } from './mutation.js';
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { forAccount } from '../store/account-store.js';

export type RoleAssignmentInput = { type: 'PREDEFINED'; name: string } | { type: 'CUSTOM'; id: string; name?: string };
export type AssignmentLevel = 'ORGANIZATION' | 'SPACE';

/** Finds the role row an assignment names: a predefined key or a custom role of the same account (else 404). */
export async function resolveRoleAssignment(db: Trx | Kysely<Database>, accountId: number, assignment: RoleAssignmentInput, field = 'role'): Promise<RoleRow> {
  if (assignment.type === 'PREDEFINED') {
    const row = await forAccount(db, accountId).roles.findPredefined(assignment.name as PredefinedRoleKey);
    if (!row) throw unprocessable(`${field}.name: unknown predefined role ${assignment.name}`);
    return row;
  }
  const id = decodeId('Role', assignment.id, `${field}.id`);
  const row = await forAccount(db, accountId).roles.find(id);
  if (!row) throw notFound('role');
  if (row.predefined_key) throw unprocessable(`${field}: role ${assignment.id} is predefined; use {"type":"PREDEFINED","name":"${row.predefined_key}"}`);
  return row;
}

/** A role row as the wire's role assignment. */
export function presentRoleAssignment(role: Pick<RoleRow, 'id' | 'name' | 'predefined_key'>) {
  return role.predefined_key
    ? { type: 'PREDEFINED' as const, name: role.predefined_key }
    : { type: 'CUSTOM' as const, id: encodeId('Role', role.id), name: role.name };
}

/** The permissions a role carries (custom roles: their stored set; predefined: the one table). */
export function rolePermissions(role: Pick<RoleRow, 'predefined_key' | 'permissions'>): readonly Permission[] {
  if (role.predefined_key) return PREDEFINED_ROLES[role.predefined_key].permissions;
  return JSON.parse(role.permissions ?? '[]') as Permission[];
}

/** What assigning this role at that level grants — what the privilege ceiling compares with the granter's own. */
export function grantedPermissions(role: Pick<RoleRow, 'predefined_key' | 'permissions'>, level: AssignmentLevel): readonly Permission[] {
  if (role.predefined_key && level === 'ORGANIZATION') return ORGANIZATION_MEMBERSHIP_GRANTS[role.predefined_key];
  return rolePermissions(role);
}
