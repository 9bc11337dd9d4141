import { encodeId } from '../../src/domain/ids.js';
import { sequentialGetMicros } from '../growth/sequential-get.js';
import { machineInfo, type BenchRow } from '../lib/harness.js';
import { BENCH_WORLD } from '../lib/seed-world.js';
import type { WorldSizes } from '../lib/seeded-server.js';
import { warmAccessSnapshot } from './access-warm-up.js';
import { startBulkSeededServer, type BulkSeededServer } from './bulk-seeded-server.js';
import { startCasbinHolder, type CasbinHolder } from './casbin-holder-process.js';
import { idleNodeMegabytes } from './idle-node.js';
import { remoteGc, type RemoteGc } from './remote-gc.js';
import { residentBeforeAndAfterGc } from './resident-memory.js';

/** bench-plan.md's memory size, and `--small`'s for a quick check. */
const FULL = { sizes: { ...BENCH_WORLD, users: 100_000, bindings: 1_000_000 }, keys: 20_000 };
const SMALL = { sizes: { ...BENCH_WORLD, users: 10_000, bindings: 100_000 }, keys: 2_000 };
const WARM_REQUESTS = 200;
const ABSOLUTE_TARGET_MB = 200;
const CASBIN_RATIO_TARGET = 0.5;

/**
 * B10: the server's RSS (built dist/, its own process, SQLite) holding the access snapshot of an account of 100k
 * users, 1M role bindings and 20k API keys, beside an idle `node -e` and beside node-casbin holding the same
 * bindings as `g` rows in a process of its own. Every process is read after forced full collections (remote-gc.ts)
 * and the same quiet spell, so none is billed for the garbage of its load. `BENCH_ONLY=memory npm run bench` runs it alone; `--small` on 10k
 * users and 100k bindings.
 */
export async function runMemoryBenches(): Promise<BenchRow[]> {
  const { sizes, keys } = process.argv.includes('--small') ? SMALL : FULL;
  const started = Date.now();
  const gc = await remoteGc();
  // casbin loads while the server's database is seeded: this row measures memory, not time, and each takes tens of seconds.
  const [serverResult, casbinResult] = await Promise.allSettled([
    startBulkSeededServer({ sizes, extraKeys: keys, env: gc.env }),
    startCasbinHolder(sizes, gc.env),
  ]);
  const seeded = serverResult.status === 'fulfilled' ? serverResult.value : undefined;
  const casbin = casbinResult.status === 'fulfilled' ? casbinResult.value : undefined;
  try {
    if (!seeded || !casbin) throw serverResult.status === 'rejected' ? serverResult.reason : (casbinResult as PromiseRejectedResult).reason;
    return await measure(seeded, casbin, gc, sizes, keys, started);
  } finally {
    await Promise.all([seeded?.server.stop(), casbin?.stop()]);
    await gc.remove();
  }
}

async function measure({ server, seedSeconds }: BulkSeededServer, casbin: CasbinHolder, gc: RemoteGc, sizes: WorldSizes, keys: number, started: number): Promise<BenchRow[]> {
  const floor = await residentBeforeAndAfterGc(server.pid, gc);
  const firstRequestMs = await warmAccessSnapshot(server);
  await sequentialGetMicros(`${server.url}/v2/spaces/${encodeURIComponent(encodeId('Space', server.member.readableSpaceId))}`,
    { authorization: `Bearer ${server.member.raw}` }, WARM_REQUESTS);
  // Every process is read after the same quiet spell, side by side.
  const [loaded, peer, idleMb] = await Promise.all([
    residentBeforeAndAfterGc(server.pid, gc), residentBeforeAndAfterGc(casbin.pid, gc), idleNodeMegabytes(),
  ]);
  const machine = machineInfo();
  const count = (n: number) => n.toLocaleString('en-US');
  const data = `${count(sizes.users)} users, ${count(sizes.bindings)} role bindings, ${count(keys + 4)} API keys, `
    + `${sizes.organizations} orgs, ${count(sizes.spaces)} spaces, ${count(sizes.spaces * sizes.projectsPerSpace)} projects; SQLite; `
    + `seeded in ${seedSeconds.toFixed(1)} s (bindings in bulk; casbin loading beside it); VmRSS from /proc/<pid>/status after `
    + `forced full GCs (remote-gc.ts) and a quiet spell of 32 s (V8's memory reducer) in every process; server: `
    + `${floor.collected.toFixed(1)} MB before its first request, its first MEMBER GET waited ${Math.round(firstRequestMs)} ms for the `
    + `snapshot load, then ${WARM_REQUESTS} more GETs (${loaded.now.toFixed(1)} MB right after them); casbin: `
    + `${count(casbin.groupingRows)} g rows loaded in ${(casbin.loadMs / 1000).toFixed(1)} s on plain node (${peer.now.toFixed(1)} MB `
    + `right after); idle node -e ${idleMb.toFixed(1)} MB; the server runs the built dist/ with no TypeScript loader; group took ${Math.round((Date.now() - started) / 1000)} s`;
  const subject = 'server RSS holding the access snapshot of the account';
  return [
    {
      id: 'B10', subject, peer: 'node-casbin holding the same bindings as g rows, RSS',
      subject_value: loaded.collected, peer_value: peer.collected, ratio: loaded.collected / peer.collected,
      target: `≤ ${CASBIN_RATIO_TARGET}× casbin's RSS`, pass: loaded.collected / peer.collected <= CASBIN_RATIO_TARGET,
      unit: 'MB', machine, data,
    },
    {
      id: 'B10-abs', subject, peer: 'idle `node -e` RSS',
      subject_value: loaded.collected, peer_value: idleMb, ratio: loaded.collected / idleMb, target: `≤ ${ABSOLUTE_TARGET_MB} MB absolute`,
      pass: loaded.collected <= ABSOLUTE_TARGET_MB, unit: 'MB', machine, data,
    },
  ];
}
