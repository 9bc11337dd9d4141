import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { approveInteraction, denyInteraction, describeInteraction } from '../../services/oauth/interactions.js';
import { CSRF_HEADER, type RequestOrigin, SESSION_COOKIE } from '../../services/sessions.js';
import { errorResponses } from '../../wire/common.js';
import { InteractionDecision, InteractionParams, OAuthInteraction } from '../../wire/oauth.js';
import type { HttpDeps } from '../app.js';
import { requestCookie } from '../cookies.js';
import { oauthProvider } from '../oauth-provider.js';
import { encodeId } from '../../domain/ids.js';
import { traceServices } from '../tracing/service-tracing.js';

const oauthInteractionsService = traceServices('oauth/interactions', { approveInteraction, denyInteraction, describeInteraction });
const tags = ['cli login'];
/** The console session authenticates these (the page may load before anyone signed in). */
const config = { public: true };
const security: [] = [];

/**
 * The console's half of `ax auth login` (identity.md §6.3): the `/authorize/{uid}` page reads the login request,
 * and approves or denies it with the console session and its CSRF token. The answer names the OAuth server's
 * resume URL, where the browser goes next.
 */
export async function oauthInteractionRoutes(fastify: FastifyInstance, ctx: HttpDeps): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const origin = (request: FastifyRequest): RequestOrigin => ({ ip: request.ip, operation: `${request.method} ${request.routeOptions.url ?? ''}` });

  app.get('/auth/oauth/interactions/:uid', {
    config, schema: { tags, security, params: InteractionParams, response: { 200: OAuthInteraction, ...errorResponses } },
  }, async (request) => {
    const view = await oauthInteractionsService.describeInteraction(ctx, await oauthProvider(ctx), request.params.uid, requestCookie(request, SESSION_COOKIE));
    return {
      uid: view.uid, client_id: view.clientId, client_name: view.clientName, redirect_port: view.redirectPort, scopes: view.scopes,
      allows: view.allows, expires_at: view.expiresAt.toISOString(),
      user: view.user && { id: encodeId('User', view.user.id), email: view.user.email, name: view.user.name },
    };
  });

  app.post('/auth/oauth/interactions/:uid/approve', {
    config, schema: { tags, security, params: InteractionParams, response: { 200: InteractionDecision, ...errorResponses } },
  }, async (request) => ({
    redirect_to: await oauthInteractionsService.approveInteraction(ctx, await oauthProvider(ctx), request.params.uid, requestCookie(request, SESSION_COOKIE), request.headers[CSRF_HEADER], origin(request)),
  }));

  app.post('/auth/oauth/interactions/:uid/deny', {
    config, schema: { tags, security, params: InteractionParams, response: { 200: InteractionDecision, ...errorResponses } },
  }, async (request) => ({
    redirect_to: await oauthInteractionsService.denyInteraction(ctx, await oauthProvider(ctx), request.params.uid, requestCookie(request, SESSION_COOKIE), request.headers[CSRF_HEADER]),
  }));
}
