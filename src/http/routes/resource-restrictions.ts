import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { ServiceDeps } from '../../services/service-deps.js';
import { listResourceRestrictions, restrictResource, unrestrictResource } from '../../services/resource-restrictions.js';
import { actorOf, principalOf } from '../actor.js';
import { AccessPreview, DryRunQuery } from '../../wire/access-preview.js';
import { replyWithPreview } from '../dry-run-reply.js';
import { errorResponses, listResponse } from '../../wire/common.js';
import {
  ListResourceRestrictionsQuery, ResourceRestriction, ResourceRestrictionParams, RestrictResourceBody,
} from '../../wire/resource-restrictions.js';
import { presentResourceRestriction } from '../presenters/resource-restrictions.js';
import { traceServices } from '../tracing/service-tracing.js';

const resourceRestrictionsService = traceServices('resource-restrictions', { listResourceRestrictions, restrictResource, unrestrictResource });
const tags = ['resource-restrictions'];

export async function resourceRestrictionRoutes(fastify: FastifyInstance, ctx: ServiceDeps): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get('/v2/resource-restrictions', {
    schema: {
      tags,
      querystring: ListResourceRestrictionsQuery,
      response: { 200: listResponse('resource_restrictions', ResourceRestriction), ...errorResponses },
    },
  }, async (request) => {
    const page = await resourceRestrictionsService.listResourceRestrictions(ctx, principalOf(request), { ...request.query, limit: request.query.limit ?? 50 });
    return { resource_restrictions: page.items.map(presentResourceRestriction), pagination: page.pagination };
  });

  // 200, never 201: Arize's clients expect 200 whether the restriction is new or already there.
  app.post('/v2/resource-restrictions', {
    schema: {
      tags,
      body: RestrictResourceBody, querystring: DryRunQuery,
      response: { 200: Type.Union([ResourceRestriction, AccessPreview]), ...errorResponses },
    },
  }, async (request, reply) => {
    if (request.query.dry_run) return replyWithPreview(reply, actorOf(request), (actor) => resourceRestrictionsService.restrictResource(ctx, actor, request.body.resource_id));
    return presentResourceRestriction(await resourceRestrictionsService.restrictResource(ctx, actorOf(request), request.body.resource_id));
  });

  app.delete('/v2/resource-restrictions/:resource_id', {
    schema: { tags, params: ResourceRestrictionParams, querystring: DryRunQuery, response: { 200: AccessPreview, 204: Type.Null(), ...errorResponses } },
  }, async (request, reply) => {
    if (request.query.dry_run) return replyWithPreview(reply, actorOf(request), (actor) => resourceRestrictionsService.unrestrictResource(ctx, actor, request.params.resource_id));
    await resourceRestrictionsService.unrestrictResource(ctx, actorOf(request), request.params.resource_id);
    return reply.code(204).send(null);
  });
}
