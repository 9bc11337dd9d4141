import type { ServiceDeps } from './service-deps.js';

/**
 * Runs `task` every `intervalMs` in this process (a sweeper, a pruner, the audit checkpoints), on a timer that never
 * holds the process open; a failed run is logged as `failure` at `level` and the next one runs as planned. Answers
 * the function that stops it.
 *
 * @example
 * const stop = startPeriodicTask(ctx, 30_000, () => sweepExpiredGrants(ctx), 'sweeping expired grants failed');
 */
export function startPeriodicTask(
  ctx: Pick<ServiceDeps, 'log'>, intervalMs: number, task: () => Promise<unknown>, failure: string, level: 'warn' | 'error' = 'warn',
): () => void {
  const timer = setInterval(() => {
    task().catch((error: unknown) => ctx.log[level]({ err: error }, failure));
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
