import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { getScimStatus } from '../../services/scim/scim-status.js';
import { createScimToken, listScimTokens, revokeScimToken } from '../../services/scim/scim-tokens.js';
import type { ServiceDeps } from '../../services/service-deps.js';
import type { IdentityProtocol } from '../../store/schema.js';
import { errorResponses } from '../../wire/common.js';
import { IdentityProviderParams } from '../../wire/identity-providers.js';
import { CreatedScimToken, CreateScimTokenBody, ScimStatus, ScimTokenList, ScimTokenListQuery, ScimTokenParams } from '../../wire/scim-tokens.js';
import { actorOf, principalOf } from '../actor.js';
import { optionalBody } from '../optional-body.js';
import { presentScimStatus, presentScimToken } from '../presenters/scim-tokens.js';
import { traceServices } from '../tracing/service-tracing.js';

const scimStatusService = traceServices('scim/scim-status', { getScimStatus });
const scimTokensService = traceServices('scim/scim-tokens', { createScimToken, listScimTokens, revokeScimToken });
const PROVIDERS: { protocol: IdentityProtocol; base: string; tags: string[] }[] = [
  { protocol: 'SAML', base: '/v2/saml-identity-providers', tags: ['SAML identity providers'] },
  { protocol: 'OIDC', base: '/v2/oidc-identity-providers', tags: ['OIDC identity providers'] },
];

/**
 * A provider's SCIM tokens and the status of its directory (identity.md §5.1), the same routes under both provider
 * collections: `/{idp_id}/scim-tokens[/{token_id}]` and `/{idp_id}/scim-status`. Account admins only.
 */
export async function scimTokenRoutes(fastify: FastifyInstance, ctx: ServiceDeps): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  for (const { protocol, base, tags } of PROVIDERS) {
    app.post(`${base}/:idp_id/scim-tokens`, {
      schema: { tags, params: IdentityProviderParams, body: CreateScimTokenBody, response: { 201: CreatedScimToken, ...errorResponses } },
      // `{name?, expires_at?}`: a bodiless POST creates a token with the default name.
      ...optionalBody,
    }, async (request, reply) => {
      const created = await scimTokensService.createScimToken(ctx, actorOf(request), protocol, request.params.idp_id, request.body);
      return reply.code(201).send({ ...presentScimToken(created.row), token: created.token });
    });

    app.get(`${base}/:idp_id/scim-tokens`, {
      schema: { tags, params: IdentityProviderParams, querystring: ScimTokenListQuery, response: { 200: ScimTokenList, ...errorResponses } },
    }, async (request) => {
      const page = await scimTokensService.listScimTokens(ctx, principalOf(request), protocol, request.params.idp_id, { ...request.query, limit: request.query.limit ?? 50 });
      return { scim_tokens: page.items.map(presentScimToken), pagination: page.pagination };
    });

    app.delete(`${base}/:idp_id/scim-tokens/:token_id`, {
      schema: { tags, params: ScimTokenParams, response: { 204: Type.Null(), ...errorResponses } },
    }, async (request, reply) => {
      await scimTokensService.revokeScimToken(ctx, actorOf(request), protocol, request.params.idp_id, request.params.token_id);
      return reply.code(204).send(null);
    });

    app.get(`${base}/:idp_id/scim-status`, {
      schema: { tags, params: IdentityProviderParams, response: { 200: ScimStatus, ...errorResponses } },
    }, async (request) => presentScimStatus(await scimStatusService.getScimStatus(ctx, principalOf(request), protocol, request.params.idp_id)));
  }
}
