import type pg from 'pg';
import type { Change, ChangeFeed } from '../change-feed.js';

const CHANNEL = 'ax_changes';

/**
 * Several processes share one PostgreSQL database: a change is applied locally at once and sent to the others
 * with NOTIFY; each process LISTENs on a dedicated connection and reconnects if it drops (a reconnect drops
 * every cache, since notifications may have been missed meanwhile).
 */
export class PostgresChangeFeed implements ChangeFeed {
  readonly #listeners: ((change: Change) => void)[] = [];
  readonly #origin = `${process.pid}-${Math.random().toString(36).slice(2)}`;
  #client: pg.PoolClient | undefined;
  #closed = false;

  private constructor(private readonly pool: pg.Pool, private readonly onReconnect: () => void) {}

  static async start(pool: pg.Pool, onReconnect: () => void): Promise<PostgresChangeFeed> {
    const feed = new PostgresChangeFeed(pool, onReconnect);
    await feed.#listen();
    return feed;
  }

  async #listen(): Promise<void> {
    const client = await this.pool.connect();
    this.#client = client;
    client.on('notification', (msg) => {
      if (!msg.payload) return;
      const { origin, change } = JSON.parse(msg.payload) as { origin: string; change: Change };
      if (origin !== this.#origin) this.#deliver(change);
    });
    client.on('error', () => {
      client.release(true);
      this.#client = undefined;
      if (!this.#closed) this.#reconnect();
    });
    await client.query(`LISTEN ${CHANNEL}`);
  }

  #reconnect(): void {
    setTimeout(() => {
      if (this.#closed) return;
      this.#listen().then(this.onReconnect, () => this.#reconnect());
    }, 200).unref();
  }

  #deliver(change: Change): void {
    for (const l of this.#listeners) l(change);
  }

  async publish(change: Change): Promise<void> {
    this.#deliver(change);
    await this.pool.query('select pg_notify($1, $2)', [CHANNEL, JSON.stringify({ origin: this.#origin, change })]);
  }

  subscribe(listener: (change: Change) => void): void {
    this.#listeners.push(listener);
  }

  async close(): Promise<void> {
    this.#closed = true;
    const client = this.#client;
    this.#client = undefined;
    if (client) {
      await client.query(`UNLISTEN ${CHANNEL}`).catch(() => undefined);
      client.release();
    }
  }
}
