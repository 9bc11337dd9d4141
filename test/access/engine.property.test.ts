import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AccessSnapshot, canGrant, check, explain, permissionsOn, whoHasAccess, type ResourceRef, type WorldInput,
} from '../../src/access/index.js';
import { PERMISSIONS, type Permission } from '../../src/domain/permissions.js';
import { PREDEFINED_ROLES, type PredefinedRoleKey } from '../../src/domain/predefined-roles.js';
import { propertyBatches, yieldToEventLoop } from '../helpers/property-runs.js';

// ---------------------------------------------------------------------------------------------------------
// The reference: a deliberately naive reading of spec/access-model.md. It shares nothing with the engine but
// the catalogue and the predefined table; it lists every grant as (resource it sits on, permissions, is it
// an ADMIN grant) and takes the union of those on the resource and its ancestors.
// ---------------------------------------------------------------------------------------------------------

const ACCOUNT_LEVEL_ADMINISTRATION = ['USER_CREATE', 'USER_UPDATE', 'USER_DELETE', 'USER_PERMISSION_UPDATE', 'ORGANIZATION_CREATE', 'ORGANIZATION_DELETE'];
const MANAGEMENT_OF_RESTRICTED = ['PROJECT_READ', 'PROJECT_RESTRICT', 'ROLE_BINDING_CREATE', 'ROLE_BINDING_READ', 'ROLE_BINDING_DELETE'];

interface RefGrant {
  on: ResourceRef;
  permissions: readonly string[];
  admin: boolean;
  /** On that resource only, not beneath it. */
  exact?: boolean;
}

const same = (a: ResourceRef, b: ResourceRef) => a.type === b.type && (a.type === 'ACCOUNT' || a.id === (b as { id: number }).id);

/** The resource and its ancestors, innermost first; undefined when it does not exist. */
function refChain(w: WorldInput, r: ResourceRef): ResourceRef[] | undefined {
  if (r.type === 'ACCOUNT') return [r];
  if (r.type === 'ORGANIZATION') return w.organizations.some((o) => o.id === r.id) ? [r, { type: 'ACCOUNT' }] : undefined;
  if (r.type === 'SPACE') {
    const sp = w.spaces.find((x) => x.id === r.id);
    const up = sp && refChain(w, { type: 'ORGANIZATION', id: sp.organizationId });
    return up && [r, ...up];
  }
  const p = w.projects.find((x) => x.id === r.id);
  const up = p && refChain(w, { type: 'SPACE', id: p.spaceId });
  return up && [r, ...up];
}

function refRolePermissions(w: WorldInput, roleId: number): { permissions: readonly string[]; key: PredefinedRoleKey | null } {
  const role = w.roles.find((r) => r.id === roleId);
  if (!role) return { permissions: [], key: null };
  if (role.predefinedKey) return { permissions: PREDEFINED_ROLES[role.predefinedKey].permissions, key: role.predefinedKey };
  return { permissions: role.permissions.filter((p) => !ACCOUNT_LEVEL_ADMINISTRATION.includes(p)), key: null };
}

function refGrants(w: WorldInput, userId: number): RefGrant[] {
  const user = w.users.find((u) => u.id === userId)!;
  const grants: RefGrant[] = [];
  if (user.role === 'ADMIN') grants.push({ on: { type: 'ACCOUNT' }, permissions: PERMISSIONS, admin: true });
  for (const m of w.organizationMemberships.filter((x) => x.userId === userId)) {
    const on: ResourceRef = { type: 'ORGANIZATION', id: m.organizationId };
    if (user.role === 'MEMBER') grants.push({ on, permissions: ['ORGANIZATION_READ'], admin: false });
    const { permissions, key } = refRolePermissions(w, m.roleId);
    const publicSpaces = w.spaces.filter((sp) => sp.organizationId === m.organizationId && !sp.isPrivate);
    if (key === null) grants.push({ on, permissions, admin: false });
    if (key === 'ADMIN') grants.push({ on, permissions, admin: true });
    if (key === 'MEMBER') grants.push({ on, permissions: ['ORGANIZATION_READ', 'SPACE_CREATE'], admin: false });
    if (key === 'READ_ONLY' || key === 'ANNOTATOR') grants.push({ on, permissions: ['ORGANIZATION_READ'], admin: false });
    if (key === 'MEMBER' || key === 'READ_ONLY') {
      grants.push({ on, permissions: ['SPACE_READ'], admin: false, exact: true });
      for (const sp of publicSpaces) grants.push({ on: { type: 'SPACE', id: sp.id }, permissions: ['SPACE_READ'], admin: false });
    }
  }
  for (const m of w.spaceMemberships.filter((x) => x.userId === userId)) {
    const { permissions, key } = refRolePermissions(w, m.roleId);
    grants.push({ on: { type: 'SPACE', id: m.spaceId }, permissions, admin: key === 'ADMIN' });
  }
  for (const b of w.roleBindings.filter((x) => x.userId === userId)) {
    const { permissions, key } = refRolePermissions(w, b.roleId);
    grants.push({ on: { type: b.resourceType, id: b.resourceId }, permissions, admin: key === 'ADMIN' });
  }
  return grants;
}

function refPermissionsOn(w: WorldInput, userId: number, r: ResourceRef, ignoreRestriction = false, grants?: RefGrant[]): Set<string> {
  const out = new Set<string>();
  const user = w.users.find((u) => u.id === userId);
  const chain = refChain(w, r);
  if (!user || !user.active || !chain) return out;
  if (r.type === 'ACCOUNT') {
    if (user.role === 'ADMIN') for (const p of PERMISSIONS) out.add(p);
    return out;
  }
  const restricted = r.type === 'PROJECT' && !ignoreRestriction && w.projects.find((p) => p.id === r.id)!.restricted;
  for (const g of grants ?? refGrants(w, userId)) {
    if (!chain.some((c) => same(c, g.on)) || (g.exact && !same(g.on, r))) continue;
    const fromAbove = !same(g.on, r);
    for (const p of g.permissions) {
      if (restricted && fromAbove && !(g.admin && MANAGEMENT_OF_RESTRICTED.includes(p))) continue;
      out.add(p);
    }
  }
  return out;
}

/** What the privilege ceiling measures a granter by: what it holds, or for an admin above a restricted project, what it would hold without the restriction. */
function refGrantable(w: WorldInput, granterId: number, r: ResourceRef, held: Set<string>): Set<string> {
  if (r.type !== 'PROJECT' || !w.projects.find((p) => p.id === r.id)?.restricted) return held;
  const chain = refChain(w, r)!;
  const granter = w.users.find((u) => u.id === granterId);
  const adminAbove = granter?.active && refGrants(w, granterId).some((g) => g.admin && !same(g.on, r) && chain.some((c) => same(c, g.on)));
  return adminAbove ? refPermissionsOn(w, granterId, r, true) : held;
}

// ---------------------------------------------------------------------------------------------------------
// Random worlds
// ---------------------------------------------------------------------------------------------------------

const PREDEFINED = [
  { id: 1, key: 'ADMIN' }, { id: 2, key: 'MEMBER' }, { id: 3, key: 'READ_ONLY' }, { id: 4, key: 'ANNOTATOR' },
] as const;
/** Permissions that the rules treat specially, so that custom roles hit them often. */
const NOTABLE: Permission[] = [
  ...MANAGEMENT_OF_RESTRICTED as Permission[], 'ORGANIZATION_READ', 'SPACE_READ', 'SPACE_CREATE', 'USER_CREATE',
  'ORGANIZATION_DELETE', 'PROJECT_SPAN_READ',
];

const permissionSet = fc.oneof(
  fc.subarray(NOTABLE),
  fc.subarray([...PERMISSIONS], { maxLength: 30 }),
  fc.constant(PREDEFINED_ROLES.ADMIN.permissions),
);

const rawWorld = fc.record({
  users: fc.array(fc.record({
    role: fc.constantFrom('ADMIN', 'MEMBER', 'MEMBER', 'ANNOTATOR'),
    active: fc.oneof(fc.constant(true), fc.constant(true), fc.constant(false)),
    isBot: fc.boolean(),
  }), { minLength: 1, maxLength: 5 }),
  organizationCount: fc.integer({ min: 1, max: 3 }),
  spaces: fc.array(fc.record({ organization: fc.nat(), isPrivate: fc.boolean() }), { minLength: 1, maxLength: 5 }),
  projects: fc.array(fc.record({ space: fc.nat(), restricted: fc.boolean() }), { maxLength: 7 }),
  customRoles: fc.array(permissionSet, { maxLength: 3 }),
  organizationMemberships: fc.array(fc.record({ user: fc.nat(), organization: fc.nat(), role: fc.nat() }), { maxLength: 8 }),
  spaceMemberships: fc.array(fc.record({ user: fc.nat(), space: fc.nat(), role: fc.nat() }), { maxLength: 8 }),
  bindings: fc.array(fc.record({ user: fc.nat(), project: fc.boolean(), resource: fc.nat(), role: fc.nat() }), { maxLength: 10 }),
});

type RawWorld = typeof rawWorld extends fc.Arbitrary<infer T> ? T : never;

/** Maps raw draws onto ids, keeping the database's uniqueness (one membership / binding per user and resource). */
function toWorld(raw: RawWorld): WorldInput {
  const pick = <T>(list: readonly T[], n: number): T => list[n % list.length]!;
  const users = raw.users.map((u, i) => ({ id: i + 1, ...u }));
  const organizations = Array.from({ length: raw.organizationCount }, (_, i) => ({ id: i + 1 }));
  const spaces = raw.spaces.map((sp, i) => ({ id: 10 + i, organizationId: pick(organizations, sp.organization).id, isPrivate: sp.isPrivate }));
  const projects = raw.projects.map((p, i) => ({ id: 100 + i, spaceId: pick(spaces, p.space).id, restricted: p.restricted }));
  const roles = [
    ...PREDEFINED.map((r) => ({ id: r.id, name: r.key, predefinedKey: r.key, permissions: PREDEFINED_ROLES[r.key].permissions })),
    ...raw.customRoles.map((permissions, i) => ({ id: 5 + i, name: `custom ${i}`, predefinedKey: null, permissions })),
  ];
  const unique = <T>(rows: T[], key: (row: T) => string): T[] => [...new Map(rows.map((r) => [key(r), r])).values()];
  return {
    accountId: 1,
    users,
    organizations,
    spaces,
    projects,
    roles,
    organizationMemberships: unique(raw.organizationMemberships.map((m) => ({
      userId: pick(users, m.user).id, organizationId: pick(organizations, m.organization).id, roleId: pick(roles, m.role).id,
    })), (m) => `${m.userId}/${m.organizationId}`),
    spaceMemberships: unique(raw.spaceMemberships.map((m) => ({
      userId: pick(users, m.user).id, spaceId: pick(spaces, m.space).id, roleId: pick(roles, m.role).id,
    })), (m) => `${m.userId}/${m.spaceId}`),
    roleBindings: unique(raw.bindings.flatMap((b) => {
      const onProject = b.project && projects.length > 0;
      const resourceId = onProject ? pick(projects, b.resource).id : pick(spaces, b.resource).id;
      return [{ userId: pick(users, b.user).id, roleId: pick(roles, b.role).id, resourceType: onProject ? 'PROJECT' as const : 'SPACE' as const, resourceId }];
    }), (b) => `${b.userId}/${b.resourceType}/${b.resourceId}`).map((b, i) => ({ id: i + 1, ...b })),
  };
}

/** Every resource of the world, plus one unknown id of each type. */
function resourcesOf(w: WorldInput): ResourceRef[] {
  return [
    { type: 'ACCOUNT' },
    ...w.organizations.map((o) => ({ type: 'ORGANIZATION' as const, id: o.id })), { type: 'ORGANIZATION', id: 99 },
    ...w.spaces.map((sp) => ({ type: 'SPACE' as const, id: sp.id })), { type: 'SPACE', id: 99 },
    ...w.projects.map((p) => ({ type: 'PROJECT' as const, id: p.id })), { type: 'PROJECT', id: 999 },
  ];
}

const label = (userId: number, r: ResourceRef) => `user ${userId} on ${r.type}${'id' in r ? ` ${r.id}` : ''}`;

/** Compares the engine's answer for everyone on everything with the reference; throws on the first difference. */
function assertAgreesWithReference(w: WorldInput, s: AccessSnapshot): void {
  const explained = new Set<Permission>([...NOTABLE, 'PROJECT_SPAN_ANNOTATE', 'DATASET_CREATE']);
  for (const userId of [...w.users.map((u) => u.id), 77]) {
    const grants = w.users.some((u) => u.id === userId) ? refGrants(w, userId) : [];
    for (const r of resourcesOf(w)) {
      const expected = refPermissionsOn(w, userId, r, false, grants);
      const got = permissionsOn(s, userId, r);
      if (got.size !== expected.size || [...got].some((p) => !expected.has(p))) {
        throw new Error(`permissionsOn ${label(userId, r)}: got [${[...got].sort()}], reference [${[...expected].sort()}]`);
      }
      for (const p of PERMISSIONS) {
        if (check(s, userId, p, r) !== expected.has(p)) throw new Error(`check ${p} ${label(userId, r)} disagrees`);
      }
      for (const p of explained) {
        if (explain(s, userId, p, r).allowed !== expected.has(p)) throw new Error(`explain ${p} ${label(userId, r)} disagrees`);
      }
      const grantable = refGrantable(w, userId, r, expected);
      for (const role of w.roles) {
        const missing = canGrant(s, userId, role.permissions, r);
        const expectedMissing = role.permissions.find((p) => !grantable.has(p));
        if ((missing.ok ? undefined : missing.missing) !== expectedMissing) {
          throw new Error(`canGrant role ${role.id} ${label(userId, r)}: got ${JSON.stringify(missing)}, reference ${expectedMissing}`);
        }
      }
    }
  }
  for (const r of resourcesOf(w)) {
    const who = whoHasAccess(s, r).map((a) => [a.userId, a.permissions.join()]);
    const expected = w.users
      .map((u) => [u.id, PERMISSIONS.filter((p) => refPermissionsOn(w, u.id, r).has(p)).join()] as const)
      .filter(([, perms]) => perms !== '')
      .sort((a, b) => a[0] - b[0]);
    expect(who).toEqual(expected);
  }
}

describe('the engine agrees with a naive reference reading of the spec', () => {
  it.each(propertyBatches(250))('on random worlds: check, permissionsOn, explain, canGrant and whoHasAccess ($numRuns runs)', async (runs) => {
    await yieldToEventLoop();
    fc.assert(fc.property(rawWorld, (raw) => {
      const w = toWorld(raw);
      assertAgreesWithReference(w, AccessSnapshot.build(w));
    }), runs);
  });
});

// ---------------------------------------------------------------------------------------------------------
// Incremental changes: applying changes to a snapshot gives what a rebuild from the changed world gives.
// ---------------------------------------------------------------------------------------------------------

const change = fc.oneof(
  fc.record({ kind: fc.constant('upsertBinding' as const), user: fc.nat(), project: fc.boolean(), resource: fc.nat(), role: fc.nat(), replace: fc.nat() }),
  fc.record({ kind: fc.constant('removeBinding' as const), n: fc.nat() }),
  fc.record({ kind: fc.constant('upsertOrganizationMembership' as const), user: fc.nat(), organization: fc.nat(), role: fc.nat() }),
  fc.record({ kind: fc.constant('removeOrganizationMembership' as const), n: fc.nat() }),
  fc.record({ kind: fc.constant('removeOrganizationMembershipRow' as const), n: fc.nat() }),
  fc.record({ kind: fc.constant('upsertSpaceMembership' as const), user: fc.nat(), space: fc.nat(), role: fc.nat() }),
  fc.record({ kind: fc.constant('removeSpaceMembership' as const), n: fc.nat() }),
  fc.record({ kind: fc.constant('setRestricted' as const), project: fc.nat(), restricted: fc.boolean() }),
  fc.record({ kind: fc.constant('upsertUser' as const), user: fc.nat(), role: fc.constantFrom('ADMIN', 'MEMBER', 'ANNOTATOR'), active: fc.boolean() }),
  fc.record({ kind: fc.constant('removeUser' as const), user: fc.nat() }),
  fc.record({ kind: fc.constant('upsertRole' as const), role: fc.nat(), permissions: permissionSet }),
  fc.record({ kind: fc.constant('removeRole' as const), role: fc.nat() }),
  fc.record({ kind: fc.constant('upsertSpace' as const), space: fc.nat(), organization: fc.nat(), isPrivate: fc.boolean(), isNew: fc.boolean() }),
  fc.record({ kind: fc.constant('upsertProject' as const), project: fc.nat(), space: fc.nat(), restricted: fc.boolean(), isNew: fc.boolean() }),
  fc.record({ kind: fc.constant('removeOrganization' as const), organization: fc.nat() }),
  fc.record({ kind: fc.constant('removeSpace' as const), space: fc.nat() }),
  fc.record({ kind: fc.constant('removeProject' as const), project: fc.nat() }),
);
type Change = typeof change extends fc.Arbitrary<infer T> ? T : never;

/** Applies a change to the world (the database, cascades included) and to the snapshot. */
function apply(w: WorldInput, s: AccessSnapshot, c: Change, nextId: () => number): void {
  const pick = <T>(list: readonly T[], n: number): T | undefined => list[n % Math.max(list.length, 1)];
  const dropProjects = (ids: Set<number>) => {
    w.projects = w.projects.filter((p) => !ids.has(p.id));
    w.roleBindings = w.roleBindings.filter((b) => !(b.resourceType === 'PROJECT' && ids.has(b.resourceId)));
  };
  const dropSpaces = (ids: Set<number>) => {
    dropProjects(new Set(w.projects.filter((p) => ids.has(p.spaceId)).map((p) => p.id)));
    w.spaces = w.spaces.filter((sp) => !ids.has(sp.id));
    w.spaceMemberships = w.spaceMemberships.filter((m) => !ids.has(m.spaceId));
    w.roleBindings = w.roleBindings.filter((b) => !(b.resourceType === 'SPACE' && ids.has(b.resourceId)));
  };
  switch (c.kind) {
    case 'upsertBinding': {
      const user = pick(w.users, c.user);
      const role = pick(w.roles, c.role);
      const target = c.project ? pick(w.projects, c.resource) : pick(w.spaces, c.resource);
      if (!user || !role || !target) return;
      const replaced = c.replace % 2 === 0 ? pick(w.roleBindings, c.replace) : undefined;
      const b = { id: replaced?.id ?? nextId(), userId: user.id, roleId: role.id, resourceType: c.project ? 'PROJECT' as const : 'SPACE' as const, resourceId: target.id };
      w.roleBindings = [...w.roleBindings.filter((x) => x.id !== b.id), b];
      s.upsertBinding(b);
      return;
    }
    case 'removeBinding': {
      const b = pick(w.roleBindings, c.n);
      if (!b) return;
      w.roleBindings = w.roleBindings.filter((x) => x.id !== b.id);
      s.removeBinding(b.id);
      return;
    }
    case 'upsertOrganizationMembership': {
      const user = pick(w.users, c.user);
      const o = pick(w.organizations, c.organization);
      const role = pick(w.roles, c.role);
      if (!user || !o || !role) return;
      const m = { userId: user.id, organizationId: o.id, roleId: role.id };
      w.organizationMemberships = [...w.organizationMemberships.filter((x) => x.userId !== m.userId || x.organizationId !== o.id), m];
      s.upsertOrganizationMembership(m);
      return;
    }
    case 'removeOrganizationMembership': {
      const m = pick(w.organizationMemberships, c.n);
      if (!m) return;
      const spaceIds = new Set(w.spaces.filter((sp) => sp.organizationId === m.organizationId).map((sp) => sp.id));
      const projectIds = new Set(w.projects.filter((p) => spaceIds.has(p.spaceId)).map((p) => p.id));
      w.organizationMemberships = w.organizationMemberships.filter((x) => x !== m);
      w.spaceMemberships = w.spaceMemberships.filter((x) => x.userId !== m.userId || !spaceIds.has(x.spaceId));
      w.roleBindings = w.roleBindings.filter((b) => b.userId !== m.userId
        || !(b.resourceType === 'SPACE' ? spaceIds : projectIds).has(b.resourceId));
      s.removeOrganizationMembership(m.userId, m.organizationId);
      return;
    }
    case 'removeOrganizationMembershipRow': {
      const m = pick(w.organizationMemberships, c.n);
      if (!m) return;
      w.organizationMemberships = w.organizationMemberships.filter((x) => x !== m);
      s.removeOrganizationMembershipRow(m.userId, m.organizationId);
      return;
    }
    case 'upsertSpaceMembership': {
      const user = pick(w.users, c.user);
      const sp = pick(w.spaces, c.space);
      const role = pick(w.roles, c.role);
      if (!user || !sp || !role) return;
      const m = { userId: user.id, spaceId: sp.id, roleId: role.id };
      w.spaceMemberships = [...w.spaceMemberships.filter((x) => x.userId !== m.userId || x.spaceId !== sp.id), m];
      s.upsertSpaceMembership(m);
      return;
    }
    case 'removeSpaceMembership': {
      const m = pick(w.spaceMemberships, c.n);
      if (!m) return;
      w.spaceMemberships = w.spaceMemberships.filter((x) => x !== m);
      s.removeSpaceMembership(m.userId, m.spaceId);
      return;
    }
    case 'setRestricted': {
      const p = pick(w.projects, c.project);
      if (!p) return;
      p.restricted = c.restricted;
      s.setRestricted(p.id, c.restricted);
      return;
    }
    case 'upsertUser': {
      const user = pick(w.users, c.user);
      if (!user) return;
      Object.assign(user, { role: c.role, active: c.active });
      s.upsertUser({ ...user });
      return;
    }
    case 'removeUser': {
      const user = pick(w.users, c.user);
      if (!user) return;
      w.users = w.users.filter((u) => u !== user);
      w.organizationMemberships = w.organizationMemberships.filter((m) => m.userId !== user.id);
      w.spaceMemberships = w.spaceMemberships.filter((m) => m.userId !== user.id);
      w.roleBindings = w.roleBindings.filter((b) => b.userId !== user.id);
      s.removeUser(user.id);
      return;
    }
    case 'upsertRole': {
      const custom = w.roles.filter((r) => r.predefinedKey === null);
      const existing = c.role % 2 === 0 ? pick(custom, c.role) : undefined;
      const role = { id: existing?.id ?? nextId(), name: `role ${c.role}`, predefinedKey: null, permissions: c.permissions };
      w.roles = [...w.roles.filter((r) => r.id !== role.id), role];
      s.upsertRole(role);
      return;
    }
    case 'removeRole': {
      const role = pick(w.roles.filter((r) => r.predefinedKey === null), c.role);
      if (!role) return;
      w.roles = w.roles.filter((r) => r !== role);
      w.organizationMemberships = w.organizationMemberships.filter((m) => m.roleId !== role.id);
      w.spaceMemberships = w.spaceMemberships.filter((m) => m.roleId !== role.id);
      w.roleBindings = w.roleBindings.filter((b) => b.roleId !== role.id);
      s.removeRole(role.id);
      return;
    }
    case 'upsertSpace': {
      const o = pick(w.organizations, c.organization);
      const existing = c.isNew ? undefined : pick(w.spaces, c.space);
      if (!o) return;
      const sp = { id: existing?.id ?? nextId(), organizationId: o.id, isPrivate: c.isPrivate };
      w.spaces = [...w.spaces.filter((x) => x.id !== sp.id), sp];
      s.upsertSpace(sp);
      return;
    }
    case 'upsertProject': {
      const sp = pick(w.spaces, c.space);
      const existing = c.isNew ? undefined : pick(w.projects, c.project);
      if (!sp) return;
      const p = { id: existing?.id ?? nextId(), spaceId: sp.id, restricted: c.restricted };
      w.projects = [...w.projects.filter((x) => x.id !== p.id), p];
      s.upsertProject(p);
      return;
    }
    case 'removeOrganization': {
      const o = pick(w.organizations, c.organization);
      if (!o) return;
      dropSpaces(new Set(w.spaces.filter((sp) => sp.organizationId === o.id).map((sp) => sp.id)));
      w.organizations = w.organizations.filter((x) => x !== o);
      w.organizationMemberships = w.organizationMemberships.filter((m) => m.organizationId !== o.id);
      s.removeOrganization(o.id);
      return;
    }
    case 'removeSpace': {
      const sp = pick(w.spaces, c.space);
      if (!sp) return;
      dropSpaces(new Set([sp.id]));
      s.removeSpace(sp.id);
      return;
    }
    case 'removeProject': {
      const p = pick(w.projects, c.project);
      if (!p) return;
      dropProjects(new Set([p.id]));
      s.removeProject(p.id);
      return;
    }
  }
}

describe('incremental changes equal a rebuild', () => {
  it.each(propertyBatches(80))('on random worlds with up to 25 random changes each ($numRuns runs)', async (runs) => {
    await yieldToEventLoop();
    fc.assert(fc.property(rawWorld, fc.array(change, { maxLength: 25 }), (raw, changes) => {
      const w = toWorld(raw);
      const s = AccessSnapshot.build(structuredClone(w));
      let id = 1000;
      const everUsers = new Set(w.users.map((u) => u.id));
      const seen = new Map(resourcesOf(w).map((r) => [JSON.stringify(r), r]));
      for (const c of changes) {
        apply(w, s, c, () => id++);
        for (const r of resourcesOf(w)) seen.set(JSON.stringify(r), r);
      }
      const everResources = [...seen.values()];
      const rebuilt = AccessSnapshot.build(w);
      for (const userId of everUsers) {
        for (const r of everResources) {
          const a = [...permissionsOn(s, userId, r)].sort().join();
          const b = [...permissionsOn(rebuilt, userId, r)].sort().join();
          if (a !== b) throw new Error(`${label(userId, r)}: incremental [${a}] rebuilt [${b}]`);
        }
      }
      for (const r of everResources) expect(whoHasAccess(s, r)).toEqual(whoHasAccess(rebuilt, r));
      expect(s.bindings.ids()).toEqual(w.roleBindings.map((b) => b.id).sort((a, b) => a - b));
      assertAgreesWithReference(w, s);
    }), runs);
  });
});
