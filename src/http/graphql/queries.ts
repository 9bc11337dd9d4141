import { ApiError } from '../../domain/errors.js';
import { encodeId, parseId, PROVIDER_ID_TYPE } from '../../domain/ids.js';
import { getAccount } from '../../services/accounts.js';
import { listApiKeys, type ListApiKeysQuery } from '../../services/api-keys.js';
import { auditLogPosition, listAuditLogs } from '../../services/audit-logs.js';
import { getOrganization, listOrganizations } from '../../services/organizations.js';
import { getProject, projectRestricted } from '../../services/projects.js';
import { getRole, listRoles } from '../../services/roles.js';
import { getSpace, listSpaces } from '../../services/spaces.js';
import { getApiKey, getAuditLog, getOrganizationMembership, getSpaceMembership } from '../../services/reads-by-id.js';
import { getUser, listUsers } from '../../services/users.js';
import type { AuditLogRow } from '../../store/schema.js';
import { ListOrganizationsQuery } from '../../wire/organizations.js';
import { ListSpacesQuery } from '../../wire/spaces.js';
import { ListUsersQuery } from '../../wire/users.js';
import { type ConnectionArgs, connection, pageQuery } from './connections.js';
import { type GraphqlContext, seenSpace } from './context.js';
import { fromGraphqlEnum } from './enums.js';
import {
  accountId, gqlApiKey, gqlAuditLog, gqlOrganization, gqlOrganizationUser, gqlProject, gqlRole, gqlSpace,
  gqlSpaceMembership, gqlUser, type GqlProject, viewerId,
} from './presenters.js';
import { checkedSearch } from './rest-body.js';
import { customRole } from './roles.js';
import { samlIdPNode, samlRoleMappingNode } from './saml.js';
import { traceServices } from '../tracing/service-tracing.js';

const accountsService = traceServices('accounts', { getAccount });
const apiKeysService = traceServices('api-keys', { listApiKeys });
const auditLogsService = traceServices('audit-logs', { listAuditLogs });
const organizationsService = traceServices('organizations', { getOrganization, listOrganizations });
const projectsService = traceServices('projects', { getProject });
const rolesService = traceServices('roles', { getRole, listRoles });
const spacesService = traceServices('spaces', { getSpace, listSpaces });
const readsByIdService = traceServices('reads-by-id', { getApiKey, getAuditLog, getOrganizationMembership, getSpaceMembership });
const usersService = traceServices('users', { getUser, listUsers });


type SearchArgs = ConnectionArgs & { search?: string | null };
const orUndefined = <T>(value: T | null | undefined): T | undefined => value ?? undefined;

interface GqlAccount { __typename: 'Account'; n: number; id: string; name: string }
interface GqlViewer { id: string; userN: number }

async function account(context: GraphqlContext): Promise<GqlAccount> {
  const row = await accountsService.getAccount(context.deps, context.principal);
  return { __typename: 'Account', n: row.id, id: accountId(row.id), name: row.name };
}

/**
 * The object an id names, through the service that reads it by id for REST (or, for what REST shows only in
 * lists, services/reads-by-id.ts: the list's page at that id). Null whenever that service refuses the caller
 * (NOT_FOUND, or FORBIDDEN where REST answers 403 before looking, as for audit entries and SAML objects): the
 * caller learns nothing about whether the object exists. A malformed id is INVALID_ID.
 */
async function node(context: GraphqlContext, id: string): Promise<unknown> {
  const { deps, principal } = context;
  const parsed = parseId(id);
  if (!parsed) throw new ApiError('INVALID_ID', `id is not a valid id: ${JSON.stringify(id.slice(0, 100))}`);
  try {
    switch (parsed.type) {
      case 'Account': return parsed.n === principal.accountId ? await account(context) : null;
      case 'User': return gqlUser(await usersService.getUser(deps, principal, id));
      case 'Organization': return gqlOrganization(await organizationsService.getOrganization(deps, principal, id));
      case 'OrganizationMembership': return gqlOrganizationUser(await readsByIdService.getOrganizationMembership(deps, principal, id));
      case 'Space': return seenSpace(context, gqlSpace(await spacesService.getSpace(deps, principal, id)));
      case 'SpaceMembership': return gqlSpaceMembership(await readsByIdService.getSpaceMembership(deps, principal, id));
      case 'Project': return gqlProject(await projectsService.getProject(deps, principal, id));
      case 'Role': return gqlRole(await rolesService.getRole(deps, principal, id));
      case 'ApiKey': {
        const key = await readsByIdService.getApiKey(deps, principal, id);
        return gqlApiKey(key.row, key.now);
      }
      case 'AuditLog': return gqlAuditLog(await readsByIdService.getAuditLog(deps, principal, id));
      case PROVIDER_ID_TYPE.SAML: return await samlIdPNode(context, id);
      case 'RoleMapping': return await samlRoleMappingNode(context, id);
      // Any other prefix names no Node type of this schema (an OIDC provider, a SCIM token, …).
      default: return null;
    }
  } catch (error) {
    if (error instanceof ApiError && (error.code === 'NOT_FOUND' || error.code === 'FORBIDDEN')) return null;
    throw error;
  }
}

export const queryResolvers = {
  Query: {
    viewer: (_root: unknown, _args: unknown, context: GraphqlContext): GqlViewer => ({ id: viewerId(context.principal.userId), userN: context.principal.userId }),
    account: (_root: unknown, _args: unknown, context: GraphqlContext) => account(context),
    node: (_root: unknown, args: { id: string }, context: GraphqlContext) => node(context, args.id),
  },
  Viewer: {
    user: async (viewer: GqlViewer, _args: unknown, context: GraphqlContext) =>
      gqlUser(await usersService.getUser(context.deps, context.principal, encodeId('User', viewer.userN))),
    spaces: async (_viewer: GqlViewer, args: SearchArgs, context: GraphqlContext) => {
      const page = await spacesService.listSpaces(context.deps, context.principal, { ...pageQuery(args), name: checkedSearch(ListSpacesQuery.properties.name, args.search) });
      return connection(context.deps.secrets.cursorKey, 'spaces', page, (r) => r.id, (r) => seenSpace(context, gqlSpace(r)));
    },
    apiKeys: async (_viewer: GqlViewer, args: ConnectionArgs & { keyType?: string | null; status?: string | null }, context: GraphqlContext) => {
      const page = await apiKeysService.listApiKeys(context.deps, context.principal, {
        ...pageQuery(args),
        key_type: args.keyType == null ? undefined : fromGraphqlEnum<'USER' | 'SERVICE'>(args.keyType),
        status: args.status == null ? undefined : fromGraphqlEnum<NonNullable<ListApiKeysQuery['status']>>(args.status),
      });
      return connection(context.deps.secrets.cursorKey, 'api-keys', page, (k) => k.row.id, (k) => gqlApiKey(k.row, page.now));
    },
  },
  Project: {
    // A field resolver, not a loader: the answer is a lookup in the account's snapshot, where a loader's batching cost
    // mercurius a stringified key per project (its parent object and arguments) and a promise per batch. Not traced
    // as a service call: a page would make a span per project for a lookup in memory.
    isRestricted: (project: GqlProject, _args: unknown, context: GraphqlContext) => projectRestricted(context.deps, context.principal, project.n),
  },
  Account: {
    organizations: async (_account: GqlAccount, args: SearchArgs, context: GraphqlContext) => {
      const page = await organizationsService.listOrganizations(context.deps, context.principal, {
        ...pageQuery(args), name: checkedSearch(ListOrganizationsQuery.properties.name, args.search),
      });
      return connection(context.deps.secrets.cursorKey, 'organizations', page, (r) => r.id, gqlOrganization);
    },
    users: async (_account: GqlAccount, args: SearchArgs, context: GraphqlContext) => {
      const page = await usersService.listUsers(context.deps, context.principal, { ...pageQuery(args), email: checkedSearch(ListUsersQuery.properties.email, args.search) });
      return connection(context.deps.secrets.cursorKey, 'users', page, (r) => r.id, gqlUser);
    },
    roles: async (_account: GqlAccount, args: ConnectionArgs & { isPredefined?: boolean | null }, context: GraphqlContext) => {
      const page = await rolesService.listRoles(context.deps, context.principal, { ...pageQuery(args), is_predefined: orUndefined(args.isPredefined) });
      return connection(context.deps.secrets.cursorKey, 'roles', page, (r) => r.id, gqlRole);
    },
    auditLogs: async (
      _account: GqlAccount,
      args: ConnectionArgs & { startTime?: string | null; endTime?: string | null; userId?: string | null; operationType?: string | null },
      context: GraphqlContext,
    ) => {
      const page = await auditLogsService.listAuditLogs(context.deps, context.principal, {
        ...pageQuery(args), start_time: orUndefined(args.startTime), end_time: orUndefined(args.endTime), user_id: orUndefined(args.userId),
        operation_type: args.operationType == null ? undefined : fromGraphqlEnum<AuditLogRow['operation_type']>(args.operationType),
      });
      return connection(context.deps.secrets.cursorKey, 'audit-logs', page, auditLogPosition, gqlAuditLog);
    },
  },
  AccountOrganizationUser: { customRole },
  SpaceMembership: { customRole },
  SpaceUser: { customRole },
};
