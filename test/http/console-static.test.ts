import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/http/app.js';
import { REPO_ROOT, startTestServer, type TestServer, type Json } from '../helpers/server.js';

/**
 * The console served at `/` from dist/web: real files with long-lived caching for hashed assets, index.html for
 * every other console path (the browser routes), security headers, and API paths that keep their problem+json.
 */
const WEB = join(REPO_ROOT, 'dist/web');

let server: TestServer;
let indexHtml: string;

beforeAll(async () => {
  if (!existsSync(join(WEB, 'index.html'))) {
    throw new Error('dist/web/index.html is missing: run `npx vite build --config web/vite.config.ts` before this test');
  }
  indexHtml = await readFile(join(WEB, 'index.html'), 'utf8');
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

/** A request whose body is always read (an unread body would hold the connection open). */
async function get(url: string, init: RequestInit = {}): Promise<{ status: number; headers: Headers; text: string }> {
  const res = await fetch(url, init);
  return { status: res.status, headers: res.headers, text: await res.text() };
}

function expectIndexHtml(res: { status: number; headers: Headers; text: string }, label: string): void {
  expect(res.status, label).toBe(200);
  expect(res.headers.get('content-type'), label).toMatch(/^text\/html/);
  expect(res.headers.get('cache-control'), label).toBe('no-cache');
  expect(res.text, label).toBe(indexHtml);
}

function expectProblem(res: { status: number; headers: Headers; text: string }, status: number, label: string): Json {
  expect(res.status, label).toBe(status);
  expect(res.headers.get('content-type'), label).toMatch(/^application\/problem\+json/);
  return JSON.parse(res.text);
}

describe('the built console', () => {
  it('has no inline script or style for the Content-Security-Policy to allow', () => {
    const scripts = [...indexHtml.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/gi)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [tag, body] of scripts) {
      expect(tag).toMatch(/\ssrc="\/assets\//);
      expect(body!.trim()).toBe('');
    }
    expect(indexHtml).not.toMatch(/<style\b|\sstyle=|\son[a-z]+=/i);
  });
});

describe('GET / and console paths', () => {
  it('answers index.html at / with the security headers', async () => {
    const res = await get(`${server.url}/`);
    expectIndexHtml(res, '/');
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toMatch(/(^|; )default-src 'self'(;|$)/);
    expect(csp).toMatch(/(^|; )frame-ancestors 'none'(;|$)/);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('answers index.html for every console route, encoded ids included (SPA fallback)', async () => {
    for (const path of [
      '/login', '/organizations', '/spaces/U3BhY2U6MQ%3D%3D', '/projects/UHJvamVjdDox%2Fx', '/a%2Fb', '/settings/api-keys?tab=service',
      '/assets', '/v2x', '/authority', '/healthzz', '/index.html/x',
    ]) {
      expectIndexHtml(await get(`${server.url}${path}`), path);
    }
  });

  it('serves invitation and reset pages without letting their token leak as a Referer', async () => {
    for (const path of ['/invite/AbCdEfGhIjKlMnOpQrStUvWx', '/reset/AbCdEfGhIjKlMnOpQrStUvWx']) {
      const res = await get(`${server.url}${path}`);
      expectIndexHtml(res, path);
      expect(res.headers.get('referrer-policy'), path).toBe('no-referrer');
    }
  });

  it('answers HEAD like GET, without a body', async () => {
    const res = await get(`${server.url}/spaces/U3BhY2U6MQ%3D%3D`, { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.text).toBe('');
  });

  it('serves the hashed assets as long-lived immutable files of their type', async () => {
    const assets = [...indexHtml.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]!);
    expect(assets.some((a) => a.endsWith('.js'))).toBe(true);
    expect(assets.some((a) => a.endsWith('.css'))).toBe(true);
    for (const asset of assets) {
      const res = await get(`${server.url}${asset}`);
      expect(res.status, asset).toBe(200);
      expect(res.headers.get('content-type'), asset).toMatch(asset.endsWith('.js') ? /^(application|text)\/javascript/ : /^text\/css/);
      expect(res.headers.get('cache-control'), asset).toBe('public, max-age=31536000, immutable');
      expect(res.text, asset).toBe(await readFile(join(WEB, asset), 'utf8'));
    }
  });

  it('revalidates index.html by its ETag', async () => {
    const first = await get(`${server.url}/users`);
    const etag = first.headers.get('etag');
    expect(etag).toBeTruthy();
    // max-age=0, as a browser revalidates: fetch would otherwise add `cache-control: no-cache`, which forces a full answer.
    const again = await get(`${server.url}/users`, { headers: { 'if-none-match': etag!, 'cache-control': 'max-age=0' } });
    expect(again.status).toBe(304);
  });

  it('never serves a file outside dist/web, nor a dotfile', async () => {
    for (const path of ['/../package.json', '/%2e%2e/package.json', '/assets/..%2f..%2fpackage.json', '/%2e%2e%2f%2e%2e%2fpackage.json', '/.env']) {
      const res = await get(`${server.url}${path}`);
      expect(res.text, path).not.toContain('"name": "ax-admin-plane"');
      if (res.status === 200) expectIndexHtml(res, path);
    }
  });

  it('answers other methods on console paths with a 404 problem', async () => {
    expectProblem(await get(`${server.url}/organizations`, { method: 'POST' }), 404, 'POST /organizations');
  });
});

describe('API paths next to the console', () => {
  it('keep their 404 problem for unknown /v2, /auth and health paths', async () => {
    for (const path of ['/v2/nope', '/v2/spaces/U3BhY2U6MQ%3D%3D/nope', '/v2', '/auth/nope', '/auth', '/healthz/nope', '/readyz/x']) {
      const body = expectProblem(await get(`${server.url}${path}`, { headers: { authorization: `Bearer ${server.adminKey}` } }), 404, path);
      expect(body.code, path).toBe('ROUTE_NOT_FOUND');
    }
    // The decoded path is what counts, as for routing.
    expectProblem(await get(`${server.url}/%762/nope`, { headers: { authorization: `Bearer ${server.adminKey}` } }), 404, '/%762/nope');
  });

  it('still authenticate unknown /v2 paths, and record the failure by its path', async () => {
    const res = await get(`${server.url}/v2/no-such-route`);
    expectProblem(res, 401, 'unauthenticated /v2');
    const failures = await server.context!.store.db.selectFrom('authentication_failures').select(['operation', 'count'])
      .where('operation', 'like', '%no-such-route').execute();
    expect(failures).toEqual([{ operation: 'GET /v2/no-such-route', count: 1 }]);
  });

  it('answer as before: health, the OpenAPI document (without the console route) and the API', async () => {
    expect(JSON.parse((await get(`${server.url}/healthz`)).text)).toEqual({ status: 'ok' });
    const doc = JSON.parse((await get(`${server.url}/v2/openapi.json`)).text) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths).every((p) => /^\/(v2|auth)\//.test(p))).toBe(true);
    expect((await server.api('GET', '/v2/organizations')).status).toBe(200);
  });
});

describe('without a built console', () => {
  let dir: string;
  let app: FastifyInstance;
  let url: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ax-console-'));
    app = await buildApp(server.context!, { logger: false, consoleRoot: dir });
    url = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await app?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers console paths with a 503 problem saying how to build it, while the API works', async () => {
    for (const path of ['/', '/spaces/U3BhY2U6MQ%3D%3D']) {
      const body = expectProblem(await get(`${url}${path}`), 503, path);
      expect(body).toMatchObject({ status: 503, code: 'UNAVAILABLE', detail: 'the console is not built; run npm run build' });
    }
    expect((await get(`${url}/healthz`)).status).toBe(200);
    const me = await get(`${url}/v2/me`, { headers: { authorization: `Bearer ${server.adminKey}` } });
    expect(me.status).toBe(200);
    expectProblem(await get(`${url}/v2/nope`, { headers: { authorization: `Bearer ${server.adminKey}` } }), 404, '/v2/nope');
  });

  it('serves a console built after the server started, without a restart', async () => {
    await writeFile(join(dir, 'index.html'), '<!doctype html><title>late</title>');
    const res = await get(`${url}/organizations`);
    expect(res.status).toBe(200);
    expect(res.text).toBe('<!doctype html><title>late</title>');
  });
});
