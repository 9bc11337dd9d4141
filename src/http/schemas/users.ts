import { Type } from '@sinclair/typebox';
import { encodeId } from '../../domain/ids.js';
import type { UserRow } from '../../store/schema.js';
import { Id, RoleAssignment, Timestamp } from './common.js';

export const UserStatus = Type.Union([Type.Literal('ACTIVE'), Type.Literal('INVITED'), Type.Literal('EXPIRED')]);
export const InviteMode = Type.Union([Type.Literal('EMAIL_LINK'), Type.Literal('TEMPORARY_PASSWORD'), Type.Literal('NONE')]);

export const User = Type.Object({
  id: Id,
  name: Type.String(),
  email: Type.String(),
  role: RoleAssignment,
  status: UserStatus,
  is_developer: Type.Boolean(),
  created_at: Timestamp,
});

/** The 201 answer of POST /v2/users: the user, how it was invited and, for TEMPORARY_PASSWORD only, the password. */
export const CreatedUser = Type.Composite([User, Type.Object({
  invite_mode: InviteMode,
  temporary_password: Type.Optional(Type.String()),
})]);

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
