import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { refusedAuthorizeParameter } from '../../services/oauth/authorize-precheck.js';
import { recordOAuthFailure } from '../../services/oauth/oauth-audit.js';
import type { HttpDeps } from '../app.js';
import { oauthProvider } from '../oauth-provider.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route hands the raw request to another handler (the OAuth server): Fastify reads neither body nor query. */
    passthrough?: boolean;
  }
}

/** The RFC 6749 §5.2 error body, for answers this layer gives before the OAuth server sees the request. */
function sendOAuthError(reply: FastifyReply, status: number, error: string, description: string, headers: Record<string, string> = {}): FastifyReply {
  return reply.code(status).headers({ 'cache-control': 'no-store', ...headers }).type('application/json').send({ error, error_description: description });
}

/**
 * The OAuth 2.0 authorization server of `ax auth login` (identity.md §6), on the API's host and port: oidc-provider
 * answers `/oauth2/*` and the discovery documents. Mounted as it documents for other frameworks: this scope reads
 * no body (the provider parses its own forms), the request is hijacked and handed over raw. The provider is built at
 * the first request, when the public URL (its issuer) is known.
 */
export async function registerOAuthServer(app: FastifyInstance, ctx: HttpDeps): Promise<void> {
  const handOver = async (request: FastifyRequest, reply: FastifyReply, rewrite?: string) => {
    const oauth = await oauthProvider(ctx);
    const path = request.url.split('?', 1)[0];
    if (request.method === 'POST' && path === '/oauth2/token') {
      const retryAfter = ctx.authLimits.keyAddresses.retryAfter(request.ip);
      if (retryAfter > 0) {
        return sendOAuthError(reply, 429, 'slow_down', `too many failed requests from this address; retry in ${retryAfter} s`, { 'retry-after': String(retryAfter) });
      }
    }
    if (request.method === 'GET' && path === '/oauth2/authorize') {
      const refusal = refusedAuthorizeParameter(new URL(request.url, 'http://x').searchParams, oauth.issuer);
      if (refusal) {
        await recordOAuthFailure(ctx, { ip: request.ip, error: refusal.error, operation: 'GET /oauth2/authorize' });
        return reply.redirect(refusal.redirectTo, 302);
      }
    }
    if (rewrite !== undefined) request.raw.url = rewrite;
    reply.hijack();
    reply.raw.setHeader('x-request-id', request.id);
    reply.raw.setHeader('x-content-type-options', 'nosniff');
    oauth.callback()(request.raw, reply.raw);
  };

  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, _payload, done) => done(null));
    const config = { public: true, passthrough: true };
    const methods = ['GET', 'POST', 'OPTIONS', 'HEAD'] as const;
    scope.route({ method: [...methods], url: '/oauth2/*', config, schema: { hide: true }, handler: (request, reply) => handOver(request, reply) });
    scope.route({ method: ['GET', 'HEAD', 'OPTIONS'], url: '/.well-known/openid-configuration', config, schema: { hide: true }, handler: (request, reply) => handOver(request, reply) });
    // RFC 8414's name for the same document (Phoenix's CLI probes it to detect support).
    scope.route({
      method: ['GET', 'HEAD', 'OPTIONS'], url: '/.well-known/oauth-authorization-server', config, schema: { hide: true },
      handler: (request, reply) => handOver(request, reply, '/.well-known/openid-configuration'),
    });
  });
}
