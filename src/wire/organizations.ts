import { Type } from '@sinclair/typebox';
import { Id, RoleAssignment, Timestamp } from './common.js';
import { MemberUser } from './users.js';

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
