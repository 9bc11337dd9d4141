import { describe, expect, it } from 'vitest';
import { AccessSnapshot, permissionsOn, whoHasAccess } from '../../src/access/index.js';
import { RESTRICTED_PROJECT_MANAGEMENT } from '../../src/access/index.js';
import { PERMISSIONS } from '../../src/domain/permissions.js';
import { PREDEFINED_ROLES } from '../../src/domain/predefined-roles.js';
import { fixtureWorld, project, ROLE, space } from './fixture-world.js';

describe('whoHasAccess() lists every principal with a permission on the resource, and why', () => {
  const world = fixtureWorld({ spaceMemberships: [{ userId: 1, spaceId: 10, roleId: ROLE.READ_ONLY }] });
  world.users.push({ id: 3, role: 'MEMBER', active: false, isBot: false }, { id: 4, role: 'MEMBER', active: true, isBot: true });
  world.spaceMemberships.push({ userId: 3, spaceId: 10, roleId: ROLE.ADMIN }, { userId: 4, spaceId: 11, roleId: ROLE.MEMBER });
  world.roleBindings.push({ id: 8, userId: 4, roleId: ROLE.LABELER, resourceType: 'PROJECT', resourceId: 101 });
  const s = AccessSnapshot.build(world);

  it('on a space: members and account admins, not inactive users', () => {
    expect(whoHasAccess(s, space(10))).toEqual([
      {
        userId: 1,
        permissions: PREDEFINED_ROLES.READ_ONLY.permissions,
        grants: [{ effect: 'allow', source: 'SPACE_MEMBERSHIP', roleId: ROLE.READ_ONLY, roleName: 'Read Only', resource: space(10), text: 'space membership READ_ONLY on space 10 (alpha)' }],
      },
      {
        userId: 2,
        permissions: [...PERMISSIONS],
        grants: [{ effect: 'allow', source: 'ACCOUNT_ROLE', roleName: 'ADMIN', resource: { type: 'ACCOUNT' }, text: 'account role ADMIN' }],
      },
    ]);
  });

  it('on a restricted project: admins with the management set, PROJECT bindings with their role, bots included', () => {
    const who = whoHasAccess(s, project(101));
    expect(who.map((a) => [a.userId, a.permissions, a.grants.map((g) => g.text)])).toEqual([
      [2, RESTRICTED_PROJECT_MANAGEMENT.slice().sort(), ['account role ADMIN (management permissions only: project 101 (payroll) is restricted)']],
      [4, ['PROJECT_SPAN_ANNOTATE', 'PROJECT_SPAN_READ'], ['role binding "Labeler" on project 101 (payroll)']],
    ]);
  });

  it('agrees with permissionsOn() and is empty for unknown resources', () => {
    for (const r of [space(10), space(11), project(100), project(101), project(110)]) {
      for (const a of whoHasAccess(s, r)) expect(new Set(a.permissions)).toEqual(permissionsOn(s, a.userId, r));
    }
    expect(whoHasAccess(s, space(404))).toEqual([]);
  });
});
