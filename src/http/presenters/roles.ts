import { encodeId } from '../../domain/ids.js';
import type { RoleRow } from '../../store/schema.js';
import { rolePermissions } from '../../services/role-assignments.js';

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
