import { describe, expect, it } from 'vitest';
import { AccessSnapshot, check } from '../../src/access/index.js';
import { fixtureWorld, project, ROLE, space } from './fixture-world.js';

const T = Date.parse('2026-12-03T10:00:00.000Z');
const at = (ms: number) => new Date(ms).toISOString();

describe('grants that expire (issue 17)', () => {
  it('a binding stops counting at its instant, not a millisecond before', () => {
    const s = AccessSnapshot.build(fixtureWorld({
      roleBindings: [{ id: 1, userId: 1, roleId: ROLE.READ_ONLY, resourceType: 'PROJECT', resourceId: 200, expiresAt: at(T) }],
    }));
    expect(s.nextExpiry).toBe(T);
    expect(s.expire(T - 1)).toBe(0);
    expect(check(s, 1, 'PROJECT_READ', project(200))).toBe(true);
    expect(s.expire(T)).toBe(1);
    expect(check(s, 1, 'PROJECT_READ', project(200))).toBe(false);
    expect(s.nextExpiry).toBe(Infinity);
  });

  it('a snapshot without expiring grants has nothing to expire', () => {
    const s = AccessSnapshot.build(fixtureWorld({ roleBindings: [{ id: 1, userId: 1, roleId: ROLE.MEMBER, resourceType: 'SPACE', resourceId: 10, expiresAt: null }] }));
    expect(s.nextExpiry).toBe(Infinity);
    expect(s.expire(T)).toBe(0);
  });

  it('memberships expire one by one, the earliest first; an organization membership takes its spaces along', () => {
    const s = AccessSnapshot.build(fixtureWorld({
      organizationMemberships: [{ userId: 1, organizationId: 1, roleId: ROLE.READ_ONLY, expiresAt: at(T + 2000) }],
      spaceMemberships: [
        { userId: 1, spaceId: 10, roleId: ROLE.MEMBER, expiresAt: at(T) },
        { userId: 1, spaceId: 11, roleId: ROLE.ADMIN },
      ],
    }));
    expect(s.expire(T)).toBe(1);
    expect(check(s, 1, 'PROJECT_CREATE', space(10))).toBe(false);
    expect(check(s, 1, 'SPACE_READ', space(10))).toBe(true);
    expect(s.nextExpiry).toBe(T + 2000);
    expect(s.expire(T + 2000)).toBe(1);
    expect(check(s, 1, 'SPACE_READ', space(10))).toBe(false);
    expect(check(s, 1, 'SPACE_READ', space(11))).toBe(false);
  });

  it('an upsert without expiry makes a grant permanent again; one with a new expiry moves it', () => {
    const s = AccessSnapshot.build(fixtureWorld({ organizationMemberships: [{ userId: 1, organizationId: 2, roleId: ROLE.READ_ONLY }] }));
    s.upsertSpaceMembership({ userId: 1, spaceId: 20, roleId: ROLE.MEMBER, expiresAt: at(T) });
    s.upsertSpaceMembership({ userId: 1, spaceId: 20, roleId: ROLE.MEMBER });
    s.upsertBinding({ id: 5, userId: 1, roleId: ROLE.ADMIN, resourceType: 'PROJECT', resourceId: 100, expiresAt: at(T) });
    s.upsertBinding({ id: 5, userId: 1, roleId: ROLE.ADMIN, resourceType: 'PROJECT', resourceId: 100, expiresAt: at(T + 60_000) });
    expect(s.expire(T)).toBe(0);
    expect(check(s, 1, 'PROJECT_CREATE', space(20))).toBe(true);
    expect(check(s, 1, 'PROJECT_READ', project(100))).toBe(true);
    expect(s.nextExpiry).toBe(T + 60_000);
    expect(s.expire(T + 60_000)).toBe(1);
    expect(check(s, 1, 'PROJECT_READ', project(100))).toBe(false);
  });

  it('a grant that went another way before its expiry is not removed twice', () => {
    const s = AccessSnapshot.build(fixtureWorld({
      organizationMemberships: [{ userId: 1, organizationId: 1, roleId: ROLE.READ_ONLY, expiresAt: at(T) }],
      spaceMemberships: [{ userId: 1, spaceId: 10, roleId: ROLE.MEMBER, expiresAt: at(T) }],
      roleBindings: [{ id: 7, userId: 1, roleId: ROLE.MEMBER, resourceType: 'SPACE', resourceId: 20, expiresAt: at(T) }],
    }));
    s.upsertOrganizationMembership({ userId: 3, organizationId: 1, roleId: ROLE.MEMBER, expiresAt: at(T) });
    s.upsertSpaceMembership({ userId: 2, spaceId: 10, roleId: ROLE.MEMBER, expiresAt: at(T) });
    s.removeSpaceMembership(2, 10);
    s.removeBinding(7);
    s.removeUser(1);
    expect(s.expire(T)).toBe(0);
  });

  it('an expiring binding of a user the snapshot does not know is ignored', () => {
    const s = AccessSnapshot.build(fixtureWorld({
      roleBindings: [{ id: 8, userId: 99, roleId: ROLE.MEMBER, resourceType: 'SPACE', resourceId: 10, expiresAt: at(T) }],
    }));
    expect(s.nextExpiry).toBe(Infinity);
    s.upsertBinding({ id: 9, userId: 99, roleId: ROLE.MEMBER, resourceType: 'SPACE', resourceId: 10, expiresAt: at(T) });
    expect(s.expire(T)).toBe(0);
  });
});
