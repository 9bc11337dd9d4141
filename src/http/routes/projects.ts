import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { ServiceDeps } from '../../services/service-deps.js';
import { createProject, deleteProject, getProject, listProjects, updateProject } from '../../services/projects.js';
import { actorOf, principalOf } from '../actor.js';
import { errorResponses, Id, ListQuery, listResponse } from '../../wire/common.js';
import { Project } from '../../wire/projects.js';
import { presentProject } from '../presenters/projects.js';

const tags = ['projects'];
const ProjectParams = Type.Object({ project_id: Id });
const Name = Type.String({ minLength: 1, maxLength: 255, pattern: '\\S' });

export async function projectRoutes(fastify: FastifyInstance, ctx: ServiceDeps): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get('/v2/projects', {
    schema: {
      tags,
      querystring: Type.Object({
        space_id: Type.Optional(Id),
        space_name: Type.Optional(Type.String({ maxLength: 255 })),
        name: Type.Optional(Type.String({ maxLength: 255 })),
        ...ListQuery,
      }, { additionalProperties: false }),
      response: { 200: listResponse('projects', Project), ...errorResponses },
    },
  }, async (request) => {
    const page = await listProjects(ctx, principalOf(request), { ...request.query, limit: request.query.limit ?? 50 });
    return { projects: page.items.map(presentProject), pagination: page.pagination };
  });

  app.post('/v2/projects', {
    schema: {
      tags,
      body: Type.Object({ name: Name, space_id: Id }, { additionalProperties: false }),
      response: { 201: Project, ...errorResponses },
    },
  }, async (request, reply) => {
    const row = await createProject(ctx, actorOf(request), request.body);
    return reply.code(201).send(presentProject(row));
  });

  app.get('/v2/projects/:project_id', {
    schema: { tags, params: ProjectParams, response: { 200: Project, ...errorResponses } },
  }, async (request) => presentProject(await getProject(ctx, principalOf(request), request.params.project_id)));

  app.patch('/v2/projects/:project_id', {
    schema: {
      tags, params: ProjectParams,
      body: Type.Object({ name: Name }, { additionalProperties: false }),
      response: { 200: Project, ...errorResponses },
    },
  }, async (request) => presentProject(await updateProject(ctx, actorOf(request), request.params.project_id, request.body)));

  app.delete('/v2/projects/:project_id', {
    schema: { tags, params: ProjectParams, response: { 204: Type.Null(), ...errorResponses } },
  }, async (request, reply) => {
    await deleteProject(ctx, actorOf(request), request.params.project_id);
    return reply.code(204).send(null);
  });
}
