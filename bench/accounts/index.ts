import { machineInfo, type BenchRow } from '../lib/harness.js';
import { growthBenches, growthUsers } from '../growth/index.js';
import { memberSpaceRequest } from '../http/b5-get-space.js';
import { timedRequestsMicros } from '../lib/timed-requests.js';
import { warmAccessSnapshot } from '../memory/access-warm-up.js';
import { startBulkSeededServer, type BulkSeededServer } from '../memory/bulk-seeded-server.js';
import { startCasbinHolder, type CasbinHolder } from '../memory/casbin-holder-process.js';
import { idleNodeMegabytes } from '../memory/idle-node.js';
import { memoryRows, memoryUsers } from '../memory/index.js';
import { remoteGc } from '../memory/remote-gc.js';
import { residentBeforeAndAfterGc } from '../memory/resident-memory.js';
import { accountSizes, WARM_GETS, type Account } from './account.js';

/**
 * B10 (memory) and B12 (growth) on one set of seeded servers: B10's account (100k users, 1M bindings, 20k keys) is
 * B12's largest, so it is seeded once, and every process's RSS is read in the same quiet spell (resident-memory.ts):
 * the accounts', casbin's and an idle node's side by side. The accounts are seeded largest first, so that B10's
 * reading before the first request (its own quiet spell) runs while the smaller ones are seeded; casbin loads its
 * rows meanwhile. Then each account's snapshot is loaded and warmed with 200 MEMBER GETs before the RSS readings.
 * `BENCH_ONLY=memory` or `BENCH_ONLY=growth` runs one of them (B10 then seeds its account alone); `--small` runs
 * both on smaller worlds.
 */
export async function runAccountBenches(groups: { memory: boolean; growth: boolean }): Promise<BenchRow[]> {
  const small = process.argv.includes('--small');
  const memoryAt = memoryUsers(small);
  const sizes = groups.growth ? growthUsers(small) : [memoryAt];
  if (groups.memory && !sizes.includes(memoryAt)) throw new Error(`B12's sizes ${sizes.join(', ')} lack B10's ${memoryAt} users`);
  const started = Date.now();
  const gc = await remoteGc();
  const casbinLoad: Promise<CasbinHolder | undefined> = groups.memory ? startCasbinHolder(accountSizes(memoryAt).sizes, gc.env) : Promise.resolve(undefined);
  casbinLoad.catch(() => undefined); // awaited below, or stopped in `finally` when seeding fails first
  const seeded: (BulkSeededServer & { users: number })[] = [];
  try {
    let floor: Promise<{ now: number; collected: number }> | undefined;
    for (const users of [...sizes].sort((a, b) => b - a)) {
      const { sizes: worldSizes, keys } = accountSizes(users);
      const account = await startBulkSeededServer({ sizes: worldSizes, extraKeys: keys, env: gc.env });
      seeded.push({ ...account, users });
      if (groups.memory && users === memoryAt) {
        floor = residentBeforeAndAfterGc(account.server.pid, gc);
        floor.catch(() => undefined); // awaited below unless a later seeding fails
      }
    }
    const [casbin, floorMb] = await Promise.all([casbinLoad, floor]);
    const warmed: Omit<Account, 'rss'>[] = [];
    for (const s of [...seeded].sort((a, b) => a.users - b.users)) {
      const firstRequestMs = await warmAccessSnapshot(s.server);
      await timedRequestsMicros(memberSpaceRequest(s.server), WARM_GETS);
      warmed.push({ ...s, firstRequestMs });
    }
    const [rss, casbinRss, idleMb] = await Promise.all([
      Promise.all(warmed.map((a) => residentBeforeAndAfterGc(a.server.pid, gc))),
      casbin && residentBeforeAndAfterGc(casbin.pid, gc),
      groups.memory ? idleNodeMegabytes() : undefined,
    ]);
    const accounts: Account[] = warmed.map((a, i) => ({ ...a, rss: rss[i]! }));
    const machine = machineInfo();
    const rows: BenchRow[] = [];
    if (groups.growth) rows.push(...(await growthBenches(accounts, machine, started)));
    if (groups.memory) {
      rows.push(...memoryRows({
        account: accounts.find((a) => a.users === memoryAt)!, floorMb: floorMb!.collected,
        casbin: casbin!, casbinRss: casbinRss!, idleMb: idleMb!, machine, started,
      }));
    }
    return rows;
  } finally {
    const casbin = await casbinLoad.catch(() => undefined);
    await Promise.all([casbin?.stop(), ...seeded.map((s) => s.server.stop())]);
    await gc.remove();
  }
}
