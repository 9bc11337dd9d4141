import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { listOAuthGrants, revokeOAuthGrant } from '../../services/oauth/grants.js';
import type { ServiceDeps } from '../../services/service-deps.js';
import { errorResponses } from '../../wire/common.js';
import { OAuthGrantList, OAuthGrantListQuery, OAuthGrantParams } from '../../wire/oauth.js';
import { actorOf, principalOf } from '../actor.js';
import { presentOAuthGrant } from '../presenters/oauth-grants.js';
import { traceServices } from '../tracing/service-tracing.js';

const oauthGrantsService = traceServices('oauth/grants', { listOAuthGrants, revokeOAuthGrant });
const tags = ['oauth-grants'];

/** `/v2/oauth-grants`: the CLI logins (`ax auth login`) of a user, and ending one. */
export async function oauthGrantRoutes(fastify: FastifyInstance, ctx: ServiceDeps): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get('/v2/oauth-grants', {
    schema: { tags, querystring: OAuthGrantListQuery, response: { 200: OAuthGrantList, ...errorResponses } },
  }, async (request) => {
    const page = await oauthGrantsService.listOAuthGrants(ctx, principalOf(request), { ...request.query, limit: request.query.limit ?? 50 });
    return { oauth_grants: page.items.map(presentOAuthGrant), pagination: page.pagination };
  });

  app.delete('/v2/oauth-grants/:grant_id', {
    schema: { tags, params: OAuthGrantParams, response: { 204: Type.Null(), ...errorResponses } },
  }, async (request, reply) => {
    await oauthGrantsService.revokeOAuthGrant(ctx, actorOf(request), request.params.grant_id);
    return reply.code(204).send(null);
  });
}
