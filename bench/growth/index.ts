import { dirname } from 'node:path';
import { AccessSnapshot, check } from '../../src/access/index.js';
import { loadAccessState } from '../../src/services/access-loader.js';
import { openStore, type Store } from '../../src/store/database.js';
import { WARM_GETS, type Account } from '../accounts/account.js';
import { mixedQueries } from '../access/queries.js';
import { alternate, latenciesMicros, percentile, type BenchRow, type MachineInfo } from '../lib/harness.js';
import { BENCH_WORLD } from '../lib/seed-world.js';
import { growthRows } from './growth-rows.js';
import { snapshotBuildsInOwnProcess } from './snapshot-builds-process.js';
import { memberSpaceRequest } from '../http/b5-get-space.js';
import { timedRequestsMicros } from '../lib/timed-requests.js';

/** Users per account (bindings 10 per user, API keys 1 per 5 users: accounts/account.ts); `--small` stops at 10k. */
export function growthUsers(small: boolean): number[] {
  return small ? [1_000, 10_000] : [1_000, 10_000, 100_000];
}
const BUILD_ROUNDS = 9;
const GET_ROUNDS = 5;
const GETS_PER_ROUND = 400;
const CHECK_PASSES = 5;

/**
 * B12, cost growth: accounts of 1k, 10k and 100k users (10k, 100k and 1M role bindings; 10 orgs, 1k spaces, 10k
 * projects at every size) side by side, each its own real server (dist/, SQLite), seeded, warmed and RSS-read by
 * accounts/index.ts (smallest first here). Per size: the server's snapshot rebuild (AccessCache: loadAccessState
 * through Store.bulkRead and AccessSnapshot.build) from the server's database, in a process of its own that holds what
 * a server holds (snapshot-builds-process.ts; sizes alternating), with the page faults it takes, the server's RSS,
 * check() p99 over the built snapshot (B1's query mix), and `GET /v2/spaces/{id}` p50/p99 with a MEMBER's key (one
 * request at a time, sizes alternating by round).
 */
export async function growthBenches(accounts: Account[], machine: MachineInfo, started: number): Promise<BenchRow[]> {
  const stores = new Map(accounts.map((a) => [a.users, openStore({ dataDir: dirname(a.server.sqliteFile!) })]));
  try {
    return await measure(accounts, stores, machine, started);
  } finally {
    for (const store of stores.values()) await store.close();
  }
}

async function measure(accounts: Account[], stores: Map<number, Store>, machine: MachineInfo, started: number): Promise<BenchRow[]> {
  const p99s = accounts.map(() => [] as number[]);
  const gets = await alternate(Object.fromEntries(accounts.map((a, i) => [a.users, async () => {
    const lat = await timedRequestsMicros(memberSpaceRequest(a.server), GETS_PER_ROUND);
    p99s[i]!.push(percentile(lat, 99));
    return percentile(lat, 50);
  }])), GET_ROUNDS);
  const medianOf = (xs: number[]) => percentile(xs, 50);

  const { builds, faults } = await snapshotBuildsInOwnProcess({
    accounts: accounts.map((a) => ({ key: String(a.users), dataDir: dirname(a.server.sqliteFile!), accountId: a.world.accountId, bindings: a.world.roleBindings.length })),
    rounds: BUILD_ROUNDS,
  });
  // check()'s snapshots, built here (untimed) as the server loads them: through bulkRead, the bindings as columns.
  const snapshots = new Map<number, AccessSnapshot>();
  for (const a of accounts) {
    const store = stores.get(a.users)!;
    snapshots.set(a.users, AccessSnapshot.build((await store.bulkRead(() => loadAccessState(store.db, a.world.accountId))).world));
  }

  const checkP99 = accounts.map((a) => {
    const snapshot = snapshots.get(a.users)!;
    const queries = mixedQueries(a.world);
    const q = (k: number) => queries[k % queries.length]!;
    latenciesMicros((k) => check(snapshot, q(k).userId, q(k).permission, q(k).resource), queries.length);
    return percentile(latenciesMicros((k) => check(snapshot, q(k).userId, q(k).permission, q(k).resource), queries.length * CHECK_PASSES), 99);
  });

  const n = accounts.map((a) => a.users);
  const data = `accounts of ${n.map((u) => u.toLocaleString('en-US')).join(' / ')} users with 10 role bindings and 0.2 API keys per user, `
    + `${BENCH_WORLD.organizations} orgs, ${BENCH_WORLD.spaces.toLocaleString('en-US')} spaces, `
    + `${(BENCH_WORLD.spaces * BENCH_WORLD.projectsPerSpace).toLocaleString('en-US')} projects each; SQLite; seeded in `
    + `${accounts.map((a) => a.seedSeconds.toFixed(1)).join(' / ')} s (bindings in bulk); first MEMBER GET (server's snapshot load) `
    + `${accounts.map((a) => Math.round(a.firstRequestMs)).join(' / ')} ms; build: AccessCache's rebuild in a process of its own, median of ${BUILD_ROUNDS} rounds after a warm-up; `
    + `GET: ${GET_ROUNDS} rounds × ${GETS_PER_ROUND} sequential requests on one kept-alive connection after ${WARM_GETS} warm-up ones, `
    + `median of the rounds' p50 (min–max ${accounts.map((a) => `${Math.round(gets[a.users]!.min)}–${Math.round(gets[a.users]!.max)}`).join(' / ')} µs) `
    + `and of their p99; check(): p99 of ${CHECK_PASSES} passes over B1's 4,096-query mix; RSS from /proc/<pid>/status after forced full GCs and 32 s of quiet `
    + `(${accounts.map((a) => a.rss.now.toFixed(0)).join(' / ')} MB before); `
    + `group took ${Math.round((Date.now() - started) / 1000)} s`;
  return growthRows([
    { key: 'build', what: 'snapshot rebuild (loadAccessState + AccessSnapshot.build)', unit: 'ms', values: accounts.map((a) => builds[String(a.users)]!.median), maxGrowthPer10x: 10 },
    { key: 'build-faults', what: 'minor page faults of a snapshot rebuild (median)', unit: 'faults', values: accounts.map((a) => faults[String(a.users)]!) },
    { key: 'rss', what: 'server RSS with the snapshot loaded', unit: 'MB', values: accounts.map((a) => a.rss.collected) },
    { key: 'check-p99', what: 'check() p99', unit: 'µs', values: checkP99 },
    { key: 'get-p50', what: 'GET /v2/spaces/{id} p50, MEMBER key', unit: 'µs', values: accounts.map((a) => gets[a.users]!.median), maxTotalGrowth: 1.5 },
    { key: 'get-p99', what: 'GET /v2/spaces/{id} p99, MEMBER key', unit: 'µs', values: p99s.map(medianOf) },
  ], n, machine, data);
}
