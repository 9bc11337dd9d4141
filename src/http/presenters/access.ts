import type { Reason } from '../../access/index.js';
import type { ApiError } from '../../domain/errors.js';
import { encodeId, type IdType } from '../../domain/ids.js';
import type { PrincipalWithAccess } from '../../services/access.js';
import { presentProvenance, type ProvenanceRow } from './grant-provenance.js';

const ID_TYPE: Record<Reason['resource']['type'], IdType> = {
  ACCOUNT: 'Account', ORGANIZATION: 'Organization', SPACE: 'Space', PROJECT: 'Project',
};

/**
 * `resource` is where the grant sits: the account (its own id), an organization, a space or a project; `provenance`,
 * when known, who wrote the grant (`grant_source`, `source_idp_id`).
 */
export function presentReason(reason: Reason, accountId: number, provenance?: ProvenanceRow) {
  const r = reason.resource;
  const written = provenance === undefined ? undefined : presentProvenance(provenance);
  return {
    effect: reason.effect === 'allow' ? 'ALLOW' as const : 'DENY' as const,
    source: reason.source,
    text: reason.text,
    ...(reason.roleId !== undefined ? { role_id: encodeId('Role', reason.roleId) } : {}),
    ...(reason.roleName !== undefined ? { role_name: reason.roleName } : {}),
    ...(reason.bindingId !== undefined ? { binding_id: encodeId('RoleBinding', reason.bindingId) } : {}),
    ...(written === undefined ? {} : { grant_source: written.source, ...(written.source_idp_id === undefined ? {} : { source_idp_id: written.source_idp_id }) }),
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

/** A refused question of a batch, as the problem document the single check would have answered with. */
export function presentRefusal(error: ApiError) {
  return { status: error.status, title: error.title, code: error.code, ...(error.detail !== undefined ? { detail: error.detail } : {}) };
}
