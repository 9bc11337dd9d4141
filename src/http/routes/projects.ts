import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { ServiceDeps } from '../../services/service-deps.js';
import { createProject, deleteProject, getProject, listProjects, updateProject } from '../../services/projects.js';
import { actorOf, principalOf } from '../actor.js';
import { errorResponses, listResponse } from '../../wire/common.js';
import { DeleteProjectQuery, ProjectDeleteCascade, CreateProjectBody, ListProjectsQuery, Project, ProjectParams, UpdateProjectBody } from '../../wire/projects.js';
import { presentProjectDeleteCascade } from '../presenters/delete-cascade.js';
import { presentProject } from '../presenters/projects.js';
import { SerializedAnswers } from '../serialized-answers.js';
import { traceServices } from '../tracing/service-tracing.js';

const projectsService = traceServices('projects', { createProject, deleteProject, getProject, listProjects, updateProject });
const tags = ['projects'];
/** GET's answer, serialized once per row object: GET serves the row the row cache shares until the account changes. */
const projectAnswers = new SerializedAnswers(presentProject);

export async function projectRoutes(fastify: FastifyInstance, ctx: ServiceDeps): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get('/v2/projects', {
    schema: {
      tags,
      querystring: ListProjectsQuery,
      response: { 200: listResponse('projects', Project), ...errorResponses },
    },
  }, async (request) => {
    const page = await projectsService.listProjects(ctx, principalOf(request), { ...request.query, limit: request.query.limit ?? 50 });
    return { projects: page.items.map(presentProject), pagination: page.pagination };
  });

  app.post('/v2/projects', {
    schema: {
      tags,
      body: CreateProjectBody,
      response: { 201: Project, ...errorResponses },
    },
  }, async (request, reply) => {
    const row = await projectsService.createProject(ctx, actorOf(request), request.body);
    return reply.code(201).send(presentProject(row));
  });

  app.get('/v2/projects/:project_id', {
    schema: { tags, params: ProjectParams, response: { 200: Project, ...errorResponses } },
  }, async (request, reply) => {
    projectAnswers.send(reply, await projectsService.getProject(ctx, principalOf(request), request.params.project_id));
  });

  app.patch('/v2/projects/:project_id', {
    schema: {
      tags, params: ProjectParams,
      body: UpdateProjectBody,
      response: { 200: Project, ...errorResponses },
    },
  }, async (request) => presentProject(await projectsService.updateProject(ctx, actorOf(request), request.params.project_id, request.body)));

  app.delete('/v2/projects/:project_id', {
    schema: { tags, params: ProjectParams, querystring: DeleteProjectQuery, response: { 200: ProjectDeleteCascade, 204: Type.Null(), ...errorResponses } },
  }, async (request, reply) => {
    const cascade = await projectsService.deleteProject(ctx, actorOf(request), request.params.project_id, { dryRun: request.query.dry_run ?? false });
    if (cascade) return reply.code(200).header('cache-control', 'no-store').send(presentProjectDeleteCascade(cascade));
    return reply.code(204).send(null);
  });
}
