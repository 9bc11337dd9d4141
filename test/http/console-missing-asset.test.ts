import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/http/app.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * Issue 14 defect 5: a script or stylesheet the console does not have (a tab opened before an update asks for the
 * old build's chunk) answers 404, not 200 with the console's HTML page; other unknown paths still get the page.
 */
let server: TestServer;
let app: FastifyInstance;
let url: string;
let dir: string;

beforeAll(async () => {
  server = await startTestServer();
  dir = await mkdtemp(join(tmpdir(), 'ax-console-missing-'));
  await mkdir(join(dir, 'assets'));
  await writeFile(join(dir, 'index.html'), '<!doctype html><title>console</title>');
  await writeFile(join(dir, 'assets', 'index-1234.js'), 'export {};\n');
  app = await buildApp(server.context!, { logger: false, consoleRoot: dir });
  url = await app.listen({ host: '127.0.0.1', port: 0 });
}, 60_000);

afterAll(async () => {
  await app?.close();
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('console assets that do not exist', () => {
  it('answer 404 with a problem body, not the console page', async () => {
    for (const path of ['/assets/index-gone.js', '/assets/style-gone.css', '/assets/nested/chunk.js']) {
      const res = await fetch(`${url}${path}`);
      expect(res.status, path).toBe(404);
      expect(res.headers.get('content-type'), path).toMatch(/^application\/problem\+json/);
      expect(await res.text(), path).not.toContain('<!doctype html>');
    }
  });

  it('leave existing assets and the console routes as they were', async () => {
    const asset = await fetch(`${url}/assets/index-1234.js`);
    expect(asset.status).toBe(200);
    expect(await asset.text()).toBe('export {};\n');
    for (const path of ['/audit-log', '/organizations/abc', '/assets']) {
      const res = await fetch(`${url}${path}`);
      expect(res.status, path).toBe(200);
      expect(await res.text(), path).toContain('<title>console</title>');
    }
  });
});
