import { Type } from '@sinclair/typebox';
import { PermissionName } from './common.js';
import { User } from './users.js';

/** `GET /v2/me`: the authenticated principal (user or bot), how it authenticated, and its account-level permissions. */
export const Me = Type.Composite([User, Type.Object({
  is_bot: Type.Boolean(),
  account_id: Type.String(),
  auth: Type.Union([Type.Literal('API_KEY'), Type.Literal('SESSION'), Type.Literal('OAUTH')]),
  key_type: Type.Optional(Type.Union([Type.Literal('USER'), Type.Literal('SERVICE')])),
  permissions: Type.Object({ account: Type.Array(PermissionName) }),
})]);
