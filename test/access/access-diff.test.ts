import { describe, expect, it } from 'vitest';
import { AccessDiffTooLarge, accessDiff, AccessSnapshot, confinedAccessDiff, type WorldInput } from '../../src/access/index.js';
import { fixtureWorld, ROLE } from './fixture-world.js';

/** Two snapshots of one world: `change` edits the second (a deep copy of the input) before it is built. */
function diffOf(start: WorldInput, change: (after: WorldInput) => void) {
  const copy = structuredClone(start);
  change(copy);
  return accessDiff(AccessSnapshot.build(start), AccessSnapshot.build(copy));
}

const brief = (deltas: ReturnType<typeof accessDiff>) => deltas.map((d) => ({
  user: d.userId, at: d.resource.type === 'ACCOUNT' ? 'ACCOUNT' : `${d.resource.type}:${d.resource.id}`, name: d.resourceName,
  gained: d.gained.length, lost: d.lost.length,
}));

describe('accessDiff', () => {
  it('is empty between equal snapshots, and leaves unchanged users out', () => {
    const world = fixtureWorld({ spaceMemberships: [{ userId: 1, spaceId: 10, roleId: ROLE.MEMBER }] });
    expect(diffOf(world, () => undefined)).toEqual([]);
  });

  it('a binding on a space: what the user gains there and on each of its projects, restricted ones aside', () => {
    const deltas = diffOf(fixtureWorld(), (w) => {
      w.roleBindings.push({ id: 1, userId: 1, roleId: ROLE.READ_ONLY, resourceType: 'SPACE', resourceId: 10 });
    });
    expect(brief(deltas).map((d) => d.at)).toEqual(['SPACE:10', 'PROJECT:100', 'PROJECT:102']);
    expect(deltas[0]).toMatchObject({ userId: 1, isBot: false, resourceName: 'alpha', lost: [] });
    expect(deltas[0]!.gained).toContain('SPACE_READ');
    expect(deltas[2]!.resourceName).toBeUndefined();
  });

  it('a removed membership: everything it gave is lost, on the organization and beneath; names come from before a delete', () => {
    const world = fixtureWorld({ organizationMemberships: [{ userId: 1, organizationId: 2, roleId: ROLE.READ_ONLY }] });
    const deltas = diffOf(world, (w) => {
      w.organizationMemberships = [];
      w.organizations = w.organizations.filter((o) => o.id !== 2);
    });
    const mine = brief(deltas).filter((d) => d.user === 1);
    expect(mine.map((d) => d.at)).toEqual(['ORGANIZATION:2', 'SPACE:20', 'PROJECT:200']);
    expect(mine[0]).toMatchObject({ name: 'globex', gained: 0 });
    // The account admin loses what it held on them too (the hierarchy changed: every user is compared).
    expect(brief(deltas).filter((d) => d.user === 2).map((d) => d.at)).toEqual(['ORGANIZATION:2', 'SPACE:20', 'PROJECT:200']);
  });

  it('a deleted organization: its members and the admins lose it and what was beneath; past maxDeltas, AccessDiffTooLarge', () => {
    const world = fixtureWorld({ organizationMemberships: [{ userId: 1, organizationId: 2, roleId: ROLE.READ_ONLY }] });
    const after = structuredClone(world);
    after.organizationMemberships = [];
    after.organizations = after.organizations.filter((o) => o.id !== 2);
    after.spaces = after.spaces.filter((sp) => sp.organizationId !== 2);
    after.projects = after.projects.filter((p) => after.spaces.some((sp) => sp.id === p.spaceId));
    const [was, is] = [AccessSnapshot.build(world), AccessSnapshot.build(after)];
    const deltas = accessDiff(was, is, 6);
    expect(brief(deltas).map((d) => [d.user, d.at, d.gained])).toEqual([1, 2].flatMap((user) => ['ORGANIZATION:2', 'SPACE:20', 'PROJECT:200'].map((at) => [user, at, 0])));
    expect(() => accessDiff(was, is, 5)).toThrow(AccessDiffTooLarge);
  });

  it('a deleted bot and a new user: all lost, all gained', () => {
    const world = fixtureWorld();
    world.users.push({ id: 3, role: 'MEMBER', active: true, isBot: true });
    world.spaceMemberships.push({ userId: 3, spaceId: 20, roleId: ROLE.ANNOTATOR });
    const deltas = diffOf(world, (w) => {
      w.users = w.users.filter((u) => u.id !== 3);
      w.users.push({ id: 4, role: 'MEMBER', active: true, isBot: false });
      w.spaceMemberships = [{ userId: 4, spaceId: 11, roleId: ROLE.MEMBER }];
    });
    expect(brief(deltas).map((d) => [d.user, d.at, d.gained > 0, d.lost > 0])).toEqual([
      [3, 'SPACE:20', false, true], [3, 'PROJECT:200', false, true],
      [4, 'SPACE:11', true, false], [4, 'PROJECT:110', true, false],
    ]);
    expect(deltas[0]!.isBot).toBe(true);
  });

  it('a restriction compares every user: an account admin keeps only the management set on the project', () => {
    const deltas = diffOf(fixtureWorld({ spaceMemberships: [{ userId: 1, spaceId: 10, roleId: ROLE.MEMBER }] }), (w) => {
      w.projects = w.projects.map((p) => (p.id === 100 ? { ...p, restricted: true } : p));
    });
    expect(brief(deltas).map((d) => [d.user, d.at, d.gained])).toEqual([[1, 'PROJECT:100', 0], [2, 'PROJECT:100', 0]]);
  });

  it('an account role change and a deactivation are changes of the user', () => {
    const world = fixtureWorld({ spaceMemberships: [{ userId: 1, spaceId: 20, roleId: ROLE.READ_ONLY }] });
    const promoted = diffOf(world, (w) => { w.users[0]!.role = 'ADMIN'; });
    expect(brief(promoted)[0]).toMatchObject({ user: 1, at: 'ACCOUNT', name: undefined });
    expect(brief(promoted).map((d) => d.at)).toContain('ORGANIZATION:1');
    const deactivated = diffOf(world, (w) => { w.users[0]!.active = false; });
    expect(brief(deactivated).map((d) => d.at)).toEqual(['SPACE:20', 'PROJECT:200']);
  });

  it('a membership\'s role or a cell\'s bits changing, at the same size, is a change', () => {
    const world = fixtureWorld({
      spaceMemberships: [{ userId: 1, spaceId: 20, roleId: ROLE.READ_ONLY }],
      roleBindings: [{ id: 1, userId: 1, roleId: ROLE.READ_ONLY, resourceType: 'PROJECT', resourceId: 100 }],
    });
    const roleSwap = diffOf(world, (w) => { w.spaceMemberships[0]!.roleId = ROLE.AUDITOR; });
    expect(brief(roleSwap).map((d) => d.at)).toEqual(['SPACE:20', 'PROJECT:200']);
    const bindingSwap = diffOf(world, (w) => { w.roleBindings[0]!.roleId = ROLE.ANNOTATOR; });
    expect(brief(bindingSwap).map((d) => d.at)).toEqual(['PROJECT:100']);
  });

  it('a custom role\'s permissions, a space\'s privacy and a project\'s move change the structure', () => {
    const world = fixtureWorld({
      organizationMemberships: [{ userId: 1, organizationId: 1, roleId: ROLE.MEMBER }],
      roleBindings: [{ id: 1, userId: 1, roleId: ROLE.LABELER, resourceType: 'PROJECT', resourceId: 200 }],
    });
    const edited = diffOf(world, (w) => {
      w.roles = w.roles.map((r) => (r.id === ROLE.LABELER ? { ...r, permissions: ['PROJECT_SPAN_READ'] } : r));
    });
    expect(brief(edited)).toEqual([{ user: 1, at: 'PROJECT:200', name: undefined, gained: 0, lost: 1 }]);
    const privacy = diffOf(world, (w) => { w.spaces[0]!.isPrivate = true; });
    expect(brief(privacy).map((d) => d.at)).toContain('SPACE:10');
    const moved = diffOf(world, (w) => { w.projects = w.projects.map((p) => (p.id === 110 ? { ...p, spaceId: 20 } : p)); });
    expect(brief(moved).map((d) => d.at)).toEqual(['PROJECT:110']);
    const roleGone = diffOf(world, (w) => { w.roles = w.roles.filter((r) => r.id !== ROLE.BINDER); });
    expect(roleGone).toEqual([]);
    const organizationSwap = diffOf(world, (w) => { w.organizations = [{ id: 1, name: 'acme' }, { id: 3 }]; w.spaces = w.spaces.filter((s) => s.id !== 20); });
    expect(brief(organizationSwap).filter((d) => d.user === 1).map((d) => d.at)).toEqual(['PROJECT:200']);
  });

  it('a predefined role\'s public-space grant is part of what a role grants', () => {
    const world = fixtureWorld({ organizationMemberships: [{ userId: 1, organizationId: 1, roleId: ROLE.READ_ONLY }] });
    // A custom role with the same id as a predefined one: no public-space grant on one side.
    const deltas = diffOf(world, (w) => {
      w.roles = w.roles.map((r) => (r.id === ROLE.READ_ONLY ? { ...r, predefinedKey: null } : r));
    });
    expect(brief(deltas).map((d) => d.at)).toContain('SPACE:10');
  });

  it('a membership of an organization or a space the snapshot does not know reaches only that id', () => {
    const world = fixtureWorld({
      organizationMemberships: [{ userId: 1, organizationId: 9, roleId: ROLE.MEMBER }],
      spaceMemberships: [{ userId: 1, spaceId: 99, roleId: ROLE.MEMBER }],
    });
    expect(diffOf(world, (w) => { w.organizationMemberships = []; w.spaceMemberships = []; })).toEqual([]);
  });

  it('an organization replaced by another of the same size is a change of structure', () => {
    const world = fixtureWorld({ spaceMemberships: [{ userId: 1, spaceId: 20, roleId: ROLE.MEMBER }] });
    const deltas = diffOf(world, (w) => {
      w.organizations = [{ id: 1, name: 'acme' }, { id: 3, name: 'initech' }];
      w.spaces = w.spaces.map((sp) => (sp.id === 20 ? { ...sp, organizationId: 3 } : sp));
    });
    expect(brief(deltas).filter((d) => d.user === 2).map((d) => d.at)).toEqual(['ORGANIZATION:2', 'ORGANIZATION:3']);
  });

  it('confined: a restriction given on one side only is read from the snapshot on the other; unknown projects are ignored', () => {
    const base = AccessSnapshot.build(fixtureWorld({ spaceMemberships: [{ userId: 1, spaceId: 10, roleId: ROLE.MEMBER }] }));
    const none = { users: [], organizationMemberships: [], spaceMemberships: [], roleBindings: [] };
    const deltas = confinedAccessDiff(base, [], { ...none, restricted: new Map() }, { ...none, restricted: new Map([[100, true], [999, true]]) }, 0);
    expect(brief(deltas).map((d) => [d.user, d.at, d.gained])).toEqual([[1, 'PROJECT:100', 0], [2, 'PROJECT:100', 0]]);
    expect(base.isRestricted(100)).toBe(false);
  });
});
