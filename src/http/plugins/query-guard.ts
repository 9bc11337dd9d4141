import type { FastifyInstance, FastifyRequest, onRequestHookHandler, RouteOptions } from 'fastify';
import { ApiError } from '../../domain/errors.js';
import { appendHook } from './route-hooks.js';
import { isSecretQueryParameter } from '../loggable-url.js';

function queryNames(request: FastifyRequest): string[] {
  return Object.keys((request.query ?? {}) as Record<string, unknown>);
}

/** A route without a querystring schema takes no query parameters. (Callback hooks here: they run on every request.) */
const refuseQuery: onRequestHookHandler = (request, _reply, done) => {
  // Without a `?` the query is empty: no need to list its names.
  if (!request.url.includes('?')) return done();
  const [name] = queryNames(request);
  done(name === undefined ? undefined : new ApiError('VALIDATION_FAILED', `querystring: unknown field ${JSON.stringify(name)}`));
};

/**
 * `?api_key=…` (or `key`, `token`, `access_token`, …) is refused before authentication, on any path (request-gate.ts
 * asks first): URLs end up in proxy logs, browser history and Referer headers (the request log redacts them:
 * loggable-url.ts).
 */
export function credentialInQuery(request: FastifyRequest): ApiError | undefined {
  const secret = request.url.includes('?') ? queryNames(request).find(isSecretQueryParameter) : undefined;
  return secret === undefined ? undefined : new ApiError('CREDENTIAL_IN_QUERY',
    `the query parameter ${JSON.stringify(secret)} looks like a credential; send API keys as Authorization: Bearer <key>, never in the URL`);
}

/**
 * Query strings hold no unknown parameters, on every route, present and future: a route's querystring schema
 * refuses unknown parameters, and a route without one refuses any parameter. Catch-all routes (the console's files,
 * `/*`) are left alone: a query string means nothing to them.
 */
export function registerQueryGuard(app: FastifyInstance): void {
  app.addHook('onRoute', (route: RouteOptions) => {
    if (route.url.endsWith('*') || route.config?.passthrough) return;
    const querystring = route.schema?.querystring as Record<string, unknown> | undefined;
    if (querystring === undefined) {
      route.onRequest = appendHook(route.onRequest, refuseQuery);
    } else if (querystring.type === 'object' && querystring.additionalProperties === undefined) {
      route.schema = { ...route.schema, querystring: { ...querystring, additionalProperties: false } };
    }
  });
}
