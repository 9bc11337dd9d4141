import type { Kysely } from 'kysely';
import type { RoleBindingInput, RoleInput, WorldInput } from '../../src/access/index.js';
import { PERMISSIONS, type Permission } from '../../src/domain/permissions.js';
import { PREDEFINED_ROLE_KEYS, PREDEFINED_ROLES } from '../../src/domain/predefined-roles.js';
import type { Database } from '../../src/store/schema.js';

/** The sizes of bench-plan.md's seed data. */
export const BENCH_WORLD = {
  users: 10_000,
  organizations: 10,
  spaces: 1_000,
  projectsPerSpace: 10,
  restrictedShare: 0.05,
  customRoles: 5,
  bindings: 100_000,
} as const;

type WorldSizes = { [K in keyof typeof BENCH_WORLD]: number };

/** mulberry32: a small, fast, deterministic PRNG; the same seed gives the same world on every machine. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The benchmark account: users (2 % ADMIN, 10 % ANNOTATOR, 5 % bots, 3 % inactive), each a member of one
 * organization and one of its spaces; spaces 10 % private; projects 5 % restricted; the four predefined roles
 * plus five custom roles drawn from the catalogue; role bindings 30 % on spaces, 70 % on projects, unique per
 * (user, resource) as in the database. Ids start at 1 in every table.
 */
export function seedWorld(sizes: WorldSizes = BENCH_WORLD, seed = 20_260_101): WorldInput {
  const random = prng(seed);
  const int = (n: number) => Math.floor(random() * n);
  const chance = (p: number) => random() < p;

  const roles: RoleInput[] = PREDEFINED_ROLE_KEYS.map((key, i) => ({
    id: i + 1, name: PREDEFINED_ROLES[key].name, predefinedKey: key, permissions: PREDEFINED_ROLES[key].permissions,
  }));
  for (let i = 0; i < sizes.customRoles; i++) {
    const permissions = PERMISSIONS.filter(() => chance(0.3));
    roles.push({ id: roles.length + 1, name: `custom-${i}`, predefinedKey: null, permissions });
  }
  const [ADMIN, MEMBER, READ_ONLY, ANNOTATOR] = [1, 2, 3, 4];
  const customRole = () => 5 + int(sizes.customRoles);
  const membershipRole = () => {
    const r = random();
    return r < 0.01 ? ADMIN : r < 0.45 ? MEMBER : r < 0.85 ? READ_ONLY : r < 0.95 ? ANNOTATOR : customRole();
  };

  const organizations = Array.from({ length: sizes.organizations }, (_, i) => ({ id: i + 1, name: `org-${i + 1}` }));
  const spaces = Array.from({ length: sizes.spaces }, (_, i) => ({
    id: i + 1, organizationId: (i % sizes.organizations) + 1, isPrivate: chance(0.1), name: `space-${i + 1}`,
  }));
  const projects = Array.from({ length: sizes.spaces * sizes.projectsPerSpace }, (_, i) => ({
    id: i + 1, spaceId: Math.floor(i / sizes.projectsPerSpace) + 1, restricted: chance(sizes.restrictedShare), name: `project-${i + 1}`,
  }));
  const spacesOf = new Map<number, number[]>();
  for (const sp of spaces) spacesOf.set(sp.organizationId, [...(spacesOf.get(sp.organizationId) ?? []), sp.id]);

  const users = Array.from({ length: sizes.users }, (_, i) => {
    const r = random();
    return { id: i + 1, role: r < 0.02 ? 'ADMIN' as const : r < 0.12 ? 'ANNOTATOR' as const : 'MEMBER' as const, active: !chance(0.03), isBot: chance(0.05) };
  });
  const organizationMemberships = users.map((u) => ({ userId: u.id, organizationId: 1 + int(sizes.organizations), roleId: membershipRole() }));
  const spaceMemberships = organizationMemberships.map((m) => {
    const candidates = spacesOf.get(m.organizationId)!;
    return { userId: m.userId, spaceId: candidates[int(candidates.length)]!, roleId: membershipRole() };
  });

  const roleBindings: RoleBindingInput[] = [];
  const taken = new Set<string>();
  while (roleBindings.length < sizes.bindings) {
    const userId = 1 + int(sizes.users);
    const onSpace = chance(0.3);
    const resourceId = onSpace ? 1 + int(spaces.length) : 1 + int(projects.length);
    const key = `${userId}:${onSpace ? 'S' : 'P'}:${resourceId}`;
    if (taken.has(key)) continue;
    taken.add(key);
    const r = random();
    const roleId = r < 0.03 ? ADMIN : r < 0.4 ? MEMBER : r < 0.7 ? READ_ONLY : r < 0.8 ? ANNOTATOR : customRole();
    roleBindings.push({ id: roleBindings.length + 1, userId, roleId, resourceType: onSpace ? 'SPACE' : 'PROJECT', resourceId });
  }
  return { accountId: 1, users, organizations, spaces, projects, roles, organizationMemberships, spaceMemberships, roleBindings };
}

/** Writes a world into an empty, migrated database as account `world.accountId`, keeping every id. */
export async function insertWorld(db: Kysely<Database>, world: WorldInput): Promise<void> {
  const now = new Date().toISOString();
  const account_id = world.accountId;
  await db.transaction().execute(async (trx) => {
    const chunked = async <T>(rows: T[], insert: (chunk: T[]) => Promise<unknown>) => {
      for (let i = 0; i < rows.length; i += 500) await insert(rows.slice(i, i + 500));
    };
    await trx.insertInto('accounts').values({ id: account_id, name: 'bench', created_at: now }).execute();
    await chunked(world.roles, (rows) => trx.insertInto('roles').values(rows.map((r) => ({
      id: r.id, account_id, predefined_key: r.predefinedKey, name: r.name, description: null,
      permissions: r.predefinedKey === null ? JSON.stringify(r.permissions satisfies readonly Permission[]) : null,
      created_at: now, updated_at: now,
    }))).execute());
    await chunked(world.users, (rows) => trx.insertInto('users').values(rows.map((u) => ({
      id: u.id, account_id, name: `user ${u.id}`, email: `user${u.id}@bench.example`, email_lower: `user${u.id}@bench.example`,
      role: u.role, status: u.active ? 'ACTIVE' as const : 'EXPIRED' as const, is_developer: 1, is_bot: u.isBot ? 1 : 0,
      password_hash: null, must_change_password: 0, deleted_at: null, created_at: now, updated_at: now,
    }))).execute());
    await chunked(world.organizations, (rows) => trx.insertInto('organizations').values(rows.map((o) => ({
      id: o.id, account_id, name: o.name ?? `org-${o.id}`, description: '', created_at: now, updated_at: now,
    }))).execute());
    await chunked(world.spaces, (rows) => trx.insertInto('spaces').values(rows.map((sp) => ({
      id: sp.id, account_id, organization_id: sp.organizationId, name: sp.name ?? `space-${sp.id}`, description: '',
      is_private: sp.isPrivate ? 1 : 0, created_at: now, updated_at: now,
    }))).execute());
    await chunked(world.projects, (rows) => trx.insertInto('projects').values(rows.map((p) => ({
      id: p.id, account_id, space_id: p.spaceId, name: p.name ?? `project-${p.id}`, created_at: now, updated_at: now,
    }))).execute());
    await chunked(world.projects.filter((p) => p.restricted), (rows) => trx.insertInto('resource_restrictions').values(rows.map((p) => ({
      project_id: p.id, account_id, created_at: now,
    }))).execute());
    await chunked(world.organizationMemberships, (rows) => trx.insertInto('organization_memberships').values(rows.map((m) => ({
      account_id, organization_id: m.organizationId, user_id: m.userId, role_id: m.roleId, created_at: now, updated_at: now,
    }))).execute());
    await chunked(world.spaceMemberships, (rows) => trx.insertInto('space_memberships').values(rows.map((m) => ({
      account_id, space_id: m.spaceId, user_id: m.userId, role_id: m.roleId, created_at: now, updated_at: now,
    }))).execute());
    await chunked(world.roleBindings, (rows) => trx.insertInto('role_bindings').values(rows.map((b) => ({
      id: b.id, account_id, user_id: b.userId, role_id: b.roleId, resource_type: b.resourceType,
      space_id: b.resourceType === 'SPACE' ? b.resourceId : null, project_id: b.resourceType === 'PROJECT' ? b.resourceId : null,
      created_at: now, updated_at: now,
    }))).execute());
  });
}
