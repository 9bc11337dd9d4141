import type { FastifyInstance } from 'fastify';

/**
 * Every answer is `nosniff`, and answers that do not choose their own caching (all of the API, errors, `/auth/*`)
 * are `no-store`: they carry raw keys, temporary passwords, CSRF tokens and access data that no cache may keep.
 * The console's files set their own Cache-Control (console.ts) and keep it. Every answer also names its request
 * (`x-request-id`, the id its log lines carry), in the same hook: one hook per answer costs less than two.
 */
export function registerSecurityHeaders(app: FastifyInstance): void {
  // A callback hook, not an async one: it runs on every answer, and needs no promise.
  app.addHook('onSend', (request, reply, payload, done) => {
    reply.header('x-content-type-options', 'nosniff');
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    reply.header('x-request-id', request.id);
    done(null, payload);
  });
}
