import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../src/server/start-server.js';
import { createTestDatabase } from '../helpers/database.js';
import { createUserWithKey } from '../helpers/fixtures.js';
import { createOrganization, createSpace } from '../helpers/hierarchy.js';
import { REPO_ROOT, startTestServer, type TestServer } from '../helpers/server.js';

const TOKEN = 'metrics-token-0123456789abcdef';

/** `name{labels}` → value, for every sample of a Prometheus text exposition. */
function parseExposition(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    samples.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return samples;
}

/** The sum of every sample named `name` whose labels include all of `labels`. */
function sum(samples: Map<string, number>, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  for (const [key, value] of samples) {
    const brace = key.indexOf('{');
    if ((brace < 0 ? key : key.slice(0, brace)) !== name) continue;
    if (Object.entries(labels).every(([label, v]) => key.includes(`${label}="${v}"`))) total += value;
  }
  return total;
}

describe('GET /metrics behind AX_METRICS_TOKEN', () => {
  let server: TestServer;
  const scrape = async () => {
    const res = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return parseExposition(await res.text());
  };

  beforeAll(async () => {
    server = await startTestServer({ env: { AX_METRICS_TOKEN: TOKEN, AX_AUTH_FAILURE_LIMIT: '3' } });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('answers 401 in the API\'s error shape without the token or with another one', async () => {
    const attempts: Record<string, string>[] = [{}, { authorization: 'Bearer not-the-metrics-token' }, { authorization: `Bearer ${server.adminKey}` }];
    for (const headers of attempts) {
      const res = await fetch(`${server.url}/metrics`, { headers });
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toMatch(/problem\+json/);
      expect((await res.json()).code).toBe('UNAUTHENTICATED');
    }
  });

  it('moves request, key cache, access, snapshot, auth failure, rate limit and mail metrics under a scripted workload', async () => {
    const member = await createUserWithKey(server, { email: 'metrics-member@example.com' });
    const orgId = await createOrganization(server, 'metrics-org');
    const spaceId = await createSpace(server, orgId, 'metrics-space', { isPrivate: true });
    const before = await scrape();

    for (let i = 0; i < 3; i++) expect((await server.api('GET', '/v2/me')).status).toBe(200);
    expect((await server.api('GET', `/v2/spaces/${spaceId}`)).status).toBe(200);
    // The member cannot see the private space: a "hidden" decision, answered 404.
    expect((await server.api('GET', `/v2/spaces/${spaceId}`, { key: member.key })).status).toBe(404);
    // A change that declares no edits to the account's access: its snapshot is rebuilt at the next check.
    server.context!.changes.deliverHere({ accountId: 1 });
    expect((await server.api('GET', `/v2/spaces/${spaceId}`)).status).toBe(200);
    const invited = await server.api('POST', '/v2/users', {
      body: { name: 'Metrics Invitee', email: 'metrics-invitee@example.com', role: { type: 'PREDEFINED', name: 'MEMBER' }, invite_mode: 'EMAIL_LINK' },
    });
    expect(invited.status).toBe(201);
    await server.waitForMail('metrics-invitee@example.com');
    // Four unknown keys from one address with a limit of 3: failures are recorded, then answered 429.
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await server.api('GET', '/v2/me', { key: 'ak-unknown-0000000000000000' })).status);
    expect(statuses).toContain(401);
    expect(statuses).toContain(429);

    const after = await scrape();
    const delta = (name: string, labels: Record<string, string> = {}) => sum(after, name, labels) - sum(before, name, labels);
    expect(delta('ax_http_requests_total', { method: 'GET', route: '/v2/me', status: '200' })).toBe(3);
    expect(delta('ax_http_request_duration_seconds_count', { method: 'GET', route: '/v2/me', status: '200' })).toBe(3);
    expect(delta('ax_http_request_duration_seconds_bucket', { route: '/v2/me', status: '200', le: '+Inf' })).toBe(3);
    expect(delta('ax_http_requests_total', { route: '/v2/spaces/:space_id', status: '404' })).toBe(1);
    expect(delta('ax_http_requests_total', { route: '/v2/me', status: '429' })).toBe(statuses.filter((s) => s === 429).length);
    expect(delta('ax_http_rate_limited_total', { route: '/v2/me' })).toBe(statuses.filter((s) => s === 429).length);
    expect(delta('ax_auth_failures_total')).toBeGreaterThanOrEqual(statuses.filter((s) => s === 401).length);
    expect(delta('ax_key_cache_lookups_total', { result: 'hit' })).toBeGreaterThanOrEqual(3);
    expect(delta('ax_key_cache_lookups_total', { result: 'miss' })).toBeGreaterThanOrEqual(1);
    expect(delta('ax_access_checks_total', { outcome: 'allowed' })).toBeGreaterThanOrEqual(2);
    expect(delta('ax_access_checks_total', { outcome: 'hidden' })).toBe(1);
    expect(delta('ax_access_snapshot_build_seconds_count')).toBeGreaterThanOrEqual(1);
    expect(delta('ax_mail_total', { stage: 'queued' })).toBe(1);
    expect(delta('ax_mail_total', { stage: 'sent' })).toBe(1);
    expect(sum(after, 'ax_mail_in_flight')).toBe(0);
    expect(sum(after, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    // Pool gauges exist on PostgreSQL only (SQLite is one connection).
    expect(after.has('ax_db_pool_connections')).toBe(server.databaseUrl !== undefined);
  });

  it('exposes every ax_* metric that docs/grafana-dashboard.json queries', async () => {
    const res = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    const text = await res.text();
    const dashboard = await readFile(join(REPO_ROOT, 'docs/grafana-dashboard.json'), 'utf8');
    const queried = new Set([...dashboard.matchAll(/\b(ax_[a-z_]+?)(?:_bucket|_count|_sum)?\{/g)].map((m) => m[1]!));
    expect(queried.size).toBeGreaterThan(8);
    for (const name of queried) {
      if (name.startsWith('ax_db_pool_') && server.databaseUrl === undefined) continue;
      expect(text, name).toContain(`# TYPE ${name} `);
    }
  });

  it('labels requests that matched no route "unmatched", never with their raw path', async () => {
    const before = await scrape();
    await server.api('GET', '/v2/no-such-thing/4f1c2a');
    const after = await scrape();
    expect(sum(after, 'ax_http_requests_total', { route: 'unmatched' }) - sum(before, 'ax_http_requests_total', { route: 'unmatched' })).toBeGreaterThanOrEqual(1);
    expect([...after.keys()].some((key) => key.includes('4f1c2a'))).toBe(false);
  });

  it.runIf(process.env.AX_TEST_DB === 'postgres')('observes how late the changes another process announces arrive (change-feed lag)', async () => {
    // A second process of the deployment: same database, and the same data directory, so the same secrets.
    const dir = await mkdtemp(join(tmpdir(), 'ax-metrics-b-'));
    const other = await startServer({
      host: '127.0.0.1', port: 0, dataDir: server.dataDir, databaseUrl: server.databaseUrl, handleSignals: false,
      env: { ...process.env, DATABASE_URL: server.databaseUrl!, AX_LOG_LEVEL: 'warn', AX_METRICS_TOKEN: TOKEN, ARIZE_DIRECTORY: join(dir, 'arize') },
    });
    try {
      const lagCount = async () => sum(parseExposition(await (await fetch(`${other.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).text()), 'ax_change_feed_lag_seconds_count');
      const before = await lagCount();
      expect((await server.api('POST', '/v2/organizations', { body: { name: 'lag-org' } })).status).toBe(201);
      let after = before;
      for (let i = 0; i < 100 && after === before; i++) {
        await new Promise((r) => setTimeout(r, 20));
        after = await lagCount();
      }
      expect(after).toBeGreaterThan(before);
    } finally {
      await other.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('metrics configuration', () => {
  it('AX_METRICS_PORT serves them on a listener of its own, and the API port has none', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'ax-metrics-'));
    const database = await createTestDatabase();
    const server = await startServer({
      host: '127.0.0.1', port: 0, dataDir, databaseUrl: database.url, handleSignals: false,
      env: { ...process.env, DATABASE_URL: database.url ?? '', AX_METRICS_PORT: '0', AX_LOG_LEVEL: 'warn', ARIZE_DIRECTORY: join(dataDir, 'arize') },
    });
    try {
      expect(server.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
      expect(server.metricsUrl).not.toContain(new URL(server.url).port + '/');
      await fetch(`${server.url}/healthz`);
      const res = await fetch(server.metricsUrl!);
      expect(res.status).toBe(200);
      expect(sum(parseExposition(await res.text()), 'ax_http_requests_total', { route: '/healthz', status: '200' })).toBe(1);
      expect(await (await fetch(`${server.url}/metrics`)).text()).not.toContain('ax_http_requests_total');
      expect((await fetch(server.metricsUrl!.replace('/metrics', '/other'))).status).toBe(404);
    } finally {
      await server.close();
      await database.drop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

