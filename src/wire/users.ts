import { Type } from '@sinclair/typebox';
import {
  AccountRoleAssignment, Id, ListQuery, Name, PredefinedAccountRole, RoleAssignmentRequest, Timestamp,
} from './common.js';

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
  /** Set while the user is deactivated (deprovisioned): `status` then reads EXPIRED and no credential of the user works. */
  deactivated_at: Type.Optional(Timestamp),
  /**
   * Account admins only: the identity provider whose SCIM directory manages the user (it provisioned or took over the
   * user). Deprovisioning and reactivation happen there; the admin's reactivate is refused.
   */
  scim_provider: Type.Optional(Type.Object({ id: Id, name: Type.String() })),
});

/** The 201 answer of POST /v2/users: the user, how it was invited and, for TEMPORARY_PASSWORD only, the password. */
export const CreatedUser = Type.Composite([User, Type.Object({
  invite_mode: InviteMode,
  temporary_password: Type.Optional(Type.String()),
})]);

/** Who a membership belongs to, as the member lists show it (bots included). */
export const MemberUser = Type.Object({ name: Type.String(), email: Type.String(), is_bot: Type.Boolean() });


export const UserParams = Type.Object({ user_id: Id });

export const ListUsersQuery = Type.Object({
  /** Case-insensitive substring of the email address. */
  email: Type.Optional(Type.String({ maxLength: 255 })),
  /** Repeatable; absent = ACTIVE, INVITED and EXPIRED. */
  status: Type.Optional(Type.Array(UserStatus, { maxItems: 10 })),
  ...ListQuery,
}, { additionalProperties: false });

export const CreateUserBody = Type.Object({
  name: Name,
  email: Type.String({ format: 'email', maxLength: 255 }),
  role: RoleAssignmentRequest(PredefinedAccountRole),
  invite_mode: InviteMode,
  is_developer: Type.Optional(Type.Boolean()),
}, { additionalProperties: false });

export const UpdateUserBody = Type.Object({ name: Type.Optional(Name), is_developer: Type.Optional(Type.Boolean()) }, { additionalProperties: false });

/** `PUT /v2/users/{user_id}/role`: the account role, spelled as POST /v2/users spells `role.name`. */
export const SetAccountRoleBody = Type.Object({ role: PredefinedAccountRole }, { additionalProperties: false });
