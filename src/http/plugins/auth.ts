import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError, forbidden } from '../../domain/errors.js';
import type { Principal } from '../../domain/principal.js';
import type { ServiceDeps } from '../../services/service-deps.js';
import { type AuthenticationAttempt, authenticateKey, authenticateSession, refuseAnonymous } from '../../services/authentication.js';
import { CSRF_HEADER, SESSION_COOKIE } from '../../services/sessions.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
  interface FastifyContextConfig {
    /** Route answers without authentication (health, OpenAPI, console sign-in). */
    public?: boolean;
  }
}

/** Decides on the route's pattern, or on the decoded path when no route matched, so `/%762/users` is /v2 too. */
function isApiPath(route: string | undefined, path: string): boolean {
  if (route !== undefined) return route.startsWith('/v2/');
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
 * Authenticates every /v2 request, with an API key or the console session cookie (services/authentication.ts:
 * verified first, failures limited and recorded). A session's mutations must carry its CSRF token, and a session
 * whose password must change may only ask who it is.
 */
export function registerAuth(app: FastifyInstance, ctx: ServiceDeps): void {
  app.addHook('onRequest', async (request) => {
    if (request.routeOptions.config.public || !isApiPath(request.routeOptions.url, request.url)) return;
    const attempt: AuthenticationAttempt = { ip: request.ip, operation: `${request.method} ${request.routeOptions.url ?? request.url.split('?')[0]}` };
    const key = presentedKey(request);
    if (key !== undefined) {
      request.principal = await authenticateKey(ctx, attempt, key);
      return;
    }
    const cookie = request.cookies[SESSION_COOKIE];
    if (!cookie) return refuseAnonymous(ctx, attempt);
    const session = await authenticateSession(ctx, attempt, cookie);
    if (request.method !== 'GET' && request.method !== 'HEAD' && request.headers[CSRF_HEADER] !== session.csrfToken) {
      throw forbidden(`missing or wrong ${CSRF_HEADER} header`);
    }
    // A temporary or bootstrap password must be replaced before the console does anything but say who it is.
    if (session.mustChangePassword && !(request.method === 'GET' && request.routeOptions.url === '/v2/me')) {
      throw new ApiError('PASSWORD_CHANGE_REQUIRED', 'choose a new password first (POST /auth/change-password)');
    }
    request.principal = session.principal;
  });
}
