import type { Change, ChangeFeed } from '../change-feed.js';

/** SQLite deployments are one process: changes are delivered in-process, synchronously. */
export class SqliteChangeFeed implements ChangeFeed {
  readonly #listeners: ((change: Change) => void)[] = [];

  async publish(change: Change): Promise<void> {
    this.deliverHere(change);
  }

  async announceWithin(): Promise<void> {}

  deliverHere(change: Change): void {
    for (const l of this.#listeners) l(change);
  }

  subscribe(listener: (change: Change) => void): void {
    this.#listeners.push(listener);
  }

  async close(): Promise<void> {}
}
