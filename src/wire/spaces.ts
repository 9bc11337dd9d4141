import { Type } from '@sinclair/typebox';
import { encodeId } from '../../domain/ids.js';
import type { SpaceRow } from '../../store/schema.js';
import { Id, RoleAssignment, Timestamp } from './common.js';
import { type MemberRow, MemberUser, presentMember } from './users.js';

/** Arize's Space plus `organization_id`, which its clients ignore and ours use. */
export const Space = Type.Object({
  id: Id,
  name: Type.String(),
  description: Type.String(),
  is_private: Type.Boolean(),
  created_at: Timestamp,
  organization_id: Id,
});

export const SpaceMembership = Type.Object({
  id: Id,
  space_id: Id,
  user_id: Id,
  role: RoleAssignment,
});

/** A row of GET /v2/spaces/{space_id}/users (beyond Arize's surface): the membership and who it is. */
export const SpaceMember = Type.Composite([SpaceMembership, Type.Object({ user: MemberUser })]);

export function presentSpace(row: SpaceRow) {
  return {
    id: encodeId('Space', row.id), name: row.name, description: row.description, is_private: row.is_private === 1,
    created_at: row.created_at, organization_id: encodeId('Organization', row.organization_id),
  };
}

export function presentSpaceMember(row: MemberRow & { space_id: number }) {
  return { id: encodeId('SpaceMembership', row.id), space_id: encodeId('Space', row.space_id), ...presentMember(row) };
}
