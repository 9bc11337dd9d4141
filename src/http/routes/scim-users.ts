import type { FastifyInstance } from 'fastify';
import {
  createScimUser, deleteScimUser, getScimUser, listScimUsers, patchScimUser, replaceScimUser, type ScimUserListQuery,
} from '../../services/scim/users.js';
import type { ScimProjection } from '../../services/scim/attribute-projection.js';
import { ScimBody, ScimIdParams, ScimListQuery, ScimResourceQuery } from '../../wire/scim.js';
import type { HttpDeps } from '../app.js';
import { scimCallerOf } from '../scim-caller.js';
import { traceServices } from '../tracing/service-tracing.js';

const scimUsersService = traceServices('scim/users', { createScimUser, deleteScimUser, getScimUser, listScimUsers, patchScimUser, replaceScimUser });
/** `/scim/v2/Users` (identity.md §5.3): the people a directory provisions, updates and deprovisions. */
export async function scimUserRoutes(app: FastifyInstance, ctx: HttpDeps): Promise<void> {
  app.get<{ Querystring: ScimUserListQuery }>('/Users', { schema: { hide: true, querystring: ScimListQuery } },
    async (request) => scimUsersService.listScimUsers(ctx, scimCallerOf(request), request.query));

  app.post<{ Querystring: ScimResourceQuery }>('/Users', { schema: { hide: true, querystring: ScimResourceQuery, body: ScimBody } }, async (request, reply) => {
    const { location, resource } = await scimUsersService.createScimUser(ctx, scimCallerOf(request), request.body, request.query);
    return reply.code(201).header('location', location).send(resource);
  });

  app.get<{ Params: { id: string }; Querystring: ScimProjection }>('/Users/:id', { schema: { hide: true, params: ScimIdParams, querystring: ScimResourceQuery } },
    async (request) => scimUsersService.getScimUser(ctx, scimCallerOf(request), request.params.id, request.query));

  app.put<{ Params: { id: string }; Querystring: ScimResourceQuery }>('/Users/:id', { schema: { hide: true, params: ScimIdParams, querystring: ScimResourceQuery, body: ScimBody } },
    async (request) => scimUsersService.replaceScimUser(ctx, scimCallerOf(request), request.params.id, request.body, request.query));

  app.patch<{ Params: { id: string }; Querystring: ScimResourceQuery }>('/Users/:id', { schema: { hide: true, params: ScimIdParams, querystring: ScimResourceQuery, body: ScimBody } },
    async (request) => scimUsersService.patchScimUser(ctx, scimCallerOf(request), request.params.id, request.body, request.query));

  app.delete<{ Params: { id: string } }>('/Users/:id', { schema: { hide: true, params: ScimIdParams, querystring: ScimResourceQuery } }, async (request, reply) => {
    await scimUsersService.deleteScimUser(ctx, scimCallerOf(request), request.params.id);
    return reply.code(204).send();
  });
}
