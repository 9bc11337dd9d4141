import { encodeId } from '../../domain/ids.js';
import { presentRoleAssignment } from '../../services/role-assignments.js';
import type { RoleRow, UserRow } from '../../store/schema.js';
import { presentExpiry } from './grant-expiry.js';
import { presentProvenance, type ProvenanceRow } from './grant-provenance.js';

/** A row of a member list: a membership (`id`, `user_id`) joined with its user and its role. */
export interface MemberRow extends Pick<UserRow, 'name' | 'email' | 'is_bot'>, ProvenanceRow {
  expires_at: string | null;
  reason: string | null;
  id: number;
  user_id: number;
  role_id: number;
  role_name: string;
  predefined_key: RoleRow['predefined_key'];
}

/** The user and role of a member-list row; each list adds the membership id and its parent's. */
export function presentMember(row: MemberRow) {
  return {
    user_id: encodeId('User', row.user_id),
    role: presentRoleAssignment({ id: row.role_id, name: row.role_name, predefined_key: row.predefined_key }),
    user: { name: row.name, email: row.email, is_bot: row.is_bot === 1 },
    ...presentProvenance(row),
    ...presentExpiry(row),
  };
}
