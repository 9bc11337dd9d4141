import { AccessSnapshot } from '../../src/access/index.js';
import { evaluateMappings, type MappingRule } from '../../src/role-mapping/index.js';
import { PREDEFINED_ROLE_KEYS } from '../../src/domain/predefined-roles.js';
import { alternate, latenciesMicros, machineInfo, percentile, timeMs, type BenchRow } from '../lib/harness.js';
import { BENCH_WORLD, prng, seedWorld } from '../lib/seed-world.js';

const RULES = 200;
const GROUPS_PER_USER = 50;
const SAMPLES = 20_000;
const ROUNDS = 5;

/**
 * B13: the role-mapping engine evaluates 200 rules (group and department attributes, organization, space and
 * project roles) for a user in 50 groups, in microseconds per login; beside it, one rebuild of the access snapshot
 * of the B1 seed account, which is what a sync would cost if it rebuilt instead of patching.
 */
export async function runRoleMappingBenches(): Promise<BenchRow[]> {
  const world = seedWorld();
  const random = prng(7);
  const pick = (n: number) => Math.floor(random() * n);
  const spaces = world.spaces;
  const rules: MappingRule[] = Array.from({ length: RULES }, (_, i) => ({
    position: i + 1,
    attributes: { group: `g${pick(400)}`, ...(i % 4 === 3 ? { dept: `d${pick(5)}` } : {}) },
    isAccountAdmin: i === RULES - 1,
    orgRole: { orgId: world.organizations[pick(world.organizations.length)]!.id, role: { roleId: 1 + (i % 4), builtIn: PREDEFINED_ROLE_KEYS[i % 4]! } },
    spaceRoles: [{ spaceId: spaces[pick(spaces.length)]!.id, role: i % 2 ? { roleId: 2, builtIn: 'MEMBER' } : { roleId: 5 + pick(5) } }],
    projectRoles: [{ projectId: world.projects[pick(world.projects.length)]!.id, roleId: 5 + pick(5) }],
  }));
  const organizationOf = new Map(spaces.map((s) => [s.id, s.organizationId]));
  const users = Array.from({ length: 64 }, () => ({
    group: Array.from({ length: GROUPS_PER_USER }, () => `g${pick(400)}`),
    dept: [`d${pick(5)}`],
  }));
  const context = { builtInRoleIds: { ADMIN: 1, MEMBER: 2, READ_ONLY: 3, ANNOTATOR: 4 }, organizationOf: (id: number) => organizationOf.get(id) };
  const evaluate = (i: number) => evaluateMappings(rules, users[i % users.length]!, context);
  const p99s: number[] = [];
  const r = await alternate({
    evaluate: () => {
      const micros = latenciesMicros(evaluate, SAMPLES);
      p99s.push(percentile(micros, 99));
      return percentile(micros, 50);
    },
    rebuild: async () => (await timeMs(() => AccessSnapshot.build(world))) * 1000,
  }, ROUNDS);
  const machine = machineInfo();
  const ratio = r.evaluate.median / r.rebuild.median;
  // The warm-up round's p99 is dropped with the round; the row reports the median round's p99.
  const p99 = percentile(p99s.slice(1), 50);
  const w = BENCH_WORLD;
  return [{
    id: 'B13', subject: `evaluateMappings(): ${RULES} rules, ${GROUPS_PER_USER} groups (p50; p99 ${p99.toFixed(1)} µs)`,
    peer: 'AccessSnapshot.build() of the seed account', subject_value: r.evaluate.median, peer_value: r.rebuild.median, ratio,
    target: 'p99 < 1,000 µs', pass: p99 < 1000, unit: 'µs',
    machine, data: `${RULES} rules over 400 groups; seed account ${w.users / 1000}k users, ${w.bindings / 1000}k bindings; ${ROUNDS} rounds of ${SAMPLES} evaluations`,
    subject_spread: r.evaluate.spread, peer_spread: r.rebuild.spread,
  }];
}
