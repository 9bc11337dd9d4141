import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance } from 'fastify';
import type { DestinationStream } from 'pino';
import type { ServiceDeps, ServiceSettings } from '../services/service-deps.js';
import { connectionOptions, type ConnectionDeadlines } from './connection-options.js';
import { RequestLogController } from './request-log-controller.js';
import { httpLogging } from './http-logger.js';
import { type MetricsExposure, registerMetrics } from './metrics/metrics-plugin.js';
import type { ServerMetrics } from './metrics/server-metrics.js';
import { registerBodyLimits } from './plugins/body-limits.js';
import { registerConsole } from './plugins/console.js';
import { registerErrorHandling, sendFrameworkProblem, writeClientErrorProblem } from './plugins/errors.js';
import { type GraphqlSettings, registerGraphql } from './graphql/plugin.js';
import { registerJsonBodyParser } from './plugins/json-body-parser.js';
import { registerOAuthServer } from './plugins/oauth-server.js';
import { registerQueryGuard } from './plugins/query-guard.js';
import { registerRequestGate } from './plugins/request-gate.js';
import { registerScim } from './plugins/scim.js';
import { registerSerialization } from './plugins/serialization.js';
import { registerValidation } from './plugins/validation.js';
import { routeModules } from './routes/index.js';
import { finishOpenApiDocument } from './openapi-document.js';

/** The settings the HTTP server is built with (the process's configuration has them, among others). */
export interface HttpSettings extends ConnectionDeadlines {
  readonly logLevel: string;
  readonly bodyLimit: number;
  readonly trustProxy: boolean;
  /** false: requests to /healthz and /readyz are not logged. */
  readonly logHealthChecks?: boolean;
  /** The share (0..1) of successful requests logged; errors always are. */
  readonly logSampleRate?: number;
}

/** What the HTTP layer is built from: the services' dependencies, and the settings of both. */
export interface HttpDeps extends ServiceDeps {
  config: ServiceSettings & HttpSettings & GraphqlSettings;
}

/** `consoleRoot` overrides where the built console is looked for (default `<package root>/dist/web`). */
export async function buildApp(
  ctx: HttpDeps,
  options: {
    logger?: boolean;
    consoleRoot?: string;
    metrics?: { metrics: ServerMetrics; exposure: MetricsExposure };
    /** Where log lines go instead of stdout as JSON (a terminal's readable format). */
    logStream?: DestinationStream;
    /** A span per request and per route handler (OpenTelemetry; the process registered a tracer provider). */
    tracing?: boolean;
  } = {},
): Promise<FastifyInstance> {
  const logging = options.logger === false ? undefined : httpLogging(ctx.config.logLevel, options.logStream);
  const app = Fastify({
    ...(logging ? logging.options : { logger: false }),
    // Load balancers and orchestrators probe these every few seconds: their request lines can be left out.
    logController: new RequestLogController({ logHealthChecks: ctx.config.logHealthChecks !== false, sampleRate: ctx.config.logSampleRate ?? 1 }),
    bodyLimit: ctx.config.bodyLimit,
    ...connectionOptions(ctx.config),
    trustProxy: ctx.config.trustProxy,
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    routerOptions: { ignoreTrailingSlash: false, maxParamLength: 500 },
    // A path the router cannot take (bad percent-encoding, a parameter over maxParamLength) is answered before any
    // hook or error handler runs; without this Fastify writes a JSON body of its own.
    frameworkErrors: sendFrameworkProblem,
    // What Node's parser refuses before that (headers over 16 KiB, a request that never finished) too.
    clientErrorHandler: writeClientErrorProblem,
  });
  // Built without a logger of its own (http-logger.ts): the app and its plugins log to the same logger as requests.
  if (logging && !logging.fastifyHasLogger) app.log = logging.log;
  // First: its onRoute hook must see every route.
  // Loaded only then: a server without tracing never loads @opentelemetry/api.
  if (options.tracing) (await import('./tracing/request-tracing.js')).registerRequestTracing(app);
  registerValidation(app);
  registerSerialization(app);
  registerErrorHandling(app);
  registerJsonBodyParser(app);
  // The query's check before the body's, as the route's own onRequest hooks (both after authentication).
  registerQueryGuard(app);
  registerBodyLimits(app);
  registerRequestGate(app, ctx, logging?.requestLog);
  if (options.metrics) registerMetrics(app, options.metrics.metrics, options.metrics.exposure);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'ax admin API', version: '2', description: 'Arize REST API v2 admin surface, plus /v2/access and /v2/me.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transformObject: finishOpenApiDocument,
  });
  for (const routes of routeModules) await app.register(async (scope) => routes(scope, ctx));
  await registerOAuthServer(app, ctx);
  await registerScim(app, ctx);
  await registerGraphql(app, ctx, ctx.config);
  app.get('/v2/openapi.json', { config: { public: true }, schema: { hide: true } }, async () => app.swagger());
  await registerConsole(app, options.consoleRoot);
  return app;
}
