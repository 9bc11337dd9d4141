import { randomBytes } from 'node:crypto';
import { mkdir, open, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { archiveMessage, type ChainedFields, CheckpointSigner, checkpointMessage, entryHash, GENESIS_HASH } from '../domain/audit-chain.js';
import { isoNow } from '../domain/clock.js';
import { forbidden, unprocessable } from '../domain/errors.js';
import type { Principal } from '../domain/principal.js';
import { streamedThrough } from './audit-stream.js';
import type { ServiceDeps } from './service-deps.js';
import { forAccount } from '../store/account-store.js';
import {
  type ArchiveMarker, type AuditCheckpoint, accountsNeedingCheckpoint, accountsWithAuditBefore,
} from '../store/repositories/audit-logs.js';
import type { AuditLogRow } from '../store/schema.js';
import { startPeriodicTask } from './periodic-task.js';

/** The first place where the chain stops holding: the entry (when one can be named), its place, and why. */
export interface ChainBreak {
  entryId?: number | undefined;
  seq?: number | undefined;
  reason: string;
}

export interface ChainVerification {
  valid: boolean;
  entriesChecked: number;
  /** The place the walk started after: 0 for the whole chain, else the trusted checkpoint's or archive's. */
  trustedThroughSeq: number;
  /** Entries up to this place were archived (a signed marker says so), 0 when none was. */
  archivedThroughSeq: number;
  head: { seq: number; hash: string };
  checkpointsChecked: number;
  firstBroken?: ChainBreak | undefined;
  publicKey: string;
  keyId: string;
}

const PAGE = 1000;

function signerOf(ctx: ServiceDeps): CheckpointSigner {
  return new CheckpointSigner(ctx.secrets.auditSigningKey);
}

function fieldsOf(row: AuditLogRow, accountId: number): ChainedFields {
  return {
    account_id: accountId, seq: row.chain_seq!, created_at: row.created_at, user_id: row.user_id === null ? null : Number(row.user_id), ip: row.ip,
    operation_type: row.operation_type, operation_name: row.operation_name, operation_text: row.operation_text, variables: row.variables,
  };
}

/**
 * Walks the account's audit chain in order and recomputes every hash (docs/audit.md): a changed entry no longer
 * matches its hash, a deleted one leaves a gap in the places, a reordered one breaks the order of ids or its hash,
 * an inserted one has no place or a wrong hash, a rewritten stretch (hashes recomputed) disagrees with the signed
 * checkpoint after it, and a cut-off end falls short of the head or of a checkpoint. With `fromCheckpoint` the walk
 * starts after the newest checkpoint whose signature holds, trusting what it signed. Account admins only.
 */
export async function verifyAuditChain(ctx: ServiceDeps, principal: Principal, options: { fromCheckpoint?: boolean } = {}): Promise<ChainVerification> {
  if (principal.role !== 'ADMIN') throw forbidden('account admin required');
  const accountId = principal.accountId;
  const repo = forAccount(ctx.store.db, accountId).auditLogs;
  const signer = signerOf(ctx);
  const head = await repo.head();
  const checkpoints = await repo.checkpoints();
  let broken: ChainBreak | undefined;
  const fail = (b: ChainBreak) => { broken ??= b; };

  const signed = new Map<number, AuditCheckpoint>();
  for (const c of checkpoints) {
    const seq = Number(c.seq);
    const ok = c.key_id === signer.keyId && signer.verify(checkpointMessage({ account_id: accountId, seq, hash: c.hash, created_at: c.created_at }), c.signature);
    if (ok) signed.set(seq, c);
  }
  // Archived entries left the database with a signed marker: the walk starts after them.
  const marker = await repo.archiveMarker();
  if (marker && !(marker.key_id === signer.keyId && signer.verify(archiveMessage({ account_id: accountId, seq: marker.seq, hash: marker.hash }), marker.signature))) {
    fail({ seq: 1, reason: `the archive marker (entries up to seq ${marker.seq}) is not signed by this server's audit key (${signer.keyId})` });
  }
  const archived = broken ? undefined : marker;
  const latest = options.fromCheckpoint ? [...signed.values()].at(-1) : undefined;
  const trusted = latest !== undefined && Number(latest.seq) > (archived?.seq ?? 0) ? { seq: Number(latest.seq), hash: latest.hash } : archived;
  let prevHash = trusted?.hash ?? GENESIS_HASH;
  let prevSeq = trusted === undefined ? 0 : trusted.seq;
  const trustedThroughSeq = prevSeq;
  // The last place a signature vouched for, so that a rewritten stretch is named from just after it.
  let vouchedSeq = prevSeq;
  let prevId = -Infinity;
  let checked = 0;

  walk: for (; !broken;) {
    const rows = await repo.chainPage(prevSeq, PAGE);
    for (const row of rows) {
      const seq = row.chain_seq!;
      if (seq !== prevSeq + 1) {
        fail({ entryId: row.id, seq, reason: seq === prevSeq + 2 ? `the entry before it (seq ${prevSeq + 1}) is missing` : `the entries before it (seq ${prevSeq + 1} to ${seq - 1}) are missing` });
        break walk;
      }
      if (row.id <= prevId) {
        fail({ entryId: row.id, seq, reason: 'its id is lower than the previous entry\'s: entries were reordered' });
        break walk;
      }
      const hash = entryHash(prevHash, fieldsOf(row, accountId));
      if (hash !== row.chain_hash) {
        fail({ entryId: row.id, seq, reason: 'its content or its place does not match its hash: the entry was changed, moved or inserted' });
        break walk;
      }
      const checkpoint = signed.get(seq);
      if (checkpoint !== undefined) {
        if (checkpoint.hash !== hash) {
          fail({ seq: vouchedSeq + 1, reason: `the checkpoint at seq ${seq} signed another hash: an entry from seq ${vouchedSeq + 1} to ${seq} was changed and the hashes after it recomputed` });
          break walk;
        }
        vouchedSeq = seq;
      }
      checked += 1;
      prevSeq = seq;
      prevHash = hash;
      prevId = row.id;
    }
    if (rows.length < PAGE) break;
  }

  if (!broken) {
    const lastSigned = Math.max(0, ...signed.keys());
    if (lastSigned > prevSeq) fail({ seq: prevSeq + 1, reason: `the entries from seq ${prevSeq + 1} to at least ${lastSigned} (signed by a checkpoint) are missing` });
    else if (head.seq > prevSeq) fail({ seq: prevSeq + 1, reason: `the entries from seq ${prevSeq + 1} to ${head.seq} (the recorded end of the chain) are missing` });
    else if (head.seq < prevSeq || head.hash !== prevHash) fail({ seq: head.seq, reason: 'the recorded end of the chain does not match its last entry' });
  }
  if (!broken) {
    const unchained = await repo.firstUnchained();
    if (unchained) fail({ entryId: unchained.id, reason: 'it has no place in the chain: it was inserted around the audit writer' });
  }
  if (!broken) {
    const forged = checkpoints.find((c) => !signed.has(Number(c.seq)));
    if (forged) fail({ seq: Number(forged.seq), reason: `the checkpoint at seq ${Number(forged.seq)} is not signed by this server's audit key (${signer.keyId})` });
  }
  return {
    valid: broken === undefined, entriesChecked: checked, trustedThroughSeq, archivedThroughSeq: archived?.seq ?? 0, head, checkpointsChecked: signed.size,
    firstBroken: broken, publicKey: signer.publicKeyBase64, keyId: signer.keyId,
  };
}

/** Signs the account's chain as it is now (its recorded end); nothing when it has no entry. */
async function checkpointAccount(ctx: ServiceDeps, accountId: number): Promise<AuditCheckpoint | undefined> {
  const repo = forAccount(ctx.store.db, accountId).auditLogs;
  const head = await repo.head();
  if (head.seq === 0) return undefined;
  const signer = signerOf(ctx);
  const createdAt = isoNow(ctx.clock);
  const signature = signer.sign(checkpointMessage({ account_id: accountId, seq: head.seq, hash: head.hash, created_at: createdAt }));
  const checkpoint = { seq: head.seq, hash: head.hash, key_id: signer.keyId, signature, created_at: createdAt };
  await repo.addCheckpoint(checkpoint);
  return { ...checkpoint, account_id: accountId };
}

/** `POST /v2/audit-logs/checkpoints`: a checkpoint now, at the chain's end (account admins). */
export async function createAuditCheckpoint(ctx: ServiceDeps, principal: Principal): Promise<AuditCheckpoint | undefined> {
  if (principal.role !== 'ADMIN') throw forbidden('account admin required');
  return checkpointAccount(ctx, principal.accountId);
}

/**
 * Every `intervalMs`, signs the chain of each account that grew since its last checkpoint (off the write path: an
 * audit write costs one SHA-256, never a signature), then archives what is older than the retention. Every process
 * may do it; two signing the same end keep one, two archiving the same entries remove them once.
 */
export function startAuditCheckpoints(ctx: ServiceDeps, intervalMs: number): () => void {
  return startPeriodicTask(ctx, intervalMs, async () => {
    for (const accountId of await accountsNeedingCheckpoint(ctx.store.db)) await checkpointAccount(ctx, accountId);
    if (ctx.config.auditRetentionMs === undefined) return;
    const cutoff = new Date(ctx.clock.now() - ctx.config.auditRetentionMs).toISOString();
    for (const accountId of await accountsWithAuditBefore(ctx.store.db, cutoff)) await archiveAccount(ctx, accountId);
  }, 'audit checkpoint failed', 'error');
}

/** What an archive run did for an account. */
export interface ArchiveResult {
  archivedThroughSeq: number;
  entriesArchived: number;
  file?: string | undefined;
}

/**
 * Moves the account's entries older than the retention (AX_AUDIT_RETENTION_DAYS) out of the database: they are
 * checked against the chain first (a broken chain is never archived: that would delete the evidence), written to a
 * JSONL file with their chain proof (docs/audit.md), flushed to disk, and only then removed in one transaction with
 * a signed marker saying where the chain now starts. The entries kept are always a whole suffix of the chain.
 */
async function archiveAccount(ctx: ServiceDeps, accountId: number): Promise<ArchiveResult> {
  const retention = ctx.config.auditRetentionMs;
  if (retention === undefined) throw unprocessable('audit retention is not configured on this server (AX_AUDIT_RETENTION_DAYS)');
  const repo = forAccount(ctx.store.db, accountId).auditLogs;
  const signer = signerOf(ctx);
  const marker = await repo.archiveMarker();
  const from = marker?.seq ?? 0;
  const cutoff = new Date(ctx.clock.now() - retention).toISOString();
  const head = await repo.head();
  const old = ((await repo.firstSeqFrom(cutoff, from)) ?? head.seq + 1) - 1;
  // Entries not yet delivered to every audit sink stay until they are.
  const through = Math.min(old, await streamedThrough(ctx, accountId));
  if (through <= from) return { archivedThroughSeq: from, entriesArchived: 0 };

  const lines: string[] = [];
  let prevHash = marker?.hash ?? GENESIS_HASH;
  lines.push(JSON.stringify({ type: 'header', encoding: 'ax-audit-v1', account_id: accountId, from_seq: from + 1, to_seq: through, prev_hash: prevHash }));
  for (let seq = from; seq < through;) {
    const rows = await repo.chainPage(seq, Math.min(PAGE, through - seq));
    if (rows.length === 0) throw unprocessable(`the audit chain is broken after seq ${seq}: run GET /v2/audit-logs/verify; nothing was archived`);
    for (const row of rows) {
      const hash = entryHash(prevHash, fieldsOf(row, accountId));
      if (row.chain_seq !== seq + 1 || hash !== row.chain_hash) {
        throw unprocessable(`the audit chain is broken at seq ${seq + 1}: run GET /v2/audit-logs/verify; nothing was archived`);
      }
      lines.push(JSON.stringify({ type: 'entry', id: row.id, ...fieldsOf(row, accountId), hash }));
      prevHash = hash;
      seq += 1;
    }
  }
  const signature = signer.sign(archiveMessage({ account_id: accountId, seq: through, hash: prevHash }));
  lines.push(JSON.stringify({ type: 'archive', account_id: accountId, seq: through, hash: prevHash, key_id: signer.keyId, public_key: signer.publicKeyBase64, signature }));

  const file = join(`account-${accountId}`, `${String(from + 1).padStart(12, '0')}-${String(through).padStart(12, '0')}.jsonl`);
  await writeDurably(join(ctx.config.auditArchiveDir, file), `${lines.join('\n')}\n`);
  const next: ArchiveMarker = { seq: through, hash: prevHash, key_id: signer.keyId, signature, file };
  const removed = await ctx.store.db.transaction().execute(async (trx) => {
    const store = forAccount(trx, accountId).auditLogs;
    await store.lockHead();
    // Another process archived meanwhile: its file holds the same entries, and its marker stands.
    if (((await store.archiveMarker())?.seq ?? 0) !== from) return 0;
    return store.removeArchived(next);
  });
  ctx.log.info({ account_id: accountId, through_seq: through, entries: removed, file }, 'audit entries archived');
  return { archivedThroughSeq: through, entriesArchived: removed, file };
}

/** Written whole or not at all: a temporary file, flushed, then renamed into place (0600, in a 0700 directory). */
async function writeDurably(path: string, text: string): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  const handle = await open(temporary, 'wx', 0o600);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, path);
}

/** `POST /v2/audit-logs/archive`: archives the account's entries older than the retention now (account admins). */
export async function archiveAuditLogs(ctx: ServiceDeps, principal: Principal): Promise<ArchiveResult> {
  if (principal.role !== 'ADMIN') throw forbidden('account admin required');
  return archiveAccount(ctx, principal.accountId);
}
