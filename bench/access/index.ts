import { AccessSnapshot } from '../../src/access/index.js';
import { machineInfo, type BenchRow } from '../lib/harness.js';
import { BENCH_WORLD, seedWorld } from '../lib/seed-world.js';
import { benchCheck } from './b1-check.js';
import { benchExplain } from './b2-explain.js';
import { benchSnapshot } from './b3-snapshot.js';
import { mixedQueries } from './queries.js';

/**
 * B1–B3, the access engine's rows: one seeded world (bench-plan.md sizes) held in memory for B1 and B2 and
 * written to a temporary SQLite database for B3.
 */
export async function runAccessBenches(): Promise<BenchRow[]> {
  const machine = machineInfo();
  const world = seedWorld();
  const w = BENCH_WORLD;
  const data = `${w.users / 1000}k users, ${w.organizations} orgs, ${w.spaces / 1000}k spaces, `
    + `${(w.spaces * w.projectsPerSpace) / 1000}k projects (${w.restrictedShare * 100} % restricted), `
    + `${4 + w.customRoles} roles, ${w.bindings / 1000}k bindings`;
  // B3 first, before B1's snapshot and peers fill the heap: a full heap would bill its garbage collections to
  // whichever load runs next.
  const b3 = await benchSnapshot(world, machine, data);
  const snapshot = AccessSnapshot.build(world);
  const queries = mixedQueries(world);
  const b1 = await benchCheck(world, snapshot, queries, b3.casbin, machine, data);
  const b2 = await benchExplain(snapshot, queries, machine, data);
  return [...b1, ...b2, ...b3.rows];
}
