import type { FastifyRequest } from 'fastify';
import { ApiError, forbidden, unauthenticated } from '../../domain/errors.js';
import type { Principal } from '../../domain/principal.js';
import { type AuthenticationAttempt, authenticateKey, authenticateSession, refuseAnonymous } from '../../services/authentication.js';
import type { ServiceDeps } from '../../services/service-deps.js';
import { CSRF_HEADER, SESSION_COOKIE } from '../../services/sessions.js';
import { bearerToken } from '../bearer-token.js';
import { requestCookie } from '../cookies.js';
import { traceServices } from '../tracing/service-tracing.js';

const authenticationService = traceServices('authentication', { authenticateKey, authenticateSession, refuseAnonymous });


/**
 * The principal of a /graphql request, from exactly one credential: `x-api-key: <key>` (as Arize's GraphQL API
 * expects), `Authorization: Bearer <key or OAuth access token>`, or the console session cookie with its CSRF header
 * on every request (a query too: GraphQL over GET is still the session's). The verifier, failure limits and failure
 * records are REST's (services/authentication.ts); two credentials are refused before either is checked.
 */
export async function authenticateGraphql(ctx: ServiceDeps, request: FastifyRequest): Promise<Principal> {
  const attempt: AuthenticationAttempt = { ip: request.ip, operation: `${request.method} /graphql` };
  const apiKey = request.headers['x-api-key'];
  const authorization = request.headers.authorization;
  const cookie = requestCookie(request, SESSION_COOKIE);
  const given = [apiKey, authorization, cookie].filter((c) => c !== undefined).length;
  if (given > 1) throw unauthenticated('send exactly one credential: x-api-key, Authorization: Bearer, or the console session');
  const connection = request.raw.socket;
  if (typeof apiKey === 'string') return authenticationService.authenticateKey(ctx, attempt, apiKey.trim(), connection);
  if (Array.isArray(apiKey)) throw unauthenticated('send exactly one x-api-key header');
  if (authorization !== undefined) return authenticationService.authenticateKey(ctx, attempt, bearerToken(authorization), connection);
  if (!cookie) return authenticationService.refuseAnonymous(ctx, attempt);
  const session = await authenticationService.authenticateSession(ctx, attempt, cookie);
  if (request.headers[CSRF_HEADER] !== session.csrfToken) throw forbidden(`missing or wrong ${CSRF_HEADER} header`);
  if (session.mustChangePassword) throw new ApiError('PASSWORD_CHANGE_REQUIRED', 'choose a new password first (POST /auth/change-password)');
  return session.principal;
}
