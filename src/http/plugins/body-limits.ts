import type { FastifyInstance, FastifyRequest, onRequestHookHandler, RouteOptions } from 'fastify';
import { ApiError } from '../../domain/errors.js';
import { appendHook } from './route-hooks.js';

/** `/auth/*` bodies are an email and passwords of at most 1,024 characters, and they are read unauthenticated. */
export const AUTH_BODY_LIMIT = 16 * 1024;

function carriesBody(request: FastifyRequest): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * Refused from the request's headers, before a byte of the body is read; `connection: close` spares reading the rest
 * of it. The route's last onRequest hook (after authentication and the query's check), not a preParsing one: on
 * every GET Fastify then skips the preParsing stage. A callback hook, not an async one: a promise would put the rest
 * of the request behind a microtask turn. A request without a body that names a content type (clients that send
 * `Content-Type: application/json` on every request) has nothing to parse: the header goes, so Fastify's parser does
 * not answer 400 "Body cannot be empty" to a DELETE or a revoke.
 */
const refuseBody: onRequestHookHandler = (request, reply, done) => {
  if (!carriesBody(request)) {
    if (request.headers['content-type'] !== undefined) delete request.headers['content-type'];
    return done();
  }
  reply.header('connection', 'close');
  done(new ApiError('BAD_REQUEST', `${request.method} ${request.routeOptions.url} takes no request body; send none`));
};

/**
 * Decided per route from its schema, so a route added later cannot forget it: a route without a body schema
 * takes no body at all (any body is a 400 before it is read), and the unauthenticated `/auth/*` routes accept
 * small bodies only. Other routes keep the server-wide limit.
 */
export function registerBodyLimits(app: FastifyInstance): void {
  app.addHook('onRoute', (route: RouteOptions) => {
    if (route.config?.passthrough) return;
    if (route.schema?.body === undefined) {
      route.onRequest = appendHook(route.onRequest, refuseBody);
    } else if (route.url.startsWith('/auth/') && route.bodyLimit === undefined) {
      route.bodyLimit = AUTH_BODY_LIMIT;
    }
  });
}
