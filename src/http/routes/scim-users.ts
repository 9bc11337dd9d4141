import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ScimError } from '../../domain/scim-error.js';
import type { ScimCaller } from '../../services/scim/scim-caller.js';
import {
  createScimUser, deleteScimUser, getScimUser, listScimUsers, patchScimUser, replaceScimUser, type ScimProjection, type ScimUserListQuery,
} from '../../services/scim/users.js';
import type { HttpDeps } from '../app.js';

/** Bodies are read by the service against SCIM's User schema (its own error types); the scope only needs to know one is expected. */
const AnyBody = Type.Object({}, { additionalProperties: true });
const IdParams = Type.Object({ id: Type.String() });
const Projection = { attributes: Type.Optional(Type.String()), excludedAttributes: Type.Optional(Type.String()) };
/** SCIM clients send parameters this server does not read (`sortBy`, `sortOrder`): they are let through. */
const UserQuery = Type.Object(Projection, { additionalProperties: true });
const UserListQuery = Type.Object({
  ...Projection, filter: Type.Optional(Type.String()), startIndex: Type.Optional(Type.Number()), count: Type.Optional(Type.Number()),
}, { additionalProperties: true });

function callerOf(request: FastifyRequest): ScimCaller {
  if (!request.scimCaller) throw new ScimError(401, 'a SCIM token is required');
  return request.scimCaller;
}

/** `/scim/v2/Users` (identity.md §5.3): the people a directory provisions, updates and deprovisions. */
export async function scimUserRoutes(app: FastifyInstance, ctx: HttpDeps): Promise<void> {
  app.get<{ Querystring: ScimUserListQuery }>('/Users', { schema: { hide: true, querystring: UserListQuery } },
    async (request) => listScimUsers(ctx, callerOf(request), request.query));

  app.post('/Users', { schema: { hide: true, body: AnyBody } }, async (request, reply) => {
    const { resource } = await createScimUser(ctx, callerOf(request), request.body);
    return reply.code(201).header('location', (resource.meta as { location: string }).location).send(resource);
  });

  app.get<{ Params: { id: string }; Querystring: ScimProjection }>('/Users/:id', { schema: { hide: true, params: IdParams, querystring: UserQuery } },
    async (request) => getScimUser(ctx, callerOf(request), request.params.id, request.query));

  app.put<{ Params: { id: string } }>('/Users/:id', { schema: { hide: true, params: IdParams, body: AnyBody } },
    async (request) => replaceScimUser(ctx, callerOf(request), request.params.id, request.body));

  app.patch<{ Params: { id: string } }>('/Users/:id', { schema: { hide: true, params: IdParams, body: AnyBody } },
    async (request) => patchScimUser(ctx, callerOf(request), request.params.id, request.body));

  app.delete<{ Params: { id: string } }>('/Users/:id', { schema: { hide: true, params: IdParams } }, async (request, reply) => {
    await deleteScimUser(ctx, callerOf(request), request.params.id);
    return reply.code(204).send();
  });
}
