import { dirname } from 'node:path';
import { AccessSnapshot, check } from '../../src/access/index.js';
import { encodeId } from '../../src/domain/ids.js';
import { loadAccessState } from '../../src/services/access-loader.js';
import { openStore, type Store } from '../../src/store/database.js';
import { mixedQueries } from '../access/queries.js';
import { alternate, latenciesMicros, machineInfo, percentile, timeMs, type BenchRow } from '../lib/harness.js';
import { BENCH_WORLD } from '../lib/seed-world.js';
import { warmAccessSnapshot } from '../memory/access-warm-up.js';
import { startBulkSeededServer, type BulkSeededServer } from '../memory/bulk-seeded-server.js';
import { remoteGc, type RemoteGc } from '../memory/remote-gc.js';
import { residentBeforeAndAfterGc } from '../memory/resident-memory.js';
import { growthRows } from './growth-rows.js';
import { sequentialGetMicros } from './sequential-get.js';

/** Users per account (bindings 10 per user, API keys 1 per 5 users); `--small` stops at 10k. */
const FULL_USERS = [1_000, 10_000, 100_000];
const SMALL_USERS = [1_000, 10_000];
const BUILD_ROUNDS = 2;
const GET_ROUNDS = 5;
const GETS_PER_ROUND = 400;
const WARM_GETS = 200;
const CHECK_PASSES = 5;

interface Account extends BulkSeededServer {
  users: number;
  store: Store;
  firstRequestMs: number;
}

/**
 * B12, cost growth: accounts of 1k, 10k and 100k users (10k, 100k and 1M role bindings; 10 orgs, 1k spaces, 10k
 * projects at every size) side by side, each its own real server (dist/, SQLite). Per size: loadAccessState +
 * AccessSnapshot.build from the server's database (in this process, sizes alternating), the server's RSS after forced
 * full GCs and a quiet spell, check() p99 over the built snapshot (B1's query mix), and `GET /v2/spaces/{id}` p50/p99
 * with a MEMBER's key (one request at a time, sizes alternating by round). `BENCH_ONLY=growth npm run bench` runs it
 * alone; `--small` on 1k and 10k users.
 */
export async function runGrowthBenches(): Promise<BenchRow[]> {
  const users = process.argv.includes('--small') ? SMALL_USERS : FULL_USERS;
  const started = Date.now();
  const accounts: Account[] = [];
  const gc = await remoteGc();
  try {
    for (const n of users) {
      const seeded = await startBulkSeededServer({ sizes: { ...BENCH_WORLD, users: n, bindings: n * 10 }, extraKeys: n / 5, env: gc.env });
      const store = openStore({ dataDir: dirname(seeded.server.sqliteFile!) });
      const account = { ...seeded, users: n, store, firstRequestMs: 0 };
      accounts.push(account);
      account.firstRequestMs = await warmAccessSnapshot(seeded.server);
    }
    return await measure(accounts, gc, started);
  } finally {
    for (const a of accounts) {
      await a.store.close();
      await a.server.stop();
    }
    await gc.remove();
  }
}

async function measure(accounts: Account[], gc: RemoteGc, started: number): Promise<BenchRow[]> {
  const spaceGet = (a: Account) => [
    `${a.server.url}/v2/spaces/${encodeURIComponent(encodeId('Space', a.server.member.readableSpaceId))}`,
    { authorization: `Bearer ${a.server.member.raw}` },
  ] as const;
  for (const a of accounts) await sequentialGetMicros(...spaceGet(a), WARM_GETS);
  const rss = await Promise.all(accounts.map((a) => residentBeforeAndAfterGc(a.server.pid, gc)));

  const p99s = accounts.map(() => [] as number[]);
  const gets = await alternate(Object.fromEntries(accounts.map((a, i) => [a.users, async () => {
    const lat = await sequentialGetMicros(...spaceGet(a), GETS_PER_ROUND);
    p99s[i]!.push(percentile(lat, 99));
    return percentile(lat, 50);
  }])), GET_ROUNDS);
  const medianOf = (xs: number[]) => percentile(xs, 50);

  const snapshots = new Map<number, AccessSnapshot>();
  const builds = await alternate(Object.fromEntries(accounts.map((a) => [a.users, () => timeMs(async () => {
    // As the server loads it (AccessCache): the bindings as columns, not as objects.
    const snapshot = AccessSnapshot.build((await loadAccessState(a.store.db, a.world.accountId)).world);
    if (snapshot.bindings.size !== a.world.roleBindings.length) {
      throw new Error(`the snapshot holds ${snapshot.bindings.size} role bindings, the seed world ${a.world.roleBindings.length}`);
    }
    snapshots.set(a.users, snapshot);
  })])), BUILD_ROUNDS);

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
    + `${accounts.map((a) => Math.round(a.firstRequestMs)).join(' / ')} ms; build: median of ${BUILD_ROUNDS} rounds after a warm-up; `
    + `GET: ${GET_ROUNDS} rounds × ${GETS_PER_ROUND} sequential requests on one kept-alive connection after ${WARM_GETS} warm-up ones, `
    + `median of the rounds' p50 (min–max ${accounts.map((a) => `${Math.round(gets[a.users]!.min)}–${Math.round(gets[a.users]!.max)}`).join(' / ')} µs) `
    + `and of their p99; check(): p99 of ${CHECK_PASSES} passes over B1's 4,096-query mix; RSS from /proc/<pid>/status after forced full GCs and 32 s of quiet `
    + `(${rss.map((r) => r.now.toFixed(0)).join(' / ')} MB before); `
    + `group took ${Math.round((Date.now() - started) / 1000)} s`;
  return growthRows([
    { key: 'build', what: 'loadAccessState + AccessSnapshot.build', unit: 'ms', values: accounts.map((a) => builds[a.users]!.median), maxGrowthPer10x: 10 },
    { key: 'rss', what: 'server RSS with the snapshot loaded', unit: 'MB', values: rss.map((r) => r.collected) },
    { key: 'check-p99', what: 'check() p99', unit: 'µs', values: checkP99 },
    { key: 'get-p50', what: 'GET /v2/spaces/{id} p50, MEMBER key', unit: 'µs', values: accounts.map((a) => gets[a.users]!.median), maxTotalGrowth: 1.5 },
    { key: 'get-p99', what: 'GET /v2/spaces/{id} p99, MEMBER key', unit: 'µs', values: p99s.map(medianOf) },
  ], n, machineInfo(), data);
}
