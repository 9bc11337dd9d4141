import { Type } from '@sinclair/typebox';
import { Id, RoleAssignment, Timestamp } from './common.js';
import { MemberUser } from './users.js';

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
