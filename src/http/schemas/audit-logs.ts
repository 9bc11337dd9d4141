import { Type } from '@sinclair/typebox';
import { encodeId } from '../../domain/ids.js';
import type { AuditLogRow } from '../../store/schema.js';
import { Id, Timestamp } from './common.js';

export const OperationType = Type.Union([Type.Literal('QUERY'), Type.Literal('MUTATION'), Type.Literal('SUBSCRIPTION')]);

/** `user_id` is omitted for failed authentications (nobody was authenticated). */
export const AuditLog = Type.Object({
  id: Id,
  user_id: Type.Optional(Id),
  ip: Type.String(),
  operation_type: OperationType,
  operation_name: Type.Optional(Type.String()),
  operation_text: Type.Optional(Type.String()),
  variables: Type.Optional(Type.String()),
  created_at: Timestamp,
});

export function presentAuditLog(row: AuditLogRow) {
  return {
    id: encodeId('AuditLog', row.id),
    ...(row.user_id !== null ? { user_id: encodeId('User', row.user_id) } : {}),
    ip: row.ip,
    operation_type: row.operation_type,
    ...(row.operation_name !== null ? { operation_name: row.operation_name } : {}),
    ...(row.operation_text !== null ? { operation_text: row.operation_text } : {}),
    ...(row.variables !== null ? { variables: row.variables } : {}),
    created_at: row.created_at,
  };
}
