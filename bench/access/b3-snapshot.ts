import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Enforcer } from 'casbin';
import { AccessSnapshot, type WorldInput } from '../../src/access/index.js';
import { loadAccessState } from '../../src/services/access-loader.js';
import { openStore } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrator.js';
import { alternate, latenciesMicros, percentile, timeMs, type BenchRow, type MachineInfo } from '../lib/harness.js';
import { insertWorld, prng } from '../lib/seed-world.js';
import { casbinFromDatabase } from './peer-casbin.js';

const ROUNDS = 2;
const CHANGES = 2_000;
const CASBIN_APPLY_BUDGET_MS = 2_000;

/**
 * B3: building the snapshot from the database as the server does (loadAccessState + build) against node-casbin loading the same role
 * bindings through an adapter; then one binding change applied to a built snapshot, against casbin's
 * incremental grouping-policy change. Also hands back the enforcer it loaded last, every change undone, for B1
 * to reuse: one more load of the same 100k bindings would cost seconds of the microbenchmarks' budget.
 */
export async function benchSnapshot(
  world: WorldInput, machine: MachineInfo, data: string,
): Promise<{ rows: BenchRow[]; casbin: Enforcer }> {
  const dir = mkdtempSync(join(tmpdir(), 'ax-bench-access-'));
  const store = openStore({ dataDir: dir });
  try {
    await migrateToLatest(store.db);
    const insertMs = await timeMs(() => insertWorld(store.db, world));
    const build = () => timeMs(async () => AccessSnapshot.build((await loadAccessState(store.db, world.accountId)).world));
    // Only the subject gets a warm-up run: a casbin load takes seconds, far past its own JIT warm-up.
    await build();
    // The last enforcer loaded is kept for the apply test and for B1.
    let loaded: Enforcer | undefined;
    const loadCasbin = () => timeMs(async () => {
      loaded = await casbinFromDatabase(store.db, world.accountId);
    });
    const r = await alternate({ build, casbin: loadCasbin }, ROUNDS, 0);
    const casbin = loaded!;

    const snapshot = AccessSnapshot.build(world);
    const random = prng(11);
    const pick = (n: number) => Math.floor(random() * n);
    const changes = Array.from({ length: CHANGES }, (_, k) => {
      const onSpace = random() < 0.3;
      return {
        id: 10_000_000 + k, userId: 1 + pick(world.users.length), roleId: 1 + pick(world.roles.length),
        resourceType: onSpace ? 'SPACE' as const : 'PROJECT' as const,
        resourceId: 1 + pick(onSpace ? world.spaces.length : world.projects.length),
      };
    });
    const apply = [
      ...latenciesMicros((k) => snapshot.upsertBinding(changes[k]!), CHANGES),
      ...latenciesMicros((k) => snapshot.removeBinding(changes[k]!.id), CHANGES),
    ];
    // casbin rebuilds role links on each change (hundreds of ms at this size): sample it for a bounded time.
    const casbinApply: number[] = [];
    const casbinUntil = Date.now() + CASBIN_APPLY_BUDGET_MS;
    for (const c of changes) {
      if (Date.now() > casbinUntil && casbinApply.length >= 10) break;
      const g = [`u${c.userId}`, `r${c.roleId}`, `${c.resourceType === 'SPACE' ? 's' : 'p'}${c.resourceId}`];
      const t0 = process.hrtime.bigint();
      await casbin.addGroupingPolicy(...g);
      const t1 = process.hrtime.bigint();
      await casbin.removeGroupingPolicy(...g);
      const t2 = process.hrtime.bigint();
      casbinApply.push(Number(t1 - t0) / 1e3, Number(t2 - t1) / 1e3);
    }
    const applyP99 = percentile(apply, 99) / 1e3;
    const casbinP99 = percentile(casbinApply, 99) / 1e3;
    const buildRatio = r.build.median / r.casbin.median;
    const rows: BenchRow[] = [
      {
        id: 'B3', subject: 'loadAccessState + AccessSnapshot.build (SQLite)', peer: 'node-casbin policy load of the same bindings',
        subject_value: r.build.median, peer_value: r.casbin.median, ratio: buildRatio, target: '≤ 0.25× casbin load',
        pass: buildRatio <= 0.25, unit: 'ms', machine,
        data: `${data}; SQLite WAL (seeded in ${Math.round(insertMs)} ms); ${ROUNDS} rounds after a warm-up of the subject`,
        subject_spread: r.build.spread, peer_spread: r.casbin.spread,
      },
      {
        id: 'B3-apply', subject: 'one binding upsert/remove on the snapshot, p99', peer: 'casbin add/removeGroupingPolicy, p99',
        subject_value: applyP99, peer_value: casbinP99, ratio: applyP99 / casbinP99, target: 'p99 ≤ 1 ms',
        pass: applyP99 <= 1, unit: 'ms',
        machine,
        data: `${data}; ${CHANGES} upserts then ${CHANGES} removals, each timed (median ${(percentile(apply, 50) / 1e3).toFixed(4)} ms); `
          + `casbin: ${casbinApply.length / 2} add+remove pairs in ${CASBIN_APPLY_BUDGET_MS / 1000} s`,
      },
    ];
    return { rows, casbin };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
