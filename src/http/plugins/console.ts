import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../../domain/errors.js';

/** Paths that belong to the API: the console never answers them, so their unknown paths stay 404 problems. */
const API_PATH = /^\/(?:v2|auth|oauth2|\.well-known|healthz|readyz)(?:\/|$)/;

const SECURITY_HEADERS = {
  // The built index.html loads its script and stylesheet from /assets; nothing inline runs.
  'content-security-policy':
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
  // /invite/<token> and /reset/<token> carry a secret in the path: no request may pass it on as a Referer.
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
};

/** Vite names everything under /assets after its content hash: a changed file is a new URL. */
const ASSETS = 'assets/';

const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * The build writes `<file>.br` and `<file>.gz` beside each text file (web/vite.config.ts); @fastify/static sends the
 * one Accept-Encoding prefers, with its Content-Encoding, and the file itself when none is accepted or written.
 * Cache-Control is switched off here rather than per sendFile: when a compressed variant is missing, the plugin
 * retries without the per-call options, and `send` would then overwrite ours with `max-age=0`.
 */
const STATIC_OPTIONS = { serve: false, preCompressed: true, cacheControl: false } as const;

/** `<package root>/dist/web`, whether this module runs from dist/http/plugins or (under tsx) src/http/plugins. */
function consoleRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
  return join(dir, 'dist', 'web');
}

/**
 * Classifies by the decoded path, as the router matches it (`/%762/x` is `/v2/x`). It runs on every request (the
 * router derives the constraint before matching): a raw path starting with `/v2/` decodes to one that does, or fails
 * to decode (an API path too), so the API's own requests skip the split and the decoding.
 */
function isApiPath(rawUrl: string): boolean {
  if (rawUrl.startsWith('/v2/')) return true;
  const path = rawUrl.split('?', 1)[0]!;
  try {
    return API_PATH.test(decodeURIComponent(path));
  } catch {
    return true;
  }
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** The decoded request path as a file of the console, or undefined: never a dotfile, never outside `root`. */
async function consoleFile(root: string, path: string): Promise<string | undefined> {
  const segments = path.split('/');
  if (segments.some((s) => s === '' || s.startsWith('.'))) return undefined;
  return (await isFile(join(root, ...segments))) ? path : undefined;
}

/**
 * Serves the built console (`npm run build` → dist/web) at `/`: real files as they are, every other GET/HEAD
 * outside the API as index.html (the console routes in the browser). A route constraint keeps API paths off
 * this route altogether, so an unknown `/v2` path is still authenticated and answered by the not-found handler.
 * Without a build, console paths answer 503 and the API works as usual.
 */
export async function registerConsole(app: FastifyInstance, root = consoleRoot()): Promise<void> {
  if (!existsSync(join(root, 'index.html'))) app.log.warn({ root }, 'the console is not built; run npm run build');
  app.addConstraintStrategy({
    name: 'consolePath',
    storage() {
      const handlers = new Map();
      return { get: (value) => handlers.get(value) ?? null, set: (value, handler) => { handlers.set(value, handler); } };
    },
    deriveConstraint: (req) => (isApiPath(req.url ?? '/') ? 'api' : 'console'),
  });
  await app.register(async (scope) => {
    await scope.register(fastifyStatic, STATIC_OPTIONS);
    scope.get<{ Params: { '*': string } }>('/*', { constraints: { consolePath: 'console' }, schema: { hide: true } }, async (request, reply) => {
      reply.headers(SECURITY_HEADERS);
      // Checked per request, so a console built after the server started is served without a restart.
      if (!(await isFile(join(root, 'index.html')))) throw new ApiError('UNAVAILABLE', 'the console is not built; run npm run build');
      const path = request.params['*'];
      const file = await consoleFile(root, path);
      // A missing script or stylesheet is a 404, not the console's page: a browser would run HTML as a module and
      // report a MIME error, and a cache or CDN would keep that page under the asset's immutable URL.
      if (!file && path.startsWith(ASSETS)) throw new ApiError('NOT_FOUND', `no console asset ${path}`);
      reply.header('cache-control', file?.startsWith(ASSETS) ? IMMUTABLE : 'no-cache');
      // The plugin does not say so itself: a shared cache must not hand brotli to a client that only takes gzip.
      reply.header('vary', 'accept-encoding');
      return reply.sendFile(file ?? 'index.html', root);
    });
  });
}
