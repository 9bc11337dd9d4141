import type { FastifyRequest } from 'fastify';
import { unauthenticated } from '../domain/errors.js';
import type { Principal } from '../domain/principal.js';
import type { Actor } from '../services/mutation.js';

const SECRET_FIELDS = new Set(['password', 'new_password', 'current_password', 'key', 'api_key', 'temporary_password', 'token']);

/** The body as text for the audit log, with every secret-bearing field replaced. */
export function redactedBody(body: unknown): string | undefined {
  if (body === undefined || body === null) return undefined;
  return JSON.stringify(body, (k, v) => (SECRET_FIELDS.has(k) ? '[REDACTED]' : v));
}

export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw unauthenticated();
  return request.principal;
}

export function actorOf(request: FastifyRequest): Actor {
  const variables = { ...(request.params as Record<string, unknown> | undefined), ...(request.query as Record<string, unknown> | undefined) };
  const hasVariables = Object.keys(variables).length > 0;
  return {
    principal: principalOf(request),
    ip: request.ip,
    operation: `${request.method} ${request.routeOptions.url ?? request.url}`,
    text: redactedBody(request.body),
    variables: hasVariables ? JSON.stringify(variables) : undefined,
  };
}
