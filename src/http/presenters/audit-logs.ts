import { encodeId } from '../../domain/ids.js';
import type { AuditLogRow, AuthenticationFailureRow } from '../../store/schema.js';

export function presentAuditLog(row: AuditLogRow) {
  return {
    id: encodeId('AuditLog', row.id),
    // Arize's clients require user_id on every entry. Failed authentications are listed apart; the one kind of row
    // without a user is a directory's SCIM change, whose actor (`scim_token:<id>`) is in `variables`: it reads User:0.
    user_id: encodeId('User', row.user_id ?? 0),
    ip: row.ip,
    operation_type: row.operation_type,
    ...(row.operation_name !== null ? { operation_name: row.operation_name } : {}),
    ...(row.operation_text !== null ? { operation_text: row.operation_text } : {}),
    ...(row.variables !== null ? { variables: row.variables } : {}),
    created_at: row.created_at,
  };
}

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
