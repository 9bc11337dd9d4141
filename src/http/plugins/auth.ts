import type { FastifyRequest } from 'fastify';
import { ApiError, forbidden } from '../../domain/errors.js';
import type { Principal } from '../../domain/principal.js';
import type { ServiceDeps } from '../../services/service-deps.js';
import { type AuthenticationAttempt, authenticateKey, authenticateSession, refuseAnonymous } from '../../services/authentication.js';
import { CSRF_HEADER, SESSION_COOKIE } from '../../services/sessions.js';
import { bearerToken } from '../bearer-token.js';
import { requestCookie } from '../cookies.js';

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
  if (auth !== undefined) return bearerToken(auth);
  const legacy = request.headers.api_key;
  return typeof legacy === 'string' ? legacy.trim() : undefined;
}

/**
 * The request as authentication sees it. Its address and operation are read only if asked for (a failure, a key in
 * its grace period): a hot key's request never builds them.
 */
class RequestAttempt implements AuthenticationAttempt {
  constructor(private readonly request: FastifyRequest, private readonly route: string | undefined) {}

  get ip(): string {
    return this.request.ip;
  }

  get operation(): string {
    return `${this.request.method} ${this.route ?? this.request.url.split('?')[0]}`;
  }
}

/**
 * Authenticates every /v2 request, with an API key or the console session cookie (services/authentication.ts:
 * verified first, failures limited and recorded), then calls `done`; request-gate.ts runs it on every request. A
 * session's mutations must carry its CSRF token, and a session whose password must change may only ask who it is.
 * A key the verifier has cached is accepted synchronously, with no promise and no microtask turn on every request.
 */
export function authenticate(ctx: ServiceDeps, request: FastifyRequest, done: (error?: Error) => void): void {
  // Fastify builds a new object on every read of routeOptions: read once.
  const route = request.routeOptions;
  if (route.config.public || !isApiPath(route.url, request.url)) return done();
  const attempt = new RequestAttempt(request, route.url);
  const key = presentedKey(request);
  const principal = key !== undefined ? authenticateKey(ctx, attempt, key, request.raw.socket) : sessionPrincipal(ctx, request, attempt);
  if (principal instanceof Promise) {
    principal.then((known) => {
      request.principal = known;
      done();
    }, done);
    return;
  }
  request.principal = principal;
  done();
}

async function sessionPrincipal(ctx: ServiceDeps, request: FastifyRequest, attempt: AuthenticationAttempt): Promise<Principal> {
  const cookie = requestCookie(request, SESSION_COOKIE);
  if (!cookie) return refuseAnonymous(ctx, attempt);
  const session = await authenticateSession(ctx, attempt, cookie);
  if (request.method !== 'GET' && request.method !== 'HEAD' && request.headers[CSRF_HEADER] !== session.csrfToken) {
    throw forbidden(`missing or wrong ${CSRF_HEADER} header`);
  }
  // A temporary or bootstrap password must be replaced before the console does anything but say who it is.
  if (session.mustChangePassword && !(request.method === 'GET' && request.routeOptions.url === '/v2/me')) {
    throw new ApiError('PASSWORD_CHANGE_REQUIRED', 'choose a new password first (POST /auth/change-password)');
  }
  return session.principal;
}
