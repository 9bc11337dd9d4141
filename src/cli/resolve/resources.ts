import type { AxClient } from '../../client/client.js';
import type { Organization, Project, Role, Space, User } from '../../client/types.js';
import { UsageError } from '../errors/cli-error.js';
import { ambiguousName, nameNotFound } from './errors.js';
import { isResourceId } from './id.js';

/**
 * Name-or-id resolution, done client-side as Arize's clients do (wire reference 2.5): an id is used as is; a name
 * is looked up through the list endpoint's filter with `limit=100`, every page, keeping exact case-sensitive matches.
 * No match → an error listing close names; several → an error listing their ids.
 */
async function exactMatches<T extends { id: string; name: string }>(
  items: AsyncIterable<T>,
  input: string,
): Promise<{ matches: T[]; seen: string[] }> {
  const matches: T[] = [];
  const seen: string[] = [];
  for await (const item of items) {
    seen.push(item.name);
    if (item.name === input) matches.push(item);
  }
  return { matches, seen };
}

/** Names worth suggesting when the filtered lookup found nothing: one unfiltered page. */
async function someNames<T extends { name: string }>(page: Promise<readonly T[]>, seen: string[]): Promise<string[]> {
  if (seen.length > 0) return seen;
  return (await page).map((item) => item.name);
}

export async function resolveOrganizationId(client: AxClient, input: string): Promise<string> {
  if (isResourceId(input)) return input;
  return (await resolveOrganization(client, input)).id;
}

export async function resolveOrganization(client: AxClient, input: string): Promise<Organization> {
  if (isResourceId(input)) return client.organizations.get(input);
  const { matches, seen } = await exactMatches(client.organizations.iterate({ name: input }), input);
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1) throw ambiguousName('organization', input, matches);
  const names = await someNames(client.organizations.list({ limit: 100 }).then((p) => p.organizations), seen);
  throw nameNotFound('organization named', input, names, 'ax organizations list');
}

export async function resolveSpaceId(client: AxClient, input: string, orgId?: string): Promise<string> {
  if (isResourceId(input)) return input;
  return (await resolveSpace(client, input, orgId)).id;
}

/** Space names are unique only within an organization: every exact match across all pages counts. */
export async function resolveSpace(client: AxClient, input: string, orgId?: string): Promise<Space> {
  if (isResourceId(input)) return client.spaces.get(input);
  const filter = orgId === undefined ? { name: input } : { name: input, org_id: orgId };
  const { matches, seen } = await exactMatches(client.spaces.iterate(filter), input);
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1) {
    throw ambiguousName('space', input, matches.map((s) => ({ id: s.id, where: s.organization_id ? `organization ${s.organization_id}` : undefined })));
  }
  const names = await someNames(client.spaces.list({ limit: 100, ...(orgId === undefined ? {} : { org_id: orgId }) }).then((p) => p.spaces), seen);
  throw nameNotFound('space named', input, names, 'ax spaces list');
}

/** A project by id, or by name within a space (the space is required for a name). */
export async function resolveProjectId(client: AxClient, input: string, space: string | undefined): Promise<string> {
  if (isResourceId(input)) return input;
  return (await resolveProject(client, input, space)).id;
}

export async function resolveProject(client: AxClient, input: string, space: string | undefined): Promise<Project> {
  if (isResourceId(input)) return client.projects.get(input);
  if (space === undefined) {
    throw new UsageError(`project "${input}" is a name, so its space is needed`, 'Add --space SPACE (or set ARIZE_SPACE), or pass the project id.');
  }
  const spaceId = await resolveSpaceId(client, space);
  const { matches, seen } = await exactMatches(client.projects.iterate({ name: input, space_id: spaceId }), input);
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1) throw ambiguousName('project', input, matches);
  const names = await someNames(client.projects.list({ limit: 100, space_id: spaceId }).then((p) => p.projects), seen);
  throw nameNotFound('project named', input, names, `ax projects list --space ${JSON.stringify(space)}`);
}

export async function resolveRoleId(client: AxClient, input: string): Promise<string> {
  if (isResourceId(input)) return input;
  return (await resolveRole(client, input)).id;
}

/** Roles have no name filter: every page of `GET /v2/roles` is read. */
export async function resolveRole(client: AxClient, input: string): Promise<Role> {
  if (isResourceId(input)) return client.roles.get(input);
  const { matches, seen } = await exactMatches(client.roles.iterate(), input);
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1) throw ambiguousName('role', input, matches);
  throw nameNotFound('role named', input, seen, 'ax roles list');
}

/** A user by id or by email (exact, case-insensitive, as emails are unique per account). */
export async function resolveUserId(client: AxClient, input: string): Promise<string> {
  if (isResourceId(input)) return input;
  return (await resolveUser(client, input)).id;
}

export async function resolveUser(client: AxClient, input: string): Promise<User> {
  if (isResourceId(input)) return client.users.get(input);
  if (!input.includes('@')) {
    throw new UsageError(`"${input}" is neither a user id nor an email address`, 'Find ids with `ax users list --email TEXT`.');
  }
  const wanted = input.toLowerCase();
  const seen: string[] = [];
  for await (const user of client.users.iterate({ email: input })) {
    if (user.email.toLowerCase() === wanted) return user;
    seen.push(user.email);
  }
  throw nameNotFound('user with email', input, seen, `ax users list --email ${JSON.stringify(input.split('@')[0])}`, 'Emails match whole, in any case');
}
