import type { Kysely } from 'kysely';
import { AccessSnapshot } from '../access/index.js';
import { loadWorld } from '../store/access-loader.js';
import type { Database } from '../store/schema.js';

/**
 * One access snapshot per account, built from the database on first use and dropped when the change feed says
 * the account changed (any mutation in any process). Concurrent requests share one load.
 */
export class AccessCache {
  readonly #snapshots = new Map<number, Promise<AccessSnapshot>>();
  readonly #generation = new Map<number, number>();

  constructor(private readonly db: Kysely<Database>) {}

  get(accountId: number): Promise<AccessSnapshot> {
    let snapshot = this.#snapshots.get(accountId);
    if (!snapshot) {
      const generation = this.#generation.get(accountId) ?? 0;
      snapshot = loadWorld(this.db, accountId).then((world) => AccessSnapshot.build(world));
      snapshot.catch(() => this.#snapshots.delete(accountId));
      // A change that lands while we load makes this load stale: keep it only if no invalidation happened.
      snapshot.then(() => {
        if ((this.#generation.get(accountId) ?? 0) !== generation) this.#snapshots.delete(accountId);
      }, () => undefined);
      this.#snapshots.set(accountId, snapshot);
    }
    return snapshot;
  }

  invalidate(accountId: number): void {
    this.#generation.set(accountId, (this.#generation.get(accountId) ?? 0) + 1);
    this.#snapshots.delete(accountId);
  }

  invalidateAll(): void {
    for (const id of this.#snapshots.keys()) this.invalidate(id);
  }
}
