import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { ServiceDeps } from '../../services/service-deps.js';
import { createRole, deleteRole, getRole, listRoles, updateRole } from '../../services/roles.js';
import { actorOf, principalOf } from '../actor.js';
import { requireSomeField } from '../require-some-field.js';
import { errorResponses, Id, ListQuery, listResponse, PermissionNameInput } from '../../wire/common.js';
import { Role } from '../../wire/roles.js';
import { presentRole } from '../presenters/roles.js';

const tags = ['roles'];
const RoleParams = Type.Object({ role_id: Id });
const Name = Type.String({ minLength: 1, maxLength: 255, pattern: '\\S' });
const Description = Type.String({ maxLength: 1000 });
/** Checked against the catalogue by the service, so that an unknown name is the "invalid permission" 400 naming it. */
const Permissions = Type.Array(PermissionNameInput, {
  minItems: 1, maxItems: 1000, description: 'Permission names from the catalogue; duplicates are folded.',
});

export async function roleRoutes(fastify: FastifyInstance, ctx: ServiceDeps): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get('/v2/roles', {
    schema: {
      tags, querystring: Type.Object({ is_predefined: Type.Optional(Type.Boolean()), ...ListQuery }, { additionalProperties: false }),
      response: { 200: listResponse('roles', Role), ...errorResponses },
    },
  }, async (request) => {
    const page = await listRoles(ctx, principalOf(request), { ...request.query, limit: request.query.limit ?? 50 });
    return { roles: page.items.map(presentRole), pagination: page.pagination };
  });

  app.post('/v2/roles', {
    schema: {
      tags,
      body: Type.Object({ name: Name, permissions: Permissions, description: Type.Optional(Description) }, { additionalProperties: false }),
      response: { 201: Role, ...errorResponses },
    },
  }, async (request, reply) => {
    const row = await createRole(ctx, actorOf(request), request.body);
    return reply.code(201).send(presentRole(row));
  });

  app.get('/v2/roles/:role_id', {
    schema: { tags, params: RoleParams, response: { 200: Role, ...errorResponses } },
  }, async (request) => presentRole(await getRole(ctx, principalOf(request), request.params.role_id)));

  app.patch('/v2/roles/:role_id', {
    schema: {
      tags, params: RoleParams,
      body: Type.Object({
        name: Type.Optional(Name),
        description: Type.Optional(Type.Union([Description, Type.Null()])),
        permissions: Type.Optional(Permissions),
      }, { additionalProperties: false }),
      response: { 200: Role, ...errorResponses },
    },
  }, async (request) => {
    const body = requireSomeField(request.body);
    return presentRole(await updateRole(ctx, actorOf(request), request.params.role_id, body));
  });

  app.delete('/v2/roles/:role_id', {
    schema: {
      tags, params: RoleParams,
      querystring: Type.Object({ force: Type.Optional(Type.Boolean({ default: false })) }, { additionalProperties: false }),
      response: { 204: Type.Null(), ...errorResponses },
    },
  }, async (request, reply) => {
    await deleteRole(ctx, actorOf(request), request.params.role_id, request.query.force ?? false);
    return reply.code(204).send(null);
  });
}
