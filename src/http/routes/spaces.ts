import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { ServiceDeps } from '../../services/service-deps.js';
import {
  addSpaceMember, createSpace, deleteSpace, getSpace, listSpaceMembers, listSpaces, removeSpaceMember, updateSpace,
} from '../../services/spaces.js';
import { actorOf, principalOf } from '../actor.js';
import { AccessPreview, DryRunQuery } from '../../wire/access-preview.js';
import { replyWithPreview } from '../dry-run-reply.js';
import { requireSomeField } from '../require-some-field.js';
import { SerializedAnswers } from '../serialized-answers.js';
import { errorResponses, listResponse, PageQuery } from '../../wire/common.js';
import { RemovalCascadeBody, RemovalQuery } from '../../wire/removal-cascade.js';
import { answersCascade, presentRemovalCascade, removalOptions } from '../presenters/removal-cascade.js';
import { DeleteSpaceQuery, SpaceDeleteCascade,
  AddSpaceMemberBody, CreateSpaceBody, ListSpacesQuery, Space, SpaceMember, SpaceMemberParams, SpaceMembership, SpaceParams, UpdateSpaceBody,
} from '../../wire/spaces.js';
import { presentSpaceDeleteCascade } from '../presenters/delete-cascade.js';
import { presentSpace, presentSpaceMember } from '../presenters/spaces.js';
import { traceServices } from '../tracing/service-tracing.js';
import type { SpaceRow } from '../../store/schema.js';

const spacesService = traceServices('spaces', { addSpaceMember, createSpace, deleteSpace, getSpace, listSpaceMembers, listSpaces, removeSpaceMember, updateSpace });
const tags = ['spaces'];

/** GET's answer, serialized once per row object: GET serves the row the row cache shares until the account changes. */
const spaceAnswers = new SerializedAnswers<SpaceRow>(presentSpace);

export async function spaceRoutes(fastify: FastifyInstance, ctx: ServiceDeps): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get('/v2/spaces', {
    schema: {
      tags,
      querystring: ListSpacesQuery,
      response: { 200: listResponse('spaces', Space), ...errorResponses },
    },
  }, async (request) => {
    const page = await spacesService.listSpaces(ctx, principalOf(request), { ...request.query, limit: request.query.limit ?? 50 });
    return { spaces: page.items.map(presentSpace), pagination: page.pagination };
  });

  app.post('/v2/spaces', {
    schema: {
      tags,
      body: CreateSpaceBody,
      response: { 201: Space, ...errorResponses },
    },
  }, async (request, reply) => {
    const row = await spacesService.createSpace(ctx, actorOf(request), request.body);
    return reply.code(201).send(presentSpace(row));
  });

  app.get('/v2/spaces/:space_id', {
    schema: { tags, params: SpaceParams, response: { 200: Space, ...errorResponses } },
  }, (request, reply) => {
    // Not an async handler: a warm space is answered with no promise and no microtask turn (getSpace's fast path).
    const row = spacesService.getSpace(ctx, principalOf(request), request.params.space_id);
    if (row instanceof Promise) return row.then((read) => spaceAnswers.send(reply, read));
    spaceAnswers.send(reply, row);
  });

  app.patch('/v2/spaces/:space_id', {
    schema: {
      tags, params: SpaceParams,
      body: UpdateSpaceBody,
      response: { 200: Space, ...errorResponses },
    },
  }, async (request) => {
    const body = requireSomeField(request.body);
    return presentSpace(await spacesService.updateSpace(ctx, actorOf(request), request.params.space_id, body));
  });

  app.delete('/v2/spaces/:space_id', {
    schema: { tags, params: SpaceParams, querystring: DeleteSpaceQuery, response: { 200: SpaceDeleteCascade, 204: Type.Null(), ...errorResponses } },
  }, async (request, reply) => {
    const cascade = await spacesService.deleteSpace(ctx, actorOf(request), request.params.space_id, { dryRun: request.query.dry_run ?? false });
    if (cascade) return reply.code(200).header('cache-control', 'no-store').send(presentSpaceDeleteCascade(cascade));
    return reply.code(204).send(null);
  });

  app.get('/v2/spaces/:space_id/users', {
    schema: {
      tags, params: SpaceParams, querystring: PageQuery,
      response: { 200: listResponse('memberships', SpaceMember), ...errorResponses },
    },
  }, async (request) => {
    const page = await spacesService.listSpaceMembers(ctx, principalOf(request), request.params.space_id, { ...request.query, limit: request.query.limit ?? 50 });
    return { memberships: page.items.map(presentSpaceMember), pagination: page.pagination };
  });

  app.post('/v2/spaces/:space_id/users', {
    schema: {
      tags, params: SpaceParams,
      body: AddSpaceMemberBody, querystring: DryRunQuery,
      response: { 200: Type.Union([SpaceMembership, AccessPreview]), ...errorResponses },
    },
  }, async (request, reply) => {
    if (request.query.dry_run) return replyWithPreview(reply, actorOf(request), (actor) => spacesService.addSpaceMember(ctx, actor, request.params.space_id, request.body));
    return spacesService.addSpaceMember(ctx, actorOf(request), request.params.space_id, request.body);
  });

  app.delete('/v2/spaces/:space_id/users/:user_id', {
    schema: {
      tags, params: SpaceMemberParams, querystring: RemovalQuery,
      response: { 200: RemovalCascadeBody, 204: Type.Null(), ...errorResponses },
    },
  }, async (request, reply) => {
    const cascade = await spacesService.removeSpaceMember(ctx, actorOf(request), request.params.space_id, request.params.user_id, removalOptions(request.query));
    if (answersCascade(cascade)) return reply.code(200).header('cache-control', 'no-store').send(presentRemovalCascade(cascade));
    return reply.code(204).send(null);
  });
}
