import type { Kysely } from 'kysely';
import { AccessSnapshot } from '../access/index.js';
import { loadWorld } from '../store/access-loader.js';
import type { AccessChange } from '../store/change-feed.js';
import type { Database } from '../store/schema.js';

/**
 * One access snapshot per account, built from the database on first use and dropped when the change feed says
 * the account changed (any mutation in any process). Concurrent requests share one load.
 */
export class AccessCache {
  readonly #snapshots = new Map<number, Promise<AccessSnapshot>>();
  readonly #generation = new Map<number, number>();
  readonly #loaded = new Map<number, { promise: Promise<AccessSnapshot>; snapshot: AccessSnapshot }>();

  constructor(private readonly db: Kysely<Database>) {}

  get(accountId: number): Promise<AccessSnapshot> {
    let snapshot = this.#snapshots.get(accountId);
    if (!snapshot) {
      const generation = this.#generation.get(accountId) ?? 0;
      snapshot = loadWorld(this.db, accountId).then((world) => AccessSnapshot.build(world));
      snapshot.catch(() => this.#snapshots.delete(accountId));
      // A change that lands while we load makes this load stale: keep it only if no invalidation happened.
      const promise = snapshot;
      promise.then((loaded) => {
        if ((this.#generation.get(accountId) ?? 0) !== generation) {
          if (this.#snapshots.get(accountId) === promise) this.#snapshots.delete(accountId);
        } else {
          this.#loaded.set(accountId, { promise, snapshot: loaded });
        }
      }, () => undefined);
      this.#snapshots.set(accountId, snapshot);
    }
    return snapshot;
  }

  /**
   * Patches a loaded snapshot in place (a binding change costs microseconds instead of a rebuild); a snapshot that
   * is still loading may or may not contain the change, so it is dropped instead.
   */
  apply(accountId: number, edits: readonly AccessChange[]): void {
    const loaded = this.#loaded.get(accountId);
    if (!loaded || this.#snapshots.get(accountId) !== loaded.promise) {
      this.invalidate(accountId);
      return;
    }
    for (const edit of edits) {
      if (edit.op === 'upsertBinding') loaded.snapshot.upsertBinding(edit.binding);
      else loaded.snapshot.removeBinding(edit.id);
    }
  }

  invalidate(accountId: number): void {
    this.#generation.set(accountId, (this.#generation.get(accountId) ?? 0) + 1);
    this.#snapshots.delete(accountId);
  }

  invalidateAll(): void {
    for (const id of this.#snapshots.keys()) this.invalidate(id);
  }
}
