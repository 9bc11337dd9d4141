import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { unauthenticated } from '../../domain/errors.js';
import { bearerToken } from '../bearer-token.js';
import type { ServerMetrics } from './server-metrics.js';

/** Where `/metrics` is answered: on the API's port behind a bearer token, or on a port of its own (AX_METRICS_PORT). */
export interface MetricsExposure {
  /** AX_METRICS_TOKEN: scrapers send `Authorization: Bearer <token>`. */
  readonly token: string | undefined;
  /** AX_METRICS_PORT: a separate listener (on AX_METRICS_HOST) instead of a route of the API. */
  readonly port: number | undefined;
}

/** Requests that matched no route share one label value, so random paths cannot grow the series without bound. */
const UNMATCHED = 'unmatched';

/**
 * Observes every answered request (method, route template, status, latency) and, unless the metrics have a port of
 * their own, answers `GET /metrics` on this app for scrapers presenting the token.
 */
export function registerMetrics(app: FastifyInstance, metrics: ServerMetrics, exposure: MetricsExposure): void {
  app.addHook('onResponse', (request, reply, done) => {
    metrics.observeRequest(request.method, request.routeOptions.url ?? UNMATCHED, reply.statusCode, reply.elapsedTime / 1000);
    done();
  });
  if (exposure.port !== undefined || exposure.token === undefined) return;
  const token = exposure.token;
  app.get('/metrics', { config: { public: true }, schema: { hide: true } }, async (request, reply) => {
    if (!presentsToken(request.headers.authorization, token)) throw unauthenticated('send the metrics token (AX_METRICS_TOKEN) as Authorization: Bearer <token>');
    const { contentType, body } = await metrics.render();
    return reply.type(contentType).header('cache-control', 'no-store').send(body);
  });
}

/**
 * The metrics on a listener of their own (AX_METRICS_PORT), for a scraper on a private network; a token, when also
 * configured, is required there too. Answers only `GET /metrics`.
 */
export async function listenForMetrics(metrics: ServerMetrics, options: { host: string; port: number; token: string | undefined }): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '').split('?')[0];
    if (path !== '/metrics' || (request.method !== 'GET' && request.method !== 'HEAD')) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found: only GET /metrics is served here\n');
      return;
    }
    if (options.token !== undefined && !presentsToken(request.headers.authorization, options.token)) {
      response.writeHead(401, { 'content-type': 'text/plain', 'www-authenticate': 'Bearer' }).end('send the metrics token as Authorization: Bearer <token>\n');
      return;
    }
    metrics.render().then(({ contentType, body }) => {
      response.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' }).end(request.method === 'HEAD' ? undefined : body);
    }, () => response.writeHead(500).end());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    url: `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}/metrics`,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

/** Constant-time: digests of equal length are compared, so the token's length does not leak either. */
function presentsToken(authorization: string | undefined, token: string): boolean {
  const presented = bearerToken(authorization ?? '');
  if (presented === '') return false;
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(presented), digest(token));
}
