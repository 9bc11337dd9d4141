import { createHmac } from 'node:crypto';
import type { ServiceDeps } from './service-deps.js';
import { forAccount } from '../store/account-store.js';
import { accountsBehindStream, moveStreamCursor, takeStreamCursor } from '../store/repositories/audit-logs.js';
import type { Database } from '../store/schema.js';
import type { Kysely } from 'kysely';

/** Entries per delivery, and how long a sink may take to answer one. */
const BATCH = 100;
const TIMEOUT_MS = 10_000;
/** Retries of a failing sink: 1 s, doubling, at most a minute apart. */
const FIRST_RETRY_MS = 1000;
const LAST_RETRY_MS = 60_000;
/** The backstop poll: entries written without a change-feed message (or on another process) go within it. */
const POLL_MS = 1000;

/**
 * Streams every audit entry to the operator's webhook (AX_AUDIT_WEBHOOK_URL), at least once and in chain order per
 * account. The chain itself is the outbox: a cursor per account (in server_settings) says how far delivery got and
 * moves only after the sink answered 2xx, so an entry committed before a crash is delivered after the restart.
 * Each change kicks its account's delivery at once; a poll every second catches the rest. On PostgreSQL one process
 * at a time delivers an account (a row lock on its cursor, skipped by the others).
 */
export function startAuditStream(ctx: ServiceDeps): () => void {
  const sink = ctx.config.auditWebhook;
  if (sink === undefined) return () => undefined;
  const busy = new Set<number>();
  const retry = new Map<number, { at: number; delayMs: number }>();
  let stopped = false;

  const run = async (accountId: number) => {
    const waiting = retry.get(accountId);
    if (stopped || busy.has(accountId) || (waiting && waiting.at > Date.now())) return;
    busy.add(accountId);
    try {
      while (!stopped && await deliverBatch(ctx, sink, accountId)) { /* a full batch: more may wait */ }
      retry.delete(accountId);
    } catch (error) {
      const delayMs = Math.min(LAST_RETRY_MS, (waiting?.delayMs ?? FIRST_RETRY_MS / 2) * 2);
      retry.set(accountId, { at: Date.now() + delayMs, delayMs });
      ctx.log.warn({ account_id: accountId, retry_in_ms: delayMs, error: error instanceof Error ? error.message : String(error) }, 'audit stream delivery failed');
    } finally {
      busy.delete(accountId);
    }
  };
  ctx.changes.subscribe((change) => { void run(change.accountId); });
  const timer = setInterval(() => {
    void accountsBehindStream(ctx.store.db).then((ids) => Promise.all(ids.map(run)))
      .catch((error: unknown) => ctx.log.error({ err: error }, 'audit stream poll failed'));
  }, POLL_MS);
  timer.unref();
  return () => { stopped = true; clearInterval(timer); };
}

/** Delivers the account's next entries past its cursor; true when a whole batch went (there may be more). */
async function deliverBatch(ctx: ServiceDeps, sink: { url: string; secret: string }, accountId: number): Promise<boolean> {
  const deliver = async (db: Kysely<Database>): Promise<boolean> => {
    const cursor = await takeStreamCursor(db, accountId);
    if (cursor === undefined) return false;
    const rows = await forAccount(db, accountId).auditLogs.chainPage(cursor, BATCH);
    if (rows.length === 0) return false;
    const body = JSON.stringify({
      account_id: accountId,
      entries: rows.map((r) => ({
        id: r.id, seq: r.chain_seq, hash: r.chain_hash, created_at: r.created_at, user_id: r.user_id, ip: r.ip, operation_type: r.operation_type,
        operation_name: r.operation_name, operation_text: r.operation_text, variables: r.variables,
      })),
    });
    const res = await fetch(sink.url, {
      method: 'POST', body, signal: AbortSignal.timeout(TIMEOUT_MS),
      headers: {
        'content-type': 'application/json',
        'x-ax-signature': `sha256=${createHmac('sha256', sink.secret).update(body).digest('hex')}`,
        'x-ax-delivery': `${accountId}-${rows[0]!.chain_seq}-${rows.at(-1)!.chain_seq}`,
      },
    });
    await res.arrayBuffer();
    if (res.status < 200 || res.status > 299) throw new Error(`the audit webhook answered ${res.status}`);
    await moveStreamCursor(db, accountId, rows.at(-1)!.chain_seq!);
    return rows.length === BATCH;
  };
  // PostgreSQL: the cursor's row lock is held while the batch is posted, so no other process posts it meanwhile.
  return ctx.store.dialect === 'postgres' ? ctx.store.db.transaction().execute(deliver) : deliver(ctx.store.db);
}
