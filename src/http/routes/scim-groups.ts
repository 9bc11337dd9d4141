import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ScimError } from '../../domain/scim-error.js';
import type { ScimCaller } from '../../services/scim/scim-caller.js';
import { createGroup, deleteGroup, getGroup, type GroupQuery, listGroups, patchGroup, replaceGroup } from '../../services/scim/groups.js';
import type { HttpDeps } from '../app.js';

/** Bodies are validated by the service (SCIM's own error types); the scope only needs to know a body is expected. */
const AnyBody = Type.Object({}, { additionalProperties: true });
const IdParams = Type.Object({ id: Type.String() });
/** SCIM clients send parameters this server does not read (`sortBy`): they are let through. */
const GroupQuerySchema = Type.Object({
  filter: Type.Optional(Type.String()),
  startIndex: Type.Optional(Type.Number()),
  count: Type.Optional(Type.Number()),
  attributes: Type.Optional(Type.String()),
  excludedAttributes: Type.Optional(Type.String()),
}, { additionalProperties: true });

function callerOf(request: FastifyRequest): ScimCaller {
  if (!request.scimCaller) throw new ScimError(401, 'a SCIM token is required');
  return request.scimCaller;
}

/** `/scim/v2/Groups` (identity.md §5.6): a directory's groups, the input of its role mappings. */
export async function scimGroupRoutes(app: FastifyInstance, ctx: HttpDeps): Promise<void> {
  app.get<{ Querystring: GroupQuery }>('/Groups', { schema: { hide: true, querystring: GroupQuerySchema } },
    async (request) => listGroups(ctx, callerOf(request), request.query));

  app.post('/Groups', { schema: { hide: true, body: AnyBody } }, async (request, reply) => {
    const group = await createGroup(ctx, callerOf(request), request.body);
    return reply.code(201).header('location', (group.meta as { location: string }).location).send(group);
  });

  app.get<{ Params: { id: string }; Querystring: GroupQuery }>('/Groups/:id', { schema: { hide: true, params: IdParams, querystring: GroupQuerySchema } },
    async (request) => getGroup(ctx, callerOf(request), request.params.id, request.query));

  app.put<{ Params: { id: string } }>('/Groups/:id', { schema: { hide: true, params: IdParams, body: AnyBody } },
    async (request) => replaceGroup(ctx, callerOf(request), request.params.id, request.body));

  app.patch<{ Params: { id: string } }>('/Groups/:id', { schema: { hide: true, params: IdParams, body: AnyBody } },
    async (request) => patchGroup(ctx, callerOf(request), request.params.id, request.body));

  app.delete<{ Params: { id: string } }>('/Groups/:id', { schema: { hide: true, params: IdParams } }, async (request, reply) => {
    await deleteGroup(ctx, callerOf(request), request.params.id);
    return reply.code(204).send();
  });
}
