import { encodeId } from '../../domain/ids.js';
import type { UserRow } from '../../store/schema.js';

export function presentUser(row: Pick<UserRow, 'id' | 'name' | 'email' | 'role' | 'status' | 'is_developer' | 'created_at'> & { deactivated_at?: string | null | undefined }) {
  return {
    id: encodeId('User', row.id),
    name: row.name,
    email: row.email,
    role: { type: 'PREDEFINED' as const, name: row.role },
    status: row.status,
    is_developer: row.is_developer === 1,
    created_at: row.created_at,
    ...(row.deactivated_at ? { deactivated_at: row.deactivated_at } : {}),
  };
}
