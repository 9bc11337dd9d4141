import { Type } from '@sinclair/typebox';
import { encodeId } from '../../domain/ids.js';
import type { OrganizationRow } from '../../store/schema.js';
import { Id, RoleAssignment, Timestamp } from './common.js';

export const Organization = Type.Object({
  id: Id,
  name: Type.String(),
  description: Type.String(),
  created_at: Timestamp,
});

export const OrganizationMembership = Type.Object({
  id: Id,
  organization_id: Id,
  user_id: Id,
  role: RoleAssignment,
});

export function presentOrganization(row: OrganizationRow) {
  return { id: encodeId('Organization', row.id), name: row.name, description: row.description, created_at: row.created_at };
}
