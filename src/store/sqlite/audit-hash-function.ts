import type SQLite from 'better-sqlite3';
import { hashAround } from '../../domain/audit-chain.js';

/**
 * `ax_audit_entry_hash(before, seq, prev_hash, after)`: an audit entry's hash from its text around its place
 * (domain/audit-chain.ts hashAround), for SQL on this connection. SQLite's append of an entry computes it from the
 * chain head it replaces, in the statement that takes the place, as PostgreSQL's does with its own sha256().
 */
export const AUDIT_ENTRY_HASH = 'ax_audit_entry_hash';

export function registerAuditEntryHash(file: SQLite.Database): void {
  file.function(AUDIT_ENTRY_HASH, { deterministic: true }, (before: unknown, seq: unknown, prevHash: unknown, after: unknown) =>
    hashAround({ before: String(before), after: String(after) }, Number(seq), String(prevHash)));
}
