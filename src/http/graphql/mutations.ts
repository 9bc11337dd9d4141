import { badRequest } from '../../domain/errors.js';
import { encodeId, parseId } from '../../domain/ids.js';
import type { PredefinedRoleKey } from '../../domain/predefined-roles.js';
import { createApiKey, revokeApiKey } from '../../services/api-keys.js';
import { createOrganization } from '../../services/organizations.js';
import type { RoleAssignmentInput } from '../../services/role-assignments.js';
import { addSpaceMembers, createSpace, deleteSpace, getSpace, removeSpaceMember, updateSpace } from '../../services/spaces.js';
import { findUsers } from '../../services/users.js';
import { notFound } from '../../domain/errors.js';
import { isoNow } from '../../domain/clock.js';
import type { GraphQLResolveInfo } from 'graphql';
import { actorFor, type GraphqlContext } from './context.js';
import { fromGraphqlEnum } from './enums.js';
import { gqlApiKey, gqlMembership, gqlOrganization, gqlSpace, gqlUser } from './presenters.js';
import { traceServices } from '../tracing/service-tracing.js';
import { CreateApiKey } from '../../wire/api-keys.js';
import { CreateOrganizationBody } from '../../wire/organizations.js';
import { CreateSpaceBody, UpdateSpaceBody } from '../../wire/spaces.js';
import { checkedRestBody } from './rest-body.js';

const apiKeysService = traceServices('api-keys', { createApiKey, revokeApiKey });
const organizationsService = traceServices('organizations', { createOrganization });
const spacesService = traceServices('spaces', { addSpaceMembers, createSpace, deleteSpace, getSpace, removeSpaceMember, updateSpace });
const usersService = traceServices('users', { findUsers });


/**
 * Each mutation field is one call of the service its REST route calls, with the Actor that route would build
 * (context.ts): one transaction, one audit row, the same checks. Only what GraphQL's types cannot say is checked
 * here, before the call, and answered like REST (VALIDATION_FAILED).
 */
interface Input { clientMutationId?: string | null }
type Args<T> = { input: T & Input };
const orUndefined = <T>(value: T | null | undefined): T | undefined => value ?? undefined;

function predefined(role: string): RoleAssignmentInput {
  return { type: 'PREDEFINED', name: fromGraphqlEnum<PredefinedRoleKey>(role) };
}

/** `role` or `customRoleId`, exactly one (REST's role assignment is one of the two shapes). */
function roleAssignment(item: { role?: string | null; customRoleId?: string | null }, field: string): RoleAssignmentInput {
  if ((item.role == null) === (item.customRoleId == null)) throw badRequest(`${field}: give either role or customRoleId`);
  return item.role != null ? predefined(item.role) : { type: 'CUSTOM', id: item.customRoleId! };
}

interface SpaceMemberInput { userId: string; spaceId: string; role?: string | null; customRoleId?: string | null }
interface ServiceKeyInput {
  name: string; description?: string | null; expiresAt?: string | null; spaceId?: string | null; accountRole?: string | null;
  organizations?: { orgId: string; role?: string | null; spaces: { spaceId: string; role?: string | null }[] }[] | null;
}

/** The organizations of a SERVICE key: `spaceId` alone is that space, in its organization, with the REST defaults. */
async function serviceKeyOrganizations(context: GraphqlContext, input: ServiceKeyInput) {
  if ((input.spaceId == null) === (input.organizations == null)) throw badRequest('input: give either spaceId or organizations (they are mutually exclusive)');
  if (input.spaceId != null) {
    const space = await spacesService.getSpace(context.deps, context.principal, input.spaceId);
    return [{ org_id: encodeId('Organization', space.organization_id), spaces: [{ space_id: input.spaceId }] }];
  }
  return input.organizations!.map((org) => ({
    org_id: org.orgId,
    role: org.role == null ? undefined : predefined(org.role),
    spaces: org.spaces.map((space) => ({ space_id: space.spaceId, role: space.role == null ? undefined : predefined(space.role) })),
  }));
}

export const mutationResolvers = {
  Mutation: {
    createOrganization: async (_root: unknown, { input }: Args<{ name: string; description?: string | null }>, context: GraphqlContext, info: GraphQLResolveInfo) => {
      const body = checkedRestBody(CreateOrganizationBody, { name: input.name, description: orUndefined(input.description) });
      const row = await organizationsService.createOrganization(context.deps, actorFor(context, info), body);
      return { clientMutationId: input.clientMutationId ?? null, organization: gqlOrganization(row) };
    },
    createSpace: async (
      _root: unknown, { input }: Args<{ accountOrganizationId: string; name: string; private?: boolean | null; description?: string | null }>, context: GraphqlContext, info: GraphQLResolveInfo,
    ) => {
      const body = checkedRestBody(CreateSpaceBody, {
        organization_id: input.accountOrganizationId, name: input.name, is_private: orUndefined(input.private), description: orUndefined(input.description),
      }, { organization_id: 'accountOrganizationId', is_private: 'private' });
      const row = await spacesService.createSpace(context.deps, actorFor(context, info), body);
      return { clientMutationId: input.clientMutationId ?? null, space: gqlSpace(row) };
    },
    updateSpace: async (
      _root: unknown, { input }: Args<{ spaceId: string; name?: string | null; description?: string | null; private?: boolean | null }>, context: GraphqlContext, info: GraphQLResolveInfo,
    ) => {
      if (input.name == null && input.description == null && input.private == null) throw badRequest('input: at least one field to update is required');
      const body = checkedRestBody(UpdateSpaceBody, {
        name: orUndefined(input.name), description: orUndefined(input.description), is_private: orUndefined(input.private),
      }, { is_private: 'private' });
      const row = await spacesService.updateSpace(context.deps, actorFor(context, info), input.spaceId, body);
      return { clientMutationId: input.clientMutationId ?? null, space: gqlSpace(row) };
    },
    deleteSpace: async (_root: unknown, { input }: Args<{ spaceId: string }>, context: GraphqlContext, info: GraphQLResolveInfo) => {
      await spacesService.deleteSpace(context.deps, actorFor(context, info), input.spaceId);
      return { clientMutationId: input.clientMutationId ?? null };
    },
    assignSpaceMembership: async (_root: unknown, { input }: Args<{ spaceMemberships: SpaceMemberInput[] }>, context: GraphqlContext, info: GraphQLResolveInfo) => {
      if (input.spaceMemberships.length === 0) throw badRequest('spaceMemberships: give at least one membership');
      const items = input.spaceMemberships.map((item, i) => ({
        space_id: item.spaceId, user_id: item.userId, role: roleAssignment(item, `spaceMemberships[${i}]`),
      }));
      const added = await spacesService.addSpaceMembers(context.deps, actorFor(context, info), items, 'spaceMemberships');
      return {
        clientMutationId: input.clientMutationId ?? null,
        spaceMemberships: added.map((m) => gqlMembership('SpaceMembership', m.id, parseId(m.user_id)!.n, parseId(m.space_id)!.n, {
          predefinedKey: m.role.type === 'PREDEFINED' ? m.role.name : null,
          roleN: m.role.type === 'CUSTOM' ? parseId(m.role.id)!.n : 0,
        })),
      };
    },
    removeSpaceMember: async (_root: unknown, { input }: Args<{ spaceId: string; userId: string }>, context: GraphqlContext, info: GraphQLResolveInfo) => {
      await spacesService.removeSpaceMember(context.deps, actorFor(context, info), input.spaceId, input.userId);
      return { clientMutationId: input.clientMutationId ?? null };
    },
    createUserApiKey: async (_root: unknown, { input }: Args<{ name: string; description?: string | null; expiresAt?: string | null }>, context: GraphqlContext, info: GraphQLResolveInfo) => {
      const body = checkedRestBody(CreateApiKey, {
        key_type: 'USER' as const, name: input.name, description: orUndefined(input.description), expires_at: orUndefined(input.expiresAt),
      }, { expires_at: 'expiresAt' });
      const created = await apiKeysService.createApiKey(context.deps, actorFor(context, info), body);
      return { clientMutationId: input.clientMutationId ?? null, apiKey: gqlApiKey(created.row, created.row.created_at), key: created.key };
    },
    createServiceApiKey: async (_root: unknown, { input }: Args<ServiceKeyInput>, context: GraphqlContext, info: GraphQLResolveInfo) => {
      const organizations = await serviceKeyOrganizations(context, input);
      const body = checkedRestBody(CreateApiKey, {
        key_type: 'SERVICE' as const, name: input.name, description: orUndefined(input.description), expires_at: orUndefined(input.expiresAt),
        account_role: input.accountRole == null ? undefined : predefined(input.accountRole), organizations,
      }, { expires_at: 'expiresAt', account_role: 'accountRole' });
      const created = await apiKeysService.createApiKey(context.deps, actorFor(context, info), body);
      const bots = await usersService.findUsers(context.deps, context.principal, [created.row.user_id]);
      const bot = bots.get(created.row.user_id);
      if (!bot) throw notFound('user');
      return { clientMutationId: input.clientMutationId ?? null, apiKey: gqlApiKey(created.row, created.row.created_at), key: created.key, botUser: gqlUser(bot) };
    },
    revokeApiKey: async (_root: unknown, { input }: Args<{ apiKeyId: string }>, context: GraphqlContext, info: GraphQLResolveInfo) => {
      const row = await apiKeysService.revokeApiKey(context.deps, actorFor(context, info), input.apiKeyId);
      return { clientMutationId: input.clientMutationId ?? null, apiKey: gqlApiKey(row, isoNow(context.deps.clock)) };
    },
  },
};
