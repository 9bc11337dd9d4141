import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { ApiError } from '../../domain/errors.js';
import type { AppContext } from '../../server/context.js';

/** `/healthz`: the process is up. `/readyz`: the database answers (migrations ran before we listened). */
export async function healthRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.get('/healthz', { config: { public: true }, schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { config: { public: true }, schema: { hide: true } }, async () => {
    try {
      await sql`select 1`.execute(ctx.store.db);
    } catch {
      throw new ApiError('UNAVAILABLE', 'the database does not answer');
    }
    return { status: 'ready' };
  });
}
