import { describe, expect, it } from 'vitest';
import { AccessSnapshot, explain } from '../../src/access/index.js';
import type { Permission } from '../../src/domain/permissions.js';
import { account, fixtureWorld, org, project, ROLE, space } from './fixture-world.js';

describe('explain() names the grants that decided', () => {
  it('allowed through a space membership: the membership, its role and where it sits', () => {
    const s = AccessSnapshot.build(fixtureWorld({ spaceMemberships: [{ userId: 1, spaceId: 10, roleId: ROLE.MEMBER }] }));
    expect(explain(s, 1, 'PROJECT_SPAN_READ', project(100))).toEqual({
      allowed: true,
      reasons: [{
        effect: 'allow', source: 'SPACE_MEMBERSHIP', roleId: ROLE.MEMBER, roleName: 'Member', resource: space(10),
        text: 'space membership MEMBER on space 10 (alpha)',
      }],
    });
  });

  it('allowed by several grants: every one of them, outermost first, bindings with their id', () => {
    const s = AccessSnapshot.build(fixtureWorld({
      organizationMemberships: [{ userId: 1, organizationId: 1, roleId: ROLE.ADMIN }],
      roleBindings: [{ id: 31, userId: 1, roleId: ROLE.LABELER, resourceType: 'PROJECT', resourceId: 100 }],
    }));
    const { allowed, reasons } = explain(s, 1, 'PROJECT_SPAN_ANNOTATE', project(100));
    expect(allowed).toBe(true);
    expect(reasons.map((r) => [r.source, r.text, r.bindingId])).toEqual([
      ['ORGANIZATION_MEMBERSHIP', 'organization membership ADMIN on organization 1 (acme)', undefined],
      ['PROJECT_BINDING', 'role binding "Labeler" on project 100 (chat)', 31],
    ]);
  });

  it('allowed by the account role', () => {
    const s = AccessSnapshot.build(fixtureWorld({ role: 'MEMBER', organizationMemberships: [{ userId: 1, organizationId: 2, roleId: ROLE.LABELER }] }));
    expect(explain(s, 2, 'USER_CREATE', account).reasons).toEqual([
      { effect: 'allow', source: 'ACCOUNT_ROLE', roleName: 'ADMIN', resource: account, text: 'account role ADMIN' },
    ]);
    expect(explain(s, 1, 'ORGANIZATION_READ', org(2)).reasons.map((r) => r.text)).toEqual([
      'account role MEMBER as a member of organization 2 (globex)',
    ]);
  });

  it('denied on a restricted project: the restriction, and each grant from above that it cut', () => {
    const s = AccessSnapshot.build(fixtureWorld({ spaceMemberships: [{ userId: 1, spaceId: 10, roleId: ROLE.MEMBER }] }));
    expect(explain(s, 1, 'PROJECT_SPAN_READ', project(101))).toEqual({
      allowed: false,
      reasons: [
        {
          effect: 'deny', source: 'RESTRICTION', resource: project(101),
          text: 'denied: project 101 (payroll) is restricted; no PROJECT binding grants PROJECT_SPAN_READ',
        },
        {
          effect: 'deny', source: 'SPACE_MEMBERSHIP', roleId: ROLE.MEMBER, roleName: 'Member', resource: space(10),
          text: 'space membership MEMBER on space 10 (alpha) grants PROJECT_SPAN_READ but does not reach restricted project 101 (payroll)',
        },
      ],
    });
  });

  it('denied a management permission on a restricted project: says who could grant it', () => {
    const s = AccessSnapshot.build(fixtureWorld({ spaceMemberships: [{ userId: 1, spaceId: 10, roleId: ROLE.MEMBER }] }));
    expect(explain(s, 1, 'PROJECT_READ', project(101)).reasons[0]?.text).toBe(
      'denied: project 101 (payroll) is restricted; no PROJECT binding or ADMIN of its space, organization or the account grants PROJECT_READ',
    );
  });

  it('allowed a management permission on a restricted project: marks the admin grant as management only', () => {
    const s = AccessSnapshot.build(fixtureWorld({ roleBindings: [{ id: 5, userId: 1, roleId: ROLE.ADMIN, resourceType: 'SPACE', resourceId: 10 }] }));
    expect(explain(s, 1, 'PROJECT_RESTRICT', project(101)).reasons.map((r) => r.text)).toEqual([
      'role binding ADMIN on space 10 (alpha) (management permissions only: project 101 (payroll) is restricted)',
    ]);
    expect(explain(s, 1, 'PROJECT_SPAN_READ', project(101)).reasons.map((r) => r.source)).toEqual(['RESTRICTION', 'SPACE_BINDING']);
  });

  it('denied on a private space: the organization grant that does not reach it', () => {
    const s = AccessSnapshot.build(fixtureWorld({ organizationMemberships: [{ userId: 1, organizationId: 1, roleId: ROLE.READ_ONLY }] }));
    expect(explain(s, 1, 'SPACE_READ', space(11)).reasons.map((r) => [r.effect, r.source, r.text])).toEqual([
      ['deny', 'ORGANIZATION_MEMBERSHIP', 'organization membership READ_ONLY on organization 1 (acme) (on it and its non-private spaces) grants SPACE_READ but does not reach private space 11 (vault)'],
    ]);
  });

  it('denied with nothing granting it', () => {
    const s = AccessSnapshot.build(fixtureWorld({ spaceMemberships: [{ userId: 1, spaceId: 10, roleId: ROLE.READ_ONLY }] }));
    expect(explain(s, 1, 'SPACE_UPDATE', space(10)).reasons).toEqual([
      { effect: 'deny', source: 'NONE', resource: space(10), text: 'denied: no grant of SPACE_UPDATE on space 10 (alpha) or its ancestors' },
    ]);
    expect(explain(s, 1, 'USER_READ', account).reasons.map((r) => r.text)).toEqual([
      'denied: USER_READ on the account needs account role ADMIN (user 1 is MEMBER)',
    ]);
  });

  it('denied for unknown and inactive principals, unknown resources and unknown permissions', () => {
    const s = AccessSnapshot.build(fixtureWorld({ role: 'ADMIN', active: false }));
    const text = (userId: number, p: string, r: Parameters<typeof explain>[3]) =>
      explain(s, userId, p as Permission, r).reasons.map((x) => x.text);
    expect(text(9, 'USER_READ', account)).toEqual(['denied: unknown user 9']);
    expect(text(1, 'USER_READ', account)).toEqual(['denied: user 1 is not active']);
    expect(text(2, 'PROJECT_READ', project(5))).toEqual(['denied: unknown project 5']);
    expect(text(2, 'FLY', account)).toEqual(['denied: unknown permission FLY']);
  });
});
