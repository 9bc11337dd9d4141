import { encodeId } from '../../domain/ids.js';
import type { RoleBindingRow } from '../../store/schema.js';
import { resourceOf } from '../../services/role-bindings.js';
import { presentExpiry } from './grant-expiry.js';
import { presentProvenance, type ProvenanceRow } from './grant-provenance.js';

export function presentRoleBinding(row: RoleBindingRow & ProvenanceRow) {
  const resource = resourceOf(row);
  return {
    id: encodeId('RoleBinding', row.id),
    user_id: encodeId('User', row.user_id),
    role_id: encodeId('Role', row.role_id),
    resource_type: resource.type,
    resource_id: encodeId(resource.type === 'SPACE' ? 'Space' : 'Project', resource.id),
    ...presentProvenance(row),
    ...presentExpiry(row),
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}
