import { setImmediate as nextTurn } from 'node:timers/promises';
import { AUTHENTICATION_FAILURE_WINDOW_MS } from '../domain/authentication-failure-window.js';
import { accountIdsForFailures, deleteAuthenticationFailuresBefore } from '../store/authentication-failures.js';
import { startPeriodicTask } from './periodic-task.js';
import type { ServiceDeps } from './service-deps.js';

/**
 * Rows deleted per statement. SQLite's statements hold the event loop (better-sqlite3 is synchronous): a batch of
 * 1,000 took 1.5 ms (8 ms at most, 5,000 took 7–20 ms) on a table of 1M rows, 2 cores; requests are answered between
 * batches.
 */
const BATCH = 1000;

/** How often each process prunes. */
const PRUNE_INTERVAL_MS = 10 * 60_000;

/**
 * Deletes the failed authentications older than the retention (AX_AUTH_FAILURE_RETENTION_DAYS): every row whose
 * 10-minute window ended before the cutoff, so a row is never cut while it may still count. An attack from many
 * addresses adds a row per address, reason and operation every 10 minutes; without this the table grew for ever.
 * Idempotent, so every process runs it on its own. Answers how many rows went.
 */
export async function pruneAuthenticationFailures(ctx: ServiceDeps): Promise<number> {
  const before = new Date(ctx.clock.now() - ctx.config.authFailureRetentionMs - AUTHENTICATION_FAILURE_WINDOW_MS).toISOString();
  let removed = 0;
  for (const accountId of [null, ...await accountIdsForFailures(ctx.store.db)]) {
    for (;;) {
      const deleted = await deleteAuthenticationFailuresBefore(ctx.store.db, accountId, before, BATCH);
      removed += deleted;
      if (deleted < BATCH) break;
      await nextTurn();
    }
  }
  if (removed > 0) ctx.log.info({ removed, before }, 'failed authentications past their retention deleted');
  return removed;
}

/** Starts the process's pruning of old failed authentications; the returned function stops it. */
export function startAuthenticationFailurePruning(ctx: ServiceDeps): () => void {
  return startPeriodicTask(ctx, PRUNE_INTERVAL_MS, () => pruneAuthenticationFailures(ctx), 'pruning failed authentications failed');
}
