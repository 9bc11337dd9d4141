import { check, explain, type AccessSnapshot } from '../../src/access/index.js';
import { alternate, rate, type BenchRow, type MachineInfo } from '../lib/harness.js';
import type { Query } from './queries.js';

const BUDGET_MS = 100;
const ROUNDS = 5;

/** B2: `explain()` (the grants behind a decision, with their texts) against `check()` on B1's queries. */
export async function benchExplain(snapshot: AccessSnapshot, queries: Query[], machine: MachineInfo, data: string): Promise<BenchRow[]> {
  const n = queries.length;
  const r = await alternate({
    check: () => rate((i) => {
      const q = queries[i % n]!;
      return check(snapshot, q.userId, q.permission, q.resource);
    }, BUDGET_MS),
    explain: () => rate((i) => {
      const q = queries[i % n]!;
      return explain(snapshot, q.userId, q.permission, q.resource);
    }, BUDGET_MS),
  }, ROUNDS);
  const ratio = r.explain.median / r.check.median;
  return [{
    id: 'B2', subject: 'explain()', peer: 'check()', subject_value: r.explain.median, peer_value: r.check.median, ratio,
    target: '≥ 0.10× check()', pass: ratio >= 0.1, unit: 'ops/s', machine,
    data: `${data}; B1's ${n} queries; ${ROUNDS} rounds of ${BUDGET_MS} ms after a warm-up`,
    subject_spread: r.explain.spread, peer_spread: r.check.spread,
  }];
}
