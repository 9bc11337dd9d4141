import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { ServiceDeps } from '../../services/service-deps.js';
import {
  createProvider, deleteProvider, getProvider, getServiceProviderInfo, listProviders, updateProvider,
} from '../../services/identity-providers/providers.js';
import { errorResponses } from '../../wire/common.js';
import {
  CreateSamlIdentityProviderBody, IdentityProviderListQuery, IdentityProviderParams, SamlIdentityProvider, SamlIdentityProviderList,
  ServiceProviderInfo, UpdateSamlIdentityProviderBody,
} from '../../wire/identity-providers.js';
import { actorOf, principalOf } from '../actor.js';
import { presentSamlProvider, presentSamlProviderSummary } from '../presenters/identity-providers.js';
import { requireSomeField } from '../require-some-field.js';
import { providerChildRoutes } from './role-mappings.js';
import { traceServices } from '../tracing/service-tracing.js';

const providersService = traceServices('identity-providers/providers', { createProvider, deleteProvider, getProvider, getServiceProviderInfo, listProviders, updateProvider });
const tags = ['SAML identity providers'];
const base = '/v2/saml-identity-providers';

/** Arize's `/v2/saml-identity-providers` (§2.8 of the identity contract) and `GET /v2/sso/service-provider`. */
export async function samlIdentityProviderRoutes(fastify: FastifyInstance, ctx: ServiceDeps): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get(base, {
    schema: { tags, querystring: IdentityProviderListQuery, response: { 200: SamlIdentityProviderList, ...errorResponses } },
  }, async (request) => {
    const page = await providersService.listProviders(ctx, principalOf(request), 'SAML', { ...request.query, limit: request.query.limit ?? 50 });
    return { saml_identity_providers: page.items.map(presentSamlProviderSummary), pagination: page.pagination };
  });

  app.post(base, {
    schema: { tags, body: CreateSamlIdentityProviderBody, response: { 201: SamlIdentityProvider, ...errorResponses } },
  }, async (request, reply) => {
    const view = await providersService.createProvider(ctx, actorOf(request), 'SAML', request.body);
    return reply.code(201).send(presentSamlProvider(view));
  });

  app.get(`${base}/:idp_id`, {
    schema: { tags, params: IdentityProviderParams, response: { 200: SamlIdentityProvider, ...errorResponses } },
  }, async (request) => presentSamlProvider(await providersService.getProvider(ctx, principalOf(request), 'SAML', request.params.idp_id)));

  app.patch(`${base}/:idp_id`, {
    schema: { tags, params: IdentityProviderParams, body: UpdateSamlIdentityProviderBody, response: { 200: SamlIdentityProvider, ...errorResponses } },
  }, async (request) => {
    const body = requireSomeField(request.body);
    return presentSamlProvider(await providersService.updateProvider(ctx, actorOf(request), 'SAML', request.params.idp_id, body));
  });

  app.delete(`${base}/:idp_id`, {
    schema: { tags, params: IdentityProviderParams, response: { 204: Type.Null(), ...errorResponses } },
  }, async (request, reply) => {
    await providersService.deleteProvider(ctx, actorOf(request), 'SAML', request.params.idp_id);
    return reply.code(204).send(null);
  });

  await providerChildRoutes(fastify, ctx, 'SAML', base, tags);

  app.get('/v2/sso/service-provider', {
    schema: { tags, response: { 200: ServiceProviderInfo, ...errorResponses } },
  }, async (request) => {
    const sp = providersService.getServiceProviderInfo(ctx, principalOf(request));
    return { entity_id: sp.entityId, acs_url: sp.acsUrl, metadata_url: sp.metadataUrl, oidc_redirect_uri: sp.oidcRedirectUri };
  });
}
