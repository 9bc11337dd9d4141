import { Type } from '@sinclair/typebox';
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

