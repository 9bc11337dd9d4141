/**
 * What changed, so that every process drops what it cached: access snapshots (per account), verified keys
 * (per key or per user). Published after the transaction commits.
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
   * Only the process that made the change applies them (in commit order); the others rebuild, since
   * notifications from several processes may arrive in another order than their commits.
   */
  access?: AccessChange[];
}

export type AccessChange =
  | { op: 'upsertBinding'; binding: { id: number; userId: number; roleId: number; resourceType: 'SPACE' | 'PROJECT'; resourceId: number } }
  | { op: 'removeBinding'; id: number };

export interface ChangeFeed {
  publish(change: Change): Promise<void>;
  subscribe(listener: (change: Change) => void): void;
  close(): Promise<void>;
}
