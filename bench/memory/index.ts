import { machineInfo, type BenchRow } from '../lib/harness.js';
import { BENCH_WORLD } from '../lib/seed-world.js';
import { startSeededServer, type SeededServer, type WorldSizes } from '../lib/seeded-server.js';
import { encodeId } from '../../src/domain/ids.js';
import { sequentialGetMicros } from '../growth/sequential-get.js';
import { warmAccessSnapshot } from './access-warm-up.js';
import { startCasbinHolder, type CasbinHolder } from './casbin-holder-process.js';
import { idleNodeMegabytes } from './idle-node.js';
import { settledResidentMegabytes } from './resident-memory.js';

/** bench-plan.md's memory size, and `--small`'s for a quick check. */
const FULL = { sizes: { ...BENCH_WORLD, users: 100_000, bindings: 1_000_000 }, keys: 20_000 };
const SMALL = { sizes: { ...BENCH_WORLD, users: 10_000, bindings: 100_000 }, keys: 2_000 };
const WARM_REQUESTS = 200;
const ABSOLUTE_TARGET_MB = 200;
const CASBIN_RATIO_TARGET = 0.5;

/**
 * B10: the server's RSS (built dist/, its own process, SQLite) holding the access snapshot of an account of 100k
 * users, 1M role bindings and 20k API keys, beside an idle `node -e` and beside node-casbin holding the same
 * bindings as `g` rows in a process of its own. `BENCH_ONLY=memory npm run bench` runs it alone; `--small` on 10k
 * users and 100k bindings.
 */
export async function runMemoryBenches(): Promise<BenchRow[]> {
  const { sizes, keys } = process.argv.includes('--small') ? SMALL : FULL;
  const started = Date.now();
  // casbin loads while the server's database is seeded: this row measures memory, not time, and each takes tens of seconds.
  const casbinStarting = startCasbinHolder(sizes);
  const [serverResult, casbinResult] = await Promise.allSettled([startSeededServer({ sizes, extraKeys: keys }), casbinStarting]);
  const server = serverResult.status === 'fulfilled' ? serverResult.value : undefined;
  const casbin = casbinResult.status === 'fulfilled' ? casbinResult.value : undefined;
  try {
    if (!server || !casbin) throw serverResult.status === 'rejected' ? serverResult.reason : (casbinResult as PromiseRejectedResult).reason;
    return await measure(server, casbin, sizes, keys, started);
  } finally {
    await Promise.all([server?.stop(), casbin?.stop()]);
  }
}

async function measure(server: SeededServer, casbin: CasbinHolder, sizes: WorldSizes, keys: number, started: number): Promise<BenchRow[]> {
  const beforeSnapshotMb = await settledResidentMegabytes(server.pid);
  const firstRequestMs = await warmAccessSnapshot(server);
  await sequentialGetMicros(`${server.url}/v2/spaces/${encodeURIComponent(encodeId('Space', server.member.readableSpaceId))}`,
    { authorization: `Bearer ${server.member.raw}` }, WARM_REQUESTS);
  const serverMb = await settledResidentMegabytes(server.pid);
  const casbinMb = await settledResidentMegabytes(casbin.pid);
  const idleMb = await idleNodeMegabytes();
  const idleTsxMb = await idleNodeMegabytes(['--import', 'tsx']);
  const machine = machineInfo();
  const data = `${sizes.users.toLocaleString('en-US')} users, ${sizes.bindings.toLocaleString('en-US')} role bindings, `
    + `${(keys + 4).toLocaleString('en-US')} API keys, ${sizes.organizations} orgs, ${sizes.spaces.toLocaleString('en-US')} spaces, `
    + `${(sizes.spaces * sizes.projectsPerSpace).toLocaleString('en-US')} projects; SQLite; seeded in ${server.seedSeconds.toFixed(1)} s `
    + `(casbin loading beside it); server RSS ${beforeSnapshotMb.toFixed(1)} MB before its first request; its first MEMBER GET, which waits for its snapshot load, took ${Math.round(firstRequestMs)} ms, `
    + `then ${WARM_REQUESTS} more GETs; VmRSS from /proc/<pid>/status once 3 readings 0.5 s apart agree within 1 % `
    + `(no forced GC in the server: not possible from outside); casbin ${casbin.groupingRows.toLocaleString('en-US')} g rows, `
    + `loaded in ${(casbin.loadMs / 1000).toFixed(1)} s, plain node after a forced GC; idle node -e ${idleMb.toFixed(1)} MB, `
    + `with --import tsx (the server process runs under tsx) ${idleTsxMb.toFixed(1)} MB; group took ${Math.round((Date.now() - started) / 1000)} s`;
  const subject = 'server RSS holding the access snapshot of the account';
  return [
    {
      id: 'B10', subject, peer: 'node-casbin holding the same bindings as g rows, RSS',
      subject_value: serverMb, peer_value: casbinMb, ratio: serverMb / casbinMb, target: `≤ ${CASBIN_RATIO_TARGET}× casbin's RSS`,
      pass: serverMb / casbinMb <= CASBIN_RATIO_TARGET, unit: 'MB', machine, data,
    },
    {
      id: 'B10-abs', subject, peer: 'idle `node -e` RSS',
      subject_value: serverMb, peer_value: idleMb, ratio: serverMb / idleMb, target: `≤ ${ABSOLUTE_TARGET_MB} MB absolute`,
      pass: serverMb <= ABSOLUTE_TARGET_MB, unit: 'MB', machine, data,
    },
  ];
}
