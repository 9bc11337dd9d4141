import type { OrganizationDeleteCascade, ProjectDeleteCascade, SpaceDeleteCascade } from '../../client/types.js';
import { plural } from './plural.js';

/** Said when a delete leaves service keys whose bot is in no space: they still authenticate but reach nothing. */
function strandedKeys(n: number): string[] {
  return n === 0 ? [] : [`leaves ${plural(n, 'service key')} in no space (revoke them with ax api-keys revoke)`];
}

/** The confirmation lines of `organizations delete`, from the server's dry run (the CLI never counts a cascade). */
export function describeOrganizationDelete(c: OrganizationDeleteCascade): string[] {
  return [
    `${plural(c.spaces, 'space')} and ${plural(c.projects, 'project')} with all their traces, datasets and ${plural(c.resource_restrictions, 'restriction')}`,
    `${plural(c.organization_memberships, 'organization membership')}, ${plural(c.space_memberships, 'space membership')} and ${plural(c.role_bindings, 'role binding')}`,
    ...strandedKeys(c.service_keys_without_space),
    'this cannot be undone',
  ];
}

export function describeSpaceDelete(c: SpaceDeleteCascade): string[] {
  return [
    `${plural(c.projects, 'project')} with all their traces, datasets and ${plural(c.resource_restrictions, 'restriction')}`,
    `${plural(c.space_memberships, 'space membership')} and ${plural(c.role_bindings, 'role binding')} on the space and its projects`,
    ...strandedKeys(c.service_keys_without_space),
    'its scope on service keys; this cannot be undone',
  ];
}

export function describeProjectDelete(c: ProjectDeleteCascade): string[] {
  return [
    'all its traces, datasets and experiments',
    `${plural(c.resource_restrictions, 'restriction')} and ${plural(c.role_bindings, 'PROJECT role binding')}`,
    'this cannot be undone',
  ];
}
