import { type Kysely, sql } from 'kysely';
import { type ChainedFields, entryTextAround, GENESIS_HASH, hashAround } from '../../domain/audit-chain.js';
import type { AuditCheckpointsTable, AuditLogRow, Database } from '../schema.js';
import { isPostgres } from '../dialect.js';
import { PreparedQuery } from '../prepared-query.js';
import { unindexedWhen } from '../unindexed-column.js';
import { AUDIT_ENTRY_HASH } from '../sqlite/audit-hash-function.js';
import type { TimePosition } from '../../domain/time-position.js';
import { pageEnd } from '../time-page-end.js';

/** What an audit row records of a change: who, from where, and what they asked. */
export interface AuditEntry {
  /** Null for a directory's SCIM token (its `variables.actor` names the token). */
  userId: number | null;
  ip: string;
  operation: string;
  text?: string | undefined;
  variables?: string | undefined;
  at: string;
}

/** The end of an account's audit chain: its last place and hash (seq 0 and GENESIS_HASH before the first entry). */
export interface ChainHead {
  seq: number;
  hash: string;
}

export type AuditCheckpoint = AuditCheckpointsTable;

/** The signed statement that the entries up to `seq` were archived (kept in server_settings as `audit_archive:<account>`). */
export interface ArchiveMarker {
  seq: number;
  hash: string;
  key_id: string;
  signature: string;
  /** The archive file's name, relative to the archive directory. */
  file: string;
}

/**
 * SQLite: moves the account's chain head to the next place and to the entry's hash, computed in the statement from
 * the head it replaces (AUDIT_ENTRY_HASH, registered on the connection), as appendChained does on PostgreSQL. No row
 * comes back before the account's first entry: startChain then writes the head at place 1. SQLite has a single
 * writer, whose transaction holds the lock from its BEGIN: the entry is inserted next.
 */
const advanceHead = new PreparedQuery((db, accountId: number, before: string, after: string) => db.updateTable('audit_chain_heads')
  .set((eb) => ({
    seq: eb('seq', '+', 1),
    hash: sql<string>`${sql.raw(AUDIT_ENTRY_HASH)}(${before}, ${eb.ref('seq')} + 1, ${eb.ref('hash')}, ${after})`,
  }))
  .where('account_id', '=', accountId)
  .returning(['seq', 'hash']));

const startChain = new PreparedQuery((db, accountId: number, firstHash: string) => db.insertInto('audit_chain_heads')
  .values({ account_id: accountId, seq: 1, hash: firstHash }).returning(['seq', 'hash']));

const insertEntry = new PreparedQuery((
  db, accountId: number, userId: number | null, ip: string, operation: string, text: string | null, variables: string | null, at: string,
  seq: number, hash: string,
) => db.insertInto('audit_logs').values({
  account_id: accountId, user_id: userId, ip, operation_type: 'MUTATION', operation_name: operation, operation_text: text, variables,
  created_at: at, chain_seq: seq, chain_hash: hash,
}));

/**
 * PostgreSQL: the entry chained in one statement. The upsert moves the head to the next place and to the entry's hash,
 * computed by the database from the head it locked (SHA-256 of `before || seq || ',' || to_json(prev) || after`, the
 * text entryHash hashes; see entryTextAround), and the entry is inserted with that place and hash. The head's row lock
 * serializes the account's writers on every process until the transaction ends, so runMutation makes this the last
 * statement before COMMIT: the lock is held for this one round trip and the commit. `firstHash` is the entry's hash at
 * place 1, for an account without a head yet.
 */
const appendChained = new PreparedQuery((
  db, accountId: number, firstHash: string, before: string, after: string,
  userId: number | null, ip: string, operation: string, text: string | null, variables: string | null, at: string,
) => db.with('head', (w) => w.insertInto('audit_chain_heads')
  .values({ account_id: accountId, seq: 1, hash: firstHash })
  .onConflict((oc) => oc.column('account_id').doUpdateSet((eb) => ({
    seq: eb('audit_chain_heads.seq', '+', 1),
    hash: sql<string>`encode(sha256(convert_to(${before}::text || (${eb.ref('audit_chain_heads.seq')} + 1)::text || ',' || to_json(${eb.ref('audit_chain_heads.hash')})::text || ${after}::text, 'UTF8')), 'hex')`,
  })))
  .returning(['seq', 'hash']))
  .insertInto('audit_logs')
  .columns(['account_id', 'user_id', 'ip', 'operation_type', 'operation_name', 'operation_text', 'variables', 'created_at', 'chain_seq', 'chain_hash'])
  // From the head's row, not VALUES: the entry's id is drawn once the place is taken, so ids keep the chain's order.
  .expression((eb) => eb.selectFrom('head').select([
    eb.val(accountId).as('account_id'), eb.val(userId).as('user_id'), eb.val(ip).as('ip'), eb.val('MUTATION').as('operation_type'),
    eb.val(operation).as('operation_name'), eb.val(text).as('operation_text'), eb.val(variables).as('variables'), eb.val(at).as('created_at'),
    'head.seq', 'head.hash',
  ])), { keptOnPostgres: true });

/**
 * What the database can store of a string: a lone surrogate (possible in parsed JSON) would become U+FFFD on the
 * way in, so it is replaced before the hash is taken, and the hash covers exactly what is stored.
 */
function storable(text: string | null): string | null {
  return text === null ? null : (text as unknown as { toWellFormed(): string }).toWellFormed();
}

/** One account's audit log: the one writer of its rows, and its reader. */
export class AuditLogRepository {
  constructor(private readonly db: Kysely<Database>, private readonly accountId: number) {}

  /**
   * The audit row of a change, chained to the account's previous entry: written inside the change's transaction
   * (both land or neither does), or in a transaction of its own when called outside one. Inside a change, the last
   * statement before COMMIT (see appendChained). One round trip on PostgreSQL, two statements on SQLite (advanceHead).
   */
  async recordMutation(entry: AuditEntry): Promise<void> {
    if (!this.db.isTransaction) {
      await this.db.transaction().execute((trx) => new AuditLogRepository(trx, this.accountId).recordMutation(entry));
      return;
    }
    const fields: Omit<ChainedFields, 'seq'> = {
      account_id: this.accountId, created_at: entry.at, user_id: entry.userId, ip: storable(entry.ip)!,
      operation_type: 'MUTATION', operation_name: storable(entry.operation), operation_text: storable(entry.text ?? null), variables: storable(entry.variables ?? null),
    };
    const around = entryTextAround(fields);
    if (isPostgres(this.db)) {
      await appendChained.all(this.db, this.accountId, hashAround(around, 1, GENESIS_HASH), around.before, around.after,
        fields.user_id, fields.ip, fields.operation_name!, fields.operation_text, fields.variables, fields.created_at);
      return;
    }
    const place = (await advanceHead.first(this.db, this.accountId, around.before, around.after))
      ?? (await startChain.first(this.db, this.accountId, hashAround(around, 1, GENESIS_HASH)))!;
    await insertEntry.all(this.db, this.accountId, fields.user_id, fields.ip, fields.operation_name!, fields.operation_text, fields.variables,
      fields.created_at, Number(place.seq), place.hash);
  }

  /**
   * Authenticated actions (people's and directories') within [start, end], newest first (by time, then by id),
   * after the position `before` in that order. One walk of the (account_id, created_at, id) index backwards from the
   * window's end or the position (with `userId`, of their (user_id, created_at, id) index): a page reads its own
   * rows, not the whole window.
   */
  list(options: {
    start: string; end: string; userId?: number | undefined; operationType?: AuditLogRow['operation_type'] | undefined;
    before?: TimePosition | undefined; limit: number;
  }): Promise<AuditLogRow[]> {
    const before = options.before;
    // With a user, their own index (migration 018), which does not lead with the account.
    let q = this.db.selectFrom('audit_logs').selectAll()
      .where(unindexedWhen(options.userId !== undefined, 'account_id'), '=', this.accountId)
      .where('created_at', '>=', options.start)
      .where('created_at', '<=', pageEnd(options.end, before));
    if (before !== undefined) q = q.where(({ eb, refTuple, tuple }) => eb(refTuple('created_at', 'id'), '<', tuple(before.at, before.id)));
    if (options.userId !== undefined) q = q.where('user_id', '=', options.userId);
    if (options.operationType !== undefined) q = q.where('operation_type', '=', options.operationType);
    return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(options.limit).execute();
  }

  /** One entry of the account by id. */
  find(id: number): Promise<AuditLogRow | undefined> {
    return this.db.selectFrom('audit_logs').selectAll().where('account_id', '=', this.accountId).where('id', '=', id).executeTakeFirst();
  }

  /** The chain's recorded end (seq 0 and GENESIS_HASH when the account has no entry yet). */
  async head(): Promise<ChainHead> {
    const row = await this.db.selectFrom('audit_chain_heads').select(['seq', 'hash']).where('account_id', '=', this.accountId).executeTakeFirst();
    return row ? { seq: Number(row.seq), hash: row.hash } : { seq: 0, hash: GENESIS_HASH };
  }

  /** Up to `limit` entries of the account in chain order, after the place `afterSeq`. */
  async chainPage(afterSeq: number, limit: number): Promise<AuditLogRow[]> {
    const rows = await this.db.selectFrom('audit_logs').selectAll().where('account_id', '=', this.accountId)
      .where('chain_seq', '>', afterSeq).orderBy('chain_seq').limit(limit).execute();
    return rows.map((r) => ({ ...r, chain_seq: Number(r.chain_seq) }));
  }

  /** The first entry of the account without a place in the chain: none is ever written so, only inserted around the writer. */
  async firstUnchained(): Promise<AuditLogRow | undefined> {
    return this.db.selectFrom('audit_logs').selectAll().where('account_id', '=', this.accountId).where('chain_seq', 'is', null)
      .orderBy('id').limit(1).executeTakeFirst();
  }

  /**
   * The place of the account's first entry after `afterSeq` (the end of what is archived) written at or after
   * `instant` (undefined: none); entries before it are the ones old enough to archive. A walk of the chain from
   * `afterSeq` that stops there: it reads what the archive will read anyway, where the least place of every entry
   * since `instant` read all the entries kept (100 ms for the 375k entries of a 90-day retention).
   */
  async firstSeqFrom(instant: string, afterSeq: number): Promise<number | undefined> {
    const row = await this.db.selectFrom('audit_logs').select('chain_seq').where('account_id', '=', this.accountId)
      .where('chain_seq', '>', afterSeq).where('created_at', '>=', instant).orderBy('chain_seq').limit(1).executeTakeFirst();
    return row?.chain_seq === null || row?.chain_seq === undefined ? undefined : Number(row.chain_seq);
  }

  /**
   * Inside a transaction: on PostgreSQL locks the account's chain head (as every writer does), so that two processes
   * archiving the same account at once take turns.
   */
  async lockHead(): Promise<void> {
    if (isPostgres(this.db)) await this.db.selectFrom('audit_chain_heads').select('seq').where('account_id', '=', this.accountId).forUpdate().execute();
  }

  /** The signed marker of the entries archived so far; undefined before the first archive. */
  async archiveMarker(): Promise<ArchiveMarker | undefined> {
    const row = await this.db.selectFrom('server_settings').select('value').where('name', '=', `audit_archive:${this.accountId}`).executeTakeFirst();
    return row ? JSON.parse(row.value) as ArchiveMarker : undefined;
  }

  /** Removes the entries up to `seq`, now archived, and records the signed marker saying so (one transaction). */
  async removeArchived(marker: ArchiveMarker): Promise<number> {
    const removed = await this.db.deleteFrom('audit_logs').where('account_id', '=', this.accountId).where('chain_seq', '<=', marker.seq).executeTakeFirst();
    await this.db.insertInto('server_settings').values({ name: `audit_archive:${this.accountId}`, value: JSON.stringify(marker) })
      .onConflict((oc) => oc.column('name').doUpdateSet({ value: JSON.stringify(marker) })).execute();
    return Number(removed.numDeletedRows);
  }

  /** The account's checkpoints, oldest first. */
  checkpoints(): Promise<AuditCheckpoint[]> {
    return this.db.selectFrom('audit_checkpoints').selectAll().where('account_id', '=', this.accountId).orderBy('seq').execute();
  }

  /** Records a checkpoint; one at a place that already has one (another process signed it first) is kept as it was. */
  async addCheckpoint(checkpoint: Omit<AuditCheckpoint, 'account_id'>): Promise<void> {
    await this.db.insertInto('audit_checkpoints').values({ ...checkpoint, account_id: this.accountId })
      .onConflict((oc) => oc.columns(['account_id', 'seq']).doNothing()).execute();
  }
}

/** Accounts whose audit chain has grown past their newest checkpoint (or has none): the ones to checkpoint. */
export async function accountsNeedingCheckpoint(db: Kysely<Database>): Promise<number[]> {
  const rows = await db.selectFrom('audit_chain_heads as h').select('h.account_id')
    .where((eb) => eb('h.seq', '>', eb.fn.coalesce(
      eb.selectFrom('audit_checkpoints as c').select((e) => e.fn.max('c.seq').as('m')).whereRef('c.account_id', '=', 'h.account_id'),
      eb.lit(0),
    ))).execute();
  return rows.map((r) => Number(r.account_id));
}

/**
 * Accounts with audit entries written before `instant`: the ones the retention archives from. Each account with a
 * chain is asked for one such entry through its (account_id, created_at, id) index, at every run of the archive
 * (every AX_AUDIT_CHECKPOINT_INTERVAL): the distinct accounts of every entry before `instant` read the whole log, 267
 * ms of 1M entries with nothing to archive, the event loop held all along.
 */
export async function accountsWithAuditBefore(db: Kysely<Database>, instant: string): Promise<number[]> {
  const rows = await db.selectFrom('audit_chain_heads as h').select('h.account_id')
    .where(({ exists, selectFrom }) => exists(selectFrom('audit_logs as a').select('a.id').whereRef('a.account_id', '=', 'h.account_id')
      .where('a.created_at', '<', instant).where('a.chain_seq', 'is not', null)))
    .orderBy('h.account_id').execute();
  return rows.map((r) => Number(r.account_id));
}

/** An audit sink (docs/audit.md): each keeps its own delivery cursor per account. */
export type AuditSinkName = 'webhook' | 'file' | 'syslog';

/** The cursor's row: the webhook's keeps the name it had before the other sinks existed. */
const streamSetting = (accountId: number, sink: AuditSinkName) => (sink === 'webhook' ? `audit_stream:${accountId}` : `audit_stream_${sink}:${accountId}`);

/** The place up to which the account's entries were delivered to the audit sink (0: none yet). */
export async function streamCursor(db: Kysely<Database>, accountId: number, sink: AuditSinkName = 'webhook'): Promise<number> {
  const row = await db.selectFrom('server_settings').select('value').where('name', '=', streamSetting(accountId, sink)).executeTakeFirst();
  return row ? Number(row.value) : 0;
}

/**
 * Inside a transaction on PostgreSQL: takes the account's delivery cursor for this process (a row lock held to commit)
 * and answers it, or undefined when another process is delivering the account now. SQLite has one process.
 */
export async function takeStreamCursor(db: Kysely<Database>, accountId: number, sink: AuditSinkName = 'webhook'): Promise<number | undefined> {
  await db.insertInto('server_settings').values({ name: streamSetting(accountId, sink), value: '0' }).onConflict((oc) => oc.column('name').doNothing()).execute();
  let q = db.selectFrom('server_settings').select('value').where('name', '=', streamSetting(accountId, sink));
  if (isPostgres(db)) q = q.forUpdate().skipLocked();
  const row = await q.executeTakeFirst();
  return row ? Number(row.value) : undefined;
}

export async function moveStreamCursor(db: Kysely<Database>, accountId: number, seq: number, sink: AuditSinkName = 'webhook'): Promise<void> {
  await db.updateTable('server_settings').set({ value: String(seq) }).where('name', '=', streamSetting(accountId, sink)).execute();
}

/** Accounts whose chain has entries past their delivery cursor. */
export async function accountsBehindStream(db: Kysely<Database>, sink: AuditSinkName = 'webhook'): Promise<number[]> {
  const heads = await db.selectFrom('audit_chain_heads').select(['account_id', 'seq']).execute();
  const cursors = new Map((await db.selectFrom('server_settings').select(['name', 'value']).where('name', 'like', streamSetting(0, sink).replace(/0$/, '%')).execute())
    .map((r) => [r.name, Number(r.value)]));
  return heads.filter((h) => Number(h.seq) > (cursors.get(streamSetting(Number(h.account_id), sink)) ?? 0)).map((h) => Number(h.account_id));
}
