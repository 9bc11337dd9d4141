import type { Kysely } from 'kysely';
import type { AuditLogRow, Database } from '../schema.js';

/** What an audit row records of a change: who, from where, and what they asked. */
export interface AuditEntry {
  /** Null for a directory's SCIM token (its `variables.actor` names the token). */
  userId: number | null;
  ip: string;
  operation: string;
  text?: string | undefined;
  variables?: string | undefined;
  at: string;
}

/** One account's audit log: the one writer of its rows, and its reader. */
export class AuditLogRepository {
  constructor(private readonly db: Kysely<Database>, private readonly accountId: number) {}

  /** The audit row of a change; written inside the change's transaction, so both land or neither does. */
  async recordMutation(entry: AuditEntry): Promise<void> {
    await this.db.insertInto('audit_logs').values({
      account_id: this.accountId,
      user_id: entry.userId,
      ip: entry.ip,
      operation_type: 'MUTATION',
      operation_name: entry.operation,
      operation_text: entry.text ?? null,
      variables: entry.variables ?? null,
      created_at: entry.at,
    }).execute();
  }

  /** Authenticated actions (people's and directories') within [start, end], newest first, before the keyset `before`. */
  list(options: {
    start: string; end: string; userId?: number | undefined; operationType?: AuditLogRow['operation_type'] | undefined;
    before?: number | undefined; limit: number;
  }): Promise<AuditLogRow[]> {
    let q = this.db.selectFrom('audit_logs').selectAll()
      .where('account_id', '=', this.accountId)
      .where('created_at', '>=', options.start)
      .where('created_at', '<=', options.end);
    if (options.userId !== undefined) q = q.where('user_id', '=', options.userId);
    if (options.operationType !== undefined) q = q.where('operation_type', '=', options.operationType);
    if (options.before !== undefined) q = q.where('id', '<', options.before);
    return q.orderBy('id', 'desc').limit(options.limit).execute();
  }
}
