import { Type } from '@sinclair/typebox';
import { encodeId } from '../../domain/ids.js';
import type { UserRow } from '../../store/schema.js';
import { Id, RoleAssignment, Timestamp } from './common.js';

export const User = Type.Object({
  id: Id,
  name: Type.String(),
  email: Type.String(),
  role: RoleAssignment,
  status: Type.Union([Type.Literal('ACTIVE'), Type.Literal('INVITED'), Type.Literal('EXPIRED')]),
  is_developer: Type.Boolean(),
  created_at: Timestamp,
});

export function presentUser(row: Pick<UserRow, 'id' | 'name' | 'email' | 'role' | 'status' | 'is_developer' | 'created_at'>) {
  return {
    id: encodeId('User', row.id),
    name: row.name,
    email: row.email,
    role: { type: 'PREDEFINED' as const, name: row.role },
    status: row.status,
    is_developer: row.is_developer === 1,
    created_at: row.created_at,
  };
}
