import SQLite from 'better-sqlite3';
import { type BindingTargets, bindingBody } from './binding-targets.js';

const ACCOUNT_ID = 1;

/**
 * B8's SQLite peer: the two rows POST /v2/role-bindings writes (a binding, its audit row) inserted in one
 * transaction with better-sqlite3, in this process, on the server's own database file and with the server's
 * pragmas (WAL, synchronous NORMAL, foreign keys on: src/store/database.ts). Run while the server is idle.
 */
export class RawSqliteBindingInsert {
  readonly #db: SQLite.Database;
  readonly #insert: (userId: number, spaceId: number) => void;

  constructor(file: string, roleId: number, actorUserId: number, private readonly targets: BindingTargets) {
    this.#db = new SQLite(file);
    this.#db.pragma('journal_mode = WAL');
    this.#db.pragma('foreign_keys = ON');
    this.#db.pragma('busy_timeout = 5000');
    this.#db.pragma('synchronous = NORMAL');
    const binding = this.#db.prepare(`insert into role_bindings (account_id, user_id, role_id, resource_type, space_id, project_id,
      created_at, updated_at) values (?, ?, ?, 'SPACE', ?, null, ?, ?) returning *`);
    const audit = this.#db.prepare(`insert into audit_logs (account_id, user_id, ip, operation_type, operation_name, operation_text,
      variables, created_at) values (?, ?, '127.0.0.1', 'MUTATION', 'POST /v2/role-bindings', ?, null, ?)`);
    // The audit row carries the request body the subject receives, so both write rows of the same size.
    this.#insert = this.#db.transaction((userId: number, spaceId: number) => {
      const now = new Date().toISOString();
      binding.get(ACCOUNT_ID, userId, roleId, spaceId, now, now);
      audit.run(ACCOUNT_ID, actorUserId, bindingBody(userId, roleId, spaceId), now);
    });
  }

  /** Transactions per second over about `seconds`. */
  rate(seconds: number): number {
    let done = 0;
    const start = process.hrtime.bigint();
    const budget = BigInt(Math.round(seconds * 1e9));
    while (process.hrtime.bigint() - start < budget) {
      const { userId, spaceId } = this.targets.next();
      this.#insert(userId, spaceId);
      done++;
    }
    return done / (Number(process.hrtime.bigint() - start) / 1e9);
  }

  close(): void {
    this.#db.close();
  }
}
