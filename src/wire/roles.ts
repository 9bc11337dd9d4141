import { Type } from '@sinclair/typebox';
import { Description, Id, ListQuery, Name, PermissionName, PermissionNameInput, Timestamp } from './common.js';

export const Role = Type.Object({
  id: Id,
  name: Type.String(),
  description: Type.Optional(Type.String()),
  permissions: Type.Array(PermissionName),
  is_predefined: Type.Boolean(),
  created_at: Timestamp,
  updated_at: Timestamp,
});

export const RoleParams = Type.Object({ role_id: Id });

/** Checked against the catalogue by the service, so that an unknown name is the "invalid permission" 400 naming it. */
const Permissions = Type.Array(PermissionNameInput, {
  minItems: 1, maxItems: 1000, description: 'Permission names from the catalogue; duplicates are folded.',
});

export const ListRolesQuery = Type.Object({
  /** true = predefined only, false = custom only, absent = both. */
  is_predefined: Type.Optional(Type.Boolean()),
  ...ListQuery,
}, { additionalProperties: false });

export const CreateRoleBody = Type.Object({ name: Name, permissions: Permissions, description: Type.Optional(Description) }, { additionalProperties: false });

export const UpdateRoleBody = Type.Object({
  name: Type.Optional(Name),
  /** `null` clears the description. */
  description: Type.Optional(Type.Union([Description, Type.Null()])),
  /** Replaces the whole set; must not be empty. */
  permissions: Type.Optional(Permissions),
}, { additionalProperties: false });

/** `force`: remove the role bindings and memberships that use the role with it (else 409 while any does). */
export const DeleteRoleQuery = Type.Object({ force: Type.Optional(Type.Boolean({ default: false })) }, { additionalProperties: false });
