import cookie from '@fastify/cookie';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ServiceDeps } from '../../services/service-deps.js';
import { acceptInvitation, describeInvitation } from '../../services/invitations.js';
import { changePassword, redeemPasswordReset } from '../../services/passwords.js';
import {
  CSRF_HEADER, currentSession, type OpenedSession, requireCsrf, requireSession, type RequestOrigin, SESSION_COOKIE, signOut,
} from '../../services/sessions.js';
import { DEVICE_COOKIE, DEVICE_COOKIE_MAX_AGE_S, signIn } from '../../services/sign-in.js';
import { redactedBody } from '../actor.js';
import { errorResponses } from '../../wire/common.js';
import { ChangePasswordBody, ConsoleSession, Invitation, NewPasswordBody, SignInBody, TokenParams } from '../../wire/sessions.js';
import { requestCookie } from '../cookies.js';
import { presentSession } from '../presenters/sessions.js';
import { traceServices } from '../tracing/service-tracing.js';

const invitationsService = traceServices('invitations', { acceptInvitation, describeInvitation });
const passwordsService = traceServices('passwords', { changePassword, redeemPasswordReset });
const sessionsService = traceServices('sessions', { currentSession, requireCsrf, requireSession, signOut });
const signInService = traceServices('sign-in', { signIn });
const tags = ['console sessions'];
/** Public routes: no API key; the OpenAPI document says so with an empty security list. */
const config = { public: true };
const security: [] = [];

/**
 * The web console's session endpoints: sign in with email and password (cookie `ax_session`, httpOnly,
 * SameSite=Lax), sign out, change the password, accept an invitation, redeem a password reset. The tokens in
 * paths are never audited (only the route pattern is) and the request log redacts them (app.ts).
 */
export async function authSessionRoutes(fastify: FastifyInstance, ctx: ServiceDeps): Promise<void> {
  // These answers set cookies (reply.setCookie): the plugin's hooks serve this module's routes only (cookies.ts).
  await fastify.register(cookie);
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  const origin = (request: FastifyRequest): RequestOrigin => ({
    ip: request.ip, operation: `${request.method} ${request.routeOptions.url ?? ''}`, text: redactedBody(request.body),
  });
  // Secure when the request came over https (behind a TLS-terminating proxy: with AX_TRUST_PROXY=true, from
  // X-Forwarded-Proto), so a cookie set over https is never sent back over plain http.
  const setSessionCookie = (request: FastifyRequest, reply: FastifyReply, session: OpenedSession) => {
    reply.setCookie(SESSION_COOKIE, session.token, {
      httpOnly: true, sameSite: 'lax', path: '/', secure: request.protocol === 'https', expires: session.expiresAt,
    });
  };

  app.get('/auth/session', {
    config, schema: { tags, security, response: { 200: ConsoleSession, ...errorResponses } },
  }, async (request) => {
    const { session, user } = await sessionsService.currentSession(ctx, requestCookie(request, SESSION_COOKIE));
    return presentSession(user, session.csrfToken);
  });

  app.post('/auth/login', {
    config,
    schema: {
      tags, security,
      body: SignInBody,
      response: { 200: ConsoleSession, ...errorResponses },
    },
  }, async (request, reply) => {
    const { session, user, device } = await signInService.signIn(ctx, origin(request), request.body, requestCookie(request, DEVICE_COOKIE));
    setSessionCookie(request, reply, session);
    reply.setCookie(DEVICE_COOKIE, device, {
      httpOnly: true, sameSite: 'strict', path: '/auth', secure: request.protocol === 'https', maxAge: DEVICE_COOKIE_MAX_AGE_S,
    });
    return presentSession(user, session.csrfToken);
  });

  app.post('/auth/logout', {
    config, schema: { tags, security, response: { 204: Type.Null(), ...errorResponses } },
  }, async (request, reply) => {
    await sessionsService.signOut(ctx, origin(request), requestCookie(request, SESSION_COOKIE), request.headers[CSRF_HEADER]);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.code(204).send(null);
  });

  app.post('/auth/change-password', {
    config,
    schema: {
      tags, security,
      body: ChangePasswordBody,
      response: { 204: Type.Null(), ...errorResponses },
    },
  }, async (request, reply) => {
    const session = await sessionsService.requireSession(ctx, requestCookie(request, SESSION_COOKIE));
    sessionsService.requireCsrf(session, request.headers[CSRF_HEADER]);
    // The session is replaced: the answer carries the new cookie (GET /auth/session gives its CSRF token).
    setSessionCookie(request, reply, await passwordsService.changePassword(ctx, origin(request), session, request.body));
    return reply.code(204).send(null);
  });

  app.get('/auth/invitations/:token', {
    config, schema: { tags, security, params: TokenParams, response: { 200: Invitation, ...errorResponses } },
  }, async (request) => invitationsService.describeInvitation(ctx, request.params.token));

  app.post('/auth/invitations/:token/accept', {
    config,
    schema: {
      tags, security, params: TokenParams,
      body: NewPasswordBody,
      response: { 200: ConsoleSession, ...errorResponses },
    },
  }, async (request, reply) => {
    const { session, user } = await invitationsService.acceptInvitation(ctx, origin(request), request.params.token, request.body.password);
    setSessionCookie(request, reply, session);
    return presentSession(user, session.csrfToken);
  });

  app.post('/auth/password-resets/:token', {
    config,
    schema: {
      tags, security, params: TokenParams,
      body: NewPasswordBody,
      response: { 204: Type.Null(), ...errorResponses },
    },
  }, async (request, reply) => {
    await passwordsService.redeemPasswordReset(ctx, origin(request), request.params.token, request.body.password);
    return reply.code(204).send(null);
  });
}
