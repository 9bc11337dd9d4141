import type { AxClient } from '../../client/client.js';
import { countOrUnknown, plural } from './count.js';

/** Above this many organizations plus spaces, memberships are described rather than counted (a request each). */
const MEMBERSHIP_PROBE_LIMIT = 60;

/**
 * What deleting a user takes with it, counted through the API: organization and space memberships (from the member
 * list of each organization and space, when there are few), role bindings, and active API keys.
 */
export async function describeUserDeletion(client: AxClient, userId: string): Promise<string> {
  const [memberships, spaceBindings, projectBindings, keys] = await Promise.all([
    countMemberships(client, userId),
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
  const [orgs, spaces] = await Promise.all([client.organizations.list({ limit: 100 }), client.spaces.list({ limit: 100 })]);
  if (orgs.pagination.has_more || spaces.pagination.has_more) return undefined;
  if (orgs.organizations.length + spaces.spaces.length > MEMBERSHIP_PROBE_LIMIT) return undefined;
  const member = (members: AsyncIterable<{ user_id: string }>) => countOrUnknown(filter(members, (m) => m.user_id === userId));
  const orgCounts = await Promise.all(orgs.organizations.map((o) => member(client.organizations.iterateUsers(o.id))));
  const spaceCounts = await Promise.all(spaces.spaces.map((s) => member(client.spaces.iterateUsers(s.id))));
  if ([...orgCounts, ...spaceCounts].includes(undefined)) return undefined;
  const total = (counts: (number | undefined)[]) => counts.reduce<number>((sum, n) => sum + (n ?? 0), 0);
  return { organizations: total(orgCounts), spaces: total(spaceCounts) };
}

async function* filter<T>(items: AsyncIterable<T>, keep: (item: T) => boolean): AsyncGenerator<T> {
  for await (const item of items) if (keep(item)) yield item;
}
