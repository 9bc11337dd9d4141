import { Type } from '@sinclair/typebox';
import { encodeId } from '../../domain/ids.js';
import type { AuditLogRow, AuthenticationFailureRow } from '../../store/schema.js';
import { Id, Timestamp } from './common.js';

export const OperationType = Type.Union([Type.Literal('QUERY'), Type.Literal('MUTATION'), Type.Literal('SUBSCRIPTION')]);

/** Authenticated actions only, so `user_id` is always there (Arize's schema requires it on every entry). */
export const AuditLog = Type.Object({
  id: Id,
  user_id: Id,
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
    // The list holds no row without a user (failed authentications are listed apart), whatever the column allows.
    user_id: encodeId('User', row.user_id ?? 0),
    ip: row.ip,
    operation_type: row.operation_type,
    ...(row.operation_name !== null ? { operation_name: row.operation_name } : {}),
    ...(row.operation_text !== null ? { operation_text: row.operation_text } : {}),
    ...(row.variables !== null ? { variables: row.variables } : {}),
    created_at: row.created_at,
  };
}

/**
 * Failed authentications (ours, not Arize's): one entry per address, reason, operation and targeted user in a
 * 10-minute window, with how many times it happened.
 */
export const AuthenticationFailure = Type.Object({
  ip: Type.String(),
  reason: Type.String({ description: 'why the credential was refused, e.g. wrong password, unknown email, unknown, revoked, expired, invalid_session, missing' }),
  operation: Type.String({ description: 'METHOD and route of the refused request' }),
  user_id: Type.Optional(Id),
  count: Type.Integer({ minimum: 1 }),
  first_at: Timestamp,
  last_at: Timestamp,
}, { description: 'Failed authentications, counted per window' });

export function presentAuthenticationFailure(row: AuthenticationFailureRow) {
  return {
    ip: row.ip,
    reason: row.reason,
    operation: row.operation,
    ...(row.user_id !== null ? { user_id: encodeId('User', row.user_id) } : {}),
    count: row.count,
    first_at: row.first_at,
    last_at: row.last_at,
  };
}
