import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { generateKey } from '../../src/keys/key-format.js';
import { CHROMIUM } from '../../test/helpers/console-browser.js';
import { spawnServerProcess } from '../../test/helpers/server-process.js';
import { REPO_ROOT } from '../../test/helpers/server.js';
import { alternate, machineInfo, type BenchRow } from '../lib/harness.js';
import { coldLoad, type LoadedAsset } from './cold-load.js';

const WEB = join(REPO_ROOT, 'dist/web');
const ADMIN_EMAIL = 'admin@localhost';
const ADMIN_PASSWORD = 'bench-console-password-1234';
/** Enough keys for a full first page of the table. */
const KEYS = 20;
const TARGET_MS = 500;

interface Session {
  cookie: { name: string; value: string };
  csrf: string;
}

async function signIn(url: string): Promise<Session> {
  const res = await fetch(`${url}/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD }),
  });
  if (res.status !== 200) throw new Error(`sign-in answered ${res.status}: ${await res.text()}`);
  const pair = res.headers.getSetCookie().find((c) => c.startsWith('ax_session='))?.split(';')[0];
  if (!pair) throw new Error('sign-in set no ax_session cookie');
  const [name, value] = pair.split('=') as [string, string];
  return { cookie: { name, value }, csrf: ((await res.json()) as { csrf_token: string }).csrf_token };
}

async function createUserKeys(url: string, session: Session): Promise<void> {
  for (let i = 0; i < KEYS; i++) {
    const res = await fetch(`${url}/v2/api-keys`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: `${session.cookie.name}=${session.cookie.value}`, 'x-csrf-token': session.csrf },
      body: JSON.stringify({ key_type: 'USER', name: `bench key ${i}` }),
    });
    if (res.status !== 201) throw new Error(`creating a key answered ${res.status}: ${await res.text()}`);
  }
}

/** Size on disk of a built file and of its precompressed copies (0 when the build wrote none). */
async function builtSizes(path: string): Promise<{ raw: number; br: number; gz: number }> {
  const size = async (file: string) => (existsSync(file) ? (await stat(file)).size : 0);
  const file = join(WEB, path);
  return { raw: await size(file), br: await size(`${file}.br`), gz: await size(`${file}.gz`) };
}

/** The median of the measured loads (the first, alternate()'s warm-up, is left out by the caller). */
function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1] ?? Number.NaN;
}

async function bundleBytes(): Promise<number> {
  const files = (await readdir(join(WEB, 'assets'))).filter((f) => /\.(?:js|css)$/.test(f));
  let total = 0;
  for (const f of files) total += (await stat(join(WEB, 'assets', f))).size;
  return total;
}

/** What the first screen fetched: wire bytes as received, and the same files' raw and precompressed sizes. */
async function describeTransfer(assets: LoadedAsset[]): Promise<string> {
  const encodings = [...new Set(assets.map((a) => a.encoding))].join('+');
  let wire = 0;
  let raw = 0;
  let br = 0;
  let gz = 0;
  for (const asset of assets) {
    const sizes = await builtSizes(asset.path);
    wire += asset.bodyBytes;
    raw += sizes.raw;
    br += sizes.br || sizes.raw;
    gz += sizes.gz || sizes.raw;
  }
  const scripts = assets.filter((a) => a.kind === 'script').length;
  const styles = assets.length - scripts;
  return `first screen fetched ${scripts} scripts + ${styles} stylesheet: ${wire} B on the wire (${encodings}); the same files raw ${raw} B, gzip ${gz} B, br ${br} B; whole bundle (js+css) ${await bundleBytes()} B raw`;
}

/**
 * B14-console (issue 13 §3): cold load of the console's API keys page in Chromium — a fresh browser context per
 * load (no cache), signed in by a session cookie, server (SQLite, own process, built console in dist/web) on
 * loopback — from navigation start until the first row of the key table is rendered. The load before compression
 * cannot run beside it, so the row is an absolute target (peer null); for scale, `data` gives the same load with
 * `Accept-Encoding: identity`, alternated with it, and the bytes the first screen fetched. Needs `npm run build`.
 * `BENCH_CONSOLE_ROUNDS` (default 11, after 1 warm-up) sets the number of loads.
 */
export async function runConsoleBenches(): Promise<BenchRow[]> {
  if (!existsSync(join(WEB, 'index.html'))) throw new Error('dist/web/index.html is missing: run `npm run build` before the console bench');
  const rounds = Number(process.env.BENCH_CONSOLE_ROUNDS ?? 11);
  const dir = await mkdtemp(join(tmpdir(), 'ax-bench-console-'));
  const server = await spawnServerProcess({
    AX_DATA_DIR: dir, ARIZE_DIRECTORY: join(dir, 'arize'), AX_ADMIN_API_KEY: generateKey().raw, AX_ADMIN_PASSWORD: ADMIN_PASSWORD,
    // SQLite, whatever the shell exports.
    DATABASE_URL: '',
  });
  const browser = await chromium.launch(CHROMIUM);
  try {
    const session = await signIn(server.url);
    await createUserKeys(server.url, session);
    const pageUrl = `${server.url}/settings/api-keys`;
    let lastAssets: LoadedAsset[] = [];
    const codeMs: number[] = [];
    const answersMs: number[] = [];
    const results = await alternate({
      compressed: async () => {
        const load = await coldLoad(browser, pageUrl, session.cookie);
        lastAssets = load.assets;
        codeMs.push(load.codeMs);
        answersMs.push(load.answersMs);
        return load.readyMs;
      },
      identity: async () => (await coldLoad(browser, pageUrl, session.cookie, { 'accept-encoding': 'identity' })).readyMs,
    }, rounds);
    const { compressed, identity } = results;
    return [{
      id: 'B14-console',
      subject: 'console cold load, API keys page ready (Chromium, fresh context, loopback)',
      peer: 'none: an absolute target (the uncompressed single-file build cannot run in the same run)',
      subject_value: Math.round(compressed.median * 10) / 10,
      peer_value: null,
      ratio: null,
      target: `≤ ${TARGET_MS} ms`,
      pass: compressed.median <= TARGET_MS,
      unit: 'ms',
      machine: machineInfo(),
      data: `median of ${rounds} loads after 1 warm-up (min ${compressed.min.toFixed(0)}, max ${compressed.max.toFixed(0)} ms); `
        + `same load with Accept-Encoding: identity ${identity.median.toFixed(0)} ms; ${KEYS} user keys; `
        // The critical path: what is left after the later of the two is the browser's own work (evaluate, render).
        + `code (scripts, stylesheets) all in by ${median(codeMs.slice(1)).toFixed(0)} ms, the first answers (session, principal, keys) by ${median(answersMs.slice(1)).toFixed(0)} ms (medians); `
        + await describeTransfer(lastAssets),
      subject_spread: compressed.spread,
    }];
  } finally {
    await browser.close();
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
