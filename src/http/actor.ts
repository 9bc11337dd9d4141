import type { FastifyRequest } from 'fastify';
import { unauthenticated } from '../domain/errors.js';
import type { Principal } from '../domain/principal.js';
import type { Actor } from '../services/mutation.js';

const SECRET_FIELDS = new Set(['password', 'new_password', 'current_password', 'key', 'api_key', 'temporary_password', 'token']);

/** Validated bodies are a few levels deep; anything deeper is cut rather than walked. */
const MAX_AUDITED_DEPTH = 16;

/** A copy of `value` with every secret-bearing field replaced, at most MAX_AUDITED_DEPTH levels deep. */
function redacted(value: unknown, depth: number): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_AUDITED_DEPTH) return '[TRUNCATED]';
  if (Array.isArray(value)) return value.map((item) => redacted(item, depth + 1));
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) copy[key] = SECRET_FIELDS.has(key) ? '[REDACTED]' : redacted(item, depth + 1);
  return copy;
}

/**
 * The body as text for the audit log, with every secret-bearing field replaced. Bounded in depth, so even a
 * body no schema has validated cannot overflow the stack here (issue 8 item 2).
 */
export function redactedBody(body: unknown): string | undefined {
  if (body === undefined || body === null) return undefined;
  return JSON.stringify(redacted(body, 0));
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
    // Only a body its schema has validated is audited (routes without one take no body: body-limits.ts).
    text: request.routeOptions.schema?.body === undefined ? undefined : redactedBody(request.body),
    variables: hasVariables ? JSON.stringify(variables) : undefined,
  };
}
