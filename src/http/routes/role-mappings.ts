import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { ServiceDeps } from '../../services/service-deps.js';
import {
  createRoleMapping, deleteRoleMapping, evaluateRoleMappings, getIdentityLink, getRoleMapping, listRoleMappings, updateRoleMapping,
} from '../../services/identity-providers/role-mappings.js';
import type { IdentityProtocol } from '../../store/schema.js';
import { errorResponses } from '../../wire/common.js';
import {
  CreateRoleMappingBody, EvaluateRoleMappingsBody, EvaluateRoleMappingsResult, IdentityLink, IdentityLinkParams,
  IdentityProviderListQuery, IdentityProviderParams, RoleMapping, RoleMappingList, RoleMappingParams, UpdateRoleMappingBody,
} from '../../wire/identity-providers.js';
import { actorOf, principalOf } from '../actor.js';
import { presentEvaluation, presentIdentityLink, presentRoleMapping } from '../presenters/identity-providers.js';
import { requireSomeField } from '../require-some-field.js';
import { traceServices } from '../tracing/service-tracing.js';

const roleMappingsService = traceServices('identity-providers/role-mappings', { createRoleMapping, deleteRoleMapping, evaluateRoleMappings, getIdentityLink, getRoleMapping, listRoleMappings, updateRoleMapping });
/**
 * `/{idp_id}/role-mappings[/{mapping_id}]`, `/{idp_id}/role-mappings/evaluate` and `/{idp_id}/users/{user_id}` under
 * a provider collection: the same routes for SAML and OIDC providers (§2.8, §3.3 of the identity contract).
 */
export async function providerChildRoutes(fastify: FastifyInstance, ctx: ServiceDeps, protocol: IdentityProtocol, base: string, tags: string[]): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get(`${base}/:idp_id/role-mappings`, {
    schema: { tags, params: IdentityProviderParams, querystring: IdentityProviderListQuery, response: { 200: RoleMappingList, ...errorResponses } },
  }, async (request) => {
    const page = await roleMappingsService.listRoleMappings(ctx, principalOf(request), protocol, request.params.idp_id, { ...request.query, limit: request.query.limit ?? 50 });
    return { role_mappings: page.items.map(presentRoleMapping), pagination: page.pagination };
  });

  app.post(`${base}/:idp_id/role-mappings`, {
    schema: { tags, params: IdentityProviderParams, body: CreateRoleMappingBody, response: { 201: RoleMapping, ...errorResponses } },
  }, async (request, reply) => {
    const row = await roleMappingsService.createRoleMapping(ctx, actorOf(request), protocol, request.params.idp_id, request.body);
    return reply.code(201).send(presentRoleMapping(row));
  });

  app.post(`${base}/:idp_id/role-mappings/evaluate`, {
    schema: { tags, params: IdentityProviderParams, body: EvaluateRoleMappingsBody, response: { 200: EvaluateRoleMappingsResult, ...errorResponses } },
  }, async (request) => presentEvaluation(await roleMappingsService.evaluateRoleMappings(ctx, principalOf(request), protocol, request.params.idp_id, request.body)));

  app.get(`${base}/:idp_id/role-mappings/:mapping_id`, {
    schema: { tags, params: RoleMappingParams, response: { 200: RoleMapping, ...errorResponses } },
  }, async (request) => presentRoleMapping(await roleMappingsService.getRoleMapping(ctx, principalOf(request), protocol, request.params.idp_id, request.params.mapping_id)));

  app.patch(`${base}/:idp_id/role-mappings/:mapping_id`, {
    schema: { tags, params: RoleMappingParams, body: UpdateRoleMappingBody, response: { 200: RoleMapping, ...errorResponses } },
  }, async (request) => {
    const body = requireSomeField(request.body);
    return presentRoleMapping(await roleMappingsService.updateRoleMapping(ctx, actorOf(request), protocol, request.params.idp_id, request.params.mapping_id, body));
  });

  app.delete(`${base}/:idp_id/role-mappings/:mapping_id`, {
    schema: { tags, params: RoleMappingParams, response: { 204: Type.Null(), ...errorResponses } },
  }, async (request, reply) => {
    await roleMappingsService.deleteRoleMapping(ctx, actorOf(request), protocol, request.params.idp_id, request.params.mapping_id);
    return reply.code(204).send(null);
  });

  app.get(`${base}/:idp_id/users/:user_id`, {
    schema: { tags, params: IdentityLinkParams, response: { 200: IdentityLink, ...errorResponses } },
  }, async (request) => presentIdentityLink(await roleMappingsService.getIdentityLink(ctx, principalOf(request), protocol, request.params.idp_id, request.params.user_id)));
}
