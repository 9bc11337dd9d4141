import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/**
 * What changed, so that every process drops what it cached: access snapshots (per account), verified keys
 * (per key or per user). A mutation announces it to the other processes from inside its transaction and delivers
 * it to its own process after the commit.
 */
export interface Change {
  accountId: number;
  /** Users whose keys/sessions must be re-verified (deleted, deactivated, role changed). */
  userIds?: number[];
  /** API keys (public ids) revoked, refreshed or otherwise changed. */
  keyPublicIds?: string[];
  /** Identity providers whose configuration or role mappings changed: every process drops what it cached of them. */
  idpIds?: number[];
  /**
   * The exact edits to the account's access snapshot, when the mutation declared them; absent means "rebuild".
   * The process that made the change applies them; the others only when `accessVersion` is set (see there), since
   * notifications from several processes may arrive in another order than their commits.
   */
  access?: AccessChange[];
  /**
   * The account's access version the change's transaction raised it to, when it took rights away (runMutation
   * bumps by one under the account row's lock). A snapshot read at the version just below it is exactly one
   * change behind: it applies `access` and is then at this version, so that the next grant decided on it is not
   * stale. A snapshot at this version or later already holds the change; one further behind missed another
   * rights change and is rebuilt.
   */
  accessVersion?: number;
}

export type AccessChange =
  | { op: 'upsertBinding'; binding: { id: number; userId: number; roleId: number; resourceType: 'SPACE' | 'PROJECT'; resourceId: number; expiresAt?: string | null } }
  | { op: 'removeBinding'; id: number };

export interface ChangeFeed {
  /** Announces and delivers at once: for changes made outside a transaction. */
  publish(change: Change): Promise<void>;
  /**
   * Announces the change to the other processes from inside the writing transaction: PostgreSQL delivers a NOTIFY
   * at commit and drops it on rollback, so a process that dies between its commit and a later publish cannot lose
   * a revocation. (SQLite is one process: nothing to announce.)
   */
  announceWithin(trx: Kysely<Database>, change: Change): Promise<void>;
  /** Delivers the change to this process's listeners: after the commit of a change announced within it. */
  deliverHere(change: Change): void;
  subscribe(listener: (change: Change) => void): void;
  close(): Promise<void>;
}
