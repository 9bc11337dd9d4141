import type { BenchRow, MachineInfo } from '../lib/harness.js';

/** One metric's figures at each account size, smallest first. */
export interface GrowthMetric {
  key: string;
  what: string;
  unit: string;
  values: number[];
  /**
   * The target on the growth per 10× of data, checked on every step between two neighbouring sizes (an average from
   * the smallest would let a flat first step hide a steep last one); undefined: printed for information.
   */
  maxGrowthPer10x?: number;
  /** The target on the whole growth from the smallest to the largest size, checked at the largest only. */
  maxTotalGrowth?: number;
}

/** How much a figure grows per 10× of data, when `dataRatio` times the data made it `ratio` times larger. */
export function growthPer10x(ratio: number, dataRatio: number): number {
  return ratio ** (1 / Math.log10(dataRatio));
}

/**
 * B12's rows: each size above the smallest beside the smallest as its peer; the ratio is the whole growth, and the
 * subject names the growth per 10× of data from the smallest size and on the last step (from the next smaller size).
 * A per-10× target holds at a size when every step up to it meets it.
 */
export function growthRows(metrics: GrowthMetric[], users: number[], machine: MachineInfo, data: string): BenchRow[] {
  const label = (n: number) => (n >= 1000 ? `${n / 1000}k` : `${n}`);
  const rows: BenchRow[] = [];
  for (const m of metrics) {
    /** steps[j]: the growth per 10× from size j to size j + 1. */
    const steps = users.slice(1).map((n, j) => growthPer10x(m.values[j + 1]! / m.values[j]!, n / users[j]!));
    for (let i = 1; i < users.length; i++) {
      const ratio = m.values[i]! / m.values[0]!;
      const per10x = growthPer10x(ratio, users[i]! / users[0]!);
      const largest = i === users.length - 1;
      const targets: string[] = [];
      const passes: boolean[] = [];
      if (m.maxGrowthPer10x !== undefined) {
        targets.push(`≤ ${m.maxGrowthPer10x}× per 10× of data on every step`);
        passes.push(Math.max(...steps.slice(0, i)) <= m.maxGrowthPer10x);
      }
      if (m.maxTotalGrowth !== undefined && largest) {
        targets.push(`≤ ${m.maxTotalGrowth}× from ${label(users[0]!)} to ${label(users[i]!)} users`);
        passes.push(ratio <= m.maxTotalGrowth);
      }
      rows.push({
        id: `B12-${m.key}-${label(users[i]!)}`,
        subject: `${m.what} at ${label(users[i]!)} users (${per10x.toFixed(2)}× per 10× of data from ${label(users[0]!)}`
          + `${i > 1 ? `, ${steps[i - 1]!.toFixed(2)}× from ${label(users[i - 1]!)}` : ''})`,
        peer: `the same at ${label(users[0]!)} users`,
        subject_value: m.values[i]!, peer_value: m.values[0]!, ratio,
        target: targets.length > 0 ? targets.join('; ') : 'information',
        pass: passes.length > 0 ? passes.every(Boolean) : null,
        unit: m.unit, machine, data,
      });
    }
  }
  return rows;
}
