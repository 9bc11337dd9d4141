import type { Kysely } from 'kysely';
import type { AuditLogRow, Database } from '../schema.js';
import { PreparedQuery } from '../prepared-query.js';

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

/** Written by every change: compiled once (see PreparedQuery). */
const mutationRow = new PreparedQuery((
  db, accountId: number, userId: number | null, ip: string, operation: string, text: string | null, variables: string | null, at: string,
) => db.insertInto('audit_logs').values({
  account_id: accountId, user_id: userId, ip, operation_type: 'MUTATION', operation_name: operation, operation_text: text, variables, created_at: at,
}));

/** One account's audit log: the one writer of its rows, and its reader. */
export class AuditLogRepository {
  constructor(private readonly db: Kysely<Database>, private readonly accountId: number) {}

  /** The audit row of a change; written inside the change's transaction, so both land or neither does. */
  async recordMutation(entry: AuditEntry): Promise<void> {
    await mutationRow.all(this.db, this.accountId, entry.userId, entry.ip, entry.operation, entry.text ?? null, entry.variables ?? null, entry.at);
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
