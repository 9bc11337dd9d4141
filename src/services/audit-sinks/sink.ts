import type { AuditSinkName } from '../../store/repositories/audit-logs.js';
import type { AuditLogRow } from '../../store/schema.js';

/**
 * One destination of the audit stream (docs/audit.md): it is handed an account's next entries, consecutive places
 * in chain order, and resolves once they are delivered — the stream then moves that sink's cursor past them — or
 * throws, and the same entries are handed again after a delay.
 */
export interface AuditSink {
  readonly name: AuditSinkName;
  deliver(accountId: number, rows: readonly AuditLogRow[]): Promise<void>;
  close(): void;
}

/**
 * The record of one entry, the same for every sink: the webhook posts `{account_id, entries: [record…]}`, the file
 * and syslog sinks carry one `{account_id, …record}` each.
 */
export function auditRecord(row: AuditLogRow) {
  return {
    id: row.id, seq: row.chain_seq, hash: row.chain_hash, created_at: row.created_at, user_id: row.user_id, ip: row.ip,
    operation_type: row.operation_type, operation_name: row.operation_name, operation_text: row.operation_text, variables: row.variables,
  };
}
