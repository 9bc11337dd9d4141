import { Type } from '@sinclair/typebox';
import { encodeId } from '../../domain/ids.js';
import { presentRoleAssignment } from '../../services/role-assignments.js';
import type { RoleRow, UserRow } from '../../store/schema.js';
import { AccountRoleAssignment, Id, Timestamp } from './common.js';

export const UserStatus = Type.Union([Type.Literal('ACTIVE'), Type.Literal('INVITED'), Type.Literal('EXPIRED')]);
export const InviteMode = Type.Union([Type.Literal('EMAIL_LINK'), Type.Literal('TEMPORARY_PASSWORD'), Type.Literal('NONE')]);

export const User = Type.Object({
  id: Id,
  name: Type.String(),
  email: Type.String(),
  role: AccountRoleAssignment,
  status: UserStatus,
  is_developer: Type.Boolean(),
  created_at: Timestamp,
});

/** The 201 answer of POST /v2/users: the user, how it was invited and, for TEMPORARY_PASSWORD only, the password. */
export const CreatedUser = Type.Composite([User, Type.Object({
  invite_mode: InviteMode,
  temporary_password: Type.Optional(Type.String()),
})]);

/** Who a membership belongs to, as the member lists show it (bots included). */
export const MemberUser = Type.Object({ name: Type.String(), email: Type.String(), is_bot: Type.Boolean() });

/** A row of a member list: a membership (`id`, `user_id`) joined with its user and its role. */
export interface MemberRow extends Pick<UserRow, 'name' | 'email' | 'is_bot'> {
  id: number;
  user_id: number;
  role_id: number;
  role_name: string;
  predefined_key: RoleRow['predefined_key'];
}

/** The user and role of a member-list row; each list adds the membership id and its parent's. */
export function presentMember(row: MemberRow) {
  return {
    user_id: encodeId('User', row.user_id),
    role: presentRoleAssignment({ id: row.role_id, name: row.role_name, predefined_key: row.predefined_key }),
    user: { name: row.name, email: row.email, is_bot: row.is_bot === 1 },
  };
}

export function presentUser(row: Pick<UserRow, 'id' | 'name' | 'email' | 'role' | 'status' | 'is_developer' | 'created_at'>) {
  return {
    id: encodeId('User', row.id),
    name: row.name,
    email: row.email,
    role: { type: 'PREDEFINED' as const, name: row.role },
    status: row.status,
    is_developer: row.is_developer === 1,
    created_at: row.created_at,
  };
}
