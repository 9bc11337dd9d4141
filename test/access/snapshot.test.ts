import { describe, expect, it } from 'vitest';
import { AccessSnapshot, check, permissionsOn } from '../../src/access/index.js';
import { fixtureWorld, org, project, ROLE, space } from './fixture-world.js';

const build = (world = fixtureWorld()) => AccessSnapshot.build(world);

describe('AccessSnapshot.build', () => {
  it('leaves out spaces of unknown organizations and projects of unknown spaces', () => {
    const world = fixtureWorld({ role: 'ADMIN' });
    world.spaces.push({ id: 30, organizationId: 9, isPrivate: false });
    world.projects.push({ id: 300, spaceId: 30, restricted: false }, { id: 301, spaceId: 31, restricted: false });
    const s = build(world);
    expect([s.hasResource(space(30)), s.hasResource(project(300)), s.hasResource(project(301))]).toEqual([false, false, false]);
    expect(check(s, 1, 'PROJECT_READ', project(300))).toBe(false);
  });

  it('reads predefined permission sets from PREDEFINED_ROLES, whatever the row says', () => {
    const world = fixtureWorld({ spaceMemberships: [{ userId: 1, spaceId: 10, roleId: ROLE.READ_ONLY }] });
    world.roles = world.roles.map((r) => (r.id === ROLE.READ_ONLY ? { ...r, permissions: ['SPACE_DELETE'] } : r));
    const s = build(world);
    expect([check(s, 1, 'SPACE_READ', space(10)), check(s, 1, 'SPACE_DELETE', space(10))]).toEqual([true, false]);
  });

  it('ignores memberships and bindings of unknown users and grants nothing through unknown roles', () => {
    const world = fixtureWorld({ spaceMemberships: [{ userId: 1, spaceId: 10, roleId: 77 }] });
    world.roleBindings.push({ id: 1, userId: 9, roleId: ROLE.ADMIN, resourceType: 'SPACE', resourceId: 10 });
    const s = build(world);
    expect(permissionsOn(s, 1, space(10)).size).toBe(0);
    expect(s.hasUser(9)).toBe(false);
  });
});

describe('incremental changes', () => {
  it('a binding can be added, replaced and removed by id', () => {
    const s = build();
    s.upsertBinding({ id: 5, userId: 1, roleId: ROLE.READ_ONLY, resourceType: 'PROJECT', resourceId: 100 });
    expect(check(s, 1, 'PROJECT_SPAN_READ', project(100))).toBe(true);
    s.upsertBinding({ id: 5, userId: 1, roleId: ROLE.READ_ONLY, resourceType: 'SPACE', resourceId: 20 });
    expect([check(s, 1, 'PROJECT_SPAN_READ', project(100)), check(s, 1, 'PROJECT_SPAN_READ', project(200))]).toEqual([false, true]);
    s.removeBinding(5);
    s.removeBinding(5);
    expect(check(s, 1, 'PROJECT_SPAN_READ', project(200))).toBe(false);
  });

  it('a binding and a membership on the same space add up, and removing one keeps the other', () => {
    const s = build(fixtureWorld({ spaceMemberships: [{ userId: 1, spaceId: 10, roleId: ROLE.ANNOTATOR }] }));
    s.upsertBinding({ id: 5, userId: 1, roleId: ROLE.AUDITOR, resourceType: 'SPACE', resourceId: 10 });
    expect([check(s, 1, 'SPACE_READ', space(10)), check(s, 1, 'QUEUE_RECORD_ANNOTATE', space(10))]).toEqual([true, true]);
    s.removeSpaceMembership(1, 10);
    expect([check(s, 1, 'SPACE_READ', space(10)), check(s, 1, 'QUEUE_RECORD_ANNOTATE', space(10))]).toEqual([true, false]);
  });

  it('memberships are replaced by a new role and removed', () => {
    const s = build();
    s.upsertOrganizationMembership({ userId: 1, organizationId: 1, roleId: ROLE.READ_ONLY });
    expect(check(s, 1, 'SPACE_READ', space(10))).toBe(true);
    s.upsertOrganizationMembership({ userId: 1, organizationId: 1, roleId: ROLE.ANNOTATOR });
    expect([check(s, 1, 'SPACE_READ', space(10)), check(s, 1, 'ORGANIZATION_READ', org(1))]).toEqual([false, true]);
    s.upsertSpaceMembership({ userId: 1, spaceId: 11, roleId: ROLE.MEMBER });
    expect(check(s, 1, 'PROJECT_READ', project(110))).toBe(true);
    s.removeSpaceMembership(1, 11);
    expect(check(s, 1, 'PROJECT_READ', project(110))).toBe(false);
  });

  it('removing a user from an organization also removes it from the spaces of it, with their bindings', () => {
    const s = build(fixtureWorld({
      organizationMemberships: [{ userId: 1, organizationId: 1, roleId: ROLE.MEMBER }, { userId: 1, organizationId: 2, roleId: ROLE.MEMBER }],
      spaceMemberships: [{ userId: 1, spaceId: 11, roleId: ROLE.MEMBER }, { userId: 1, spaceId: 20, roleId: ROLE.MEMBER }],
      roleBindings: [
        { id: 1, userId: 1, roleId: ROLE.ADMIN, resourceType: 'SPACE', resourceId: 10 },
        { id: 2, userId: 1, roleId: ROLE.READ_ONLY, resourceType: 'PROJECT', resourceId: 101 },
      ],
    }));
    s.removeOrganizationMembership(1, 1);
    for (const r of [org(1), space(10), space(11), project(101), project(110)]) expect(permissionsOn(s, 1, r).size).toBe(0);
    expect(check(s, 1, 'PROJECT_READ', project(200))).toBe(true);
    expect(s.bindings.ids()).toEqual([]);
  });

  it('an account role change applies at once, including account MEMBER organization read', () => {
    const s = build(fixtureWorld({ role: 'ANNOTATOR', organizationMemberships: [{ userId: 1, organizationId: 1, roleId: ROLE.LABELER }] }));
    expect(check(s, 1, 'ORGANIZATION_READ', org(1))).toBe(false);
    s.upsertUser({ id: 1, role: 'MEMBER', active: true, isBot: false });
    expect(check(s, 1, 'ORGANIZATION_READ', org(1))).toBe(true);
    s.upsertUser({ id: 1, role: 'ADMIN', active: true, isBot: false });
    expect(check(s, 1, 'USER_CREATE', { type: 'ACCOUNT' })).toBe(true);
    s.upsertUser({ id: 1, role: 'ADMIN', active: false, isBot: false });
    expect(check(s, 1, 'USER_CREATE', { type: 'ACCOUNT' })).toBe(false);
    s.upsertUser({ id: 3, role: 'ADMIN', active: true, isBot: true });
    expect(check(s, 3, 'SPACE_READ', space(11))).toBe(true);
  });

  it('removing a user drops its memberships and bindings', () => {
    const s = build(fixtureWorld({ roleBindings: [{ id: 1, userId: 1, roleId: ROLE.MEMBER, resourceType: 'SPACE', resourceId: 10 }] }));
    s.removeUser(1);
    s.removeUser(1);
    expect([s.hasUser(1), s.bindings.size, check(s, 1, 'SPACE_READ', space(10))]).toEqual([false, 0, false]);
  });

  it('changing a custom role updates everyone holding it; removing it removes its memberships and bindings', () => {
    const world = fixtureWorld({
      spaceMemberships: [{ userId: 1, spaceId: 10, roleId: ROLE.LABELER }],
      roleBindings: [{ id: 1, userId: 1, roleId: ROLE.LABELER, resourceType: 'PROJECT', resourceId: 200 }, { id: 2, userId: 1, roleId: ROLE.READ_ONLY, resourceType: 'PROJECT', resourceId: 200 }],
    });
    const s = build(world);
    s.upsertRole({ id: ROLE.LABELER, name: 'Labeler', predefinedKey: null, permissions: ['DATASET_EXAMPLE_ANNOTATE'] });
    expect([check(s, 1, 'PROJECT_SPAN_ANNOTATE', project(100)), check(s, 1, 'DATASET_EXAMPLE_ANNOTATE', project(100))]).toEqual([false, true]);
    expect(check(s, 1, 'DATASET_EXAMPLE_ANNOTATE', project(200))).toBe(true);
    s.removeRole(ROLE.LABELER);
    expect([check(s, 1, 'DATASET_EXAMPLE_ANNOTATE', project(100)), check(s, 1, 'DATASET_EXAMPLE_ANNOTATE', project(200))]).toEqual([false, false]);
    expect([check(s, 1, 'DATASET_READ', project(200)), s.bindings.ids()]).toEqual([true, [2]]);
  });

  it('space privacy changes at once', () => {
    const s = build(fixtureWorld({ organizationMemberships: [{ userId: 1, organizationId: 1, roleId: ROLE.MEMBER }] }));
    expect(check(s, 1, 'SPACE_READ', space(11))).toBe(false);
    s.upsertSpace({ id: 11, organizationId: 1, isPrivate: false, name: 'vault' });
    expect(check(s, 1, 'SPACE_READ', space(11))).toBe(true);
  });

  it('new organizations, spaces and projects join the hierarchy; parents must exist', () => {
    const s = build(fixtureWorld({ organizationMemberships: [{ userId: 1, organizationId: 3, roleId: ROLE.ADMIN }] }));
    s.upsertOrganization({ id: 3, name: 'initech' });
    s.upsertSpace({ id: 30, organizationId: 3, isPrivate: true });
    s.upsertProject({ id: 300, spaceId: 30, restricted: false });
    expect(check(s, 1, 'PROJECT_DELETE', project(300))).toBe(true);
    s.upsertProject({ id: 300, spaceId: 30, restricted: true, name: 'renamed' });
    expect([check(s, 1, 'PROJECT_DELETE', project(300)), check(s, 1, 'PROJECT_RESTRICT', project(300))]).toEqual([false, true]);
    s.upsertOrganization({ id: 3, name: 'renamed' });
    expect(() => s.upsertSpace({ id: 31, organizationId: 4, isPrivate: false })).toThrow(/unknown organization 4/);
    expect(() => s.upsertProject({ id: 301, spaceId: 31, restricted: false })).toThrow(/unknown space 31/);
  });

  it('moving a space or a project to another parent moves what it inherits', () => {
    const s = build(fixtureWorld({ organizationMemberships: [{ userId: 1, organizationId: 2, roleId: ROLE.ADMIN }] }));
    s.upsertProject({ id: 100, spaceId: 20, restricted: false });
    expect([check(s, 1, 'PROJECT_READ', project(100)), s.spaceOf(100)]).toEqual([true, 20]);
    s.upsertSpace({ id: 10, organizationId: 2, isPrivate: false });
    expect(check(s, 1, 'PROJECT_READ', project(102))).toBe(true);
    s.removeOrganization(2);
    expect([s.hasResource(space(10)), s.hasResource(project(102)), s.hasResource(project(100))]).toEqual([false, false, false]);
  });

  it('deleting a resource drops everything beneath it and every grant on it', () => {
    const s = build(fixtureWorld({
      organizationMemberships: [{ userId: 1, organizationId: 1, roleId: ROLE.MEMBER }],
      spaceMemberships: [{ userId: 1, spaceId: 10, roleId: ROLE.MEMBER }, { userId: 1, spaceId: 20, roleId: ROLE.MEMBER }],
      roleBindings: [
        { id: 1, userId: 1, roleId: ROLE.ADMIN, resourceType: 'PROJECT', resourceId: 101 },
        { id: 2, userId: 1, roleId: ROLE.ADMIN, resourceType: 'SPACE', resourceId: 11 },
        { id: 3, userId: 1, roleId: ROLE.ADMIN, resourceType: 'PROJECT', resourceId: 200 },
      ],
    }));
    s.removeProject(101);
    s.removeProject(101);
    expect([s.hasResource(project(101)), s.bindings.ids()]).toEqual([false, [2, 3]]);
    s.removeSpace(11);
    s.removeSpace(11);
    expect([s.hasResource(space(11)), s.hasResource(project(110)), s.bindings.ids()]).toEqual([false, false, [3]]);
    s.removeOrganization(1);
    s.removeOrganization(1);
    expect([s.hasResource(org(1)), s.hasResource(space(10)), s.hasResource(project(100))]).toEqual([false, false, false]);
    expect(check(s, 1, 'PROJECT_DELETE', project(200))).toBe(true);
    s.removeSpace(20);
    expect([s.bindings.size, check(s, 1, 'PROJECT_DELETE', project(200))]).toEqual([0, false]);
  });

  it('changes naming unknown users, resources or bindings are ignored', () => {
    const s = build();
    s.upsertBinding({ id: 9, userId: 9, roleId: ROLE.ADMIN, resourceType: 'SPACE', resourceId: 10 });
    s.upsertOrganizationMembership({ userId: 9, organizationId: 1, roleId: ROLE.ADMIN });
    s.upsertSpaceMembership({ userId: 9, spaceId: 10, roleId: ROLE.ADMIN });
    s.removeOrganizationMembership(9, 1);
    s.removeOrganizationMembership(1, 5);
    s.removeSpaceMembership(9, 10);
    s.setRestricted(999, true);
    expect([s.hasUser(9), s.bindings.size, s.hasResource(project(999))]).toEqual([false, 0, false]);
  });
});
