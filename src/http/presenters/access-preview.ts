import type { ResourceRef } from '../../access/index.js';
import { encodeId } from '../../domain/ids.js';
import type { AccessPreview, PrincipalPreview } from '../../services/dry-run.js';

const ID_TYPE = { ORGANIZATION: 'Organization', SPACE: 'Space', PROJECT: 'Project' } as const;

function resourceId(r: ResourceRef): string | undefined {
  return r.type === 'ACCOUNT' ? undefined : encodeId(ID_TYPE[r.type], r.id);
}

export function presentPrincipalChanges(principals: readonly PrincipalPreview[]) {
  return principals.map((p) => ({
    user_id: encodeId('User', p.userId),
    principal_type: p.isBot ? 'SERVICE_KEY' as const : 'USER' as const,
    ...(p.name === undefined ? {} : { name: p.name }),
    ...(p.email === undefined ? {} : { email: p.email }),
    changes: p.changes.map((d) => ({
      resource_type: d.resource.type,
      ...(d.resource.type === 'ACCOUNT' ? {} : { resource_id: resourceId(d.resource) }),
      ...(d.resourceName === undefined ? {} : { resource_name: d.resourceName }),
      gained: d.gained,
      lost: d.lost,
    })),
  }));
}

/** `principals`, and `principals_omitted` when the change moved more access than an answer lists. */
export function presentPrincipals(preview: { principals?: readonly PrincipalPreview[] | undefined; principalsOmitted?: boolean | undefined }) {
  return { principals: presentPrincipalChanges(preview.principals ?? []), ...(preview.principalsOmitted ? { principals_omitted: true as const } : {}) };
}

export function presentAccessPreview(preview: AccessPreview) {
  const c = preview.cascade;
  return {
    dry_run: true as const,
    ...presentPrincipals(preview),
    cascade: {
      organization_memberships: c.organizationMemberships, space_memberships: c.spaceMemberships, role_bindings: c.roleBindings,
      resource_restrictions: c.resourceRestrictions, service_keys: c.serviceKeys,
    },
  };
}
