import { encodeId } from '../../domain/ids.js';
import type { OrganizationRow } from '../../store/schema.js';
import { type MemberRow, presentMember } from './members.js';

export function presentOrganization(row: OrganizationRow) {
  return { id: encodeId('Organization', row.id), name: row.name, description: row.description, created_at: row.created_at };
}

export function presentOrganizationMember(row: MemberRow & { organization_id: number }) {
  return { id: encodeId('OrganizationMembership', row.id), organization_id: encodeId('Organization', row.organization_id), ...presentMember(row) };
}
