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
}

export interface ChangeFeed {
  publish(change: Change): Promise<void>;
  subscribe(listener: (change: Change) => void): void;
  close(): Promise<void>;
}
