import type { DeleteCascade } from '../../services/delete-cascade.js';
import { presentPrincipals } from './access-preview.js';

/** 200 answers of the dry-run deletes: each resource names only what its delete can take. */
export function presentOrganizationDeleteCascade(c: DeleteCascade) {
  return {
    dry_run: true as const, spaces: c.spaces, projects: c.projects, organization_memberships: c.organizationMemberships,
    space_memberships: c.spaceMemberships, role_bindings: c.roleBindings, resource_restrictions: c.resourceRestrictions,
    service_keys_without_space: c.serviceKeysWithoutSpace, ...presentPrincipals(c),
  };
}

export function presentSpaceDeleteCascade(c: DeleteCascade) {
  return {
    dry_run: true as const, projects: c.projects, space_memberships: c.spaceMemberships, role_bindings: c.roleBindings,
    resource_restrictions: c.resourceRestrictions, service_keys_without_space: c.serviceKeysWithoutSpace,
    ...presentPrincipals(c),
  };
}

export function presentProjectDeleteCascade(c: DeleteCascade) {
  return {
    dry_run: true as const, role_bindings: c.roleBindings, resource_restrictions: c.resourceRestrictions,
    ...presentPrincipals(c),
  };
}
