import { check, type AccessSnapshot, type WorldInput } from '../../src/access/index.js';
import { alternate, latenciesMicros, percentile, rate, rateAsync, type BenchRow, type MachineInfo, type Stats } from '../lib/harness.js';
import { CaslAbilities } from './peer-casl.js';
import { casbinFromWorld, casbinRequest } from './peer-casbin.js';
import { TwoMapIndex } from './peer-two-map.js';
import type { Query } from './queries.js';

const BUDGET_MS = 150;
const ROUNDS = 5;

/** B1: `check()` throughput and p99 beside a raw two-Map index, node-casbin (sync and async) and CASL. */
export async function benchCheck(world: WorldInput, snapshot: AccessSnapshot, queries: Query[], machine: MachineInfo, data: string): Promise<BenchRow[]> {
  const n = queries.length;
  const twoMap = new TwoMapIndex(world);
  const casbin = await casbinFromWorld(world);
  const requests = queries.map((q) => casbinRequest(snapshot, q));
  const casl = new CaslAbilities(world, queries);
  const subject = (i: number) => {
    const q = queries[i % n]!;
    return check(snapshot, q.userId, q.permission, q.resource);
  };

  // Two sessions: the allocating peers (casbin, CASL) leave garbage that the next contender pays for, which
  // must not skew the comparison with the allocation-free ceiling.
  const ceiling = await alternate({
    check: () => rate(subject, BUDGET_MS),
    twoMap: () => rate((i) => twoMap.check(queries[i % n]!), BUDGET_MS),
  }, ROUNDS);
  const libraries = await alternate({
    check: () => rate(subject, BUDGET_MS),
    casbinSync: () => rate((i) => casbin.enforceSync(...requests[i % n]!), BUDGET_MS),
    casbinAsync: () => rateAsync((i) => casbin.enforce(...requests[i % n]!), BUDGET_MS),
    casl: () => rate((i) => casl.can(queries[i % n]!, i % n), BUDGET_MS),
  }, ROUNDS);

  latenciesMicros(subject, 4 * n);
  const p99 = percentile(latenciesMicros(subject, 8 * n), 99);
  latenciesMicros((i) => twoMap.check(queries[i % n]!), 4 * n);
  const p99TwoMap = percentile(latenciesMicros((i) => twoMap.check(queries[i % n]!), 8 * n), 99);
  const allowed = queries.filter((q) => check(snapshot, q.userId, q.permission, q.resource)).length / n;
  const mix = `${data}; ${n} mixed queries, ${Math.round(allowed * 100)} % allowed; ${ROUNDS} rounds of ${BUDGET_MS} ms after a warm-up`;
  const row = (id: string, subjectStats: Stats, peer: string, peerStats: Stats, target: string, min: number | null): BenchRow => {
    const ratio = subjectStats.median / peerStats.median;
    return {
      id, subject: 'check()', peer, subject_value: subjectStats.median, peer_value: peerStats.median, ratio, target,
      pass: min === null ? null : ratio >= min, unit: 'checks/s', machine, data: mix,
      subject_spread: subjectStats.spread, peer_spread: peerStats.spread,
    };
  };
  const { check: alone } = ceiling;
  const { check: beside } = libraries;
  return [
    row('B1a', alone, 'raw two-Map index (bindings only)', ceiling.twoMap, '≥ 0.25× ceiling', 0.25),
    row('B1b', beside, 'node-casbin enforceSync, RBAC with domains', libraries.casbinSync, '≥ 200× casbin-sync', 200),
    row('B1b-async', beside, 'node-casbin enforce (async)', libraries.casbinAsync, 'printed', null),
    row('B1c', beside, 'CASL prebuilt ability can()', libraries.casl, '≥ 4× CASL', 4),
    {
      id: 'B1-p99', subject: 'check() p99', peer: 'raw two-Map index p99', subject_value: p99, peer_value: p99TwoMap,
      ratio: p99 / p99TwoMap, target: 'p99 < 20 µs', pass: p99 < 20, unit: 'µs', machine,
      data: `${data}; ${8 * n} single calls timed with hrtime after ${4 * n} warm-up calls`,
    },
  ];
}
