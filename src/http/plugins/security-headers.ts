import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * Every answer is `nosniff`, and answers that do not choose their own caching (all of the API, errors, `/auth/*`)
 * are `no-store`: they carry raw keys, temporary passwords, CSRF tokens and access data that no cache may keep.
 * Every answer also names its request (`x-request-id`, the id its log lines carry). Set as the request arrives
 * (request-gate.ts), not as the answer leaves: a route that chooses its own Cache-Control (the console's files,
 * console.ts) replaces the default, errors keep it, and no onSend hook runs on every answer.
 */
export function markAnswer(request: FastifyRequest, reply: FastifyReply): void {
  reply.header('x-content-type-options', 'nosniff');
  reply.header('cache-control', 'no-store');
  reply.header('x-request-id', request.id);
}
