import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessSnapshot, check, type WorldInput } from '../../src/access/index.js';
import { PREDEFINED_ROLE_KEYS, PREDEFINED_ROLES, type PredefinedRoleKey } from '../../src/domain/predefined-roles.js';
import { loadWorld } from '../../src/services/access-loader.js';
import type { Store } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrator.js';
import { openTestStore, type TestStore } from '../helpers/test-store.js';

const now = new Date().toISOString();
let opened: TestStore | undefined;
let store: Store;

/** An account with its four predefined role rows and one custom role; returns the role ids by key. */
async function seedAccount(name: string) {
  const db = store.db;
  const { id: accountId } = await db.insertInto('accounts').values({ name, created_at: now }).returning('id').executeTakeFirstOrThrow();
  const role = {} as Record<PredefinedRoleKey | 'LABELER', number>;
  for (const key of PREDEFINED_ROLE_KEYS) {
    const row = await db.insertInto('roles').values({
      account_id: accountId, predefined_key: key, name: PREDEFINED_ROLES[key].name, description: null, permissions: null, created_at: now, updated_at: now,
    }).returning('id').executeTakeFirstOrThrow();
    role[key] = row.id;
  }
  const custom = await db.insertInto('roles').values({
    account_id: accountId, predefined_key: null, name: 'Labeler', description: null,
    permissions: JSON.stringify(['PROJECT_SPAN_READ', 'PROJECT_SPAN_ANNOTATE', 'NOT_IN_THE_CATALOGUE']), created_at: now, updated_at: now,
  }).returning('id').executeTakeFirstOrThrow();
  role.LABELER = custom.id;
  const user = async (email: string, fields: { role: 'ADMIN' | 'MEMBER' | 'ANNOTATOR'; status?: 'ACTIVE' | 'INVITED'; bot?: boolean; deleted?: boolean }) => {
    const row = await db.insertInto('users').values({
      account_id: accountId, name: email, email, email_lower: email, role: fields.role, status: fields.status ?? 'ACTIVE',
      is_developer: 1, is_bot: fields.bot ? 1 : 0, password_hash: null, must_change_password: 0,
      deleted_at: fields.deleted ? now : null, created_at: now, updated_at: now,
    }).returning('id').executeTakeFirstOrThrow();
    return row.id;
  };
  return { accountId, role, user };
}

beforeAll(async () => {
  opened = await openTestStore('ax-access-loader-');
  store = opened.store;
  await migrateToLatest(store.db);
});

afterAll(() => opened?.close());

describe('loadWorld', () => {
  it('reads one account as the engine input, leaving out deleted users and other accounts', async () => {
    const db = store.db;
    const { accountId, role, user } = await seedAccount('tenant-a');
    const admin = await user('admin@a.example', { role: 'ADMIN' });
    const member = await user('member@a.example', { role: 'MEMBER' });
    const invited = await user('invited@a.example', { role: 'MEMBER', status: 'INVITED' });
    const bot = await user('bot@a.bots.invalid', { role: 'MEMBER', bot: true });
    await user('gone@a.example', { role: 'ADMIN', deleted: true });

    const org = await db.insertInto('organizations').values({ account_id: accountId, name: 'acme', description: '', created_at: now, updated_at: now })
      .returning('id').executeTakeFirstOrThrow();
    const space = await db.insertInto('spaces').values({
      account_id: accountId, organization_id: org.id, name: 'alpha', description: '', is_private: 1, created_at: now, updated_at: now,
    }).returning('id').executeTakeFirstOrThrow();
    const [open, restricted] = await db.insertInto('projects').values(['chat', 'payroll'].map((name) => ({
      account_id: accountId, space_id: space.id, name, created_at: now, updated_at: now,
    }))).returning('id').execute();
    await db.insertInto('resource_restrictions').values({ project_id: restricted!.id, account_id: accountId, created_at: now }).execute();
    await db.insertInto('organization_memberships').values({
      account_id: accountId, organization_id: org.id, user_id: member, role_id: role.READ_ONLY, created_at: now, updated_at: now,
    }).execute();
    await db.insertInto('space_memberships').values({
      account_id: accountId, space_id: space.id, user_id: member, role_id: role.MEMBER, created_at: now, updated_at: now,
    }).execute();
    const bindings = await db.insertInto('role_bindings').values([
      { account_id: accountId, user_id: bot, role_id: role.LABELER, resource_type: 'PROJECT', space_id: null, project_id: restricted!.id, created_at: now, updated_at: now },
      { account_id: accountId, user_id: invited, role_id: role.ADMIN, resource_type: 'SPACE', space_id: space.id, project_id: null, created_at: now, updated_at: now },
    ]).returning('id').execute();

    const other = await seedAccount('tenant-b');
    await other.user('admin@b.example', { role: 'ADMIN' });

    const world = await loadWorld(db, accountId);
    const byId = <T extends { id: number }>(rows: T[]) => [...rows].sort((a, b) => a.id - b.id);
    expect({ ...world, users: byId(world.users), projects: byId(world.projects), roles: byId(world.roles), roleBindings: byId(world.roleBindings) })
      .toEqual({
        accountId,
        users: [
          { id: admin, role: 'ADMIN', active: true, isBot: false },
          { id: member, role: 'MEMBER', active: true, isBot: false },
          { id: invited, role: 'MEMBER', active: false, isBot: false },
          { id: bot, role: 'MEMBER', active: true, isBot: true },
        ],
        organizations: [{ id: org.id, name: 'acme' }],
        spaces: [{ id: space.id, organizationId: org.id, isPrivate: true, name: 'alpha' }],
        projects: [
          { id: open!.id, spaceId: space.id, restricted: false, name: 'chat' },
          { id: restricted!.id, spaceId: space.id, restricted: true, name: 'payroll' },
        ],
        roles: [
          ...PREDEFINED_ROLE_KEYS.map((key) => ({
            id: role[key], name: PREDEFINED_ROLES[key].name, predefinedKey: key, permissions: PREDEFINED_ROLES[key].permissions,
          })),
          { id: role.LABELER, name: 'Labeler', predefinedKey: null, permissions: ['PROJECT_SPAN_READ', 'PROJECT_SPAN_ANNOTATE'] },
        ],
        organizationMemberships: [{ userId: member, organizationId: org.id, roleId: role.READ_ONLY, expiresAt: null }],
        spaceMemberships: [{ userId: member, spaceId: space.id, roleId: role.MEMBER, expiresAt: null }],
        roleBindings: [
          { id: bindings[0]!.id, userId: bot, roleId: role.LABELER, resourceType: 'PROJECT', resourceId: restricted!.id, expiresAt: null },
          { id: bindings[1]!.id, userId: invited, roleId: role.ADMIN, resourceType: 'SPACE', resourceId: space.id, expiresAt: null },
        ],
      } satisfies WorldInput);

    const s = AccessSnapshot.build(world);
    const project = (id: number) => ({ type: 'PROJECT', id }) as const;
    expect([
      check(s, member, 'PROJECT_SPAN_CREATE', project(open!.id)),
      check(s, member, 'PROJECT_SPAN_READ', project(restricted!.id)),
      check(s, bot, 'PROJECT_SPAN_ANNOTATE', project(restricted!.id)),
      check(s, invited, 'SPACE_READ', { type: 'SPACE', id: space.id }),
      check(s, admin, 'PROJECT_RESTRICT', project(restricted!.id)),
    ]).toEqual([true, false, true, false, true]);
  });

  it('hands the bindings over grouped by user, each keeping its own fields, expiry included', async () => {
    const db = store.db;
    const { accountId, role, user } = await seedAccount('tenant-grouped');
    const [ada, bo, cy] = [await user('ada@g.example', { role: 'MEMBER' }), await user('bo@g.example', { role: 'MEMBER' }), await user('cy@g.example', { role: 'MEMBER' })];
    const org = await db.insertInto('organizations').values({ account_id: accountId, name: 'g', description: '', created_at: now, updated_at: now })
      .returning('id').executeTakeFirstOrThrow();
    const spaces = await db.insertInto('spaces').values(['s1', 's2', 's3'].map((name) => ({
      account_id: accountId, organization_id: org.id, name, description: '', is_private: 0, created_at: now, updated_at: now,
    }))).returning('id').execute();
    const [p1] = await db.insertInto('projects').values({ account_id: accountId, space_id: spaces[0]!.id, name: 'p1', created_at: now, updated_at: now })
      .returning('id').execute();
    // Inserted one user after another, so that in id order the users interleave.
    const grants: [number, 'SPACE' | 'PROJECT', number, string | null][] = [
      [cy, 'SPACE', spaces[0]!.id, '2030-01-01T00:00:00.000Z'], [ada, 'PROJECT', p1!.id, null], [bo, 'SPACE', spaces[1]!.id, null],
      [ada, 'SPACE', spaces[2]!.id, '2031-06-01T00:00:00.000Z'], [cy, 'PROJECT', p1!.id, null], [ada, 'SPACE', spaces[0]!.id, null],
    ];
    const ids: number[] = [];
    for (const [userId, type, resourceId, expiresAt] of grants) {
      const row = await db.insertInto('role_bindings').values({
        account_id: accountId, user_id: userId, role_id: role.READ_ONLY, resource_type: type, space_id: type === 'SPACE' ? resourceId : null,
        project_id: type === 'PROJECT' ? resourceId : null, expires_at: expiresAt, created_at: now, updated_at: now,
      }).returning('id').executeTakeFirstOrThrow();
      ids.push(row.id);
    }
    const expected = (k: number) => ({
      id: ids[k]!, userId: grants[k]![0], roleId: role.READ_ONLY, resourceType: grants[k]![1], resourceId: grants[k]![2], expiresAt: grants[k]![3],
    });
    const { roleBindings } = await loadWorld(db, accountId);
    // Each user's on spaces first, then on projects, each by id (the order read); users by id.
    expect(roleBindings).toEqual([expected(3), expected(5), expected(1), expected(2), expected(0), expected(4)]);
  });

  it('groups bindings read over several pages by user, in the order read within each user, each expiry kept with its binding', async () => {
    const db = store.db;
    const { accountId, role, user } = await seedAccount('tenant-paged');
    const users: number[] = [];
    for (let k = 0; k < 300; k++) users.push(await user(`u${k}@p.example`, { role: 'MEMBER' }));
    const org = await db.insertInto('organizations').values({ account_id: accountId, name: 'p', description: '', created_at: now, updated_at: now })
      .returning('id').executeTakeFirstOrThrow();
    const spaces = await db.insertInto('spaces').values(Array.from({ length: 40 }, (_, k) => ({
      account_id: accountId, organization_id: org.id, name: `s${k}`, description: '', is_private: 0, created_at: now, updated_at: now,
    }))).returning('id').execute();
    const projects = await db.insertInto('projects').values(Array.from({ length: 3 }, (_, k) => ({
      account_id: accountId, space_id: spaces[0]!.id, name: `p${k}`, created_at: now, updated_at: now,
    }))).returning('id').execute();
    // 12,000 on spaces (two pages of the read) and 900 on projects, inserted so that in id order the users interleave.
    const grants: { userId: number; resourceType: 'SPACE' | 'PROJECT'; resourceId: number; expiresAt: string | null }[] = [];
    const resources = [...spaces.map((s) => ['SPACE', s.id] as const), ...projects.map((p) => ['PROJECT', p.id] as const)];
    for (const [resourceType, resourceId] of resources) {
      for (let k = 0; k < users.length; k++) {
        const u = users[(k * 7 + resourceId) % users.length]!;
        grants.push({ userId: u, resourceType, resourceId, expiresAt: (u + resourceId) % 11 === 0 ? `2031-01-${String(1 + (u % 28)).padStart(2, '0')}T00:00:00.000Z` : null });
      }
    }
    const ids: number[] = [];
    for (let from = 0; from < grants.length; from += 1000) {
      const rows = await db.insertInto('role_bindings').values(grants.slice(from, from + 1000).map((g) => ({
        account_id: accountId, user_id: g.userId, role_id: role.READ_ONLY, resource_type: g.resourceType,
        space_id: g.resourceType === 'SPACE' ? g.resourceId : null, project_id: g.resourceType === 'PROJECT' ? g.resourceId : null,
        expires_at: g.expiresAt, created_at: now, updated_at: now,
      }))).returning('id').execute();
      ids.push(...rows.map((r) => r.id));
    }
    const inserted = grants.map((g, k) => ({ id: ids[k]!, roleId: role.READ_ONLY, ...g }));
    const readOrder = [...inserted.filter((b) => b.resourceType === 'SPACE'), ...inserted.filter((b) => b.resourceType === 'PROJECT')]
      .sort((a, b) => (a.resourceType === b.resourceType ? a.id - b.id : 0));
    // A stable sort by user of the order read: each user's on spaces, then on projects, each by id.
    const expected = [...readOrder].sort((a, b) => a.userId - b.userId);
    const { roleBindings } = await loadWorld(db, accountId);
    expect(roleBindings.map(({ id, userId, roleId, resourceType, resourceId, expiresAt }) => ({ id, userId, roleId, resourceType, resourceId, expiresAt })))
      .toEqual(expected.map(({ id, userId, roleId, resourceType, resourceId, expiresAt }) => ({ id, userId, roleId, resourceType, resourceId, expiresAt })));
    expect(roleBindings.filter((b) => b.expiresAt !== null).length).toBe(grants.filter((g) => g.expiresAt !== null).length);
  });

  it('gives an empty world for an account without rows', async () => {
    expect(await loadWorld(store.db, 987654)).toEqual({
      accountId: 987654, users: [], organizations: [], spaces: [], projects: [], roles: [],
      organizationMemberships: [], spaceMemberships: [], roleBindings: [],
    });
  });
});
