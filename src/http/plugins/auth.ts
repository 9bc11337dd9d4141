import type { FastifyInstance, FastifyRequest } from 'fastify';
import { CSRF_HEADER, resolveSession, SESSION_COOKIE } from '../../auth/session-resolver.js';
import { ApiError, forbidden, unauthenticated } from '../../domain/errors.js';
import type { Principal } from '../../domain/principal.js';
import { parseKey } from '../../keys/index.js';
import type { AppContext } from '../../server/context.js';
import { recordAuthenticationFailures } from '../../services/authentication-failures.js';
import { sessionTiming } from '../../services/sessions.js';

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
 * Authenticates every /v2 request (API key or console session cookie). The credential is verified first: a valid
 * one is never refused for what others did from the same address. A failure is a 401 that never says why (the
 * reason goes to the authentication failures, without the key), or a 429 with Retry-After while the address or
 * the presented key id is backing off after too many failures.
 */
export function registerAuth(app: FastifyInstance, ctx: AppContext): void {
  const limits = ctx.authLimits;

  const fail = async (request: FastifyRequest, reason: string, accountId: number | undefined, keyId: string | undefined, detail: string): Promise<never> => {
    const retryAfter = Math.max(limits.keyAddresses.retryAfter(request.ip), keyId === undefined ? 0 : limits.keyIds.retryAfter(keyId));
    limits.keyAddresses.fail(request.ip);
    if (keyId !== undefined) limits.keyIds.fail(keyId);
    await recordAuthenticationFailures(ctx, [{
      accountId: accountId ?? null, ip: request.ip, reason,
      operation: `${request.method} ${request.routeOptions.url ?? request.url.split('?')[0]}`,
    }]);
    if (retryAfter > 0) {
      throw new ApiError('RATE_LIMITED', `too many failed authentications; retry in ${retryAfter} s`, { headers: { 'retry-after': String(retryAfter) } });
    }
    throw unauthenticated(detail);
  };

  app.addHook('onRequest', async (request) => {
    if (request.routeOptions.config.public || !isApiPath(request.routeOptions.url ?? request.url)) return;
    const key = presentedKey(request);
    if (key !== undefined) {
      const result = key ? await ctx.keys.verify(key) : { ok: false as const, failure: 'malformed' as const };
      const keyId = key ? parseKey(key)?.publicId : undefined;
      if (result.ok) {
        if (keyId !== undefined) limits.keyIds.forget(keyId);
        request.principal = result.principal;
        return;
      }
      return fail(request, result.failure, 'accountId' in result ? result.accountId : undefined, keyId,
        'the API key is missing, malformed, unknown, revoked or expired');
    }
    const cookie = request.cookies[SESSION_COOKIE];
    if (cookie) {
      const session = await resolveSession(ctx.store.db, ctx.secrets.tokenKey, cookie, sessionTiming(ctx));
      if (!session) return fail(request, 'invalid_session', undefined, undefined, 'the console session has ended; sign in again');
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
    return fail(request, 'missing', undefined, undefined, 'send an API key as Authorization: Bearer <key>');
  });
}
