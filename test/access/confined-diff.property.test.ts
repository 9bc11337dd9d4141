import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  accessDiff, AccessSnapshot, type AccessDelta, confinedAccessDiff, type ConfinedRows, permissionsOn, type ResourceRef, type WorldInput,
} from '../../src/access/index.js';
import { PERMISSIONS } from '../../src/domain/permissions.js';
import { PREDEFINED_ROLES } from '../../src/domain/predefined-roles.js';
import { propertyRuns } from '../helpers/property-runs.js';

/**
 * accessDiff and confinedAccessDiff against a brute-force reference: every user on every resource, before and after
 * a change of some users' grants and some projects' restrictions, grants expiring before or after `NOW` included.
 */
const NOW = Date.parse('2026-12-03T10:00:00Z');
const PAST = '2026-12-03T09:00:00Z';
const FUTURE = '2026-12-03T11:00:00Z';
const ROLE_IDS = [1, 2, 3, 4, 5];
const BASE: Omit<WorldInput, 'users' | 'organizationMemberships' | 'spaceMemberships' | 'roleBindings'> = {
  accountId: 1,
  organizations: [{ id: 1, name: 'acme' }, { id: 2, name: 'globex' }],
  spaces: [
    { id: 10, organizationId: 1, isPrivate: false, name: 'alpha' },
    { id: 11, organizationId: 1, isPrivate: true, name: 'vault' },
    { id: 20, organizationId: 2, isPrivate: false },
  ],
  projects: [
    { id: 100, spaceId: 10, restricted: false, name: 'chat' },
    { id: 101, spaceId: 10, restricted: true },
    { id: 110, spaceId: 11, restricted: false },
    { id: 200, spaceId: 20, restricted: false, name: 'ops' },
  ],
  roles: [
    ...(['ADMIN', 'MEMBER', 'READ_ONLY', 'ANNOTATOR'] as const).map((key, i) => ({
      id: i + 1, name: key, predefinedKey: key, permissions: PREDEFINED_ROLES[key].permissions,
    })),
    { id: 5, name: 'custom', predefinedKey: null, permissions: PERMISSIONS.filter((_, i) => i % 3 === 0) },
  ],
};
const USER_IDS = [1, 2, 3, 4];
const SPACE_IDS = [10, 11, 20];
const PROJECT_IDS = [100, 101, 110, 200];

const expiry = fc.constantFrom(undefined, undefined, PAST, FUTURE);
/** One user's grants on these resources: account role and status, memberships and bindings. */
function grantsOn(organizationIds: readonly number[], spaceIds: readonly number[], projectIds: readonly number[]) {
  const targets = [...spaceIds.map((id) => ({ type: 'SPACE' as const, id })), ...projectIds.map((id) => ({ type: 'PROJECT' as const, id }))];
  return fc.record({
    present: fc.oneof(fc.constant(true), fc.constant(true), fc.constant(true), fc.constant(false)),
    role: fc.constantFrom('ADMIN' as const, 'MEMBER' as const, 'MEMBER' as const, 'ANNOTATOR' as const),
    active: fc.oneof(fc.constant(true), fc.constant(true), fc.constant(false)),
    isBot: fc.boolean(),
    organizations: fc.uniqueArray(fc.record({ id: fc.constantFrom(...organizationIds), role: fc.constantFrom(...ROLE_IDS), expiresAt: expiry }), { selector: (m) => m.id, maxLength: 2 }),
    spaces: fc.uniqueArray(fc.record({ id: fc.constantFrom(...spaceIds), role: fc.constantFrom(...ROLE_IDS), expiresAt: expiry }), { selector: (m) => m.id, maxLength: 2 }),
    bindings: fc.uniqueArray(fc.record({ target: fc.constantFrom(...targets), role: fc.constantFrom(...ROLE_IDS), expiresAt: expiry }), {
      selector: (b) => `${b.target.type}${b.target.id}`, maxLength: 3,
    }),
  });
}
const grants = grantsOn([1, 2], SPACE_IDS, PROJECT_IDS);
type Grants = typeof grants extends fc.Arbitrary<infer T> ? T : never;

/** The world's rows of these users; binding ids are `user * 100 + k` (a user's bindings keep their ids when re-drawn). */
function rowsOf(users: Map<number, Grants>, restricted: ReadonlyMap<number, boolean>): ConfinedRows {
  const rows: ConfinedRows = { users: [], organizationMemberships: [], spaceMemberships: [], roleBindings: [], restricted };
  for (const [id, g] of users) {
    if (!g.present) continue;
    rows.users.push({ id, role: g.role, active: g.active, isBot: g.isBot });
    for (const m of g.organizations) rows.organizationMemberships.push({ userId: id, organizationId: m.id, roleId: m.role, expiresAt: m.expiresAt });
    for (const m of g.spaces) rows.spaceMemberships.push({ userId: id, spaceId: m.id, roleId: m.role, expiresAt: m.expiresAt });
    g.bindings.forEach((b, k) => rows.roleBindings.push({
      id: id * 100 + k, userId: id, roleId: b.role, resourceType: b.target.type, resourceId: b.target.id, expiresAt: b.expiresAt,
    }));
  }
  return rows;
}

function snapshotOf(rows: ConfinedRows, structure: Pick<WorldInput, 'organizations' | 'spaces' | 'projects' | 'roles'> = BASE): AccessSnapshot {
  const s = AccessSnapshot.build({ ...BASE, ...structure, ...rows, projects: structure.projects.map((p) => ({ ...p, restricted: rows.restricted.get(p.id) ?? p.restricted })) });
  s.expire(NOW);
  return s;
}

/**
 * BASE and the resources a change may create: an organization with a space and a project, a public and a private
 * space in acme, and projects in existing spaces. A resource keeps its parent, privacy and restriction on both sides.
 */
const UNIVERSE: Pick<WorldInput, 'organizations' | 'spaces' | 'projects'> = {
  organizations: [...BASE.organizations, { id: 3, name: 'initech' }],
  spaces: [...BASE.spaces, { id: 12, organizationId: 1, isPrivate: false, name: 'beta' }, { id: 13, organizationId: 1, isPrivate: true },
    { id: 30, organizationId: 3, isPrivate: false, name: 'labs' }],
  projects: [...BASE.projects, { id: 102, spaceId: 10, restricted: false, name: 'eval' }, { id: 103, spaceId: 10, restricted: true },
    { id: 120, spaceId: 12, restricted: false }, { id: 130, spaceId: 13, restricted: false }, { id: 300, spaceId: 30, restricted: false, name: 'lab' }],
};
const byId = (x: { id: number }, y: { id: number }) => x.id - y.id;
/** In accessDiff's order: the account, then organizations, spaces and projects by id. */
const RESOURCES: ResourceRef[] = [
  { type: 'ACCOUNT' }, ...UNIVERSE.organizations.map((o) => ({ type: 'ORGANIZATION' as const, id: o.id })).sort(byId),
  ...UNIVERSE.spaces.map((sp) => ({ type: 'SPACE' as const, id: sp.id })).sort(byId), ...UNIVERSE.projects.map((p) => ({ type: 'PROJECT' as const, id: p.id })).sort(byId),
];
const NAMES = new Map<string, string | undefined>([
  ...UNIVERSE.organizations.map((o) => [`ORGANIZATION:${o.id}`, o.name] as const), ...UNIVERSE.spaces.map((s) => [`SPACE:${s.id}`, s.name] as const),
  ...UNIVERSE.projects.map((p) => [`PROJECT:${p.id}`, p.name] as const),
]);

/** Every user on every resource, compared permission by permission. */
function bruteForce(before: AccessSnapshot, beforeRows: ConfinedRows, after: AccessSnapshot, afterRows: ConfinedRows): AccessDelta[] {
  const out: AccessDelta[] = [];
  for (const id of USER_IDS) {
    const user = afterRows.users.find((u) => u.id === id) ?? beforeRows.users.find((u) => u.id === id);
    if (user === undefined) continue;
    for (const resource of RESOURCES) {
      const held = permissionsOn(before, id, resource);
      const holds = permissionsOn(after, id, resource);
      const gained = PERMISSIONS.filter((p) => holds.has(p) && !held.has(p));
      const lost = PERMISSIONS.filter((p) => held.has(p) && !holds.has(p));
      const resourceName = resource.type === 'ACCOUNT' ? undefined : NAMES.get(`${resource.type}:${resource.id}`);
      if (gained.length + lost.length > 0) out.push({ userId: id, isBot: user.isBot, resource, resourceName, gained, lost });
    }
  }
  return out;
}

describe('the difference of a change to some users\' grants and some projects\' restrictions', () => {
  it('accessDiff and confinedAccessDiff equal a comparison of every user on every resource', () => {
    fc.assert(fc.property(
      fc.array(grants, { minLength: 4, maxLength: 4 }), fc.array(fc.option(grants), { minLength: 4, maxLength: 4 }),
      fc.array(fc.option(fc.boolean()), { minLength: 4, maxLength: 4 }),
      (start, redrawn, flips) => {
        const beforeUsers = new Map(USER_IDS.map((id, i) => [id, start[i]!]));
        const afterUsers = new Map(USER_IDS.map((id, i) => [id, redrawn[i] ?? start[i]!]));
        const confined = USER_IDS.filter((_, i) => redrawn[i] !== null);
        const projects = PROJECT_IDS.filter((_, i) => flips[i] !== null);
        const restrictedBefore = new Map(projects.map((id) => [id, BASE.projects.find((p) => p.id === id)!.restricted]));
        const restrictedAfter = new Map(projects.map((id) => [id, flips[PROJECT_IDS.indexOf(id)]!]));
        const beforeRows = rowsOf(beforeUsers, restrictedBefore);
        const afterRows = rowsOf(afterUsers, restrictedAfter);
        const before = snapshotOf(beforeRows);
        const after = snapshotOf(afterRows);
        const expected = bruteForce(before, beforeRows, after, afterRows);
        expect(accessDiff(before, after)).toEqual(expected);
        const scoped = (rows: ConfinedRows): ConfinedRows => ({
          ...rows, users: rows.users.filter((u) => confined.includes(u.id)),
          organizationMemberships: rows.organizationMemberships.filter((m) => confined.includes(m.userId)),
          spaceMemberships: rows.spaceMemberships.filter((m) => confined.includes(m.userId)),
          roleBindings: rows.roleBindings.filter((b) => confined.includes(b.userId)),
        });
        expect(confinedAccessDiff(before, confined, scoped(beforeRows), scoped(afterRows), NOW)).toEqual(expected);
        // The base snapshot is left as it was.
        expect(accessDiff(before, snapshotOf(beforeRows))).toEqual([]);
      },
    ), propertyRuns(150));
  });

  // A delete's dry run, a custom role's edit, an access document's plan: accessDiff compares each user on what it
  // reached of the resources created or deleted and where its own grants changed (a role's edit changes the grants
  // of its holders), not every user everywhere (24 s for a project's delete on the seed world of 10k users, 4–6 s
  // for a custom role's edit).
  it('accessDiff of organizations, spaces and projects created and deleted, a role\'s permissions changed and some users\' grants redrawn, equals every user on every resource', () => {
    /** A side's resources: some of the universe's, each with its parents. */
    const side = fc.record({
      organizations: fc.subarray([1, 2, 3], { minLength: 1 }), spaces: fc.subarray(UNIVERSE.spaces.map((sp) => sp.id)),
      projects: fc.subarray(UNIVERSE.projects.map((p) => p.id)),
    }).map((drawn) => {
      const spaces = UNIVERSE.spaces.filter((sp) => drawn.organizations.includes(sp.organizationId) && drawn.spaces.includes(sp.id));
      return {
        organizations: UNIVERSE.organizations.filter((o) => drawn.organizations.includes(o.id)),
        spaces,
        projects: UNIVERSE.projects.filter((p) => spaces.some((sp) => sp.id === p.spaceId) && drawn.projects.includes(p.id)),
      };
    });
    const anywhere = grantsOn(UNIVERSE.organizations.map((o) => o.id), UNIVERSE.spaces.map((sp) => sp.id), UNIVERSE.projects.map((p) => p.id));
    const customRole = fc.subarray([...PERMISSIONS]).map((permissions) => BASE.roles.map((r) => (r.id === 5 ? { ...r, permissions } : r)));
    /** A user's grants may name a resource a side lacks: that side's rows leave it out, as the database's cascade would. */
    const onSide = (rows: ConfinedRows, structure: typeof UNIVERSE): ConfinedRows => ({
      ...rows,
      organizationMemberships: rows.organizationMemberships.filter((m) => structure.organizations.some((o) => o.id === m.organizationId)),
      spaceMemberships: rows.spaceMemberships.filter((m) => structure.spaces.some((sp) => sp.id === m.spaceId)),
      roleBindings: rows.roleBindings.filter((b) => (b.resourceType === 'SPACE' ? structure.spaces : structure.projects).some((r) => r.id === b.resourceId)),
    });
    fc.assert(fc.property(
      fc.array(anywhere, { minLength: 4, maxLength: 4 }), fc.array(fc.option(anywhere, { freq: 3 }), { minLength: 4, maxLength: 4 }),
      side, side, fc.option(customRole),
      (start, redrawn, was, is, roles) => {
        const beforeRows = onSide(rowsOf(new Map(USER_IDS.map((id, i) => [id, start[i]!])), new Map()), was);
        const afterRows = onSide(rowsOf(new Map(USER_IDS.map((id, i) => [id, redrawn[i] ?? start[i]!])), new Map()), is);
        const before = snapshotOf(beforeRows, { ...was, roles: BASE.roles });
        const after = snapshotOf(afterRows, { ...is, roles: roles ?? BASE.roles });
        expect(accessDiff(before, after)).toEqual(bruteForce(before, beforeRows, after, afterRows));
      },
    ), propertyRuns(200));
  });
});
