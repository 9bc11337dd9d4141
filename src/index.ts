/**
 * ax-admin-plane: the server, embeddable in another Node process. The authorization engine and the typed client
 * are their own entry points, `ax-admin-plane/access` and `ax-admin-plane/client`.
 *
 * @example
 * import { startServer } from 'ax-admin-plane';
 * const server = await startServer({ port: 0, dataDir: './data' });
 * console.log(`serving at ${server.url}`);
 * await server.close();
 */
export { startServer } from './server/start-server.js';
export type { StartedServer } from './server/start-server.js';
export type { ConfigOverrides } from './config/config.js';
