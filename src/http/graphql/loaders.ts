import type { TSchema } from '@sinclair/typebox';
import { ApiError, notFound } from '../../domain/errors.js';
import { encodeId } from '../../domain/ids.js';
import { listPrincipalsOfEach, type PrincipalWithAccess } from '../../services/access.js';
import { listMembersOfOrganizations } from '../../services/organization-members-batch.js';
import { getOrganization, listOrganizationMembers } from '../../services/organizations.js';
import { decodeCursor, type Page, toPage } from '../../services/pagination.js';
import { listProjects, listProjectsOfSpaces } from '../../services/projects.js';
import { getSpace, listMembersOfSpaces, listSpaceMembers, listSpaces, listSpacesOfOrganizations } from '../../services/spaces.js';
import { findUsers } from '../../services/users.js';
import { ListProjectsQuery } from '../../wire/projects.js';
import { ListSpacesQuery } from '../../wire/spaces.js';
import type { BatchQuery } from './batched-fields.js';
import { type ConnectionArgs, connection, pageQuery } from './connections.js';
import { type GraphqlContext, seenSpace } from './context.js';
import {
  type GqlApiKey, type GqlAuditLog, type GqlMembership, type GqlOrganization, type GqlProject, type GqlSpace, type GqlSpaceUser, type HeldRole,
  gqlOrganization, gqlOrganizationUser, gqlProject, gqlSpace, gqlSpaceMembership, gqlSpaceUser, gqlUser,
} from './presenters.js';
import { checkedSearch } from './rest-body.js';
import { rolesOf } from './roles.js';
import { traceServices } from '../tracing/service-tracing.js';

const accessService = traceServices('access', { listPrincipalsOfEach });
const organizationMembersBatchService = traceServices('organization-members-batch', { listMembersOfOrganizations });
const organizationsService = traceServices('organizations', { getOrganization, listOrganizationMembers });
const projectsService = traceServices('projects', { listProjects, listProjectsOfSpaces });
const spacesService = traceServices('spaces', { getSpace, listMembersOfSpaces, listSpaceMembers, listSpaces, listSpacesOfOrganizations });
const usersService = traceServices('users', { findUsers });

/** Errors become that item's field error; anything else is the request's. */
async function settle<T>(run: () => Promise<T>): Promise<T | ApiError> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
}

/** One service call per distinct key (a read kept by the services' row cache), in parallel. */
async function byDistinctKey<K, T>(keys: readonly K[], read: (key: K) => Promise<T>): Promise<(T | ApiError)[]> {
  const distinct = new Map<K, Promise<T | ApiError>>();
  for (const key of keys) if (!distinct.has(key)) distinct.set(key, settle(() => read(key)));
  return Promise.all(keys.map((key) => distinct.get(key)!));
}

/** Users by row number through findUsers (one read for the whole batch); `required` makes a missing one NOT_FOUND; `named` as findUsers says. */
function userLoader<O>(userOf: (obj: O) => number | null, required: boolean, options: { named?: boolean } = {}) {
  return async (queries: BatchQuery<O>[], context: GraphqlContext) => {
    const ids = queries.map((q) => userOf(q.obj));
    const users = await usersService.findUsers(context.deps, context.principal, ids.filter((id): id is number => id !== null), options);
    return ids.map((id) => {
      const user = id === null ? undefined : users.get(id);
      if (user) return gqlUser(user);
      return required ? notFound('user') : null;
    });
  };
}

/** A space by id: the one this request was already answered, else getSpace's answer. */
async function spaceOf(context: GraphqlContext, id: string): Promise<GqlSpace> {
  return context.spaces.get(id) ?? seenSpace(context, gqlSpace(await spacesService.getSpace(context.deps, context.principal, id)));
}

type SearchArgs = ConnectionArgs & { search?: string | null };
interface SearchPage { limit: number; name: string | undefined }

/**
 * A nested connection with `search` on a page of parents: first pages with the same arguments are one call of
 * the batch service for all the parents (its answer keyed by parent row number); a page after a cursor is one
 * call of the list service for its parent alone. `search` has the bounds of `filter`, the REST list's name filter.
 */
function searchableChildren<P extends { n: number; id: string }, R, T>(options: {
  filter: TSchema;
  batch: (context: GraphqlContext, parents: number[], query: SearchPage) => Promise<Map<number, Page<R>>>;
  single: (context: GraphqlContext, parent: P, query: SearchPage & { cursor: string }) => Promise<Page<R>>;
  present: (context: GraphqlContext, page: Page<R>) => T;
}) {
  return async (queries: BatchQuery<P, SearchArgs>[], context: GraphqlContext) => {
    const batches = new Map<string, SearchPage & { parents: number[] }>();
    const plans = queries.map((q) => {
      try {
        const page = pageQuery(q.params);
        const name = checkedSearch(options.filter, q.params.search);
        if (page.cursor !== undefined) return { kind: 'single' as const, limit: page.limit, name, cursor: page.cursor };
        const key = JSON.stringify([page.limit, name]);
        const batch = batches.get(key) ?? { limit: page.limit, name, parents: [] };
        batch.parents.push(q.obj.n);
        batches.set(key, batch);
        return { kind: 'batch' as const, key };
      } catch (error) {
        if (error instanceof ApiError) return error;
        throw error;
      }
    });
    const pages = new Map<string, Map<number, Page<R>>>();
    for (const [key, { parents, ...query }] of batches) pages.set(key, await options.batch(context, parents, query));
    return Promise.all(plans.map((plan, i) => {
      if (plan instanceof ApiError) return plan;
      const parent = queries[i]!.obj;
      if (plan.kind === 'single') return settle(async () => options.present(context, await options.single(context, parent, plan)));
      return options.present(context, pages.get(plan.key)!.get(parent.n)!);
    }));
  };
}

/** `Space.projects`: listProjectsOfSpaces for first pages, listProjects with `space_id` after a cursor. */
const spaceProjects = searchableChildren({
  filter: ListProjectsQuery.properties.name,
  batch: (context, spaces, query: SearchPage) => projectsService.listProjectsOfSpaces(context.deps, context.principal, spaces, query),
  single: (context, space: GqlSpace, query) => projectsService.listProjects(context.deps, context.principal, { ...query, space_id: space.id }),
  present: (context, page) => connection(context.deps.secrets.cursorKey, 'projects', page, (r) => r.id, gqlProject),
});

/** `AccountOrganization.spaces`: listSpacesOfOrganizations for first pages, listSpaces with `org_id` after a cursor. */
const organizationSpaces = searchableChildren({
  filter: ListSpacesQuery.properties.name,
  batch: (context, orgs, query: SearchPage) => spacesService.listSpacesOfOrganizations(context.deps, context.principal, orgs, query),
  single: (context, org: GqlOrganization, query) => spacesService.listSpaces(context.deps, context.principal, { ...query, org_id: org.id }),
  present: (context, page) => connection(context.deps.secrets.cursorKey, 'spaces', page, (r) => r.id, (r) => seenSpace(context, gqlSpace(r))),
});

/**
 * A nested member list on a page of parents: first pages with the same `first` are one call of the batch service
 * for all the parents (an error in place of a parent the caller may not see); a page after a cursor is one call of
 * the list service for its parent alone.
 */
function memberLists<P extends { n: number; id: string }, R extends { id: number }, T>(options: {
  scope: string;
  batch: (context: GraphqlContext, parents: number[], query: { limit: number }) => Promise<Map<number, Page<R> | ApiError>>;
  single: (context: GraphqlContext, parent: P, query: { limit: number; cursor: string }) => Promise<Page<R>>;
  present: (row: R) => T;
}) {
  return async (queries: BatchQuery<P, ConnectionArgs>[], context: GraphqlContext) => {
    const present = (page: Page<R>) => connection(context.deps.secrets.cursorKey, options.scope, page, (r) => r.id, options.present);
    const pages = queries.map((q) => settle(() => Promise.resolve(pageQuery(q.params))));
    const firstPages = new Map<number, number[]>();
    for (const [i, page] of (await Promise.all(pages)).entries()) {
      if (!(page instanceof ApiError) && page.cursor === undefined) firstPages.set(page.limit, [...(firstPages.get(page.limit) ?? []), queries[i]!.obj.n]);
    }
    const batches = new Map<number, Map<number, Page<R> | ApiError>>();
    for (const [limit, parents] of firstPages) batches.set(limit, await options.batch(context, parents, { limit }));
    return Promise.all(queries.map(async (q, i) => {
      const page = await pages[i]!;
      if (page instanceof ApiError) return page;
      const { limit, cursor } = page;
      if (cursor !== undefined) return settle(async () => present(await options.single(context, q.obj, { limit, cursor })));
      const answer = batches.get(limit)!.get(q.obj.n)!;
      return answer instanceof ApiError ? answer : present(answer);
    }));
  };
}

/** `Space.spaceMemberships`: listMembersOfSpaces for first pages, listSpaceMembers after a cursor. */
const spaceMemberships = memberLists({
  scope: 'space-members',
  batch: (context, spaces, query) => spacesService.listMembersOfSpaces(context.deps, context.principal, spaces, query),
  single: (context, space: GqlSpace, query) => spacesService.listSpaceMembers(context.deps, context.principal, space.id, query),
  present: gqlSpaceMembership,
});

/** `AccountOrganization.accountOrganizationUsers`: listMembersOfOrganizations for first pages, listOrganizationMembers after a cursor. */
const organizationUsers = memberLists({
  scope: 'organization-members',
  batch: (context, orgs, query) => organizationMembersBatchService.listMembersOfOrganizations(context.deps, context.principal, orgs, query),
  single: (context, org: GqlOrganization, query) => organizationsService.listOrganizationMembers(context.deps, context.principal, org.id, query),
  present: gqlOrganizationUser,
});

/** The role through which a user has access to the space: its membership there, else in the organization, else its account role. */
function heldOn(accessor: PrincipalWithAccess, spaceN: number): HeldRole | undefined {
  const grant = accessor.grants.find((g) => g.source === 'SPACE_MEMBERSHIP' && g.resource.type === 'SPACE' && g.resource.id === spaceN)
    ?? accessor.grants.find((g) => g.source === 'ORGANIZATION_MEMBERSHIP')
    ?? accessor.grants.find((g) => g.source === 'SPACE_BINDING');
  if (grant?.roleId !== undefined) return { predefinedKey: null, roleN: grant.roleId };
  if (accessor.grants.some((g) => g.source === 'ACCOUNT_ROLE' && g.roleName === 'ADMIN')) return { predefinedKey: 'ADMIN', roleN: 0 };
  return undefined;
}

async function spaceUsers(queries: BatchQuery<GqlSpace, ConnectionArgs>[], context: GraphqlContext) {
  const { deps, principal } = context;
  const answers = await accessService.listPrincipalsOfEach(deps, principal, queries.map((q) => q.obj.id));
  const roles = await rolesOf(context);
  return queries.map((q, i) => settle(async () => {
    const answer = answers[i]!;
    if (answer instanceof ApiError) throw answer;
    const { limit, cursor } = pageQuery(q.params);
    const after = decodeCursor(deps.secrets.cursorKey, 'space-users', cursor);
    const rows = answer.filter((a) => after === undefined || a.userId > after).slice(0, limit + 1);
    const page = toPage(deps.secrets.cursorKey, 'space-users', rows, limit, (a) => a.userId, (a) => a);
    return connection(deps.secrets.cursorKey, 'space-users', page, (a) => a.userId, (a) => {
      const held = heldOn(a, q.obj.n);
      // A membership's role row says whether it is a predefined role (role) or a custom one (customRole).
      const row = held && held.predefinedKey === null ? roles.get(held.roleN) : undefined;
      return gqlSpaceUser(a.userId, row ? { predefinedKey: row.predefined_key, roleN: row.id } : held, a.permissions);
    });
  }));
}

/**
 * The nested fields' loaders (batched-fields.ts): each is asked once per level of a document for all the parents
 * of a page, so a page of 100 spaces with their projects, users and organizations is a bounded number of service
 * calls (and database reads), whatever the count. Each answer is the value or the error the service gave for that
 * parent.
 */
export const loaders = {
  AccountOrganization: { spaces: organizationSpaces, accountOrganizationUsers: organizationUsers },
  Space: {
    organization: (queries: BatchQuery<GqlSpace>[], context: GraphqlContext) =>
      byDistinctKey(queries.map((q) => q.obj.organizationId), async (id) => gqlOrganization(await organizationsService.getOrganization(context.deps, context.principal, id))),
    projects: spaceProjects,
    spaceUsers,
    spaceMemberships,
  },
  Project: {
    space: (queries: BatchQuery<GqlProject>[], context: GraphqlContext) =>
      byDistinctKey(queries.map((q) => q.obj.spaceId), (id) => spaceOf(context, id)),
  },
  SpaceMembership: {
    user: userLoader((m: GqlMembership) => m.userN, true),
    space: (queries: BatchQuery<GqlMembership>[], context: GraphqlContext) =>
      byDistinctKey(queries.map((q) => encodeId('Space', q.obj.parentN)), (id) => spaceOf(context, id)),
  },
  AccountOrganizationUser: { user: userLoader((m: GqlMembership) => m.userN, true) },
  // spaceUsers named these users to a caller allowed to read who has access (account admins it shares no
  // organization with among them): their user is found whatever GET /v2/users would show that caller.
  SpaceUser: { user: userLoader((u: GqlSpaceUser) => u.userN, true, { named: true }) },
  ApiKey: { createdBy: userLoader((k: GqlApiKey) => k.createdByN, false) },
  AuditLog: { user: userLoader((l: GqlAuditLog) => l.userN, false) },
};
