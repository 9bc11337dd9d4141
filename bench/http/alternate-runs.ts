import { alternate, type Stats } from '../lib/harness.js';
import { HTTP_ROUNDS, HTTP_SECONDS, WARMUP_SECONDS } from './settings.js';

/** One measured run of a contender, `seconds` long; it returns its own figure (req/s, p99 µs, …). */
export type TimedRun = (seconds: number) => Promise<number>;

/**
 * A warm-up run of every contender (WARMUP_SECONDS, discarded: JIT, connection pools and caches warm), then
 * HTTP_ROUNDS rounds of HTTP_SECONDS runs in the given order, A/B/A/B; the stats of the measured rounds.
 */
export async function alternateRuns<K extends string>(contenders: Record<K, TimedRun>): Promise<Record<K, Stats>> {
  const names = Object.keys(contenders) as K[];
  for (const name of names) await contenders[name](WARMUP_SECONDS);
  const measured = Object.fromEntries(names.map((name) => [name, () => contenders[name](HTTP_SECONDS)])) as Record<K, () => Promise<number>>;
  return alternate(measured, HTTP_ROUNDS, 0);
}
