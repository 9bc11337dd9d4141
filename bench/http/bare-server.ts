// The peer of the HTTP rows: a bare Fastify app in its own process (no auth, no access check, no problem+json
// handler, no logger), answering the same bytes as the subject; with `policies`, the server's answer headers and
// connection deadlines too (B5-policies); with `busyMicros`, some CPU work of its own on each request
// (work-equivalent.ts). Its configuration: bare-server-config.ts.
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';
import { loadConfig } from '../../src/config/config.js';
import { connectionOptions } from '../../src/http/connection-options.js';
import { markAnswer } from '../../src/http/plugins/security-headers.js';
import type { BareServerConfig } from './bare-server-config.js';
import { registerPostgresRoutes } from './bare-postgres-routes.js';

const config = JSON.parse(readFileSync(process.env.BARE_CONFIG!, 'utf8')) as BareServerConfig;
const app = Fastify({ logger: false, ...(config.policies ? connectionOptions(loadConfig({}, {})) : {}) });
if (config.policies) {
  app.addHook('onRequest', (request, reply, done) => {
    markAnswer(request, reply);
    done();
  });
}
const busy = BigInt(Math.round((config.busyMicros ?? 0) * 1000));
/**
 * Spins until `busy` nanoseconds have passed: CPU work only, no I/O and no system call (Node reads the clock through
 * the vDSO); each reading is a small BigInt, young garbage.
 */
const work = () => {
  const until = process.hrtime.bigint() + busy;
  while (process.hrtime.bigint() < until);
};
for (const [name, answer] of Object.entries(config.fixtures)) {
  app.get(`/fixture/${name}`, busy > 0n ? async () => { work(); return answer; } : async () => answer);
}
const closePostgres = config.postgres ? registerPostgresRoutes(app, config.postgres) : async () => {};
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}` })}\n`);
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => void app.close().then(closePostgres).then(() => process.exit(0)));
}
