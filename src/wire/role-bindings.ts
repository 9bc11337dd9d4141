import { Type } from '@sinclair/typebox';
import { Id, Timestamp } from './common.js';

export const BindingResourceType = Type.Union([Type.Literal('SPACE'), Type.Literal('PROJECT')]);

export const RoleBinding = Type.Object({
  id: Id,
  user_id: Id,
  role_id: Id,
  resource_type: BindingResourceType,
  resource_id: Id,
  created_at: Timestamp,
  updated_at: Timestamp,
});
