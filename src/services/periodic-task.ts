import type { ServiceDeps } from './service-deps.js';

/**
 * Runs `task` every `intervalMs` in this process (a sweeper, a pruner, the audit checkpoints), on a timer that never
 * holds the process open. A run still going when the next is due is not joined by a second one (that tick is
 * skipped: the tasks walk the database, and two at once would do the same work twice); a failed run is logged as
 * `failure` at `level` and the next one runs as planned. Answers the function that stops it.
 *
 * @example
 * const stop = startPeriodicTask(ctx, 30_000, () => sweepExpiredGrants(ctx), 'sweeping expired grants failed');
 */
export function startPeriodicTask(
  ctx: Pick<ServiceDeps, 'log'>, intervalMs: number, task: () => Promise<unknown>, failure: string, level: 'warn' | 'error' = 'warn',
): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    task().catch((error: unknown) => ctx.log[level]({ err: error }, failure)).finally(() => {
      running = false;
    });
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
