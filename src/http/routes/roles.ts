import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { ServiceDeps } from '../../services/service-deps.js';
import { createRole, deleteRole, getRole, listRoles, updateRole } from '../../services/roles.js';
import { actorOf, principalOf } from '../actor.js';
import { AccessPreview, DryRunQuery } from '../../wire/access-preview.js';
import { replyWithPreview } from '../dry-run-reply.js';
import { requireSomeField } from '../require-some-field.js';
import { errorResponses, listResponse } from '../../wire/common.js';
import { CreateRoleBody, DeleteRoleQuery, ListRolesQuery, Role, RoleParams, UpdateRoleBody } from '../../wire/roles.js';
import { presentRole } from '../presenters/roles.js';
import { traceServices } from '../tracing/service-tracing.js';

const rolesService = traceServices('roles', { createRole, deleteRole, getRole, listRoles, updateRole });
const tags = ['roles'];

export async function roleRoutes(fastify: FastifyInstance, ctx: ServiceDeps): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get('/v2/roles', {
    schema: {
      tags, querystring: ListRolesQuery,
      response: { 200: listResponse('roles', Role), ...errorResponses },
    },
  }, async (request) => {
    const page = await rolesService.listRoles(ctx, principalOf(request), { ...request.query, limit: request.query.limit ?? 50 });
    return { roles: page.items.map(presentRole), pagination: page.pagination };
  });

  app.post('/v2/roles', {
    schema: {
      tags,
      body: CreateRoleBody,
      response: { 201: Role, ...errorResponses },
    },
  }, async (request, reply) => {
    const row = await rolesService.createRole(ctx, actorOf(request), request.body);
    return reply.code(201).send(presentRole(row));
  });

  app.get('/v2/roles/:role_id', {
    schema: { tags, params: RoleParams, response: { 200: Role, ...errorResponses } },
  }, async (request) => presentRole(await rolesService.getRole(ctx, principalOf(request), request.params.role_id)));

  app.patch('/v2/roles/:role_id', {
    schema: {
      tags, params: RoleParams,
      body: UpdateRoleBody, querystring: DryRunQuery,
      response: { 200: Type.Union([Role, AccessPreview]), ...errorResponses },
    },
  }, async (request, reply) => {
    const body = requireSomeField(request.body);
    if (request.query.dry_run) return replyWithPreview(reply, actorOf(request), (actor) => rolesService.updateRole(ctx, actor, request.params.role_id, body));
    return presentRole(await rolesService.updateRole(ctx, actorOf(request), request.params.role_id, body));
  });

  app.delete('/v2/roles/:role_id', {
    schema: {
      tags, params: RoleParams,
      querystring: DeleteRoleQuery,
      response: { 204: Type.Null(), ...errorResponses },
    },
  }, async (request, reply) => {
    await rolesService.deleteRole(ctx, actorOf(request), request.params.role_id, request.query.force ?? false);
    return reply.code(204).send(null);
  });
}
