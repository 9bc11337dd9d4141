import { Type } from '@sinclair/typebox';
import { Id, PermissionName, Timestamp } from './common.js';

export const Role = Type.Object({
  id: Id,
  name: Type.String(),
  description: Type.Optional(Type.String()),
  permissions: Type.Array(PermissionName),
  is_predefined: Type.Boolean(),
  created_at: Timestamp,
  updated_at: Timestamp,
});
