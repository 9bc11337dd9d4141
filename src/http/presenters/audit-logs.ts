import { encodeId } from '../../domain/ids.js';
import type { ChainVerification } from '../../services/audit-chain.js';
import type { AuditCheckpoint } from '../../store/repositories/audit-logs.js';
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

export function presentChainVerification(v: ChainVerification) {
  const broken = v.firstBroken;
  return {
    valid: v.valid,
    entries_checked: v.entriesChecked,
    trusted_through_seq: v.trustedThroughSeq,
    archived_through_seq: v.archivedThroughSeq,
    head_seq: v.head.seq,
    head_hash: v.head.hash,
    checkpoints_checked: v.checkpointsChecked,
    ...(broken ? {
      first_broken: {
        ...(broken.entryId !== undefined ? { entry_id: encodeId('AuditLog', broken.entryId) } : {}),
        ...(broken.seq !== undefined ? { seq: broken.seq } : {}),
        reason: broken.reason,
      },
    } : {}),
    public_key: v.publicKey,
    key_id: v.keyId,
  };
}

export function presentAuditCheckpoint(c: AuditCheckpoint) {
  return { seq: Number(c.seq), hash: c.hash, key_id: c.key_id, signature: c.signature, created_at: c.created_at };
}
