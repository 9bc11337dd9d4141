import type { FastifyInstance, FastifyRequest, preParsingHookHandler, RouteOptions } from 'fastify';
import { ApiError } from '../../domain/errors.js';
import { appendHook } from './route-hooks.js';

/** `/auth/*` bodies are an email and passwords of at most 1,024 characters, and they are read unauthenticated. */
export const AUTH_BODY_LIMIT = 16 * 1024;

function carriesBody(request: FastifyRequest): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * Refused before a byte of the body is read; `connection: close` spares reading the rest of it. A callback hook, not
 * an async one: it runs on every request of such a route (every GET), and a promise would put the rest of the
 * request behind a microtask turn.
 */
const refuseBody: preParsingHookHandler = (request, reply, payload, done) => {
  if (!carriesBody(request)) return done(null, payload);
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
      route.preParsing = appendHook(route.preParsing, refuseBody);
    } else if (route.url.startsWith('/auth/') && route.bodyLimit === undefined) {
      route.bodyLimit = AUTH_BODY_LIMIT;
    }
  });
}
