import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../../domain/errors.js';
import { ScimError } from '../../domain/scim-error.js';
import { databaseUnavailable } from '../../services/database-unavailable.js';
import { authenticateScimToken } from '../../services/scim/scim-authentication.js';
import type { ScimCaller } from '../../services/scim/scim-caller.js';
import { recordScimError } from '../../services/scim/scim-errors-log.js';
import { ScimResourceQuery } from '../../wire/scim.js';
import type { HttpDeps } from '../app.js';
import { bearerToken } from '../bearer-token.js';
import { writes } from './errors.js';
import { scimDiscoveryRoutes } from '../routes/scim-discovery.js';
import { scimGroupRoutes } from '../routes/scim-groups.js';
import { scimUserRoutes } from '../routes/scim-users.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The directory a `/scim/v2` request comes from (its SCIM token's identity provider). */
    scimCaller?: ScimCaller;
  }
}

export const SCIM_CONTENT_TYPE = 'application/scim+json';
/** identity.md §5.1: SCIM bodies up to 1 MiB (a group with thousands of members). */
const SCIM_BODY_LIMIT = 1024 * 1024;
const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** Writes RFC 7644 §3.12's error body; `status` is a string there. */
function sendScimError(reply: FastifyReply, error: ScimError): FastifyReply {
  if (error.headers) reply.headers(error.headers);
  const body = { schemas: [ERROR_SCHEMA], status: String(error.status), ...(error.scimType ? { scimType: error.scimType } : {}), detail: error.detail };
  return reply.code(error.status).type(SCIM_CONTENT_TYPE).send(JSON.stringify(body));
}

/** Every failure inside `/scim/v2` as a SCIM error: the API's own errors and Fastify's keep their status. */
function asScimError(error: FastifyError): ScimError | undefined {
  if (error instanceof ScimError) return error;
  if (error.validation) {
    const first = error.validation[0];
    const where = `${error.validationContext ?? 'body'}${first?.instancePath ? first.instancePath.replace(/\//g, '.') : ''}`;
    return new ScimError(400, `${where}: ${first?.message ?? 'is invalid'}`, 'invalidSyntax');
  }
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return new ScimError(413, `request body is larger than ${SCIM_BODY_LIMIT} bytes`);
  if (error.code?.startsWith('FST_ERR_CTP_') || error instanceof SyntaxError) return new ScimError(400, error.message, 'invalidSyntax');
  if (error instanceof ApiError) {
    const status = error.status as ScimError['status'];
    return new ScimError(status, error.detail ?? error.title, error.status === 400 ? 'invalidSyntax' : undefined, error.headers);
  }
  if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) return new ScimError(400, error.message, 'invalidSyntax');
  return undefined;
}

function bearerOf(request: FastifyRequest): string | undefined {
  const auth = request.headers.authorization;
  return auth === undefined ? undefined : bearerToken(auth);
}

/**
 * `/scim/v2` (identity.md §5): RFC 7644 for directories. Its own scope: bodies are `application/scim+json` or
 * `application/json` up to 1 MiB, answers are `application/scim+json`, every error has SCIM's body (not
 * problem+json), and every route but discovery needs a SCIM token (API keys and OAuth tokens are refused here; SCIM
 * tokens are refused everywhere else because nothing else knows them).
 */
export async function registerScim(app: FastifyInstance, ctx: HttpDeps): Promise<void> {
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(['application/json', SCIM_CONTENT_TYPE], { parseAs: 'string', bodyLimit: SCIM_BODY_LIMIT }, (_request, body, done) => {
      try {
        done(null, JSON.parse(body as string));
      } catch {
        done(new ScimError(400, 'the body is not valid JSON', 'invalidSyntax'));
      }
    });
    scope.setErrorHandler(async (error: FastifyError, request, reply) => {
      let scim = asScimError(error);
      const unavailable = scim ? undefined : databaseUnavailable(error, { write: writes(request), log: request.log });
      if (unavailable) {
        scim = new ScimError(503, unavailable.detail ?? unavailable.title, undefined, unavailable.headers);
      } else if (!scim) {
        request.log.error({ err: error }, 'unhandled error');
        scim = new ScimError(500, 'internal error; the request was not applied');
      }
      // What the Provisioning tab lists: a directory's refused requests (a lookup of an absent resource is no failure).
      // Not while the database does not answer: the record could not be written either.
      if (request.scimCaller && !unavailable && !(request.method === 'GET' && scim.status === 404)) {
        await recordScimError(ctx, request.scimCaller, {
          method: request.method, route: request.routeOptions.url ?? request.url.split('?', 1)[0]!, status: scim.status, scimType: scim.scimType, detail: scim.detail,
        });
      }
      return sendScimError(reply, scim);
    });
    scope.addHook('onRequest', async (request) => {
      if (request.routeOptions.config.public) return;
      request.scimCaller = await authenticateScimToken(ctx, { ip: request.ip, operation: `${request.method} ${request.routeOptions.url ?? request.url.split('?', 1)[0]}` }, bearerOf(request));
    });
    scope.addHook('onSend', async (_request, reply, payload) => {
      const type = reply.getHeader('content-type');
      if (typeof type === 'string' && type.startsWith('application/json')) reply.type(SCIM_CONTENT_TYPE);
      return payload;
    });

    await scimDiscoveryRoutes(scope, ctx);
    await scimUserRoutes(scope, ctx);
    await scimGroupRoutes(scope, ctx);

    const notImplemented = async () => { throw new ScimError(501, 'not supported by this server (ServiceProviderConfig says which features are)'); };
    const notFound = async (request: FastifyRequest) => { throw new ScimError(404, `no SCIM endpoint ${request.method} ${request.url.split('?', 1)[0]}`); };
    const open = { config: { public: true }, schema: { hide: true, querystring: ScimResourceQuery } };
    // A directory sends its BulkRequest or SearchRequest as the body (or a resource to a path that does not take it):
    // any body is read and ignored, so the answer is still the 501 or 404 (a route without a body schema would refuse
    // it with a 400). GET, HEAD and TRACE take no body.
    const bodyless = ['GET', 'HEAD', 'TRACE'];
    const anyBody = { ...open, schema: { ...open.schema, body: {} } };
    const answerEveryMethod = (url: string, handler: (request: FastifyRequest) => Promise<never>) => {
      scope.route({ method: bodyless, url, ...open, handler });
      scope.route({ method: scope.supportedMethods.filter((m) => !bodyless.includes(m)), url, ...anyBody, handler });
    };
    for (const url of ['/Bulk', '/Me', '/.search', '/Users/.search', '/Groups/.search']) answerEveryMethod(url, notImplemented);
    answerEveryMethod('/*', notFound);
  }, { prefix: '/scim/v2' });
}
