import type { FastifyError } from 'fastify';
import type { ExecutionResult, GraphQLError, GraphQLFormattedError } from 'graphql';
import { ApiError } from '../../domain/errors.js';
import { databaseUnavailable } from '../../services/database-unavailable.js';
import type { GraphqlContext } from './context.js';
// The class itself (graphql-js.ts: the copy mercurius and graphql-jit use), for instanceof.
import { getOperationAST, GraphQLError as GraphQLErrorClass, parse } from './graphql-js.js';

/** A GraphQL body with one error, for answers given before any document runs (transport, authentication). */
export function errorBody(message: string, extensions: Record<string, unknown>): { errors: GraphQLFormattedError[] } {
  return { errors: [{ message, extensions }] };
}

/** An ApiError from authentication or the transport checks: its HTTP status, with the REST code in `extensions`. */
export function transportError(error: ApiError) {
  return { status: error.status, headers: error.headers, body: errorBody(error.detail ?? error.title, { code: error.code, status: error.status }) };
}

/** Fastify's own client errors on /graphql (malformed JSON, oversized or non-JSON body, bad query string): 400s (415). */
export function clientError(error: FastifyError): ApiError | undefined {
  if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return new ApiError('UNSUPPORTED_MEDIA_TYPE', 'send the request as application/json');
  if (error.validation || (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) || error instanceof SyntaxError) {
    return new ApiError('BAD_REQUEST', error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error instanceof SyntaxError ? 'body is not valid JSON' : error.message);
  }
  return undefined;
}

/** A document refused before it ran (parse, validation, limits, variables): each error with its code and locations. */
export function documentErrors(errors: readonly GraphQLError[]): { errors: GraphQLFormattedError[] } {
  return {
    errors: errors.map((error) => {
      const formatted = error.toJSON();
      // graphql-jit's errors (a variable refused by a compiled document) carry no extensions.
      const extensions = error.extensions as GraphQLError['extensions'] | undefined;
      const code = typeof extensions?.code === 'string' ? extensions.code
        : error.message.startsWith('Syntax Error') ? 'GRAPHQL_PARSE_FAILED' : 'GRAPHQL_VALIDATION_FAILED';
      return { message: formatted.message, ...(formatted.locations ? { locations: formatted.locations } : {}), extensions: { code } };
    }),
  };
}

/**
 * Replaces mercurius's error formatter for errors raised while running: a service's ApiError keeps its message
 * (the problem's detail), its catalogue code and the status REST would have answered, with the field's path; a
 * database that does not answer is UNAVAILABLE (503), as over REST (a mutation's may have been saved);
 * anything else is logged and answered "Internal server error" with the request id, never its message or stack.
 * HTTP 200.
 */
export function formatExecutionErrors(execution: ExecutionResult, context: GraphqlContext) {
  // Errors of the request itself, found before any field ran (a variable of the wrong type or missing, an unknown
  // operation name): no path, and no cause but a GraphQL error (graphql-jit, which runs a document from its second
  // time on, gives a variable that one of our scalars refused the scalar's error as cause). They are the client's,
  // answered as a document refused (400).
  const requestErrors = execution.errors ?? [];
  const ofTheRequest = (e: GraphQLError) => e.path === undefined && (e.originalError == null || e.originalError instanceof GraphQLErrorClass);
  if (execution.data == null && requestErrors.length > 0 && requestErrors.every(ofTheRequest)) {
    return { statusCode: 400, response: { data: undefined, ...documentErrors(requestErrors) } };
  }
  let mutation: boolean | undefined;
  const errors = (execution.errors ?? []).map((error): GraphQLFormattedError => {
    const where = { ...(error.locations ? { locations: error.locations } : {}), ...(error.path ? { path: error.path } : {}) };
    const original = error.originalError;
    const known = original instanceof ApiError ? original : databaseUnavailable(original, {
      write: mutation ??= isMutation(context), log: context.deps.log, fields: { requestId: context.requestId, path: error.path },
    });
    if (known) {
      return { message: known.detail ?? known.title, ...where, extensions: { code: known.code, status: known.status } };
    }
    context.deps.log.error({ err: original ?? error, requestId: context.requestId, path: error.path }, 'graphql resolver failed');
    return { message: 'Internal server error', ...where, extensions: { code: 'INTERNAL', status: 500, requestId: context.requestId } };
  });
  return { statusCode: 200, response: { data: execution.data ?? null, errors } };
}

/**
 * Whether the request's operation is a mutation (its fields may be under aliases, so the error's path cannot tell).
 * Asked at most once per answer, and only for a field that failed with something other than an ApiError: the document
 * is parsed again there rather than on every request (mercurius keeps its own parse to itself); it ran, so it parses.
 */
function isMutation(context: GraphqlContext): boolean {
  return getOperationAST(parse(context.source), context.operationName)?.operation === 'mutation';
}
