import { type Kysely, sql } from 'kysely';
import type pg from 'pg';
import { telemetry } from '../../domain/telemetry.js';
import type { Change, ChangeFeed } from '../change-feed.js';
import type { Database } from '../schema.js';
import { within } from './query-deadline.js';

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

/** How often the LISTEN connection proves it is alive, and how long its proof may take. */
export interface Heartbeat {
  everyMs: number;
  withinMs: number;
}

/**
 * Several processes share one PostgreSQL database: a change is applied locally at once and sent to the others
 * with NOTIFY; each process LISTENs on a dedicated connection and reconnects if it drops.
 * - Notifications sent while no connection listened are lost, so `onMissed` (which drops every cache) runs when the
 *   connection is lost, so that what was revoked meanwhile is not served from a cache while the process cannot hear,
 *   and again once a new connection listens.
 * - A LISTEN connection only receives, so a silent death (a NAT or firewall that dropped its state) would go
 *   unnoticed until TCP gave up, hours later, with revocations from other processes unheard all along. It runs
 *   `select 1` every `heartbeat.everyMs`; one unanswered within `heartbeat.withinMs` ends the connection, which counts
 *   as lost.
 */
export class PostgresChangeFeed implements ChangeFeed {
  readonly #listeners: ((change: Change) => void)[] = [];
  readonly #origin = `${process.pid}-${Math.random().toString(36).slice(2)}`;
  /** The listening connection, and how to give it back to the pool (ending it when `broken`). */
  #listening: { client: pg.PoolClient; release: (broken: boolean) => void } | undefined;
  #closed = false;

  private constructor(private readonly pool: pg.Pool, private readonly onMissed: () => void, private readonly heartbeat: Heartbeat) {}

  static async start(pool: pg.Pool, onMissed: () => void, heartbeat: Heartbeat): Promise<PostgresChangeFeed> {
    const feed = new PostgresChangeFeed(pool, onMissed, heartbeat);
    await feed.#listen();
    return feed;
  }

  async #listen(): Promise<void> {
    const client = await this.pool.connect();
    let beating: NodeJS.Timeout | undefined = undefined;
    let released = false;
    const release = (broken: boolean) => {
      clearInterval(beating);
      if (released) return;
      released = true;
      client.release(broken);
    };
    client.on('notification', (msg) => {
      if (!msg.payload) return;
      const { origin, at, change } = JSON.parse(msg.payload) as { origin: string; at?: number; change: Change };
      if (origin === this.#origin) return;
      if (at !== undefined && telemetry.changeReceived.hasSubscribers) telemetry.changeReceived.publish({ lagMs: Date.now() - at });
      // An unversioned patch may arrive out of its commit's order with another process's: rebuild instead.
      this.#deliver(change.accessVersion === undefined ? { ...change, access: undefined } : change);
    });
    client.on('error', () => {
      release(true);
      // Only the listening connection's loss starts a reconnect: one lost while it asked to LISTEN fails #listen.
      if (this.#listening?.client !== client) return;
      this.#listening = undefined;
      if (this.#closed) return;
      this.onMissed();
      this.#reconnect();
    });
    try {
      await within(client, client.query(`LISTEN ${CHANNEL}`), this.heartbeat.withinMs);
    } catch (error) {
      release(true);
      throw error;
    }
    if (this.#closed) return release(false);
    this.#listening = { client, release };
    beating = setInterval(() => {
      within(client, client.query('select 1'), this.heartbeat.withinMs).catch(() => undefined);
    }, this.heartbeat.everyMs).unref();
  }

  #reconnect(): void {
    setTimeout(() => {
      if (this.#closed) return;
      this.#listen().then(this.onMissed, () => this.#reconnect());
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
    const listening = this.#listening;
    this.#listening = undefined;
    if (listening) {
      await listening.client.query(`UNLISTEN ${CHANNEL}`).catch(() => undefined);
      listening.release(false);
    }
  }
}
