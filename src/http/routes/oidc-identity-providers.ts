import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { ServiceDeps } from '../../services/service-deps.js';
import { createProvider, deleteProvider, getProvider, listProviders, updateProvider } from '../../services/identity-providers/providers.js';
import { errorResponses } from '../../wire/common.js';
import {
  CreateOidcIdentityProviderBody, IdentityProviderListQuery, IdentityProviderParams, OidcIdentityProvider, OidcIdentityProviderList,
  UpdateOidcIdentityProviderBody,
} from '../../wire/identity-providers.js';
import { actorOf, principalOf } from '../actor.js';
import { presentOidcProvider, presentOidcProviderSummary } from '../presenters/identity-providers.js';
import { requireSomeField } from '../require-some-field.js';
import { providerChildRoutes } from './role-mappings.js';
import { traceServices } from '../tracing/service-tracing.js';

const providersService = traceServices('identity-providers/providers', { createProvider, deleteProvider, getProvider, listProviders, updateProvider });
const tags = ['OIDC identity providers'];
const base = '/v2/oidc-identity-providers';

/** `/v2/oidc-identity-providers`: this product's OIDC mirror of the SAML API (§3.3 of the identity contract). */
export async function oidcIdentityProviderRoutes(fastify: FastifyInstance, ctx: ServiceDeps): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get(base, {
    schema: { tags, querystring: IdentityProviderListQuery, response: { 200: OidcIdentityProviderList, ...errorResponses } },
  }, async (request) => {
    const page = await providersService.listProviders(ctx, principalOf(request), 'OIDC', { ...request.query, limit: request.query.limit ?? 50 });
    return { oidc_identity_providers: page.items.map(presentOidcProviderSummary), pagination: page.pagination };
  });

  app.post(base, {
    schema: { tags, body: CreateOidcIdentityProviderBody, response: { 201: OidcIdentityProvider, ...errorResponses } },
  }, async (request, reply) => {
    const view = await providersService.createProvider(ctx, actorOf(request), 'OIDC', request.body);
    return reply.code(201).send(presentOidcProvider(view));
  });

  app.get(`${base}/:idp_id`, {
    schema: { tags, params: IdentityProviderParams, response: { 200: OidcIdentityProvider, ...errorResponses } },
  }, async (request) => presentOidcProvider(await providersService.getProvider(ctx, principalOf(request), 'OIDC', request.params.idp_id)));

  app.patch(`${base}/:idp_id`, {
    schema: { tags, params: IdentityProviderParams, body: UpdateOidcIdentityProviderBody, response: { 200: OidcIdentityProvider, ...errorResponses } },
  }, async (request) => {
    const body = requireSomeField(request.body);
    return presentOidcProvider(await providersService.updateProvider(ctx, actorOf(request), 'OIDC', request.params.idp_id, body));
  });

  app.delete(`${base}/:idp_id`, {
    schema: { tags, params: IdentityProviderParams, response: { 204: Type.Null(), ...errorResponses } },
  }, async (request, reply) => {
    await providersService.deleteProvider(ctx, actorOf(request), 'OIDC', request.params.idp_id);
    return reply.code(204).send(null);
  });

  await providerChildRoutes(fastify, ctx, 'OIDC', base, tags);
}
