import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { ServiceDeps } from '../../services/service-deps.js';
import { createApiKey, getApiKey, listApiKeys, refreshApiKey, revokeApiKey, transferApiKey } from '../../services/api-keys.js';
import { isoNow } from '../../domain/clock.js';
import { actorOf, principalOf } from '../actor.js';
import { AccessPreview, DryRunQuery } from '../../wire/access-preview.js';
import { replyWithPreview } from '../dry-run-reply.js';
import { optionalBody } from '../optional-body.js';
import { errorResponses, listResponse } from '../../wire/common.js';
import {
  ApiKey, ApiKeyParams, CreateApiKey, CreatedApiKey, ListApiKeysQuery, RefreshApiKey, RefreshedApiKey, TransferApiKey,
} from '../../wire/api-keys.js';
import { presentApiKey, presentGraceUsage } from '../presenters/api-keys.js';
import { traceServices } from '../tracing/service-tracing.js';

const apiKeysService = traceServices('api-keys', { createApiKey, getApiKey, listApiKeys, refreshApiKey, revokeApiKey, transferApiKey });
const tags = ['api-keys'];

/** `/v2/api-keys`: list, get [ours], create, refresh, revoke, transfer. There is no DELETE (keys are revoked). */
export async function apiKeyRoutes(fastify: FastifyInstance, ctx: ServiceDeps): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get('/v2/api-keys', {
    schema: {
      tags,
      querystring: ListApiKeysQuery,
      response: { 200: listResponse('api_keys', ApiKey), ...errorResponses },
    },
  }, async (request) => {
    const page = await apiKeysService.listApiKeys(ctx, principalOf(request), { ...request.query, limit: request.query.limit ?? 50 });
    return {
      api_keys: page.items.map((key) => ({
        ...presentApiKey(key.row, page.now), ...(key.orphaned ? { orphaned: key.orphaned } : {}), ...(key.botUser ? { bot_user: key.botUser } : {}),
        ...(key.graceUsage ? { grace_usage: presentGraceUsage(key.graceUsage) } : {}),
      })),
      pagination: page.pagination,
    };
  });

  app.get('/v2/api-keys/:api_key_id', {
    schema: { tags, params: ApiKeyParams, response: { 200: ApiKey, ...errorResponses } },
  }, async (request) => {
    const key = await apiKeysService.getApiKey(ctx, principalOf(request), request.params.api_key_id);
    return { ...presentApiKey(key.row, key.now), ...(key.graceUsage ? { grace_usage: presentGraceUsage(key.graceUsage) } : {}) };
  });

  app.post('/v2/api-keys', {
    schema: { tags, body: CreateApiKey, response: { 201: CreatedApiKey, ...errorResponses } },
  }, async (request, reply) => {
    const created = await apiKeysService.createApiKey(ctx, actorOf(request), request.body);
    return reply.code(201).send({
      ...presentApiKey(created.row, created.row.created_at),
      key: created.key,
      ...(created.botUser ? { bot_user: created.botUser } : {}),
    });
  });

  app.post('/v2/api-keys/:api_key_id/refresh', {
    schema: { tags, params: ApiKeyParams, body: RefreshApiKey, response: { 200: RefreshedApiKey, ...errorResponses } },
    // The OpenAPI document marks this body optional.
    ...optionalBody,
  }, async (request) => {
    const refreshed = await apiKeysService.refreshApiKey(ctx, actorOf(request), request.params.api_key_id, request.body);
    return { ...presentApiKey(refreshed.row, refreshed.row.created_at), key: refreshed.key };
  });

  app.put('/v2/api-keys/:api_key_id/revoke', {
    schema: { tags, params: ApiKeyParams, querystring: DryRunQuery, response: { 200: AccessPreview, 204: Type.Null(), ...errorResponses } },
  }, async (request, reply) => {
    if (request.query.dry_run) return replyWithPreview(reply, actorOf(request), (actor) => apiKeysService.revokeApiKey(ctx, actor, request.params.api_key_id));
    await apiKeysService.revokeApiKey(ctx, actorOf(request), request.params.api_key_id);
    return reply.code(204).send(null);
  });

  app.post('/v2/api-keys/:api_key_id/transfer', {
    schema: { tags, params: ApiKeyParams, body: TransferApiKey, response: { 200: ApiKey, ...errorResponses } },
  }, async (request) => {
    const row = await apiKeysService.transferApiKey(ctx, actorOf(request), request.params.api_key_id, request.body);
    return presentApiKey(row, isoNow(ctx.clock));
  });
}
