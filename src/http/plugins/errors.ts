import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, type ErrorCode } from '../../domain/errors.js';
import { databaseUnavailable } from '../../services/database-unavailable.js';
import { markAnswer } from './security-headers.js';

/** The problem+json text of an error; `code` is an extension member naming the catalogue entry. */
function problemText(error: ApiError): string {
  const body: Record<string, unknown> = { status: error.status, title: error.title, code: error.code };
  if (error.detail !== undefined) body.detail = error.detail;
  return JSON.stringify(body);
}

/** Writes one problem+json body. */
export function sendProblem(reply: FastifyReply, error: ApiError): FastifyReply {
  if (error.headers) reply.headers(error.headers);
  return reply.code(error.status).type('application/problem+json').send(problemText(error));
}

/** "body/name must be string" → "name: must be string", so the detail names the field the client sent. */
function validationDetail(error: FastifyError): string {
  const first = error.validation?.[0];
  if (!first) return error.message;
  return schemaErrorDetail(first, error.validationContext ?? 'body');
}

/**
 * A VALIDATION_FAILED detail for the first schema error of a value sent as `where` (`body`, `querystring`, …):
 * the field by its path, dotted; `rename` spells a path segment as the caller knows it (GraphQL's argument names).
 */
export function schemaErrorDetail(
  first: { instancePath: string; keyword: string; params: object; message?: string | undefined },
  where: string,
  rename: (segment: string) => string = (segment) => segment,
): string {
  const path = first.instancePath.replace(/^\//, '').split('/').filter((segment) => segment !== '').map(rename).join('.');
  const params = first.params as Record<string, unknown>;
  if (first.keyword === 'additionalProperties') {
    return `${where}${path ? `.${path}` : ''}: unknown field ${JSON.stringify(rename(String(params.additionalProperty)))}`;
  }
  if (first.keyword === 'required') {
    return `${where}${path ? `.${path}` : ''}: missing required field ${JSON.stringify(rename(String(params.missingProperty)))}`;
  }
  const field = path || (where === 'body' ? 'body' : where);
  if (first.keyword === 'anyOf' || first.keyword === 'oneOf') return `${field}: does not match any allowed shape`;
  return `${field}: ${first.message ?? 'is invalid'}`;
}

const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'INVALID_JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'INVALID_JSON',
  FST_ERR_CTP_BODY_TOO_LARGE: 'BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'BAD_REQUEST',
  FST_ERR_CTP_INVALID_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
};

const FRAMEWORK_DETAILS: Record<string, string> = {
  FST_ERR_BAD_URL: 'path: not a valid URL (bad percent-encoding)',
  FST_ERR_MAX_PARAM_LENGTH: 'path: a path parameter is longer than 500 characters',
};

/**
 * Fastify's `frameworkErrors`: what the router refuses before any hook runs is a 400 problem with the headers every
 * answer carries, as for any other malformed request.
 */
export function sendFrameworkProblem(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  markAnswer(request, reply);
  return sendProblem(reply, new ApiError('BAD_REQUEST', FRAMEWORK_DETAILS[error.code] ?? error.message));
}

/**
 * Fastify's `clientErrorHandler`: what Node's HTTP parser refuses before Fastify sees a request (headers over 16 KiB, a
 * request that did not arrive in time, a malformed request line) is answered as a problem too, written on the socket,
 * which is then closed (Fastify's default writes a JSON body of its own shape).
 */
export function writeClientErrorProblem(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const code: ErrorCode = error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 'REQUEST_TIMEOUT' : error.code === 'HPE_HEADER_OVERFLOW' ? 'HEADERS_TOO_LARGE' : 'BAD_REQUEST';
  const problem = new ApiError(code, code === 'BAD_REQUEST' ? 'not a valid HTTP request' : undefined);
  const body = problemText(problem);
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${problem.status} ${problem.title}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n`
      + `Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n${body}`);
  }
  socket.destroy(error);
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A POST that changes nothing (a check, a plan, a lookup): a database failure is answered with a read's wording. */
    reads?: boolean;
  }
}

/** Whether a request of this HTTP method may change something: anything but GET, HEAD and OPTIONS. */
export function changesByMethod(method: string): boolean {
  return method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS';
}

/**
 * A request that may change something: anything but GET, HEAD and OPTIONS, a route marked `reads`, or a dry run
 * (`?dry_run=true`, read as text too: a failure in authentication comes before the query is validated).
 */
export function writes(request: FastifyRequest): boolean {
  if (!changesByMethod(request.method)) return false;
  if (request.routeOptions.config.reads === true) return false;
  const dryRun = (request.query as { dry_run?: unknown } | undefined)?.dry_run;
  return dryRun !== true && dryRun !== 'true';
}

/**
 * The one place errors become responses: ApiError → its problem; Fastify's own client errors (validation, bad
 * JSON, oversized body) → 4xx problems; a database that does not answer → 503 with Retry-After; anything else is
 * logged and answered with a 500 that says nothing about the cause (Fastify's default handler would echo
 * error.message). A body that is not JSON comes here as Fastify's FST_ERR_CTP_INVALID_JSON_BODY; any other
 * SyntaxError is the server's own (a stored value it cannot read), never the client's INVALID_JSON.
 */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof ApiError) return sendProblem(reply, error);
    if (error.validation) return sendProblem(reply, new ApiError('VALIDATION_FAILED', validationDetail(error)));
    const mapped = error.code ? FASTIFY_CODES[error.code] : undefined;
    if (mapped) {
      const limit = request.routeOptions.bodyLimit ?? app.initialConfig.bodyLimit;
      const detail = mapped === 'BODY_TOO_LARGE' ? `request body is larger than ${limit} bytes` : error.message;
      return sendProblem(reply, new ApiError(mapped, detail));
    }
    if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
      return sendProblem(reply, new ApiError('BAD_REQUEST', error.message));
    }
    const unavailable = databaseUnavailable(error, { write: writes(request), log: request.log });
    if (unavailable) return sendProblem(reply, unavailable);
    request.log.error({ err: error }, 'unhandled error');
    return sendProblem(reply, new ApiError('INTERNAL', `request ${request.id} failed; the operator can find it in the server log`));
  });

  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, new ApiError('ROUTE_NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`)));
}

