import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../app.js';

/** Placeholder until its owner lands it. */
export async function scimDiscoveryRoutes(_app: FastifyInstance, _ctx: HttpDeps): Promise<void> {}
