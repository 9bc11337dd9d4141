import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type pg from 'pg';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import {
  type AccessCheckEvent, type AuthFailureEvent, type ChangeReceivedEvent, type KeyCacheEvent, type MailEvent,
  type SnapshotBuildEvent, telemetry,
} from '../../domain/telemetry.js';

/** Request latency buckets, seconds: a cached read answers in about a millisecond, a password check in ~100 ms. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
/** Snapshot rebuilds and change-feed delivery, seconds. */
const SLOW_BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The process's Prometheus metrics (prom-client: the Node client Prometheus' own docs list). HTTP requests are
 * observed by the metrics plugin; everything else arrives on the telemetry channels, which this object listens to
 * from construction until close(). Label values are bounded: route templates (never raw URLs), status codes, and
 * the fixed reasons and outcomes of the services.
 */
export class ServerMetrics {
  readonly registry = new Registry();
  readonly #requests = new Counter({
    name: 'ax_http_requests_total', help: 'HTTP requests answered, by method, route template and status code.',
    labelNames: ['method', 'route', 'status'] as const, registers: [this.registry],
  });
  readonly #latency = new Histogram({
    name: 'ax_http_request_duration_seconds', help: 'Time from a request\'s arrival to its answer, by method, route template and status code.',
    labelNames: ['method', 'route', 'status'] as const, buckets: LATENCY_BUCKETS, registers: [this.registry],
  });
  readonly #rateLimited = new Counter({
    name: 'ax_http_rate_limited_total', help: 'Requests answered 429 (failed-authentication limits, password-check concurrency), by route template.',
    labelNames: ['route'] as const, registers: [this.registry],
  });
  readonly #authFailures = new Counter({
    name: 'ax_auth_failures_total', help: 'Failed authentications (API keys, passwords, SSO, OAuth, SCIM tokens), by reason.',
    labelNames: ['reason'] as const, registers: [this.registry],
  });
  readonly #accessChecks = new Counter({
    name: 'ax_access_checks_total', help: 'Authorization decisions of the services: allowed, hidden (404) or forbidden (403).',
    labelNames: ['outcome'] as const, registers: [this.registry],
  });
  readonly #snapshotBuilds = new Histogram({
    name: 'ax_access_snapshot_build_seconds', help: 'Access snapshot rebuilds from the database (load and build), seconds.',
    buckets: SLOW_BUCKETS, registers: [this.registry],
  });
  readonly #keyCache = new Counter({
    name: 'ax_key_cache_lookups_total', help: 'API key verifications by whether the key record was cached (hit) or read from the database (miss).',
    labelNames: ['result'] as const, registers: [this.registry],
  });
  readonly #changeLag = new Histogram({
    name: 'ax_change_feed_lag_seconds', help: 'Delay from another process announcing a change to its delivery here (PostgreSQL deployments).',
    buckets: SLOW_BUCKETS, registers: [this.registry],
  });
  readonly #mails = new Counter({
    name: 'ax_mail_total', help: 'Mails by stage: queued (handed to the mailer), sent, failed.',
    labelNames: ['stage'] as const, registers: [this.registry],
  });
  readonly #subscriptions: [{ name: string | symbol }, (message: unknown) => void][] = [];

  constructor(options: { pool?: pg.Pool | undefined } = {}) {
    // Unprefixed process_* and nodejs_* names: what the usual Node.js dashboards query.
    collectDefaultMetrics({ register: this.registry });
    let mailsInFlight = 0;
    new Gauge({
      name: 'ax_mail_in_flight', help: 'Mails handed to the mailer and not yet sent or failed.',
      registers: [this.registry], collect() { this.set(mailsInFlight); },
    });
    const pool = options.pool;
    if (pool) {
      const gauge = (name: string, help: string, read: () => number) =>
        new Gauge({ name, help, registers: [this.registry], collect() { this.set(read()); } });
      gauge('ax_db_pool_connections', 'PostgreSQL pool connections open (in use and idle).', () => pool.totalCount);
      gauge('ax_db_pool_idle_connections', 'PostgreSQL pool connections open and idle.', () => pool.idleCount);
      gauge('ax_db_pool_waiting_requests', 'Queries waiting for a PostgreSQL pool connection.', () => pool.waitingCount);
    }
    this.#listen(telemetry.keyCache, (e: KeyCacheEvent) => this.#keyCache.inc({ result: e.hit ? 'hit' : 'miss' }));
    this.#listen(telemetry.snapshotBuild, (e: SnapshotBuildEvent) => this.#snapshotBuilds.observe(e.durationMs / 1000));
    this.#listen(telemetry.accessCheck, (e: AccessCheckEvent) => this.#accessChecks.inc({ outcome: e.outcome }));
    this.#listen(telemetry.authFailure, (e: AuthFailureEvent) => this.#authFailures.inc({ reason: e.reason }));
    this.#listen(telemetry.changeReceived, (e: ChangeReceivedEvent) => this.#changeLag.observe(Math.max(0, e.lagMs) / 1000));
    this.#listen(telemetry.mail, (e: MailEvent) => {
      this.#mails.inc({ stage: e.stage });
      mailsInFlight += e.stage === 'queued' ? 1 : -1;
    });
  }

  /** One answered request; `route` is the route template, `seconds` Fastify's elapsed time. */
  observeRequest(method: string, route: string, status: number, seconds: number): void {
    const labels = { method, route, status: String(status) };
    this.#requests.inc(labels);
    this.#latency.observe(labels, seconds);
    if (status === 429) this.#rateLimited.inc({ route });
  }

  /** The exposition text and its content type. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  close(): void {
    for (const [channel, listener] of this.#subscriptions) unsubscribe(channel.name, listener);
    this.#subscriptions.length = 0;
  }

  #listen<E>(channel: { name: string | symbol }, listener: (event: E) => void): void {
    const untyped = listener as (message: unknown) => void;
    subscribe(channel.name, untyped);
    this.#subscriptions.push([channel, untyped]);
  }
}
