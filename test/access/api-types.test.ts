import { describe, expectTypeOf, it } from 'vitest';
import * as access from '../../src/access/index.js';
import type { Accessor, Explanation, Reason, ResourceRef, WorldSource } from '../../src/access/index.js';
import type { Permission } from '../../src/domain/permissions.js';

describe('the public surface of src/access', () => {
  it('exports exactly the documented values', () => {
    expectTypeOf<keyof typeof access>().toEqualTypeOf<
      | 'AccessSnapshot' | 'check' | 'permissionsOn' | 'allowedResources' | 'explain' | 'canGrant' | 'whoHasAccess'
      | 'resourceParent' | 'RESTRICTED_PROJECT_MANAGEMENT' | 'ORGANIZATION_MEMBERSHIP_GRANTS' | 'accessDiff'
      | 'confinedAccessDiff' | 'AccessDiffTooLarge'
    >();
  });

  it('types decisions over a snapshot', () => {
    expectTypeOf(access.AccessSnapshot.build).parameter(0).toEqualTypeOf<WorldSource>();
    expectTypeOf(access.check).toEqualTypeOf<(s: access.AccessSnapshot, userId: number, permission: Permission, resource: ResourceRef) => boolean>();
    expectTypeOf(access.permissionsOn).returns.toEqualTypeOf<ReadonlySet<Permission>>();
    expectTypeOf(access.explain).returns.toEqualTypeOf<Explanation>();
    expectTypeOf<Explanation['reasons']>().toEqualTypeOf<Reason[]>();
    expectTypeOf(access.canGrant).returns.toEqualTypeOf<{ ok: true } | { ok: false; missing: Permission }>();
    expectTypeOf(access.whoHasAccess).returns.toEqualTypeOf<Accessor[]>();
    expectTypeOf(access.accessDiff).returns.toEqualTypeOf<access.AccessDelta[]>();
    expectTypeOf(access.confinedAccessDiff).returns.toEqualTypeOf<access.AccessDelta[]>();
    expectTypeOf(access.allowedResources).parameter(3).toEqualTypeOf<'ORGANIZATION' | 'SPACE' | 'PROJECT'>();
  });

  it('rejects a resource without an id, except the account', () => {
    expectTypeOf<{ type: 'ACCOUNT' }>().toMatchTypeOf<ResourceRef>();
    expectTypeOf<{ type: 'SPACE' }>().not.toMatchTypeOf<ResourceRef>();
    expectTypeOf<Reason['source']>().toEqualTypeOf<
      'ACCOUNT_ROLE' | 'ORGANIZATION_MEMBERSHIP' | 'SPACE_MEMBERSHIP' | 'SPACE_BINDING' | 'PROJECT_BINDING' | 'RESTRICTION' | 'NONE'
    >();
  });
});
