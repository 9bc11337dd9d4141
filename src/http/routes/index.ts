import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../server/context.js';
import { healthRoutes } from './health.js';
import { meRoutes } from './me.js';
import { organizationRoutes } from './organizations.js';

/** Every route module of the server; a new resource adds its module here. */
export const routeModules: ((app: FastifyInstance, ctx: AppContext) => Promise<void>)[] = [
  healthRoutes,
  meRoutes,
  organizationRoutes,
];
