import { encodeId, encodeProviderId } from '../../domain/ids.js';
import type { AccessReviewGrantRow, AccessReviewRow } from '../../store/repositories/access-reviews.js';

export function presentAccessReview(row: AccessReviewRow) {
  return {
    id: encodeId('AccessReview', row.id),
    name: row.name,
    status: row.status,
    created_at: row.created_at,
    created_by: encodeId('User', Number(row.created_by_user_id)),
    ...(row.closed_at === null ? {} : { closed_at: row.closed_at }),
    ...(row.closed_by_user_id === null ? {} : { closed_by: encodeId('User', Number(row.closed_by_user_id)) }),
    grant_count: Number(row.grant_count),
    decided_count: row.kept + row.revoked,
    kept_count: row.kept,
    revoked_count: row.revoked,
    digest: row.digest,
    signature: row.signature,
    key_id: row.key_id,
  };
}

const RESOURCE_ID_TYPE = { ACCOUNT: 'Account', ORGANIZATION: 'Organization', SPACE: 'Space', PROJECT: 'Project' } as const;

export function presentReviewGrant(row: AccessReviewGrantRow) {
  return {
    id: encodeId('AccessReviewGrant', row.id),
    review_id: encodeId('AccessReview', Number(row.review_id)),
    principal_type: row.principal_type,
    principal_id: encodeId('User', Number(row.user_id)),
    principal_name: row.principal_name,
    principal_email: row.principal_email,
    principal_status: row.principal_status,
    source: row.source,
    resource_type: row.resource_type,
    resource_id: encodeId(RESOURCE_ID_TYPE[row.resource_type], Number(row.resource_id)),
    resource_name: row.resource_name,
    ...(row.role_id === null ? {} : { role_id: encodeId('Role', Number(row.role_id)) }),
    role_name: row.role_name,
    ...(row.binding_id === null ? {} : { role_binding_id: encodeId('RoleBinding', Number(row.binding_id)) }),
    provenance: row.provenance,
    ...(row.provenance_idp_id === null ? {} : { provenance_idp_id: encodeProviderId(row.source_idp_protocol ?? 'SAML', Number(row.provenance_idp_id)) }),
    ...(row.expires_at === null ? {} : { expires_at: row.expires_at }),
    ...(row.decision === null ? {} : { decision: row.decision }),
    ...(row.decided_by_user_id === null ? {} : { decided_by: encodeId('User', Number(row.decided_by_user_id)) }),
    ...(row.decided_at === null ? {} : { decided_at: row.decided_at }),
    ...(row.note === null ? {} : { note: row.note }),
    ...(row.outcome === null ? {} : { outcome: row.outcome as 'kept' | 'revoked' | 'already_gone' }),
  };
}
