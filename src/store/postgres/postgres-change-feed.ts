import { type Kysely, sql } from 'kysely';
import type pg from 'pg';
import { telemetry } from '../../domain/telemetry.js';
import type { Change, ChangeFeed } from '../change-feed.js';
import type { Database } from '../schema.js';

const CHANNEL = 'ax_changes';
/** PostgreSQL refuses NOTIFY payloads of 8000 bytes or more; ids are ASCII, so characters are bytes. */
const MAX_PAYLOAD = 7000;

/**
 * A change as notifications that each fit in one NOTIFY (deleting a user with hundreds of keys names them all),
 * every part carrying the account so that each one also drops the account's access snapshot, unless it carries
 * the snapshot's versioned patch (the first part does when it fits; see Change.accessVersion).
 */
function splitChange(change: Change): Change[] {
  const parts: Change[] = [];
  let part: Change = { accountId: change.accountId };
  let size = 0;
  const patch = change.access !== undefined && change.accessVersion !== undefined ? JSON.stringify(change.access).length : MAX_PAYLOAD;
  if (patch < MAX_PAYLOAD / 2) {
    part.access = change.access;
    part.accessVersion = change.accessVersion;
    size = patch;
  }
  const makeRoom = (id: number | string) => {
    const cost = JSON.stringify(id).length + 1;
    if (size + cost > MAX_PAYLOAD) {
      parts.push(part);
      part = { accountId: change.accountId };
      size = 0;
    }
    size += cost;
  };
  for (const id of change.userIds ?? []) {
    makeRoom(id);
    (part.userIds ??= []).push(id);
  }
  for (const id of change.keyPublicIds ?? []) {
    makeRoom(id);
    (part.keyPublicIds ??= []).push(id);
  }
  for (const id of change.idpIds ?? []) {
    makeRoom(id);
    (part.idpIds ??= []).push(id);
  }
  parts.push(part);
  return parts;
}

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
      const { origin, at, change } = JSON.parse(msg.payload) as { origin: string; at?: number; change: Change };
      if (origin === this.#origin) return;
      if (at !== undefined && telemetry.changeReceived.hasSubscribers) telemetry.changeReceived.publish({ lagMs: Date.now() - at });
      // An unversioned patch may arrive out of its commit's order with another process's: rebuild instead.
      this.#deliver(change.accessVersion === undefined ? { ...change, access: undefined } : change);
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

  #payloads(change: Change): string[] {
    // `at` (the sender's clock) lets receivers measure how late changes arrive (the change-feed lag metric).
    const at = Date.now();
    return splitChange(change).map((part) => JSON.stringify({ origin: this.#origin, at, change: part }));
  }

  async publish(change: Change): Promise<void> {
    this.#deliver(change);
    for (const payload of this.#payloads(change)) await this.pool.query('select pg_notify($1, $2)', [CHANNEL, payload]);
  }

  async announceWithin(trx: Kysely<Database>, change: Change): Promise<void> {
    for (const payload of this.#payloads(change)) await sql`select pg_notify(${CHANNEL}, ${payload})`.execute(trx);
  }

  deliverHere(change: Change): void {
    this.#deliver(change);
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
