import pino, { type Logger } from 'pino';
import { IdentityProviderLookup } from '../store/identity-provider-lookup.js';
import type { ConfigOverrides } from '../config/config.js';
import { loadConfiguration } from '../config/config-file.js';
import { claimDataDir } from '../store/data-dir-owner.js';
import { bootstrap, createFirstProfile } from './bootstrap.js';
import { logDestination } from './log-destination.js';
import { startTracing } from './tracing.js';
import { type AppContext, createContext } from './context.js';
import { registerTestClock, ShiftableClock } from './test-clock.js';
import { holdTickObjectShape } from './steady-tick-shape.js';
import { buildApp } from '../http/app.js';
import { listenForMetrics } from '../http/metrics/metrics-plugin.js';

export interface StartedServer {
  url: string;
  /** The process's context (store, caches), for in-process tests and embedding. */
  context: AppContext;
  /** The metrics listener's `/metrics` URL, when AX_METRICS_PORT gives them a port of their own. */
  metricsUrl: string | undefined;
  close(): Promise<void>;
}

/**
 * `ax serve` / `npm start`: migrate, bootstrap on an empty database, listen. SIGTERM/SIGINT stop accepting
 * connections, let in-flight requests finish, then close the database.
 */
export async function startServer(
  overrides: ConfigOverrides & { configFile?: string | undefined; handleSignals?: boolean; env?: NodeJS.ProcessEnv } = {},
): Promise<StartedServer> {
  holdTickObjectShape();
  const env = overrides.env ?? process.env;
  const { config } = loadConfiguration(overrides, env);
  const logStream = await logDestination(config.logFormat);
  const log = pino({ level: config.logLevel }, logStream);
  const stopTracing = await startTracing(config.tracesEndpoint);
  const ctx = await createContext(config, log);
  // SQLite: one server per data directory, and `ax admin restore` refuses while it runs.
  let releaseDataDir: (() => void) | undefined;
  try {
    releaseDataDir = ctx.store.dialect === 'sqlite' ? claimDataDir(config.dataDir) : undefined;
  } catch (error) {
    await ctx.close();
    await stopTracing?.();
    throw error;
  }
  const metricsOn = config.metricsToken !== undefined || config.metricsPort !== undefined;
  // prom-client is loaded only when the metrics are on: a server without them does not hold its registry's code.
  const metrics = metricsOn ? new (await import('../http/metrics/server-metrics.js')).ServerMetrics({ pool: ctx.store.pool }) : undefined;
  const exposure = { token: config.metricsToken, port: config.metricsPort };
  const app = await buildApp(ctx, { ...(metrics ? { metrics: { metrics, exposure } } : {}), ...(logStream ? { logStream } : {}), tracing: stopTracing !== undefined });
  let metricsListener: { url: string; close(): Promise<void> } | undefined;
  if (config.testClock) {
    const clock = new ShiftableClock();
    ctx.clock = clock;
    registerTestClock(app, clock);
    log.warn('AX_TEST_CLOCK=1: this server\'s clock can be moved forward by POST /__test/clock (for tests only)');
  }
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      await app.close();
      await metricsListener?.close();
      metrics?.close();
      await ctx.close();
      releaseDataDir?.();
      await stopTracing?.();
    })();
    return closing;
  };
  try {
    const bootstrapped = await bootstrap(ctx);
    await app.listen({ host: config.host, port: config.port });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
    if (config.publicUrlIsListenUrl) {
      config.publicUrl = url;
      await warnOfSsoWithoutPublicUrl(new IdentityProviderLookup(ctx.store.db), log, url);
    }
    if (bootstrapped) createFirstProfile(log, new URL(url), bootstrapped.adminKey, env);
    if (metrics && config.metricsPort !== undefined) {
      metricsListener = await listenForMetrics(metrics, { host: config.metricsHost, port: config.metricsPort, token: config.metricsToken });
    }
    log.info({ url, database: ctx.store.dialect, ...(metricsListener ? { metrics: metricsListener.url } : {}) }, 'ax server ready');
    if (overrides.handleSignals !== false) {
      for (const signal of ['SIGTERM', 'SIGINT'] as const) {
        process.once(signal, () => {
          log.info({ signal }, 'shutting down: finishing in-flight requests');
          close().then(() => process.exit(0), (error) => {
            log.error({ err: error }, 'shutdown failed');
            process.exit(1);
          });
        });
      }
    }
    return { url, metricsUrl: metricsListener?.url, context: ctx, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * identity.md §1.3: the public URL is every IdP's SP EntityID, ACS and redirect base, so a server with identity
 * providers and no AX_PUBLIC_URL (the listen URL stands in, and changes with the port or host) says so at start.
 */
async function warnOfSsoWithoutPublicUrl(providers: IdentityProviderLookup, log: Logger, listenUrl: string): Promise<void> {
  if (!(await providers.anyLive())) return;
  log.warn({ publicUrl: listenUrl }, 'AX_PUBLIC_URL is not set but identity providers exist: their SP Entity ID, ACS and redirect URLs use the listen URL, and change with it; set AX_PUBLIC_URL to the URL browsers use');
}
