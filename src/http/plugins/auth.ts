import type { FastifyInstance, FastifyRequest } from 'fastify';
import { CSRF_HEADER, resolveSession, SESSION_COOKIE } from '../../auth/session-resolver.js';
import { ApiError, forbidden, unauthenticated } from '../../domain/errors.js';
import type { Principal } from '../../domain/principal.js';
import type { AppContext } from '../../server/context.js';
import { FailureLimiter } from './failure-limiter.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
  interface FastifyContextConfig {
    /** Route answers without authentication (health, OpenAPI, console sign-in). */
    public?: boolean;
  }
}

/** Decides on the route's pattern (or the decoded path when no route matched), so `/%762/users` is /v2 too. */
function isApiPath(path: string): boolean {
  let decoded = path;
  try {
    decoded = decodeURIComponent(path);
  } catch { /* a malformed escape: judge the raw text */ }
  return decoded.startsWith('/v2/');
}

/** `Authorization: Bearer <key>`, or the older Arize clients' `api_key: <key>` header. */
function presentedKey(request: FastifyRequest): string | undefined {
  const auth = request.headers.authorization;
  if (auth !== undefined) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    return m ? m[1] : '';
  }
  const legacy = request.headers.api_key;
  return typeof legacy === 'string' ? legacy.trim() : undefined;
}

/**
 * Authenticates every /v2 request (API key or console session cookie). A failure is a 401 that never says why;
 * the reason goes to the audit log (without the key). Too many failures from one IP → 429.
 */
export function registerAuth(app: FastifyInstance, ctx: AppContext): void {
  const limiter = new FailureLimiter(ctx.config.authFailureLimit);

  const recordFailure = async (request: FastifyRequest, reason: string, accountId: number | undefined) => {
    limiter.fail(request.ip);
    await ctx.store.db.insertInto('audit_logs').values({
      account_id: accountId ?? null,
      user_id: null,
      ip: request.ip,
      operation_type: request.method === 'GET' ? 'QUERY' : 'MUTATION',
      operation_name: `AUTHENTICATION_FAILED ${request.method} ${request.routeOptions.url ?? request.url.split('?')[0]}`,
      operation_text: JSON.stringify({ reason }),
      variables: null,
      created_at: new Date().toISOString(),
    }).execute();
  };

  app.addHook('onRequest', async (request) => {
    if (request.routeOptions.config.public || !isApiPath(request.routeOptions.url ?? request.url)) return;
    const retryAfter = limiter.retryAfter(request.ip);
    if (retryAfter > 0) {
      throw new ApiError('RATE_LIMITED', `too many failed authentications from this address; retry in ${retryAfter} s`, {
        headers: { 'retry-after': String(retryAfter) },
      });
    }
    const key = presentedKey(request);
    if (key !== undefined) {
      const result = key ? await ctx.keys.verify(key) : { ok: false as const, failure: 'malformed' as const };
      if (result.ok) {
        request.principal = result.principal;
        return;
      }
      await recordFailure(request, result.failure, 'accountId' in result ? result.accountId : undefined);
      throw unauthenticated('the API key is missing, malformed, unknown, revoked or expired');
    }
    const cookie = request.cookies[SESSION_COOKIE];
    if (cookie) {
      const session = await resolveSession(ctx.store.db, ctx.secrets.tokenKey, cookie);
      if (!session) {
        await recordFailure(request, 'invalid_session', undefined);
        throw unauthenticated('the console session has ended; sign in again');
      }
      if (request.method !== 'GET' && request.method !== 'HEAD' && request.headers[CSRF_HEADER] !== session.csrfToken) {
        throw forbidden(`missing or wrong ${CSRF_HEADER} header`);
      }
      // A temporary or bootstrap password must be replaced before the console does anything but say who it is.
      if (session.mustChangePassword && !(request.method === 'GET' && request.routeOptions.url === '/v2/me')) {
        throw new ApiError('PASSWORD_CHANGE_REQUIRED', 'choose a new password first (POST /auth/change-password)');
      }
      request.principal = session.principal;
      return;
    }
    await recordFailure(request, 'missing', undefined);
    throw unauthenticated('send an API key as Authorization: Bearer <key>');
  });
}
