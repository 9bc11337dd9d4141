import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../app.js';

/** Placeholder until its owner lands it. */
export async function scimUserRoutes(_app: FastifyInstance, _ctx: HttpDeps): Promise<void> {}
