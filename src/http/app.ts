import { randomUUID } from 'node:crypto';
import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance } from 'fastify';
import type { AppContext } from '../server/context.js';
import { registerAuth } from './plugins/auth.js';
import { registerConsole } from './plugins/console.js';
import { registerErrorHandling } from './plugins/errors.js';
import { registerValidation } from './plugins/validation.js';
import { routeModules } from './routes/index.js';

/** Secrets never reach the log: auth headers, cookies and token-bearing paths are redacted. */
const REDACT = ['req.headers.authorization', 'req.headers.api_key', 'req.headers.cookie', 'req.headers["x-csrf-token"]'];

function safeUrl(url: string): string {
  return url.replace(/\/(invitations|password-resets|invite|reset)\/[^/?]+/g, '/$1/[REDACTED]');
}

/** `consoleRoot` overrides where the built console is looked for (default `<package root>/dist/web`). */
export async function buildApp(ctx: AppContext, options: { logger?: boolean; consoleRoot?: string } = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger === false ? false : {
      level: ctx.config.logLevel,
      redact: REDACT,
      serializers: {
        req: (req: { method: string; url: string; ip?: string; id?: string }) => ({ method: req.method, url: safeUrl(req.url), ip: req.ip }),
      },
    },
    bodyLimit: ctx.config.bodyLimit,
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    trustProxy: process.env.AX_TRUST_PROXY === 'true',
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    routerOptions: { ignoreTrailingSlash: false, maxParamLength: 500 },
  });
  registerValidation(app);
  registerErrorHandling(app);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  await app.register(cookie);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'ax admin API', version: '2', description: 'Arize REST API v2 admin surface, plus /v2/access and /v2/me.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });
  registerAuth(app, ctx);
  for (const routes of routeModules) await app.register(async (scope) => routes(scope, ctx));
  app.get('/v2/openapi.json', { config: { public: true }, schema: { hide: true } }, async () => app.swagger());
  await registerConsole(app, options.consoleRoot);
  return app;
}
