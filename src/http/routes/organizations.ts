import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { ServiceDeps } from '../../services/service-deps.js';
import {
  addOrganizationMember, createOrganization, deleteOrganization, getOrganization, listOrganizationMembers, listOrganizations,
  removeOrganizationMember, updateOrganization,
} from '../../services/organizations.js';
import { actorOf, principalOf } from '../actor.js';
import { requireSomeField } from '../require-some-field.js';
import { errorResponses, Id, ListQuery, listResponse, PredefinedRole, RoleAssignmentRequest } from '../../wire/common.js';
import { RemovalCascadeBody, RemovalQuery } from '../../wire/removal-cascade.js';
import { answersCascade, presentRemovalCascade, removalOptions } from '../presenters/removal-cascade.js';
import { Organization, OrganizationMember, OrganizationMembership } from '../../wire/organizations.js';
import { presentOrganization, presentOrganizationMember } from '../presenters/organizations.js';

const tags = ['organizations'];
const OrgParams = Type.Object({ org_id: Id });
const Name = Type.String({ minLength: 1, maxLength: 255, pattern: '\\S' });
const Description = Type.String({ maxLength: 1000 });

export async function organizationRoutes(fastify: FastifyInstance, ctx: ServiceDeps): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get('/v2/organizations', {
    schema: {
      tags, querystring: Type.Object({ name: Type.Optional(Type.String({ maxLength: 255 })), ...ListQuery }, { additionalProperties: false }),
      response: { 200: listResponse('organizations', Organization), ...errorResponses },
    },
  }, async (request) => {
    const page = await listOrganizations(ctx, principalOf(request), { ...request.query, limit: request.query.limit ?? 50 });
    return { organizations: page.items.map(presentOrganization), pagination: page.pagination };
  });

  app.post('/v2/organizations', {
    schema: {
      tags, body: Type.Object({ name: Name, description: Type.Optional(Description) }, { additionalProperties: false }),
      response: { 201: Organization, ...errorResponses },
    },
  }, async (request, reply) => {
    const row = await createOrganization(ctx, actorOf(request), request.body);
    return reply.code(201).send(presentOrganization(row));
  });

  app.get('/v2/organizations/:org_id', {
    schema: { tags, params: OrgParams, response: { 200: Organization, ...errorResponses } },
  }, async (request) => presentOrganization(await getOrganization(ctx, principalOf(request), request.params.org_id)));

  app.patch('/v2/organizations/:org_id', {
    schema: {
      tags, params: OrgParams,
      body: Type.Object({ name: Type.Optional(Name), description: Type.Optional(Type.Union([Description, Type.Null()])) }, { additionalProperties: false }),
      response: { 200: Organization, ...errorResponses },
    },
  }, async (request) => {
    const body = requireSomeField(request.body);
    return presentOrganization(await updateOrganization(ctx, actorOf(request), request.params.org_id, body));
  });

  app.delete('/v2/organizations/:org_id', {
    schema: { tags, params: OrgParams, response: { 204: Type.Null(), ...errorResponses } },
  }, async (request, reply) => {
    await deleteOrganization(ctx, actorOf(request), request.params.org_id);
    return reply.code(204).send(null);
  });

  app.get('/v2/organizations/:org_id/users', {
    schema: {
      tags, params: OrgParams, querystring: Type.Object({ ...ListQuery }, { additionalProperties: false }),
      response: { 200: listResponse('memberships', OrganizationMember), ...errorResponses },
    },
  }, async (request) => {
    const page = await listOrganizationMembers(ctx, principalOf(request), request.params.org_id, { ...request.query, limit: request.query.limit ?? 50 });
    return { memberships: page.items.map(presentOrganizationMember), pagination: page.pagination };
  });

  app.post('/v2/organizations/:org_id/users', {
    schema: {
      tags, params: OrgParams,
      body: Type.Object({ user_id: Id, role: RoleAssignmentRequest(PredefinedRole) }, { additionalProperties: false }),
      response: { 200: OrganizationMembership, ...errorResponses },
    },
  }, async (request) => addOrganizationMember(ctx, actorOf(request), request.params.org_id, request.body));

  app.delete('/v2/organizations/:org_id/users/:user_id', {
    schema: {
      tags, params: Type.Object({ org_id: Id, user_id: Id }), querystring: RemovalQuery,
      response: { 200: RemovalCascadeBody, 204: Type.Null(), ...errorResponses },
    },
  }, async (request, reply) => {
    const cascade = await removeOrganizationMember(ctx, actorOf(request), request.params.org_id, request.params.user_id, removalOptions(request.query));
    if (answersCascade(cascade)) return reply.code(200).header('cache-control', 'no-store').send(presentRemovalCascade(cascade));
    return reply.code(204).send(null);
  });
}
