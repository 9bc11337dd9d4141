import type { FastifyInstance } from 'fastify';
import { requireDatabaseReady } from '../../services/readiness.js';
import type { ServiceDeps } from '../../services/service-deps.js';
import { traceServices } from '../tracing/service-tracing.js';

const readinessService = traceServices('readiness', { requireDatabaseReady });
/** `/healthz`: the process is up. `/readyz`: the database answers (migrations ran before we listened). */
export async function healthRoutes(app: FastifyInstance, ctx: ServiceDeps): Promise<void> {
  app.get('/healthz', { config: { public: true }, schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { config: { public: true }, schema: { hide: true } }, async () => {
    await readinessService.requireDatabaseReady(ctx);
    return { status: 'ready' };
  });
}
