import { describe, expect, it } from 'vitest';
import {
  AccessSnapshot, allowedResources, check, permissionsOn, resourceParent, RESTRICTED_PROJECT_MANAGEMENT, type ResourceRef,
} from '../../src/access/index.js';
import { ACCOUNT_ADMIN_PERMISSIONS, PERMISSIONS, type Permission } from '../../src/domain/permissions.js';
import { PREDEFINED_ROLES } from '../../src/domain/predefined-roles.js';
import { account, fixtureWorld, org, project, ROLE, space } from './fixture-world.js';

type Expectation = [Permission, ResourceRef, boolean];
interface Case {
  rule: string;
  world: Parameters<typeof fixtureWorld>[0];
  expect: Expectation[];
}

const om = (organizationId: number, roleId: number) => ({ userId: 1, organizationId, roleId });
const sm = (spaceId: number, roleId: number) => ({ userId: 1, spaceId, roleId });
const sb = (resourceId: number, roleId: number, id = 1) => ({ id, userId: 1, roleId, resourceType: 'SPACE' as const, resourceId });
const pb = (resourceId: number, roleId: number, id = 2) => ({ id, userId: 1, roleId, resourceType: 'PROJECT' as const, resourceId });

const CASES: Case[] = [
  // 1. Account role
  {
    rule: 'account ADMIN holds every permission on the account and everything in it',
    world: { role: 'ADMIN' },
    expect: [
      ...PERMISSIONS.map((p): Expectation => [p, account, true]),
      ['ORGANIZATION_DELETE', org(2), true], ['SPACE_DELETE', space(11), true], ['PROJECT_SPAN_DELETE', project(110), true],
      ['USER_CREATE', project(100), true],
    ],
  },
  {
    rule: 'account MEMBER without memberships holds nothing, not even on the account',
    world: { role: 'MEMBER' },
    expect: [
      ['USER_READ', account, false], ['ORGANIZATION_READ', account, false], ['ORGANIZATION_READ', org(1), false],
      ['SPACE_READ', space(10), false],
    ],
  },
  {
    rule: 'account MEMBER grants ORGANIZATION_READ on the organizations it is a member of',
    world: { role: 'MEMBER', organizationMemberships: [om(1, ROLE.LABELER)] },
    expect: [['ORGANIZATION_READ', org(1), true], ['ORGANIZATION_READ', space(10), true], ['ORGANIZATION_READ', org(2), false]],
  },
  {
    rule: 'account ANNOTATOR grants nothing beyond its memberships',
    world: { role: 'ANNOTATOR', organizationMemberships: [om(1, ROLE.LABELER)] },
    expect: [['ORGANIZATION_READ', org(1), false], ['PROJECT_SPAN_ANNOTATE', project(100), true]],
  },
  {
    rule: 'account-level administration needs account ADMIN: no membership or binding carries it',
    world: {
      role: 'MEMBER',
      organizationMemberships: [om(1, ROLE.ADMIN)],
      spaceMemberships: [sm(10, ROLE.LABELER)],
      roleBindings: [pb(100, ROLE.LABELER)],
    },
    expect: [
      ...ACCOUNT_ADMIN_PERMISSIONS.flatMap((p): Expectation[] => [[p, account, false], [p, org(1), false], [p, project(100), false]]),
      ['PROJECT_SPAN_ANNOTATE', project(100), true],
    ],
  },
  // 2. Organization membership
  {
    rule: 'organization ADMIN holds the ADMIN set on the organization and every space (private too) and project in it',
    world: { role: 'ANNOTATOR', organizationMemberships: [om(1, ROLE.ADMIN)] },
    expect: [
      ...PREDEFINED_ROLES.ADMIN.permissions.map((p): Expectation => [p, space(11), true]),
      ['ORGANIZATION_UPDATE', org(1), true], ['SPACE_CREATE', org(1), true], ['PROJECT_SPAN_DELETE', project(110), true],
      ['ORGANIZATION_READ', org(2), false], ['SPACE_READ', space(20), false], ['USER_READ', account, false],
    ],
  },
  {
    rule: 'organization MEMBER: ORGANIZATION_READ, SPACE_CREATE, and SPACE_READ of the organization and its non-private spaces only',
    world: { role: 'ANNOTATOR', organizationMemberships: [om(1, ROLE.MEMBER)] },
    expect: [
      ['ORGANIZATION_READ', org(1), true], ['SPACE_CREATE', org(1), true], ['ORGANIZATION_UPDATE', org(1), false],
      ['SPACE_READ', space(10), true], ['SPACE_READ', project(100), true], ['SPACE_READ', space(11), false],
      ['SPACE_READ', project(110), false], ['SPACE_READ', org(1), true], ['PROJECT_READ', project(100), false],
      ['SPACE_UPDATE', space(10), false], ['ORGANIZATION_READ', org(2), false],
    ],
  },
  {
    rule: 'organization READ_ONLY: ORGANIZATION_READ and SPACE_READ of non-private spaces',
    world: { role: 'ANNOTATOR', organizationMemberships: [om(1, ROLE.READ_ONLY)] },
    expect: [
      ['ORGANIZATION_READ', org(1), true], ['SPACE_CREATE', org(1), false], ['SPACE_READ', org(1), true], ['SPACE_READ', space(10), true],
      ['SPACE_READ', space(11), false], ['PROJECT_READ', project(100), false],
    ],
  },
  {
    rule: 'organization ANNOTATOR: ORGANIZATION_READ only',
    world: { role: 'ANNOTATOR', organizationMemberships: [om(1, ROLE.ANNOTATOR)] },
    expect: [
      ['ORGANIZATION_READ', org(1), true], ['SPACE_READ', org(1), false], ['SPACE_READ', space(10), false],
      ['PROJECT_SPAN_READ', project(100), false],
    ],
  },
  {
    rule: 'a custom organization role grants its permissions on the organization and beneath, private spaces included',
    world: { role: 'ANNOTATOR', organizationMemberships: [om(1, ROLE.AUDITOR)] },
    expect: [
      ['ORGANIZATION_READ', org(1), true], ['SPACE_READ', space(11), true], ['PROJECT_READ', project(110), true],
      ['PROJECT_SPAN_READ', project(110), false], ['PROJECT_READ', project(200), false],
    ],
  },
  // 3. Space membership
  ...(['ADMIN', 'MEMBER', 'READ_ONLY', 'ANNOTATOR'] as const).map((key): Case => ({
    rule: `space membership ${key} grants exactly the ${key} set on the space and its projects`,
    world: { role: 'ANNOTATOR', spaceMemberships: [sm(10, ROLE[key])] },
    expect: PERMISSIONS.flatMap((p): Expectation[] => {
      const held = PREDEFINED_ROLES[key].permissions.includes(p);
      return [[p, space(10), held], [p, project(100), held], [p, project(110), false], [p, org(1), false]];
    }),
  })),
  {
    rule: 'space MEMBER reads role bindings but cannot create them, restrict projects or administer the space',
    world: { role: 'ANNOTATOR', spaceMemberships: [sm(10, ROLE.MEMBER)] },
    expect: [
      ['ROLE_BINDING_READ', space(10), true], ['ROLE_BINDING_CREATE', space(10), false], ['PROJECT_RESTRICT', project(100), false],
      ['SPACE_UPDATE', space(10), false], ['SPACE_DELETE', space(10), false], ['SERVICE_KEY_CREATE', space(10), true],
      ['PROJECT_SPAN_CREATE', project(102), true],
    ],
  },
  {
    rule: 'a custom space role grants its permissions on the space and its projects',
    world: { role: 'ANNOTATOR', spaceMemberships: [sm(11, ROLE.LABELER)] },
    expect: [['PROJECT_SPAN_ANNOTATE', project(110), true], ['PROJECT_READ', project(110), false], ['USER_CREATE', space(11), false]],
  },
  // 4. and 5. Role bindings
  {
    rule: 'a SPACE binding grants the role on the space and its projects',
    world: { role: 'ANNOTATOR', roleBindings: [sb(20, ROLE.MEMBER)] },
    expect: [
      ['PROJECT_DELETE', project(200), true], ['SPACE_READ', space(20), true], ['ORGANIZATION_READ', org(2), false],
      ['PROJECT_READ', project(100), false],
    ],
  },
  {
    rule: 'a PROJECT binding grants the role on that project only',
    world: { role: 'ANNOTATOR', roleBindings: [pb(100, ROLE.READ_ONLY)] },
    expect: [
      ['PROJECT_SPAN_READ', project(100), true], ['PROJECT_SPAN_READ', project(102), false], ['SPACE_READ', space(10), false],
      ['PROJECT_SPAN_CREATE', project(100), false],
    ],
  },
  {
    rule: 'effective permissions are the union over all sources on the resource and its ancestors',
    world: {
      role: 'MEMBER',
      organizationMemberships: [om(1, ROLE.READ_ONLY)],
      spaceMemberships: [sm(10, ROLE.ANNOTATOR)],
      roleBindings: [sb(10, ROLE.AUDITOR), pb(100, ROLE.LABELER)],
    },
    expect: [
      ['ORGANIZATION_READ', project(100), true], ['SPACE_READ', project(100), true], ['PROJECT_READ', project(100), true],
      ['PROJECT_SPAN_ANNOTATE', project(100), true], ['DATASET_EXAMPLE_ANNOTATE', project(102), true],
      ['PROJECT_SPAN_CREATE', project(100), false], ['SPACE_READ', space(11), false],
    ],
  },
  // Inactive users
  {
    rule: 'an inactive user holds no permission at all, even as account ADMIN',
    world: { role: 'ADMIN', active: false, organizationMemberships: [om(1, ROLE.ADMIN)] },
    expect: [['USER_READ', account, false], ['ORGANIZATION_READ', org(1), false], ['PROJECT_READ', project(100), false]],
  },
  // Resource restrictions
  {
    rule: 'a restricted project ignores space memberships and SPACE bindings',
    world: { role: 'MEMBER', spaceMemberships: [sm(10, ROLE.MEMBER)], roleBindings: [sb(10, ROLE.READ_ONLY)] },
    expect: [
      ['PROJECT_SPAN_READ', project(101), false], ['PROJECT_READ', project(101), false], ['ROLE_BINDING_READ', project(101), false],
      ['PROJECT_SPAN_READ', project(100), true], ['SPACE_READ', space(10), true],
    ],
  },
  {
    rule: 'a restricted project ignores organization grants, custom and SPACE_READ of public spaces alike',
    world: { role: 'MEMBER', organizationMemberships: [om(1, ROLE.AUDITOR)] },
    expect: [['PROJECT_READ', project(101), false], ['ORGANIZATION_READ', project(101), false], ['PROJECT_READ', project(100), true]],
  },
  ...([
    ['account ADMIN', { role: 'ADMIN' }],
    ['organization ADMIN', { organizationMemberships: [om(1, ROLE.ADMIN)] }],
    ['space ADMIN (membership)', { spaceMemberships: [sm(10, ROLE.ADMIN)] }],
    ['space ADMIN (SPACE binding)', { roleBindings: [sb(10, ROLE.ADMIN)] }],
  ] satisfies [string, Case['world']][]).map(([who, world]): Case => ({
    rule: `only the management set of a restricted project flows from ${who}`,
    world,
    expect: PERMISSIONS.map((p): Expectation => [p, project(101), RESTRICTED_PROJECT_MANAGEMENT.includes(p)]),
  })),
  {
    rule: 'a custom role with the ADMIN permissions is not ADMIN: no management set on a restricted project',
    world: { role: 'MEMBER', spaceMemberships: [sm(10, ROLE.ADMIN_LOOKALIKE)] },
    expect: [['PROJECT_READ', project(101), false], ['PROJECT_RESTRICT', project(101), false], ['PROJECT_RESTRICT', project(100), true]],
  },
  {
    rule: 'on a restricted project every other permission comes only from PROJECT bindings on it',
    world: { role: 'ADMIN', roleBindings: [pb(101, ROLE.READ_ONLY)] },
    expect: [
      ['PROJECT_SPAN_READ', project(101), true], ['PROJECT_RESTRICT', project(101), true], ['PROJECT_SPAN_CREATE', project(101), false],
      ['USER_CREATE', project(101), false],
    ],
  },
  // Unknown things
  {
    rule: 'unknown resources and permissions answer false',
    world: { role: 'ADMIN' },
    expect: [
      ['ORGANIZATION_READ', org(99), false], ['SPACE_READ', space(99), false], ['PROJECT_READ', project(999), false],
      ['NOT_A_PERMISSION' as Permission, account, false],
    ],
  },
];

describe('check() implements every rule of access-model.md', () => {
  for (const c of CASES) {
    it(c.rule, () => {
      const s = AccessSnapshot.build(fixtureWorld(c.world));
      const got = c.expect.map(([p, r]) => [p, r, check(s, 1, p, r)]);
      expect(got).toEqual(c.expect);
      for (const [p, r, allowed] of c.expect) expect(permissionsOn(s, 1, r).has(p)).toBe(allowed);
    });
  }

  it('answers false for an unknown user', () => {
    const s = AccessSnapshot.build(fixtureWorld());
    expect(check(s, 404, 'USER_READ', account)).toBe(false);
    expect(permissionsOn(s, 404, space(10)).size).toBe(0);
  });
});

describe('restrictions change at once', () => {
  it('unrestricting restores inheritance and restricting again is idempotent', () => {
    const s = AccessSnapshot.build(fixtureWorld({ spaceMemberships: [sm(10, ROLE.MEMBER)] }));
    expect(check(s, 1, 'PROJECT_SPAN_READ', project(101))).toBe(false);
    s.setRestricted(101, false);
    expect(check(s, 1, 'PROJECT_SPAN_READ', project(101))).toBe(true);
    s.setRestricted(101, true);
    s.setRestricted(101, true);
    expect(check(s, 1, 'PROJECT_SPAN_READ', project(101))).toBe(false);
    s.setRestricted(101, false);
    expect(check(s, 1, 'PROJECT_SPAN_READ', project(101))).toBe(true);
  });
});

describe('lookups', () => {
  const s = AccessSnapshot.build(fixtureWorld({ spaceMemberships: [sm(10, ROLE.READ_ONLY)], organizationMemberships: [om(1, ROLE.READ_ONLY)] }));

  it('walks the hierarchy upwards', () => {
    expect(resourceParent(s, project(101))).toEqual(space(10));
    expect(resourceParent(s, space(11))).toEqual(org(1));
    expect(resourceParent(s, org(2))).toEqual(account);
    expect(resourceParent(s, account)).toBeUndefined();
    expect(resourceParent(s, project(5))).toBeUndefined();
    expect(resourceParent(s, org(5))).toBeUndefined();
    expect([s.spaceOf(110), s.organizationOf(20), s.isRestricted(101), s.isRestricted(100)]).toEqual([11, 2, true, false]);
    expect([s.hasUser(1), s.hasUser(3)]).toEqual([true, false]);
  });

  it('lists the resources of a type on which the user holds a permission', () => {
    expect(allowedResources(s, 1, 'SPACE_READ', 'SPACE')).toEqual([10]);
    expect(allowedResources(s, 1, 'PROJECT_READ', 'PROJECT')).toEqual([100, 102]);
    expect(allowedResources(s, 1, 'ORGANIZATION_READ', 'ORGANIZATION')).toEqual([1]);
    expect(allowedResources(s, 2, 'SPACE_READ', 'SPACE')).toEqual([10, 11, 20]);
  });
});
