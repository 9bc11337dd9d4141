import { Type } from '@sinclair/typebox';
import { encodeId } from '../../domain/ids.js';
import type { OrganizationRow } from '../../store/schema.js';
import { Id, RoleAssignment, Timestamp } from './common.js';
import { type MemberRow, MemberUser, presentMember } from './users.js';

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

/** A row of GET /v2/organizations/{org_id}/users (beyond Arize's surface): the membership and who it is. */
export const OrganizationMember = Type.Composite([OrganizationMembership, Type.Object({ user: MemberUser })]);

export function presentOrganization(row: OrganizationRow) {
  return { id: encodeId('Organization', row.id), name: row.name, description: row.description, created_at: row.created_at };
}

export function presentOrganizationMember(row: MemberRow & { organization_id: number }) {
  return { id: encodeId('OrganizationMembership', row.id), organization_id: encodeId('Organization', row.organization_id), ...presentMember(row) };
}
