import type { ServiceDeps } from './service-deps.js';
import { jsonlFileSink } from './audit-sinks/jsonl-file.js';
import type { AuditSink } from './audit-sinks/sink.js';
import { syslogSink } from './audit-sinks/syslog.js';
import { webhookSink } from './audit-sinks/webhook.js';
import { forAccount } from '../store/account-store.js';
import { accountsBehindStream, type AuditSinkName, moveStreamCursor, streamCursor, takeStreamCursor } from '../store/repositories/audit-logs.js';
import type { Database } from '../store/schema.js';
import type { Kysely } from 'kysely';

/** Entries per delivery. */
const BATCH = 100;
/** Retries of a failing sink: 1 s, doubling, at most a minute apart. */
const FIRST_RETRY_MS = 1000;
const LAST_RETRY_MS = 60_000;
/** The backstop poll: entries written without a change-feed message (or on another process) go within it. */
const POLL_MS = 1000;

/** The sinks the operator configured: AX_AUDIT_WEBHOOK_URL, AX_AUDIT_FILE, AX_AUDIT_SYSLOG (docs/audit.md). */
function configuredSinkNames(config: ServiceDeps['config']): AuditSinkName[] {
  return [
    ...(config.auditWebhook ? ['webhook' as const] : []),
    ...(config.auditFile ? ['file' as const] : []),
    ...(config.auditSyslog ? ['syslog' as const] : []),
  ];
}

function openSink(name: AuditSinkName, config: ServiceDeps['config']): AuditSink {
  if (name === 'webhook') return webhookSink(config.auditWebhook!);
  if (name === 'file') return jsonlFileSink(config.auditFile!);
  return syslogSink(config.auditSyslog!);
}

/**
 * Streams every audit entry to each configured sink, at least once and in chain order per account. The chain itself
 * is the outbox: a cursor per sink and account (in server_settings) says how far delivery got and moves only after
 * the sink took the batch, so an entry committed before a crash is delivered after the restart, and a sink that is
 * down holds back no other. Each change kicks its account's delivery at once (a kick during a delivery runs another
 * pass after it); the backlog is read at start, and a poll every second catches the rest (other processes' entries, retries).
 * On PostgreSQL one process at a time delivers an account to a sink (a row lock on its cursor, skipped by the others).
 */
export function startAuditStream(ctx: ServiceDeps): () => void {
  const stops = configuredSinkNames(ctx.config).map((name) => streamTo(ctx, openSink(name, ctx.config)));
  return () => { for (const stop of stops) stop(); };
}

/**
 * The place up to which every configured sink has the account's entries (Infinity with no sink): retention never
 * archives an entry a sink has not taken.
 */
export async function streamedThrough(ctx: ServiceDeps, accountId: number): Promise<number> {
  const cursors = await Promise.all(configuredSinkNames(ctx.config).map((name) => streamCursor(ctx.store.db, accountId, name)));
  return Math.min(Infinity, ...cursors);
}

function streamTo(ctx: ServiceDeps, sink: AuditSink): () => void {
  const busy = new Set<number>();
  /** Accounts kicked while a delivery of theirs was under way: their entries since may have missed its reads. */
  const kickedWhileBusy = new Set<number>();
  const retry = new Map<number, { at: number; delayMs: number }>();
  let stopped = false;

  const run = async (accountId: number) => {
    const waiting = retry.get(accountId);
    if (stopped || (waiting && waiting.at > ctx.clock.now())) return;
    if (busy.has(accountId)) {
      kickedWhileBusy.add(accountId);
      return;
    }
    busy.add(accountId);
    try {
      do {
        kickedWhileBusy.delete(accountId);
        while (!stopped && await deliverBatch(ctx, sink, accountId)) { /* a full batch: more may wait */ }
      } while (!stopped && kickedWhileBusy.has(accountId));
      retry.delete(accountId);
    } catch (error) {
      // A kick that came after the failure waits for the retry time like any other.
      kickedWhileBusy.delete(accountId);
      const delayMs = Math.min(LAST_RETRY_MS, (waiting?.delayMs ?? FIRST_RETRY_MS / 2) * 2);
      retry.set(accountId, { at: ctx.clock.now() + delayMs, delayMs });
      ctx.log.warn({ sink: sink.name, account_id: accountId, retry_in_ms: delayMs, error: error instanceof Error ? error.message : String(error) }, 'audit stream delivery failed');
    } finally {
      busy.delete(accountId);
    }
  };
  const poll = () => {
    void accountsBehindStream(ctx.store.db, sink.name).then((ids) => Promise.all(ids.map(run)))
      .catch((error: unknown) => {
        // A server closed while its first poll was reading has closed the database under it: nothing failed.
        if (!stopped) ctx.log.error({ err: error, sink: sink.name }, 'audit stream poll failed');
      });
  };
  ctx.changes.subscribe((change) => { void run(change.accountId); });
  // What was committed and not delivered before this start (a crash, a sink that was down) goes now, not a poll later.
  poll();
  const timer = setInterval(poll, POLL_MS);
  timer.unref();
  return () => {
    stopped = true;
    clearInterval(timer);
    sink.close();
  };
}

/** Delivers the account's next entries past the sink's cursor; true when a whole batch went (there may be more). */
async function deliverBatch(ctx: ServiceDeps, sink: AuditSink, accountId: number): Promise<boolean> {
  const deliver = async (db: Kysely<Database>): Promise<boolean> => {
    const cursor = await takeStreamCursor(db, accountId, sink.name);
    if (cursor === undefined) return false;
    const rows = await forAccount(db, accountId).auditLogs.chainPage(cursor, BATCH);
    if (rows.length === 0) return false;
    await sink.deliver(accountId, rows);
    await moveStreamCursor(db, accountId, rows.at(-1)!.chain_seq!, sink.name);
    return rows.length === BATCH;
  };
  // PostgreSQL: the cursor's row lock is held while the batch is delivered, so no other process delivers it meanwhile.
  return ctx.store.dialect === 'postgres' ? ctx.store.db.transaction().execute(deliver) : deliver(ctx.store.db);
}
