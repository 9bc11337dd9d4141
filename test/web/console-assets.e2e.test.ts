import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/http/app.js';
import { createOrganization, createProject, createSpace } from '../helpers/hierarchy.js';
import { newConsolePage, openConsole, signInToConsole, type ConsoleBrowser, requestsSettled } from '../helpers/console-browser.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * Issue 13 §3: the console is served precompressed (brotli or gzip by Accept-Encoding, the same bytes once
 * decoded), split by page (the first screen fetches its own page's code, not the others'), and its space and
 * project pages still ask their permissions in one request now that each page arrives in a chunk of its own.
 */
let server: TestServer;
let browser: ConsoleBrowser;
let page: Page;

beforeAll(async () => {
  server = await startTestServer();
  ({ browser, page } = await openConsole(server));
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** A GET whose body is kept as sent (fetch would decode it). */
function getRaw(path: string, acceptEncoding?: string, base = server.url): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${base}${path}`, { headers: acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** The scripts and stylesheets index.html names. */
async function entryAssets(): Promise<string[]> {
  const html = (await getRaw('/')).body.toString('utf8');
  const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]!);
  expect(assets.some((a) => a.endsWith('.js'))).toBe(true);
  expect(assets.some((a) => a.endsWith('.css'))).toBe(true);
  return assets;
}

describe('console assets', { timeout: 60_000 }, () => {
  it('sends brotli to a client that accepts it, gzip to one that only takes gzip, and the file itself otherwise', async () => {
    for (const asset of await entryAssets()) {
      const identity = await getRaw(asset);
      expect(identity.status, asset).toBe(200);
      expect(identity.headers['content-encoding'], asset).toBeUndefined();
      expect(identity.headers.vary, asset).toMatch(/accept-encoding/i);
      expect(identity.headers['cache-control'], asset).toBe('public, max-age=31536000, immutable');

      const br = await getRaw(asset, 'gzip, deflate, br');
      expect(br.headers['content-encoding'], asset).toBe('br');
      expect(br.headers['content-type'], asset).toBe(identity.headers['content-type']);
      expect(br.headers.vary, asset).toMatch(/accept-encoding/i);
      expect(br.headers['cache-control'], asset).toBe('public, max-age=31536000, immutable');
      expect(br.body.length, asset).toBeLessThan(identity.body.length);
      expect(brotliDecompressSync(br.body).equals(identity.body), asset).toBe(true);

      const gzip = await getRaw(asset, 'gzip');
      expect(gzip.headers['content-encoding'], asset).toBe('gzip');
      expect(gunzipSync(gzip.body).equals(identity.body), asset).toBe(true);

      const refused = await getRaw(asset, 'br;q=0, gzip;q=0, identity');
      expect(refused.headers['content-encoding'], asset).toBeUndefined();
      expect(refused.body.equals(identity.body), asset).toBe(true);
    }
  });

  it('compresses index.html on every console route and keeps it revalidated', async () => {
    const identity = await getRaw('/spaces/x');
    const br = await getRaw('/spaces/x', 'br');
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['content-type']).toMatch(/^text\/html/);
    expect(br.headers['cache-control']).toBe('no-cache');
    expect(br.headers.vary).toMatch(/accept-encoding/i);
    expect(brotliDecompressSync(br.body).equals(identity.body)).toBe(true);
  });

  it('sends a file the build wrote no compressed copy of as it is, with its own cache header', async () => {
    // A bundle of our own: in dist/web every text file has its copies. @fastify/static retries such a file without
    // the options of the call, so this is where a cache header set per call would be lost.
    const dir = await mkdtemp(join(tmpdir(), 'ax-console-assets-'));
    await mkdir(join(dir, 'assets'));
    await writeFile(join(dir, 'index.html'), '<!doctype html><title>t</title>');
    await writeFile(join(dir, 'assets', 'plain-1234.js'), 'export {};\n');
    const app = await buildApp(server.context!, { logger: false, consoleRoot: dir });
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    try {
      for (const path of ['/assets/plain-1234.js', '/organizations']) {
        const res = await getRaw(path, 'br, gzip', url);
        expect(res.status, path).toBe(200);
        expect(res.headers['content-encoding'], path).toBeUndefined();
        expect(res.headers.vary, path).toMatch(/accept-encoding/i);
        expect(res.headers['cache-control'], path).toBe(path.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
      }
    } finally {
      await app.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('the console in Chromium', { timeout: 60_000 }, () => {
  const scripts: { path: string; encoding: string | undefined }[] = [];
  const checks: string[] = [];

  beforeAll(async () => {
    page.on('response', (response) => {
      const url = new URL(response.url());
      if (response.request().resourceType() === 'script') scripts.push({ path: url.pathname, encoding: response.headers()['content-encoding'] });
    });
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.pathname.startsWith('/v2/access/check')) checks.push(url.pathname);
    });
    await signInToConsole(page, 'admin@localhost', server.adminPassword);
  });

  it('fetches the API keys page compressed, with its own page chunk and none of the others', async () => {
    await page.getByRole('heading', { level: 1, name: 'API Keys' }).waitFor();
    await requestsSettled(page);
    expect(scripts.length).toBeGreaterThan(0);
    expect(scripts.filter((s) => s.encoding !== 'br' && s.encoding !== 'gzip')).toEqual([]);
    const paths = scripts.map((s) => s.path);
    expect(paths.some((p) => /\/ApiKeysPage-[\w-]+\.js$/.test(p))).toBe(true);
    expect(paths.filter((p) => /\/(?:UsersPage|SpacePage|ProjectPage|ProviderPage|AuditLogPage)-[\w-]+\.js$/.test(p))).toEqual([]);
  });

  /** The API requests and page chunks `target` asks for while `run` runs, in order (path and query). */
  async function asked(target: Page, run: () => Promise<void>): Promise<string[]> {
    const paths: string[] = [];
    const record = (request: Request) => {
      const url = new URL(request.url());
      if (/^\/(?:auth|v2)\/|\/ApiKeysPage-[\w-]+\.js$/.test(url.pathname)) paths.push(url.pathname + url.search);
    };
    target.on('request', record);
    try {
      await run();
      await requestsSettled(target);
    } finally {
      target.off('request', record);
    }
    return paths;
  }

  const FIRST_ANSWERS = ['/auth/session', '/v2/me', '/v2/api-keys?key_type=USER&status=ACTIVE'];

  it('asks who is signed in, the principal and the first page of keys once each, before the page code, on a cold load', async () => {
    const cold = await newConsolePage(browser, server);
    await cold.context().addCookies(await page.context().cookies());
    const paths = await asked(cold, async () => {
      await cold.goto('/settings/api-keys');
      await cold.getByRole('heading', { level: 1, name: 'API Keys' }).waitFor();
    });
    // The entry starts them before it imports anything: the app and the page take these answers, and ask no more.
    expect(paths.slice(0, 4)).toEqual([...FIRST_ANSWERS, expect.stringMatching(/\/ApiKeysPage-[\w-]+\.js$/)]);
    for (const path of FIRST_ANSWERS) expect(paths.filter((p) => p === path), path).toHaveLength(1);
  });

  it('shows the page with its rows in its first render when the early answers came before the code: no "Loading…" between', async () => {
    const name = 'first-render key';
    const created = await fetch(`${server.url}/v2/api-keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ key_type: 'USER', name }),
    });
    expect(created.status).toBe(201);
    const cold = await newConsolePage(browser, server);
    await cold.context().addCookies(await page.context().cookies());
    // React's chunk is held back until the three answers are in: the order of a slow server's loads is made certain.
    const answered = Promise.all(FIRST_ANSWERS.map((path) => cold.waitForResponse((res) => {
      const url = new URL(res.url());
      return url.pathname + url.search === path;
    }).then((res) => res.finished())));
    await cold.route(/\/assets\/react-[\w-]+\.js$/, async (route) => {
      await answered;
      await route.continue();
    });
    // What #root holds after the app's first commit; a binding, since the page's CSP refuses page.waitForFunction's eval.
    const firstScreen = new Promise<string>((resolve) => {
      void cold.exposeBinding('firstScreen', (_source, text: string) => resolve(text));
    });
    await cold.addInitScript(() => {
      new MutationObserver((_, observer) => {
        const root = document.getElementById('root');
        if (!root?.firstElementChild) return;
        observer.disconnect();
        (window as unknown as { firstScreen(text: string): void }).firstScreen(root.textContent ?? '');
      }).observe(document, { childList: true, subtree: true });
    });
    const paths = await asked(cold, async () => {
      await cold.goto('/settings/api-keys');
      await cold.getByRole('cell', { name, exact: true }).waitFor();
    });
    const text = await firstScreen;
    expect(text).not.toContain('Loading…');
    expect(text).toContain('API Keys');
    expect(text).toContain(name);
    // The rows are the early answer's: the page does not ask for its keys a second time.
    for (const path of FIRST_ANSWERS) expect(paths.filter((p) => p === path), path).toHaveLength(1);
  });

  it('asks afresh after signing in on a console opened with no session: the refused early answers are dropped', async () => {
    const cold = await newConsolePage(browser, server);
    const paths = await asked(cold, async () => {
      await cold.goto('/settings/api-keys');
      await cold.getByLabel('Email', { exact: true }).fill('admin@localhost');
      await cold.getByLabel('Password', { exact: true }).fill(server.adminPassword);
      await cold.getByRole('button', { name: 'Sign in' }).click();
      await cold.getByRole('heading', { level: 1, name: 'API Keys' }).waitFor();
    });
    await cold.getByRole('navigation', { name: 'Main' }).waitFor();
    for (const path of FIRST_ANSWERS.slice(1)) expect(paths.filter((p) => p === path), path).toHaveLength(2);
  });

  it('asks the space page permissions in one request, and the project page permissions in one request', async () => {
    const orgId = await createOrganization(server, 'assets-org');
    const spaceId = await createSpace(server, orgId, 'assets-space');
    const projectId = await createProject(server, spaceId, 'assets-project');

    checks.length = 0;
    await page.goto(`/spaces/${encodeURIComponent(spaceId)}`);
    await page.getByRole('heading', { level: 1, name: 'assets-space' }).waitFor();
    await page.getByRole('button', { name: 'Delete' }).waitFor();
    await requestsSettled(page);
    expect(checks).toEqual(['/v2/access/checks']);

    checks.length = 0;
    await page.goto(`/projects/${encodeURIComponent(projectId)}`);
    await page.getByRole('heading', { level: 1, name: 'assets-project' }).waitFor();
    await requestsSettled(page);
    expect(checks).toEqual(['/v2/access/checks']);
  });

  it('offers a reload when a page chunk is gone (a tab opened before the console was updated)', async () => {
    const gone = /\/assets\/UsersPage-[\w-]+\.js$/;
    await page.route(gone, (route) => route.fulfill({ status: 404, body: '' }));
    try {
      await page.goto('/users');
      await expect.poll(() => page.getByRole('alert').textContent()).toContain('This page could not be loaded');
      await page.getByRole('navigation', { name: 'Main' }).waitFor();
      await page.getByRole('button', { name: 'Reload' }).waitFor();
    } finally {
      await page.unroute(gone);
    }
  });
});
