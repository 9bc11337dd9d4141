import { encodeId } from '../../domain/ids.js';
import type { SpaceRow } from '../../store/schema.js';
import { type MemberRow, presentMember } from './members.js';

export function presentSpace(row: SpaceRow) {
  return {
    id: encodeId('Space', row.id), name: row.name, description: row.description, is_private: row.is_private === 1,
    created_at: row.created_at, organization_id: encodeId('Organization', row.organization_id),
  };
}

export function presentSpaceMember(row: MemberRow & { space_id: number }) {
  return { id: encodeId('SpaceMembership', row.id), space_id: encodeId('Space', row.space_id), ...presentMember(row) };
}
