import { Type } from '@sinclair/typebox';
import { encodeId } from '../../domain/ids.js';
import type { RoleRow } from '../../store/schema.js';
import { rolePermissions } from '../../services/role-assignments.js';
import { Id, PermissionName, Timestamp } from './common.js';

export const Role = Type.Object({
  id: Id,
  name: Type.String(),
  description: Type.Optional(Type.String()),
  permissions: Type.Array(PermissionName),
  is_predefined: Type.Boolean(),
  created_at: Timestamp,
  updated_at: Timestamp,
});

/** A role row on the wire; predefined roles carry the sets of the one table, and an empty description is omitted. */
export function presentRole(row: RoleRow) {
  return {
    id: encodeId('Role', row.id),
    name: row.name,
    ...(row.description ? { description: row.description } : {}),
    permissions: [...rolePermissions(row)],
    is_predefined: row.predefined_key !== null,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}
