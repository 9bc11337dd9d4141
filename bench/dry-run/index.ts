import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig } from '../../src/config/config.js';
import { encodeId } from '../../src/domain/ids.js';
import { createContext } from '../../src/server/context.js';
import { previewChange } from '../../src/services/dry-run.js';
import type { Actor } from '../../src/services/mutation.js';
import { createRoleBinding } from '../../src/services/role-bindings.js';
import { openStore } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrator.js';
import { machineInfo, percentile, type BenchRow } from '../lib/harness.js';
import { BENCH_WORLD, insertWorld, prng, seedWorld } from '../lib/seed-world.js';

const WARM_UP = 20;
/** BENCH_DRY_RUN_SAMPLES: measured samples of each (default 200). */
const SAMPLES = Number(process.env.BENCH_DRY_RUN_SAMPLES ?? 200);
const TARGET_MS = 5;
const READ_ONLY_ROLE_ID = 3; // seedWorld's predefined READ_ONLY

/**
 * B13 dry run: the preview of `POST /v2/role-bindings?dry_run=true` (previewChange over createRoleBinding: the
 * access decisions, the change made and rolled back, the rights difference and the names of who it moves) by an
 * account ADMIN on the seed world in SQLite, in-process; beside it the real change (createRoleBinding: the same
 * decisions, the binding and its audit row committed, the cached snapshot patched). Each sample previews a binding,
 * then makes it: a new (user, resource) pair each time, 30 % on spaces, 70 % on projects; the bindings made stay (a
 * delete would bump the account's access version, and the next grant would pay a snapshot reload for it).
 */
export async function runDryRunBenches(): Promise<BenchRow[]> {
  const machine = machineInfo();
  const world = seedWorld();
  const dataDir = await mkdtemp(join(tmpdir(), 'ax-bench-dry-run-'));
  try {
    const store = openStore({ dataDir });
    try {
      await migrateToLatest(store.db);
      await insertWorld(store.db, world);
    } finally {
      await store.close();
    }
    const ctx = await createContext(loadConfig({ dataDir }, { AX_LOG_LEVEL: 'silent' }), pino({ level: 'silent' }));
    try {
      const admin = world.users.find((u) => u.role === 'ADMIN' && u.active && !u.isBot)!;
      const actor: Actor = {
        principal: { accountId: world.accountId, userId: admin.id, name: `user ${admin.id}`, email: `user${admin.id}@bench.example`, role: 'ADMIN', isBot: false },
        ip: '127.0.0.1', operation: 'POST /v2/role-bindings',
      };
      const live = world.users.filter((u) => u.active && !u.isBot);
      const taken = new Set(world.roleBindings.map((b) => `${b.userId}:${b.resourceType}:${b.resourceId}`));
      const random = prng(17);
      const pick = (n: number) => Math.floor(random() * n);
      const nextInput = () => {
        for (;;) {
          const user = live[pick(live.length)]!;
          const onSpace = random() < 0.3;
          const resourceId = 1 + pick(onSpace ? world.spaces.length : world.projects.length);
          const key = `${user.id}:${onSpace ? 'SPACE' : 'PROJECT'}:${resourceId}`;
          if (taken.has(key)) continue;
          taken.add(key);
          return {
            user_id: encodeId('User', user.id), role_id: encodeId('Role', READ_ONLY_ROLE_ID), resource_type: onSpace ? 'SPACE' as const : 'PROJECT' as const,
            resource_id: encodeId(onSpace ? 'Space' : 'Project', resourceId),
          };
        }
      };
      const dry: number[] = [];
      const real: number[] = [];
      let moved = 0;
      await ctx.access.get(world.accountId);
      for (let i = 0; i < WARM_UP + SAMPLES; i++) {
        const input = nextInput();
        let t0 = process.hrtime.bigint();
        const preview = await previewChange(actor, (a) => createRoleBinding(ctx, a, input));
        const dryMs = Number(process.hrtime.bigint() - t0) / 1e6;
        if (preview.principals.length > 0) moved++;
        t0 = process.hrtime.bigint();
        await createRoleBinding(ctx, actor, input);
        const realMs = Number(process.hrtime.bigint() - t0) / 1e6;
        if (i >= WARM_UP) {
          dry.push(dryMs);
          real.push(realMs);
        }
      }
      const p50 = percentile(dry, 50);
      const peerP50 = percentile(real, 50);
      const w = BENCH_WORLD;
      return [{
        id: 'B13-dry-run', subject: 'dry run of a role binding create (previewChange, SQLite, in-process), p50',
        peer: 'the real create (createRoleBinding: binding + audit row committed), p50',
        subject_value: p50, peer_value: peerP50, ratio: p50 / peerP50, target: `p50 < ${TARGET_MS} ms`, pass: p50 < TARGET_MS, unit: 'ms', machine,
        data: `seed world ${w.users / 1000}k users, ${w.spaces / 1000}k spaces, ${(w.spaces * w.projectsPerSpace) / 1000}k projects, `
          + `${w.bindings / 1000}k bindings; account ADMIN binds READ_ONLY, ${SAMPLES} samples after ${WARM_UP} warm-up, alternating; `
          + `dry run p99 ${percentile(dry, 99).toFixed(2)} ms, real p99 ${percentile(real, 99).toFixed(2)} ms; `
          + `${moved} of ${WARM_UP + SAMPLES} previews moved someone's rights`,
      }];
    } finally {
      await ctx.close();
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}
