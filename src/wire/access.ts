import { Type } from '@sinclair/typebox';
import type { Reason } from '../../access/index.js';
import { encodeId, type IdType } from '../../domain/ids.js';
import type { PrincipalWithAccess } from '../../services/access-queries.js';
import { Id, PermissionName } from './common.js';

const ID_TYPE: Record<Reason['resource']['type'], IdType> = {
  ACCOUNT: 'Account', ORGANIZATION: 'Organization', SPACE: 'Space', PROJECT: 'Project',
};

/** One grant (or restriction, or absence of a grant) behind a decision, on the wire. */
export const AccessReason = Type.Object({
  effect: Type.Union([Type.Literal('ALLOW'), Type.Literal('DENY')]),
  source: Type.Union(['ACCOUNT_ROLE', 'ORGANIZATION_MEMBERSHIP', 'SPACE_MEMBERSHIP', 'SPACE_BINDING', 'PROJECT_BINDING', 'RESTRICTION', 'NONE']
    .map((s) => Type.Literal(s))),
  text: Type.String(),
  role_id: Type.Optional(Id),
  role_name: Type.Optional(Type.String()),
  binding_id: Type.Optional(Id),
  resource_type: Type.Union([Type.Literal('ACCOUNT'), Type.Literal('ORGANIZATION'), Type.Literal('SPACE'), Type.Literal('PROJECT')]),
  resource_id: Id,
});

export const AccessCheckResult = Type.Object({ allowed: Type.Boolean(), reasons: Type.Array(AccessReason) });

export const AccessPrincipals = Type.Object({
  principals: Type.Array(Type.Object({
    user_id: Id,
    user: Type.Object({ name: Type.String(), email: Type.String() }),
    is_bot: Type.Boolean(),
    permissions: Type.Array(PermissionName),
    grants: Type.Array(AccessReason),
  })),
});

/** `resource` is where the grant sits: the account (its own id), an organization, a space or a project. */
export function presentReason(reason: Reason, accountId: number) {
  const r = reason.resource;
  return {
    effect: reason.effect === 'allow' ? 'ALLOW' as const : 'DENY' as const,
    source: reason.source,
    text: reason.text,
    ...(reason.roleId !== undefined ? { role_id: encodeId('Role', reason.roleId) } : {}),
    ...(reason.roleName !== undefined ? { role_name: reason.roleName } : {}),
    ...(reason.bindingId !== undefined ? { binding_id: encodeId('RoleBinding', reason.bindingId) } : {}),
    resource_type: r.type,
    resource_id: encodeId(ID_TYPE[r.type], r.type === 'ACCOUNT' ? accountId : r.id),
  };
}

export function presentPrincipal(p: PrincipalWithAccess, accountId: number) {
  return {
    user_id: encodeId('User', p.userId),
    user: { name: p.user.name, email: p.user.email },
    is_bot: p.user.is_bot === 1,
    permissions: p.permissions,
    grants: p.grants.map((g) => presentReason(g, accountId)),
  };
}
