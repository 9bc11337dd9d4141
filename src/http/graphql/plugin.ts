import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { GraphQLError as GraphQLErrorType } from 'graphql';
import { getOperationAST, GraphQLError, NoSchemaIntrospectionCustomRule, parse, printSchema } from './graphql-js.js';
import mercurius from 'mercurius';
import { ApiError } from '../../domain/errors.js';
import { databaseUnavailable } from '../../services/database-unavailable.js';
import type { ServiceDeps } from '../../services/service-deps.js';
import { authenticateGraphql } from './authenticate.js';
import type { GraphqlContext } from './context.js';
import { clientError, documentErrors, errorBody, formatExecutionErrors, transportError } from './errors.js';
import { DocumentRefused, limitRules, refuseTooComplex } from './limits.js';
import { batchedFields } from './batched-fields.js';
import { loaders } from './loaders.js';
import { bracketsNestDeeperThan } from './nesting.js';
import { nulStringsRule } from './nul-strings.js';
import { mutationResolvers } from './mutations.js';
import { queryResolvers } from './queries.js';
import { samlResolvers } from './saml.js';
import { DateTime } from './scalars.js';
import { typeDefs } from './type-defs.js';

/** The longest document accepted (the body as a whole keeps the server's 1 MiB). */
export const MAX_QUERY_BYTES = 64 * 1024;
/** Bracket nesting a document may have: far past the depth limit (12 fields) and introspection's type references. */
const MAX_NESTING = 64;

export interface GraphqlSettings {
  /** AX_GRAPHIQL: serve mercurius's GraphiQL at /graphiql. */
  readonly graphiql: boolean;
  /** AX_GRAPHQL_INTROSPECTION: answer `__schema` / `__type`. */
  readonly graphqlIntrospection: boolean;
}

/** Resolver maps merged type by type: a type's fields may come from several of them. */
function byType(...maps: Record<string, object>[]): Record<string, Record<string, unknown>> {
  const merged: Record<string, Record<string, unknown>> = {};
  for (const map of maps) for (const [type, fields] of Object.entries(map)) merged[type] = { ...merged[type], ...fields };
  return merged;
}

interface GraphqlRequest { query: string; variables: Record<string, unknown> | undefined; operationName: string | undefined }

/** The fields a request may have (graphql-over-http); `extensions` is accepted and not read. */
const REQUEST_FIELDS = new Set(['query', 'variables', 'operationName', 'extensions']);
/** A document of white space only is no document (`\s` is the set `trim()` removes). */
const NOT_BLANK = /\S/;

function badRequest(detail: string): ApiError {
  return new ApiError('BAD_REQUEST', detail);
}

/** `{query, variables?, operationName?}` from a POST body or a GET query string; anything else is a 400. */
function graphqlRequest(raw: unknown, variablesAreJson: boolean): GraphqlRequest {
  if (Array.isArray(raw)) throw badRequest('batched queries are not supported: send one {"query": …} object per request');
  if (raw === null || typeof raw !== 'object') throw badRequest('send a JSON object {"query", "variables"?, "operationName"?}');
  const fields = raw as Record<string, unknown>;
  // Checked name by name: a rest pattern (`...rest`) copied the body into a new object on every request.
  const unknown = Object.keys(fields).find((name) => !REQUEST_FIELDS.has(name));
  if (unknown !== undefined) throw badRequest(`unknown field ${JSON.stringify(unknown)}`);
  const { query, variables, operationName } = fields;
  if (typeof query !== 'string' || !NOT_BLANK.test(query)) throw badRequest('query: the GraphQL document is required');
  // UTF-8 takes at most 3 bytes per UTF-16 unit: a shorter document is not counted.
  if (query.length * 3 > MAX_QUERY_BYTES && Buffer.byteLength(query) > MAX_QUERY_BYTES) throw badRequest(`query: the document is longer than ${MAX_QUERY_BYTES} bytes`);
  if (bracketsNestDeeperThan(query, MAX_NESTING)) throw badRequest(`query: the document nests selections, arguments or lists more than ${MAX_NESTING} levels deep`);
  let vars: unknown = variables ?? undefined;
  if (variablesAreJson && typeof vars === 'string') {
    try {
      vars = JSON.parse(vars);
    } catch {
      throw badRequest('variables: not valid JSON');
    }
  }
  if (vars !== undefined && vars !== null && (typeof vars !== 'object' || Array.isArray(vars))) throw badRequest('variables: must be a JSON object');
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') throw badRequest('operationName: must be a string');
  return { query, variables: (vars ?? undefined) as Record<string, unknown> | undefined, operationName: operationName ?? undefined };
}

/**
 * GET runs queries only: a mutation is refused before anything runs, HTTP 405 with the transport's code `BAD_REQUEST`
 * (graphql.md §7 puts it in that row) and `Allow: POST`, the method that takes it (RFC 9110 §15.5.6). A document that
 * does not parse is left to mercurius's answer.
 */
function refuseGetMutation(request: GraphqlRequest, reply: FastifyReply): FastifyReply | undefined {
  let document;
  try {
    document = parse(request.query);
  } catch {
    return undefined;
  }
  const operation = getOperationAST(document, request.operationName);
  if (!operation) throw badRequest('operationName: name one operation of the document (it has several, or none of that name)');
  if (operation.operation === 'query') return undefined;
  return reply.code(405).header('allow', 'POST').send(errorBody(`a ${operation.operation} must be sent with POST`, { code: 'BAD_REQUEST', status: 405 }));
}

/** Mercurius's errors for a document refused before it ran, as our 400 (405 for its GET check). */
function isDocumentError(error: unknown): error is Error & { code: string; errors?: GraphQLErrorType[] } {
  const code: unknown = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.startsWith('MER_ERR_');
}

/**
 * `/graphql`: GraphQL over the services of `/v2` (docs/graphql.md). Mercurius parses, validates (with our limits),
 * runs the document, the nested fields batched (batched-fields.ts); this plugin owns the transport: authentication, one
 * query per request, GET for queries only, the document's size, and every answer's GraphQL-shaped body.
 */
export async function registerGraphql(app: FastifyInstance, ctx: ServiceDeps, settings: GraphqlSettings): Promise<void> {
  await app.register(async (scope) => {
    await scope.register(mercurius, {
      schema: typeDefs,
      resolvers: byType(queryResolvers, { DateTime }, samlResolvers, mutationResolvers, batchedFields(loaders)) as never,
      routes: false,
      graphiql: false,
      // Static rules: mercurius keeps each document's parse and verdict (its LRU cache), refusals included.
      validationRules: [...limitRules, nulStringsRule, ...(settings.graphqlIntrospection ? [] : [NoSchemaIntrospectionCustomRule])],
      errorFormatter: (execution, context) => formatExecutionErrors(execution, context as unknown as GraphqlContext),
      allowBatchedQueries: false,
      jit: 1,
    });

    // The complexity depends on the variables (`first: $n`), so it runs for each request, on the cached document.
    scope.graphql.addHook('preExecution', (schema, document, _context, variables) => {
      refuseTooComplex(schema, document, variables as Record<string, unknown> | undefined);
      return Promise.resolve();
    });

    scope.setErrorHandler((error: FastifyError, request, reply) => {
      // Nothing of the document has run here: a database failure is a read's.
      const unavailable = databaseUnavailable(error, { write: false, log: request.log });
      const apiError = error instanceof ApiError ? error : clientError(error) ?? unavailable;
      if (apiError) {
        const answer = transportError(apiError);
        if (answer.headers) void reply.headers(answer.headers);
        return reply.code(answer.status).send(answer.body);
      }
      request.log.error({ err: error }, 'unhandled error');
      return reply.code(500).send({ errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL', requestId: request.id } }] });
    });

    const run = async (request: FastifyRequest, reply: FastifyReply, raw: unknown, viaGet: boolean) => {
      const principal = await authenticateGraphql(ctx, request);
      const parsed = graphqlRequest(raw, viaGet);
      const refused = viaGet ? refuseGetMutation(parsed, reply) : undefined;
      if (refused) return refused;
      const context: GraphqlContext = {
        deps: ctx, principal, ip: request.ip, requestId: request.id, source: parsed.query, operationName: parsed.operationName,
        variables: parsed.variables, spaces: new Map(), batches: new Map(),
      };
      try {
        return await reply.graphql(parsed.query, context as never, parsed.variables, parsed.operationName);
      } catch (error) {
        if (error instanceof DocumentRefused) return reply.code(400).send(documentErrors(error.errors));
        if (!isDocumentError(error)) throw error;
        const errors = error.errors ?? [new GraphQLError(error.message)];
        return reply.code(400).send(documentErrors(errors));
      }
    };

    scope.post('/graphql', { schema: { hide: true, body: {} } }, (request, reply) => run(request, reply, request.body, false));
    scope.get('/graphql', {
      schema: {
        hide: true,
        querystring: { type: 'object', properties: { query: { type: 'string' }, variables: { type: 'string' }, operationName: { type: 'string' } } },
      },
    }, (request, reply) => run(request, reply, request.query, true));

    // Other methods: the endpoint exists, so 405 naming the two it takes (RFC 9110 §15.5.6), in GraphQL's shape,
    // answered on the request's headers (before the route's refusal of a body it would not read anyway).
    const refuseMethod = async (request: FastifyRequest, reply: FastifyReply) => {
      if (request.headers['content-length'] !== undefined || request.headers['transfer-encoding'] !== undefined) void reply.header('connection', 'close');
      return reply.code(405).header('allow', 'GET, POST')
        .send(errorBody(`${request.method} is not served here: send a query with GET or POST, a mutation with POST`, { code: 'BAD_REQUEST', status: 405 }));
    };
    scope.route({ method: ['PUT', 'PATCH', 'DELETE'], url: '/graphql', schema: { hide: true }, onRequest: refuseMethod, handler: refuseMethod });

    const sdl = printSchema(scope.graphql.schema);
    scope.get('/graphql/schema.graphql', { schema: { hide: true } }, async (request, reply) => {
      await authenticateGraphql(ctx, request);
      return reply.type('text/plain; charset=utf-8').send(sdl);
    });

    if (settings.graphiql) await registerGraphiql(scope);
  });
}

/** Mercurius's GraphiQL page and scripts (they load GraphiQL itself from a CDN); public: the key is pasted into its headers. */
async function registerGraphiql(scope: FastifyInstance): Promise<void> {
  const dir = join(dirname(createRequire(import.meta.url).resolve('mercurius/package.json')), 'static');
  const files = { '/graphiql': ['graphiql.html', 'text/html'], '/graphiql/main.js': ['main.js', 'application/javascript'], '/graphiql/sw.js': ['sw.js', 'application/javascript'] };
  for (const [path, [file, type]] of Object.entries(files)) {
    const body = await readFile(join(dir, file!), 'utf8');
    scope.get(path, { schema: { hide: true } }, (_request, reply) => reply.type(`${type}; charset=utf-8`).send(body));
  }
  const config = 'window.GRAPHQL_ENDPOINT = \'/graphql\';\nwindow.GRAPHIQL_PLUGIN_LIST = []';
  scope.get('/graphiql/config.js', { schema: { hide: true } }, (_request, reply) => reply.type('application/javascript; charset=utf-8').send(config));
}
