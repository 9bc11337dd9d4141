import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { ServiceDeps } from '../../services/service-deps.js';
import {
  addOrganizationMember, createOrganization, deleteOrganization, getOrganization, listOrganizationMembers, listOrganizations,
  removeOrganizationMember, updateOrganization,
} from '../../services/organizations.js';
import { actorOf, principalOf } from '../actor.js';
import { AccessPreview, DryRunQuery } from '../../wire/access-preview.js';
import { replyWithPreview } from '../dry-run-reply.js';
import { requireSomeField } from '../require-some-field.js';
import { SerializedAnswers } from '../serialized-answers.js';
import { errorResponses, listResponse, PageQuery } from '../../wire/common.js';
import { RemovalCascadeBody, RemovalQuery } from '../../wire/removal-cascade.js';
import { answersCascade, presentRemovalCascade, removalOptions } from '../presenters/removal-cascade.js';
import { DeleteOrganizationQuery, OrganizationDeleteCascade,
  AddOrganizationMemberBody, CreateOrganizationBody, ListOrganizationsQuery, Organization, OrganizationMember, OrganizationMemberParams,
  OrganizationMembership, OrganizationParams, UpdateOrganizationBody,
} from '../../wire/organizations.js';
import { presentOrganizationDeleteCascade } from '../presenters/delete-cascade.js';
import { presentOrganization, presentOrganizationMember } from '../presenters/organizations.js';
import { traceServices } from '../tracing/service-tracing.js';

const organizationsService = traceServices('organizations', { addOrganizationMember, createOrganization, deleteOrganization, getOrganization, listOrganizationMembers, listOrganizations, removeOrganizationMember, updateOrganization });
const tags = ['organizations'];
/** GET's answer, serialized once per row object: GET serves the row the row cache shares until the account changes. */
const organizationAnswers = new SerializedAnswers(presentOrganization);

export async function organizationRoutes(fastify: FastifyInstance, ctx: ServiceDeps): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get('/v2/organizations', {
    schema: {
      tags, querystring: ListOrganizationsQuery,
      response: { 200: listResponse('organizations', Organization), ...errorResponses },
    },
  }, async (request) => {
    const page = await organizationsService.listOrganizations(ctx, principalOf(request), { ...request.query, limit: request.query.limit ?? 50 });
    return { organizations: page.items.map(presentOrganization), pagination: page.pagination };
  });

  app.post('/v2/organizations', {
    schema: {
      tags, body: CreateOrganizationBody,
      response: { 201: Organization, ...errorResponses },
    },
  }, async (request, reply) => {
    const row = await organizationsService.createOrganization(ctx, actorOf(request), request.body);
    return reply.code(201).send(presentOrganization(row));
  });

  app.get('/v2/organizations/:org_id', {
    schema: { tags, params: OrganizationParams, response: { 200: Organization, ...errorResponses } },
  }, async (request, reply) => {
    organizationAnswers.send(reply, await organizationsService.getOrganization(ctx, principalOf(request), request.params.org_id));
  });

  app.patch('/v2/organizations/:org_id', {
    schema: {
      tags, params: OrganizationParams,
      body: UpdateOrganizationBody,
      response: { 200: Organization, ...errorResponses },
    },
  }, async (request) => {
    const body = requireSomeField(request.body);
    return presentOrganization(await organizationsService.updateOrganization(ctx, actorOf(request), request.params.org_id, body));
  });

  app.delete('/v2/organizations/:org_id', {
    schema: { tags, params: OrganizationParams, querystring: DeleteOrganizationQuery, response: { 200: OrganizationDeleteCascade, 204: Type.Null(), ...errorResponses } },
  }, async (request, reply) => {
    const cascade = await organizationsService.deleteOrganization(ctx, actorOf(request), request.params.org_id, { dryRun: request.query.dry_run ?? false });
    if (cascade) return reply.code(200).header('cache-control', 'no-store').send(presentOrganizationDeleteCascade(cascade));
    return reply.code(204).send(null);
  });

  app.get('/v2/organizations/:org_id/users', {
    schema: {
      tags, params: OrganizationParams, querystring: PageQuery,
      response: { 200: listResponse('memberships', OrganizationMember), ...errorResponses },
    },
  }, async (request) => {
    const page = await organizationsService.listOrganizationMembers(ctx, principalOf(request), request.params.org_id, { ...request.query, limit: request.query.limit ?? 50 });
    return { memberships: page.items.map(presentOrganizationMember), pagination: page.pagination };
  });

  app.post('/v2/organizations/:org_id/users', {
    schema: {
      tags, params: OrganizationParams,
      body: AddOrganizationMemberBody, querystring: DryRunQuery,
      response: { 200: Type.Union([OrganizationMembership, AccessPreview]), ...errorResponses },
    },
  }, async (request, reply) => {
    if (request.query.dry_run) return replyWithPreview(reply, actorOf(request), (actor) => organizationsService.addOrganizationMember(ctx, actor, request.params.org_id, request.body));
    return organizationsService.addOrganizationMember(ctx, actorOf(request), request.params.org_id, request.body);
  });

  app.delete('/v2/organizations/:org_id/users/:user_id', {
    schema: {
      tags, params: OrganizationMemberParams, querystring: RemovalQuery,
      response: { 200: RemovalCascadeBody, 204: Type.Null(), ...errorResponses },
    },
  }, async (request, reply) => {
    const cascade = await organizationsService.removeOrganizationMember(ctx, actorOf(request), request.params.org_id, request.params.user_id, removalOptions(request.query));
    if (answersCascade(cascade)) return reply.code(200).header('cache-control', 'no-store').send(presentRemovalCascade(cascade));
    return reply.code(204).send(null);
  });
}
