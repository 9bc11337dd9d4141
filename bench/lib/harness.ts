import { cpus } from 'node:os';

/**
 * Benchmark harness rules (bench-plan.md): subject and peer run in the same process, alternating A/B/A/B, the
 * first round is a warm-up and is discarded, and the median of the remaining rounds is reported with its
 * spread.
 */

export interface MachineInfo {
  cores: number;
  cpu: string;
  node: string;
}

/** One line of bench/results.json. */
export interface BenchRow {
  id: string;
  subject: string;
  peer: string;
  subject_value: number;
  /** null when the row has no peer (an absolute target). */
  peer_value: number | null;
  /** subject / peer as the target reads it; null without a peer. */
  ratio: number | null;
  target: string;
  /** null for rows that are printed for information only. */
  pass: boolean | null;
  unit: string;
  machine: MachineInfo;
  /** Data size and run settings. */
  data: string;
  /** (max − min) / median of the measured rounds, when there were several. */
  subject_spread?: number;
  peer_spread?: number;
}

export function machineInfo(): MachineInfo {
  const list = cpus();
  return { cores: list.length, cpu: list[0]?.model.trim() ?? 'unknown', node: process.version };
}

export interface Stats {
  median: number;
  min: number;
  max: number;
  /** (max − min) / median */
  spread: number;
  runs: number[];
}

function stats(runs: number[]): Stats {
  const sorted = [...runs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  const min = sorted[0]!;
  const max = sorted.at(-1)!;
  return { median, min, max, spread: median === 0 ? 0 : (max - min) / median, runs };
}

/**
 * Runs every contender once per round, in the given order (A, B, A, B, …), for `warmup + rounds` rounds, and
 * reports the median of the measured rounds. Each contender returns its own measurement of one run.
 */
export async function alternate<K extends string>(
  contenders: Record<K, () => number | Promise<number>>, rounds: number, warmup = 1,
): Promise<Record<K, Stats>> {
  const names = Object.keys(contenders) as K[];
  const runs = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<K, number[]>;
  for (let round = 0; round < warmup + rounds; round++) {
    for (const name of names) {
      const value = await contenders[name]();
      if (round >= warmup) runs[name].push(value);
    }
  }
  return Object.fromEntries(names.map((n) => [n, stats(runs[n])])) as Record<K, Stats>;
}

/** Counts truthy results so that no engine can drop a measured call as unused. */
const consumed = { count: 0 };

/**
 * Operations per second of `op(i)` over i = 0, 1, 2, … (the caller wraps i onto its query set), run for about
 * `budgetMs`. The clock is read once per batch; batches grow until one takes ≥ 1 ms, so the timer's cost
 * stays out of fast operations and slow ones still stop on time.
 */
export function rate(op: (i: number) => unknown, budgetMs: number): number {
  let done = 0;
  let batch = 1;
  let sink = 0;
  const start = process.hrtime.bigint();
  const budget = BigInt(Math.round(budgetMs * 1e6));
  for (;;) {
    const t0 = process.hrtime.bigint();
    for (let k = 0; k < batch; k++) if (op(done + k)) sink++;
    done += batch;
    const now = process.hrtime.bigint();
    if (now - start >= budget) break;
    if (now - t0 < 1_000_000n) batch *= 2;
  }
  consumed.count += sink;
  return done / (Number(process.hrtime.bigint() - start) / 1e9);
}

/** Like `rate`, for an asynchronous operation awaited one at a time. */
export async function rateAsync(op: (i: number) => Promise<unknown>, budgetMs: number): Promise<number> {
  let done = 0;
  const start = process.hrtime.bigint();
  const budget = BigInt(Math.round(budgetMs * 1e6));
  while (process.hrtime.bigint() - start < budget) await op(done++);
  return done / (Number(process.hrtime.bigint() - start) / 1e9);
}

/** Latency of each of `samples` single calls `op(i)`, in microseconds (includes the timer's ~0.05 µs). */
export function latenciesMicros(op: (i: number) => unknown, samples: number): number[] {
  const out = new Array<number>(samples);
  for (let i = 0; i < samples; i++) {
    const t0 = process.hrtime.bigint();
    op(i);
    out[i] = Number(process.hrtime.bigint() - t0) / 1e3;
  }
  return out;
}

/** The p-th percentile (0–100) by nearest rank. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** Wall time of one run of `fn`, in milliseconds. */
export async function timeMs(fn: () => unknown): Promise<number> {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}
