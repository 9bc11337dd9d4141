import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { isoNow } from '../../domain/clock.js';
import type { ServiceDeps } from '../../services/service-deps.js';
import {
  createUser, deleteUser, getUser, listUsers, resendInvitation, resetPassword, updateUser, usersChangeAt, usersPageKey,
} from '../../services/users.js';
import { usersPageCacheOf } from '../../services/users-page-cache.js';
import { setAccountRole } from '../../services/account-role.js';
import { deactivateUser, reactivateUser, scimProvidersOf } from '../../services/deprovisioning.js';
import { actorOf, principalOf } from '../actor.js';
import { replyWithPreview } from '../dry-run-reply.js';
import { AccessPreview, DryRunQuery } from '../../wire/access-preview.js';
import { requireSomeField } from '../require-some-field.js';
import { errorResponses, listResponse, Problem } from '../../wire/common.js';
import { RemovalCascadeBody, RemovalQuery } from '../../wire/removal-cascade.js';
import { answersCascade, presentRemovalCascade, removalOptions } from '../presenters/removal-cascade.js';
import { CreatedUser, CreateUserBody, ListUsersQuery, SetAccountRoleBody, UpdateUserBody, User, UserParams } from '../../wire/users.js';
import { presentUser } from '../presenters/users.js';
import { traceServices } from '../tracing/service-tracing.js';

const usersService = traceServices('users', {
  createUser, deleteUser, getUser, listUsers, resendInvitation, resetPassword, updateUser, usersChangeAt,
});
const accountRoleService = traceServices('account-role', { setAccountRole });
const deprovisioningService = traceServices('deprovisioning', { deactivateUser, reactivateUser, scimProvidersOf });
const tags = ['users'];

/**
 * `/v2/users`: people of the account (bot users of service keys are never listed). Account admins manage
 * them; everyone sees itself and the users it shares an organization with, and may rename itself.
 */
export async function userRoutes(fastify: FastifyInstance, ctx: ServiceDeps): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get('/v2/users', {
    schema: {
      tags,
      querystring: ListUsersQuery,
      response: { 200: listResponse('users', User), ...errorResponses },
    },
  }, async (request, reply) => {
    const principal = principalOf(request);
    const query = { ...request.query, limit: request.query.limit ?? 50 };
    const answer = async () => {
      const page = await usersService.listUsers(ctx, principal, query);
      const userIds = page.items.map((u) => u.id);
      const providers = await deprovisioningService.scimProvidersOf(ctx, principal, userIds);
      return { userIds, body: { users: page.items.map((u) => presentManagedUser(u, providers.get(u.id))), pagination: page.pagination } };
    };
    const cache = usersPageCacheOf(ctx.store);
    const key = usersPageKey(principal, query);
    if (!cache || key === undefined) return (await answer()).body;
    // A kept answer is the JSON text the route's response schema made of it (registerSerialization's serializers give
    // text), sent as it is: Fastify does not serialize a string it is told is JSON again. `now` is read before the page
    // is, so the first lapse after it comes no later than the first the page's statuses were read against.
    const now = isoNow(ctx.clock);
    const text = await cache.answer(key, now, async () => {
      const { userIds, body } = await answer();
      return { body: reply.serialize(body) as string, changesAt: await usersService.usersChangeAt(ctx, principal, userIds, now) };
    });
    return reply.type('application/json; charset=utf-8').send(text as never);
  });

  app.post('/v2/users', {
    schema: {
      tags,
      body: CreateUserBody,
      response: { 200: User, 201: CreatedUser, ...errorResponses, 503: Problem },
    },
  }, async (request, reply) => {
    const result = await usersService.createUser(ctx, actorOf(request), request.body);
    if (!result.created) return reply.code(200).send(presentUser(result.user));
    return reply.code(201).send({
      ...presentUser(result.user),
      invite_mode: result.inviteMode,
      ...(result.temporaryPassword === undefined ? {} : { temporary_password: result.temporaryPassword }),
    });
  });

  app.get('/v2/users/:user_id', {
    schema: { tags, params: UserParams, response: { 200: User, ...errorResponses } },
  }, async (request) => {
    const principal = principalOf(request);
    const user = await usersService.getUser(ctx, principal, request.params.user_id);
    return presentManagedUser(user, (await deprovisioningService.scimProvidersOf(ctx, principal, [user.id])).get(user.id));
  });

  app.patch('/v2/users/:user_id', {
    schema: {
      tags, params: UserParams,
      body: UpdateUserBody,
      response: { 200: User, ...errorResponses },
    },
  }, async (request) => {
    const body = requireSomeField(request.body);
    return presentUser(await usersService.updateUser(ctx, actorOf(request), request.params.user_id, body));
  });

  // Ours, not Arize's (its PATCH takes no role): an account admin sets another person's account role.
  // `?dry_run=true` answers the AccessPreview of the change instead (see docs/changing-access.md).
  app.put('/v2/users/:user_id/role', {
    schema: {
      tags, params: UserParams, body: SetAccountRoleBody, querystring: DryRunQuery,
      response: { 200: Type.Union([User, AccessPreview]), ...errorResponses },
    },
  }, async (request, reply) => {
    const role = request.body.role;
    if (request.query.dry_run) return replyWithPreview(reply, actorOf(request), (actor) => accountRoleService.setAccountRole(ctx, actor, request.params.user_id, role));
    return presentUser(await accountRoleService.setAccountRole(ctx, actorOf(request), request.params.user_id, role));
  });

  app.delete('/v2/users/:user_id', {
    schema: { tags, params: UserParams, querystring: RemovalQuery, response: { 200: RemovalCascadeBody, 204: Type.Null(), ...errorResponses } },
  }, async (request, reply) => {
    const cascade = await usersService.deleteUser(ctx, actorOf(request), request.params.user_id, removalOptions(request.query));
    if (answersCascade(cascade)) return reply.code(200).header('cache-control', 'no-store').send(presentRemovalCascade(cascade));
    return reply.code(204).send(null);
  });

  app.post('/v2/users/:user_id/resend-invitation', {
    schema: { tags, params: UserParams, response: { 204: Type.Null(), ...errorResponses, 503: Problem } },
  }, async (request, reply) => {
    await usersService.resendInvitation(ctx, actorOf(request), request.params.user_id);
    return reply.code(204).send(null);
  });

  app.post('/v2/users/:user_id/reset-password', {
    schema: { tags, params: UserParams, response: { 204: Type.Null(), ...errorResponses, 503: Problem } },
  }, async (request, reply) => {
    await usersService.resetPassword(ctx, actorOf(request), request.params.user_id);
    return reply.code(204).send(null);
  });

  // The service keys the person created: the same choice, dry run and answer as DELETE /v2/users/{user_id}.
  app.post('/v2/users/:user_id/deactivate', {
    schema: { tags, params: UserParams, querystring: RemovalQuery, response: { 200: RemovalCascadeBody, 204: Type.Null(), ...errorResponses } },
  }, async (request, reply) => {
    const cascade = await deprovisioningService.deactivateUser(ctx, actorOf(request), request.params.user_id, removalOptions(request.query));
    if (answersCascade(cascade)) return reply.code(200).header('cache-control', 'no-store').send(presentRemovalCascade(cascade));
    return reply.code(204).send(null);
  });

  app.post('/v2/users/:user_id/reactivate', {
    schema: { tags, params: UserParams, response: { 204: Type.Null(), ...errorResponses } },
  }, async (request, reply) => {
    await deprovisioningService.reactivateUser(ctx, actorOf(request), request.params.user_id);
    return reply.code(204).send(null);
  });
}

/** The user object with, for account admins, the identity provider whose SCIM directory manages the user. */
function presentManagedUser(user: Parameters<typeof presentUser>[0], scimProvider: { id: string; name: string } | undefined) {
  return { ...presentUser(user), ...(scimProvider ? { scim_provider: scimProvider } : {}) };
}
