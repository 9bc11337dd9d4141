import type { Enforcer } from 'casbin';
import { check, type AccessSnapshot, type WorldInput } from '../../src/access/index.js';
import { alternate, latenciesMicros, percentile, rate, rateAsync, type BenchRow, type MachineInfo, type Stats } from '../lib/harness.js';
import { agreement, bindingsOnlyQueries, type Agreement } from './peer-agreement.js';
import { CaslAbilities } from './peer-casl.js';
import { casbinRequest } from './peer-casbin.js';
import { TwoMapIndex } from './peer-two-map.js';
import type { Query } from './queries.js';

const BUDGET_MS = 100;
const ROUNDS = 5;
/** casbin's async enforce runs below 1k/s: its agreement is checked on the first queries of the subset only. */
const ASYNC_AGREEMENT_QUERIES = 500;
const PEER_ANSWERS = 'bindings only';

/**
 * B1: `check()` throughput and p99 beside a raw two-Map index, node-casbin (sync and async; `casbin` is an
 * enforcer holding the world's role bindings, RBAC with domains, as peer-casbin.ts builds it) and CASL. The peers
 * answer a smaller question (role bindings only), so each row also carries an agreement check: on the queries
 * whose answer follows from bindings alone (peer-agreement.ts), the peer and `check()` must give the same
 * allow/deny, or the row fails whatever its speed.
 */
export async function benchCheck(
  world: WorldInput, snapshot: AccessSnapshot, queries: Query[], casbin: Enforcer, machine: MachineInfo, data: string,
): Promise<BenchRow[]> {
  const n = queries.length;
  const twoMap = new TwoMapIndex(world);
  const requests = queries.map((q) => casbinRequest(snapshot, q));
  const casl = new CaslAbilities(world, queries);
  const subject = (i: number) => {
    const q = queries[i % n]!;
    return check(snapshot, q.userId, q.permission, q.resource);
  };
  const subset = bindingsOnlyQueries(world, queries);
  const agreements = {
    twoMap: agreement(subset, subject, (i) => twoMap.check(queries[i]!)),
    casbinSync: agreement(subset, subject, (i) => casbin.enforceSync(...requests[i]!)),
    casbinAsync: await agreementAsync(subset.slice(0, ASYNC_AGREEMENT_QUERIES), subject, (i) => casbin.enforce(...requests[i]!)),
    casl: agreement(subset, subject, (i) => casl.can(queries[i]!, i)),
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
  const row = (
    id: string, subjectStats: Stats, peer: string, peerStats: Stats, agreed: Agreement, target: string, min: number | null,
  ): BenchRow => {
    const ratio = subjectStats.median / peerStats.median;
    return {
      id, subject: 'check()', peer, subject_value: subjectStats.median, peer_value: peerStats.median, ratio,
      target: `${target}; agrees with the peer`, pass: min === null ? agreed.disagreements === 0 : ratio >= min && agreed.disagreements === 0,
      unit: 'checks/s', machine, data: `${mix}; ${describeAgreement(agreed, subset.length, queries)}`,
      subject_spread: subjectStats.spread, peer_spread: peerStats.spread,
    };
  };
  const { check: alone } = ceiling;
  const { check: beside } = libraries;
  return [
    row('B1a', alone, `raw two-Map index (${PEER_ANSWERS})`, ceiling.twoMap, agreements.twoMap, '≥ 0.25× ceiling', 0.25),
    row('B1b', beside, `node-casbin enforceSync, RBAC with domains (${PEER_ANSWERS})`, libraries.casbinSync, agreements.casbinSync, '≥ 200× casbin-sync', 200),
    row('B1b-async', beside, `node-casbin enforce, async (${PEER_ANSWERS})`, libraries.casbinAsync, agreements.casbinAsync, 'printed', null),
    row('B1c', beside, `CASL prebuilt ability can() (${PEER_ANSWERS})`, libraries.casl, agreements.casl, '≥ 4× CASL', 4),
    {
      id: 'B1-p99', subject: 'check() p99', peer: 'raw two-Map index p99', subject_value: p99, peer_value: p99TwoMap,
      ratio: p99 / p99TwoMap, target: 'p99 < 20 µs', pass: p99 < 20, unit: 'µs', machine,
      data: `${data}; B1's ${n} queries, ${8 * n} single calls timed with hrtime after ${4 * n} warm-up calls`,
    },
  ];
}

async function agreementAsync(
  subset: readonly number[], subject: (i: number) => boolean, peer: (i: number) => Promise<boolean>,
): Promise<Agreement> {
  const answers = new Map<number, boolean>();
  for (const i of subset) answers.set(i, await peer(i));
  return agreement(subset, subject, (i) => answers.get(i)!);
}

function describeAgreement(a: Agreement, subsetSize: number, queries: readonly Query[]): string {
  const verdict = a.disagreements === 0
    ? 'the peer and check() agree on all of them'
    : `DISAGREEMENT on ${a.disagreements} of them (first: ${JSON.stringify(queries[a.firstDisagreement!])})`;
  const which = a.compared === subsetSize ? 'all' : `the first ${a.compared} of`;
  return `the peer answers from role bindings only (a SPACE binding covers the space and its projects, a PROJECT `
    + `binding its project; a custom role without account-level permissions; no organizations, account roles, `
    + `memberships, restrictions or user status), so it was checked against check() on ${which} the ${subsetSize} `
    + `queries where bindings alone decide (SPACE or PROJECT queries of active non-ADMIN users with no membership on `
    + `the resource's organization or space, unrestricted projects; ${a.allowed} allowed, ${a.compared - a.allowed} `
    + `denied): ${verdict}`;
}
