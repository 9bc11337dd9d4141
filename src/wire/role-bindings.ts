import { Type } from '@sinclair/typebox';
import { GrantProvenance, Id, ListQuery, Timestamp } from './common.js';
import { GrantExpiry, GrantExpiryRequest } from './grant-expiry.js';

export const BindingResourceType = Type.Union([Type.Literal('SPACE'), Type.Literal('PROJECT')]);

export const RoleBinding = Type.Object({
  id: Id,
  user_id: Id,
  role_id: Id,
  resource_type: BindingResourceType,
  resource_id: Id,
  ...GrantProvenance,
  ...GrantExpiry,
  created_at: Timestamp,
  updated_at: Timestamp,
});

export const RoleBindingParams = Type.Object({ binding_id: Id });

export const ListRoleBindingsQuery = Type.Object({
  resource_type: BindingResourceType,
  /** Only bindings on this space or project (beyond Arize's surface). */
  resource_id: Type.Optional(Id),
  user_id: Type.Optional(Id),
  ...ListQuery,
}, { additionalProperties: false });

export const CreateRoleBindingBody = Type.Object({
  user_id: Id, role_id: Id, resource_type: BindingResourceType, resource_id: Id, ...GrantExpiryRequest,
}, { additionalProperties: false });

export const UpdateRoleBindingBody = Type.Object({ role_id: Id }, { additionalProperties: false });
