import type { AxClient } from '../../client/client.js';
import { HttpError } from '../../client/errors.js';
import { countOrUnknown, plural } from './count.js';

/** Above this many organizations plus spaces, memberships are described rather than counted (one request each). */
const MEMBERSHIP_PROBE_LIMIT = 60;

/**
 * What deleting a user takes with it, counted through the API: organization and space memberships (via
 * `GET /v2/access/principals` on each organization and space, when there are few; that endpoint lists only ACTIVE
 * users, so others get a description instead of a count), role bindings, and API keys.
 */
export async function describeUserDeletion(client: AxClient, userId: string): Promise<string> {
  const user = await client.users.get(userId);
  const [memberships, spaceBindings, projectBindings, keys] = await Promise.all([
    user.status === 'ACTIVE' ? countMemberships(client, userId) : undefined,
    countOrUnknown(client.roleBindings.iterate({ resource_type: 'SPACE', user_id: userId })),
    countOrUnknown(client.roleBindings.iterate({ resource_type: 'PROJECT', user_id: userId })),
    countOrUnknown(client.apiKeys.iterate({ user_id: userId, status: 'ACTIVE' })),
  ]);
  const bindings = spaceBindings === undefined || projectBindings === undefined ? undefined : spaceBindings + projectBindings;
  const parts = memberships
    ? [plural(memberships.organizations, 'organization membership'), plural(memberships.spaces, 'space membership')]
    : ['all their organization and space memberships'];
  parts.push(plural(bindings, 'role binding'), `${plural(keys, 'API key')} revoked`);
  return parts.join(', ');
}

async function countMemberships(client: AxClient, userId: string): Promise<{ organizations: number; spaces: number } | undefined> {
  try {
    const orgs = await client.organizations.list({ limit: 100 });
    const spaces = await client.spaces.list({ limit: 100 });
    if (orgs.pagination.has_more || spaces.pagination.has_more) return undefined;
    if (orgs.organizations.length + spaces.spaces.length > MEMBERSHIP_PROBE_LIMIT) return undefined;
    const holds = async (resourceId: string, source: string) => {
      const { principals } = await client.access.principals(resourceId);
      return principals.some((p) => p.user_id === userId && p.grants.some((g) => g.source === source && g.resource_id === resourceId));
    };
    const orgHits = await Promise.all(orgs.organizations.map((o) => holds(o.id, 'ORGANIZATION_MEMBERSHIP')));
    const spaceHits = await Promise.all(spaces.spaces.map((s) => holds(s.id, 'SPACE_MEMBERSHIP')));
    return { organizations: orgHits.filter(Boolean).length, spaces: spaceHits.filter(Boolean).length };
  } catch (error) {
    if (error instanceof HttpError) return undefined;
    throw error;
  }
}
