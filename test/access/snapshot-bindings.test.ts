import { describe, expect, it } from 'vitest';
import {
  AccessSnapshot, check, explain, permissionsOn, whoHasAccess, type ResourceRef, type RoleBindingInput, type WorldInput,
} from '../../src/access/index.js';
import { fixtureWorld, org, project, ROLE, space } from './fixture-world.js';

// The snapshot keeps bindings of dense ids in typed columns and the others in a Map: each case below holds
// whatever the ids, and the answers must not depend on where a binding is kept.

const RESOURCES: ResourceRef[] = [org(1), org(2), space(10), space(11), space(20), project(100), project(101), project(102), project(110), project(200)];

/** Everything the public API says about the users of the fixture, binding ids given back through `original`. */
function answers(s: AccessSnapshot, original: (id: number) => number = (id) => id) {
  return RESOURCES.map((r) => ({
    r,
    held: [1, 2].map((userId) => [...permissionsOn(s, userId, r)].sort()),
    why: explain(s, 1, 'PROJECT_SPAN_READ', r).reasons.map((x) => ({ ...x, bindingId: x.bindingId === undefined ? undefined : original(x.bindingId) })),
    who: whoHasAccess(s, r).map((a) => ({ ...a, grants: a.grants.map((g) => ({ ...g, bindingId: g.bindingId === undefined ? undefined : original(g.bindingId) })) })),
  }));
}

const BINDINGS: RoleBindingInput[] = [
  { id: 1, userId: 1, roleId: ROLE.READ_ONLY, resourceType: 'PROJECT', resourceId: 100 },
  { id: 2, userId: 1, roleId: ROLE.LABELER, resourceType: 'PROJECT', resourceId: 100 },
  { id: 3, userId: 1, roleId: ROLE.BINDER, resourceType: 'PROJECT', resourceId: 100 },
  { id: 4, userId: 1, roleId: ROLE.MEMBER, resourceType: 'SPACE', resourceId: 11 },
  { id: 5, userId: 1, roleId: ROLE.LABELER, resourceType: 'PROJECT', resourceId: 101 },
  { id: 6, userId: 2, roleId: ROLE.AUDITOR, resourceType: 'SPACE', resourceId: 20 },
  { id: 7, userId: 1, roleId: ROLE.AUDITOR, resourceType: 'SPACE', resourceId: 10 },
];

const world = (roleBindings: RoleBindingInput[]): WorldInput => fixtureWorld({
  organizationMemberships: [{ userId: 1, organizationId: 1, roleId: ROLE.READ_ONLY }],
  spaceMemberships: [{ userId: 1, spaceId: 10, roleId: ROLE.ANNOTATOR }],
  roleBindings,
});

describe('role bindings in the snapshot', () => {
  it('several bindings on one cell add up and are explained in the order they were added', () => {
    const s = AccessSnapshot.build(world(BINDINGS));
    expect(explain(s, 1, 'PROJECT_READ', project(100)).reasons.map((r) => [r.source, r.bindingId])).toEqual([
      ['SPACE_MEMBERSHIP', undefined], ['SPACE_BINDING', 7], ['PROJECT_BINDING', 1], ['PROJECT_BINDING', 3],
    ]);
    expect(explain(s, 1, 'PROJECT_SPAN_ANNOTATE', project(100)).reasons.map((r) => r.bindingId)).toEqual([undefined, 2]);
    // Replaced by id: it moves to the end, as a new binding would.
    s.upsertBinding({ ...BINDINGS[0]!, roleId: ROLE.MEMBER });
    expect(explain(s, 1, 'PROJECT_READ', project(100)).reasons.map((r) => r.bindingId)).toEqual([undefined, 7, 3, 1]);
  });

  it('removing the last binding of a cell drops what it granted; adding one back grants it again', () => {
    const s = AccessSnapshot.build(world(BINDINGS));
    for (const id of [1, 2, 3]) s.removeBinding(id);
    expect(check(s, 1, 'ROLE_BINDING_CREATE', project(100))).toBe(false);
    expect(explain(s, 1, 'PROJECT_READ', project(100)).reasons.map((r) => r.source)).toEqual(['SPACE_MEMBERSHIP', 'SPACE_BINDING']);
    s.upsertBinding(BINDINGS[2]!);
    expect([check(s, 1, 'ROLE_BINDING_CREATE', project(100)), s.bindings.ids()]).toEqual([true, [3, 4, 5, 6, 7]]);
    s.removeBinding(4);
    expect([check(s, 1, 'SPACE_READ', space(11)), check(s, 1, 'PROJECT_READ', project(110))]).toEqual([false, false]);
  });

  it('the answers do not depend on the ids: far apart, negative, fractional, huge, out of order or repeated', () => {
    const reference = answers(AccessSnapshot.build(world(BINDINGS)));
    const odd = [2 ** 40, -3, 0.5, Number.MAX_SAFE_INTEGER, 5_000_000, 0, 1e15];
    const back = (id: number) => odd.indexOf(id) + 1;
    const renamed = BINDINGS.map((b, k) => ({ ...b, id: odd[k]! }));
    expect(answers(AccessSnapshot.build(world(renamed)), back)).toEqual(reference);

    // Ids descending (the columns grow downward), and a far one first (the others then go to the Map).
    const descending = BINDINGS.map((b) => ({ ...b, id: 1000 - b.id }));
    const farFirst = [{ ...BINDINGS[0]!, id: 1e9 }, ...BINDINGS.slice(1)];
    expect(answers(AccessSnapshot.build(world(descending)), (id) => 1000 - id)).toEqual(reference);
    expect(answers(AccessSnapshot.build(world(farFirst)), (id) => (id === 1e9 ? 1 : id))).toEqual(reference);

    // Repeated ids in one build: the last one wins, as an upsert would.
    const repeated = [{ ...BINDINGS[3]!, id: 7, roleId: ROLE.ADMIN }, ...BINDINGS];
    expect(answers(AccessSnapshot.build(world(repeated)))).toEqual(reference);

    // The same changes applied one by one, ids far apart and near.
    const s = AccessSnapshot.build(world([]));
    for (const b of renamed) s.upsertBinding(b);
    expect(answers(s, back)).toEqual(reference);
    for (const b of renamed) s.removeBinding(b.id);
    expect([s.bindings.size, s.bindings.ids()]).toEqual([0, []]);
    for (const b of BINDINGS) s.upsertBinding(b);
    expect(answers(s)).toEqual(reference);
  });

  it('a binding in the columns may be followed, in its user\'s order, by one in the Map; either may go first', () => {
    // 2 ** 40 goes to the Map: binding 1 before it, and binding 7 once 1 is gone, keep its id beside the columns.
    const far = BINDINGS.map((b) => (b.id === 2 ? { ...b, id: 2 ** 40 } : b));
    const back = (id: number) => (id === 2 ** 40 ? 2 : id);
    const s = AccessSnapshot.build(world(far));
    expect(answers(s, back)).toEqual(answers(AccessSnapshot.build(world(BINDINGS))));
    s.removeBinding(1);
    expect(answers(s, back)).toEqual(answers(AccessSnapshot.build(world(BINDINGS.slice(1)))));
    s.removeBinding(2 ** 40);
    expect(answers(s, back)).toEqual(answers(AccessSnapshot.build(world(BINDINGS.slice(2)))));
    expect(s.bindings.ids()).toEqual([3, 4, 5, 6, 7]);
  });

  it('users, roles and resources with ids past 32 bits hold bindings like any other', () => {
    const big = 2 ** 33;
    const w = world([]);
    w.users.push({ id: big, role: 'MEMBER', active: true, isBot: false });
    w.roles = [...w.roles, { id: big + 1, name: 'Big', predefinedKey: null, permissions: ['PROJECT_READ'] }];
    w.projects.push({ id: big + 2, spaceId: 10, restricted: false });
    w.roleBindings.push(
      { id: 1, userId: big, roleId: big + 1, resourceType: 'PROJECT', resourceId: 100 },
      { id: 2, userId: 1, roleId: ROLE.BINDER, resourceType: 'PROJECT', resourceId: big + 2 },
      { id: 3, userId: big, roleId: ROLE.READ_ONLY, resourceType: 'PROJECT', resourceId: big + 2 },
    );
    const s = AccessSnapshot.build(w);
    expect([
      check(s, big, 'PROJECT_READ', project(100)), check(s, 1, 'ROLE_BINDING_CREATE', project(big + 2)),
      check(s, big, 'PROJECT_SPAN_READ', project(big + 2)), check(s, big, 'PROJECT_SPAN_READ', project(100)),
    ]).toEqual([true, true, true, false]);
    s.removeRole(big + 1);
    s.removeProject(big + 2);
    expect([check(s, big, 'PROJECT_READ', project(100)), s.bindings.ids()]).toEqual([false, []]);
  });

  it('many bindings, added and removed one by one, as a large account does', () => {
    const w = world([]);
    for (let id = 300; id < 340; id++) w.users.push({ id, role: 'MEMBER', active: true, isBot: false });
    const s = AccessSnapshot.build(w);
    const added: RoleBindingInput[] = [];
    for (let id = 1; id <= 6000; id++) {
      const b: RoleBindingInput = {
        id, userId: 300 + (id % 40), roleId: [ROLE.READ_ONLY, ROLE.LABELER, ROLE.BINDER][id % 3]!,
        resourceType: id % 2 === 0 ? 'SPACE' : 'PROJECT', resourceId: id % 2 === 0 ? [10, 11, 20][id % 3]! : [100, 101, 102, 110, 200][id % 5]!,
      };
      added.push(b);
      s.upsertBinding(b);
    }
    const rebuilt = AccessSnapshot.build({ ...w, roleBindings: added });
    for (const r of RESOURCES) expect(whoHasAccess(s, r)).toEqual(whoHasAccess(rebuilt, r));
    for (const b of added) if (b.id % 7 !== 0) s.removeBinding(b.id);
    const kept = added.filter((b) => b.id % 7 === 0);
    const rebuiltKept = AccessSnapshot.build({ ...w, roleBindings: kept });
    for (const r of RESOURCES) expect(whoHasAccess(s, r)).toEqual(whoHasAccess(rebuiltKept, r));
    expect(s.bindings.ids()).toEqual(kept.map((b) => b.id));
    s.removeUser(307);
    expect(s.bindings.size).toBe(kept.filter((b) => b.userId !== 307).length);
  });
});
