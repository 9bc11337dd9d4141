import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { ServiceDeps } from '../../services/service-deps.js';
import {
  createRoleBinding, deleteRoleBinding, getRoleBinding, listRoleBindings, updateRoleBinding,
} from '../../services/role-bindings.js';
import { actorOf, principalOf } from '../actor.js';
import { errorResponses, listResponse } from '../../wire/common.js';
import {
  CreateRoleBindingBody, ListRoleBindingsQuery, RoleBinding, RoleBindingParams, UpdateRoleBindingBody,
} from '../../wire/role-bindings.js';
import { presentRoleBinding } from '../presenters/role-bindings.js';
import { AccessPreview, DryRunQuery } from '../../wire/access-preview.js';
import { replyWithPreview } from '../dry-run-reply.js';
import { traceServices } from '../tracing/service-tracing.js';

const roleBindingsService = traceServices('role-bindings', { createRoleBinding, deleteRoleBinding, getRoleBinding, listRoleBindings, updateRoleBinding });
const tags = ['role-bindings'];

export async function roleBindingRoutes(fastify: FastifyInstance, ctx: ServiceDeps): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get('/v2/role-bindings', {
    schema: {
      tags,
      querystring: ListRoleBindingsQuery,
      response: { 200: listResponse('role_bindings', RoleBinding), ...errorResponses },
    },
  }, async (request) => {
    const page = await roleBindingsService.listRoleBindings(ctx, principalOf(request), { ...request.query, limit: request.query.limit ?? 50 });
    return { role_bindings: page.items.map(presentRoleBinding), pagination: page.pagination };
  });

  app.post('/v2/role-bindings', {
    schema: {
      tags,
      body: CreateRoleBindingBody, querystring: DryRunQuery,
      response: { 200: AccessPreview, 201: RoleBinding, ...errorResponses },
    },
  }, async (request, reply) => {
    if (request.query.dry_run) return replyWithPreview(reply, actorOf(request), (actor) => roleBindingsService.createRoleBinding(ctx, actor, request.body));
    const row = await roleBindingsService.createRoleBinding(ctx, actorOf(request), request.body);
    return reply.code(201).send(presentRoleBinding(row));
  });

  app.get('/v2/role-bindings/:binding_id', {
    schema: { tags, params: RoleBindingParams, response: { 200: RoleBinding, ...errorResponses } },
  }, async (request) => presentRoleBinding(await roleBindingsService.getRoleBinding(ctx, principalOf(request), request.params.binding_id)));

  app.patch('/v2/role-bindings/:binding_id', {
    schema: {
      tags, params: RoleBindingParams,
      body: UpdateRoleBindingBody, querystring: DryRunQuery,
      response: { 200: Type.Union([RoleBinding, AccessPreview]), ...errorResponses },
    },
  }, async (request, reply) => {
    if (request.query.dry_run) return replyWithPreview(reply, actorOf(request), (actor) => roleBindingsService.updateRoleBinding(ctx, actor, request.params.binding_id, request.body));
    return presentRoleBinding(await roleBindingsService.updateRoleBinding(ctx, actorOf(request), request.params.binding_id, request.body));
  });

  app.delete('/v2/role-bindings/:binding_id', {
    schema: { tags, params: RoleBindingParams, querystring: DryRunQuery, response: { 200: AccessPreview, 204: Type.Null(), ...errorResponses } },
  }, async (request, reply) => {
    if (request.query.dry_run) return replyWithPreview(reply, actorOf(request), (actor) => roleBindingsService.deleteRoleBinding(ctx, actor, request.params.binding_id));
    await roleBindingsService.deleteRoleBinding(ctx, actorOf(request), request.params.binding_id);
    return reply.code(204).send(null);
  });
}
