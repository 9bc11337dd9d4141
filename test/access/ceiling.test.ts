import { describe, expect, it } from 'vitest';
import { AccessSnapshot, canGrant } from '../../src/access/index.js';
import { PERMISSIONS } from '../../src/domain/permissions.js';
import { ORGANIZATION_MEMBERSHIP_GRANTS, PREDEFINED_ROLES } from '../../src/domain/predefined-roles.js';
import { fixtureWorld, org, project, ROLE, space } from './fixture-world.js';

const { ADMIN, MEMBER, READ_ONLY, ANNOTATOR } = PREDEFINED_ROLES;
const asSpace = (roleId: number, role: 'ADMIN' | 'MEMBER' | 'ANNOTATOR' = 'MEMBER') =>
  AccessSnapshot.build(fixtureWorld({ role, spaceMemberships: [{ userId: 1, spaceId: 10, roleId }] }));

describe('canGrant() enforces the privilege ceiling', () => {
  it('READ_ONLY can grant read-only access but nothing with a write permission', () => {
    const s = asSpace(ROLE.READ_ONLY);
    expect(canGrant(s, 1, READ_ONLY.permissions, space(10))).toEqual({ ok: true });
    expect(canGrant(s, 1, MEMBER.permissions, space(10))).toEqual({ ok: false, missing: MEMBER.permissions.find((p) => !p.endsWith('_READ')) });
    expect(canGrant(s, 1, ANNOTATOR.permissions, space(10))).toEqual({ ok: false, missing: 'PROJECT_SPAN_ANNOTATE' });
    expect(canGrant(s, 1, ['SERVICE_KEY_CREATE'], space(10))).toEqual({ ok: false, missing: 'SERVICE_KEY_CREATE' });
  });

  it('ANNOTATOR can grant ANNOTATOR only', () => {
    const s = asSpace(ROLE.ANNOTATOR);
    expect(canGrant(s, 1, ANNOTATOR.permissions, project(100))).toEqual({ ok: true });
    expect(canGrant(s, 1, READ_ONLY.permissions, space(10)).ok).toBe(false);
  });

  it('MEMBER can grant MEMBER (and below) but not ADMIN, naming the first permission it lacks', () => {
    const s = asSpace(ROLE.MEMBER);
    for (const role of [MEMBER, READ_ONLY, ANNOTATOR]) expect(canGrant(s, 1, role.permissions, space(10))).toEqual({ ok: true });
    expect(canGrant(s, 1, ADMIN.permissions, space(10))).toEqual({ ok: false, missing: 'ORGANIZATION_UPDATE' });
    expect(canGrant(s, 1, MEMBER.permissions, space(11))).toEqual({ ok: false, missing: MEMBER.permissions[0] });
  });

  it('ADMIN can grant ADMIN where it is ADMIN, and not elsewhere', () => {
    const s = asSpace(ROLE.ADMIN);
    expect(canGrant(s, 1, ADMIN.permissions, space(10))).toEqual({ ok: true });
    expect(canGrant(s, 1, ADMIN.permissions, project(102))).toEqual({ ok: true });
    expect(canGrant(s, 1, ADMIN.permissions, space(20)).ok).toBe(false);
  });

  it('account-level permissions can be granted by account ADMIN only', () => {
    expect(canGrant(asSpace(ROLE.ADMIN), 1, ['USER_CREATE'], space(10))).toEqual({ ok: false, missing: 'USER_CREATE' });
    expect(canGrant(asSpace(ROLE.READ_ONLY, 'ADMIN'), 1, PERMISSIONS, space(10))).toEqual({ ok: true });
  });

  it('an ADMIN above a restricted project can grant up to its own level there; others only what they hold on it', () => {
    const admin = asSpace(ROLE.ADMIN);
    expect(canGrant(admin, 1, MEMBER.permissions, project(101))).toEqual({ ok: true });
    expect(canGrant(admin, 1, ['USER_CREATE'], project(101))).toEqual({ ok: false, missing: 'USER_CREATE' });
    const binder = AccessSnapshot.build(fixtureWorld({
      spaceMemberships: [{ userId: 1, spaceId: 10, roleId: ROLE.MEMBER }],
      roleBindings: [{ id: 1, userId: 1, roleId: ROLE.BINDER, resourceType: 'PROJECT', resourceId: 101 }],
    }));
    expect(canGrant(binder, 1, ['PROJECT_READ'], project(101))).toEqual({ ok: true });
    expect(canGrant(binder, 1, READ_ONLY.permissions, project(101))).toEqual({ ok: false, missing: 'AI_PROVIDER_READ' });
  });

  it('inactive and unknown granters can grant nothing; an empty role is always within the ceiling', () => {
    const s = AccessSnapshot.build(fixtureWorld({ role: 'ADMIN', active: false }));
    expect(canGrant(s, 1, ['PROJECT_READ'], project(100)).ok).toBe(false);
    expect(canGrant(s, 9, ['PROJECT_READ'], project(100)).ok).toBe(false);
    expect(canGrant(s, 9, [], project(100))).toEqual({ ok: true });
  });
});

describe('canGrant() for organization memberships', () => {
  const asOrganization = (roleId: number) =>
    AccessSnapshot.build(fixtureWorld({ organizationMemberships: [{ userId: 1, organizationId: 1, roleId }] }));

  it('each predefined organization role can grant its own organization-level set, and not the one above', () => {
    expect(canGrant(asOrganization(ROLE.MEMBER), 1, ORGANIZATION_MEMBERSHIP_GRANTS.MEMBER, org(1))).toEqual({ ok: true });
    expect(canGrant(asOrganization(ROLE.READ_ONLY), 1, ORGANIZATION_MEMBERSHIP_GRANTS.READ_ONLY, org(1))).toEqual({ ok: true });
    expect(canGrant(asOrganization(ROLE.ANNOTATOR), 1, ORGANIZATION_MEMBERSHIP_GRANTS.ANNOTATOR, org(1))).toEqual({ ok: true });
    expect(canGrant(asOrganization(ROLE.READ_ONLY), 1, ORGANIZATION_MEMBERSHIP_GRANTS.MEMBER, org(1))).toEqual({ ok: false, missing: 'SPACE_CREATE' });
    expect(canGrant(asOrganization(ROLE.ANNOTATOR), 1, ORGANIZATION_MEMBERSHIP_GRANTS.READ_ONLY, org(1))).toEqual({ ok: false, missing: 'SPACE_READ' });
    expect(canGrant(asOrganization(ROLE.MEMBER), 1, ORGANIZATION_MEMBERSHIP_GRANTS.ADMIN, org(1)).ok).toBe(false);
    expect(canGrant(asOrganization(ROLE.ADMIN), 1, ORGANIZATION_MEMBERSHIP_GRANTS.ADMIN, org(1))).toEqual({ ok: true });
  });
});
