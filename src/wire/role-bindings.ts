import { Type } from '@sinclair/typebox';
import { encodeId } from '../../domain/ids.js';
import type { RoleBindingRow } from '../../store/schema.js';
import { resourceOf } from '../../services/role-bindings.js';
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

export function presentRoleBinding(row: RoleBindingRow) {
  const resource = resourceOf(row);
  return {
    id: encodeId('RoleBinding', row.id),
    user_id: encodeId('User', row.user_id),
    role_id: encodeId('Role', row.role_id),
    resource_type: resource.type,
    resource_id: encodeId(resource.type === 'SPACE' ? 'Space' : 'Project', resource.id),
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}
