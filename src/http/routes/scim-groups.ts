import type { FastifyInstance } from 'fastify';
import { createGroup, deleteGroup, getGroup, type GroupQuery, listGroups, patchGroup, replaceGroup } from '../../services/scim/groups.js';
import { ScimBody, ScimIdParams, ScimListQuery, ScimResourceQuery } from '../../wire/scim.js';
import type { HttpDeps } from '../app.js';
import { scimCallerOf } from '../scim-caller.js';
import { traceServices } from '../tracing/service-tracing.js';

const scimGroupsService = traceServices('scim/groups', { createGroup, deleteGroup, getGroup, listGroups, patchGroup, replaceGroup });
/** `/scim/v2/Groups` (identity.md §5.6): a directory's groups, the input of its role mappings. */
export async function scimGroupRoutes(app: FastifyInstance, ctx: HttpDeps): Promise<void> {
  app.get<{ Querystring: GroupQuery }>('/Groups', { schema: { hide: true, querystring: ScimListQuery } },
    async (request) => scimGroupsService.listGroups(ctx, scimCallerOf(request), request.query));

  app.post<{ Querystring: ScimResourceQuery }>('/Groups', { schema: { hide: true, querystring: ScimResourceQuery, body: ScimBody } }, async (request, reply) => {
    const { location, resource } = await scimGroupsService.createGroup(ctx, scimCallerOf(request), request.body, request.query);
    return reply.code(201).header('location', location).send(resource);
  });

  app.get<{ Params: { id: string }; Querystring: ScimResourceQuery }>('/Groups/:id', { schema: { hide: true, params: ScimIdParams, querystring: ScimResourceQuery } },
    async (request) => scimGroupsService.getGroup(ctx, scimCallerOf(request), request.params.id, request.query));

  app.put<{ Params: { id: string }; Querystring: ScimResourceQuery }>('/Groups/:id', { schema: { hide: true, params: ScimIdParams, querystring: ScimResourceQuery, body: ScimBody } },
    async (request) => scimGroupsService.replaceGroup(ctx, scimCallerOf(request), request.params.id, request.body, request.query));

  app.patch<{ Params: { id: string }; Querystring: ScimResourceQuery }>('/Groups/:id', { schema: { hide: true, params: ScimIdParams, querystring: ScimResourceQuery, body: ScimBody } },
    async (request) => scimGroupsService.patchGroup(ctx, scimCallerOf(request), request.params.id, request.body, request.query));

  app.delete<{ Params: { id: string } }>('/Groups/:id', { schema: { hide: true, params: ScimIdParams, querystring: ScimResourceQuery } }, async (request, reply) => {
    await scimGroupsService.deleteGroup(ctx, scimCallerOf(request), request.params.id);
    return reply.code(204).send();
  });
}
