import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { ServiceDeps } from '../../services/service-deps.js';
import { authenticate } from './auth.js';
import { credentialInQuery } from './query-guard.js';
import { markAnswer } from './security-headers.js';

/**
 * The one onRequest hook of the app, in this order: the request's logger when Fastify has none of its own
 * (`requestLog`, http-logger.ts), the answer's security headers (security-headers.ts), a
 * credential in the query refused (query-guard.ts), then authentication (auth.ts). One callback hook rather than
 * three, and no onSend hook: Fastify runs each hook through its runner on every request. Route-level checks (an
 * unknown query parameter, a body where none is taken) follow as the route's own onRequest hooks.
 */
export function registerRequestGate(app: FastifyInstance, ctx: ServiceDeps, requestLog?: (requestId: string) => FastifyBaseLogger): void {
  app.addHook('onRequest', (request, reply, done) => {
    if (requestLog) request.log = reply.log = requestLog(request.id);
    markAnswer(request, reply);
    const refused = credentialInQuery(request);
    if (refused !== undefined) return done(refused);
    authenticate(ctx, request, done);
  });
}
