import type { Browser } from 'playwright-core';

/** A script or stylesheet the page fetched, as Chromium received it. */
export interface LoadedAsset {
  path: string;
  kind: 'script' | 'stylesheet';
  /** The Content-Encoding it came with; `identity` when none. */
  encoding: string;
  /** Body bytes on the wire (compressed when it was). */
  bodyBytes: number;
}

export interface ColdLoad {
  /** From navigation start to the DOM change that put the first row in the key table, by the page's own clock. */
  readyMs: number;
  /** When the last of the console's files (scripts, stylesheets) fetched before that had arrived (Resource Timing). */
  codeMs: number;
  /** When the last of the answers the first screen waits for (session, principal, first page of keys) had arrived. */
  answersMs: number;
  assets: LoadedAsset[];
}

/** The GETs the keys page cannot show its rows without, by path and query. */
const FIRST_ANSWERS = ['/auth/session', '/v2/me', '/v2/api-keys?key_type=USER&status=ACTIVE'];

/**
 * Opens `url` in a new browser context (empty HTTP cache, no service worker, nothing compiled) holding only the
 * session cookie, and times it until the API keys page shows a row of its key table. `extraHeaders` replaces what
 * Chromium would send, e.g. `accept-encoding: identity` for the uncompressed load.
 */
export async function coldLoad(browser: Browser, url: string, sessionCookie: { name: string; value: string }, extraHeaders: Record<string, string> = {}): Promise<ColdLoad> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, extraHTTPHeaders: extraHeaders });
  try {
    await context.addCookies([{ ...sessionCookie, url: new URL(url).origin }]);
    const page = await context.newPage();
    const pending: Promise<LoadedAsset>[] = [];
    page.on('requestfinished', (request) => {
      const kind = request.resourceType();
      if (kind !== 'script' && kind !== 'stylesheet') return;
      pending.push((async () => {
        const [response, sizes] = await Promise.all([request.response(), request.sizes()]);
        return {
          path: new URL(request.url()).pathname,
          kind,
          encoding: (await response?.headerValue('content-encoding')) ?? 'identity',
          bodyBytes: sizes.responseBodySize,
        };
      })());
    });
    // The page tells when the first row is in through a binding, so nothing polls the DOM meanwhile: a locator's
    // waitFor() checks the page every animation frame on the page's own main thread, and those checks (~80 ms of it in
    // a profile of one load) were counted in the load they waited for. The page's CSP refuses the eval that
    // page.waitForFunction needs; an init script and a binding are not subject to it.
    let signalReady!: (ms: number) => void;
    const ready = new Promise<number>((resolve) => { signalReady = resolve; });
    await page.exposeBinding('benchReady', (_source, ms: number) => signalReady(ms));
    await page.addInitScript(() => {
      new MutationObserver((_, observer) => {
        const table = [...document.querySelectorAll('table')].find((t) => t.caption?.textContent === 'User keys');
        if (!table?.querySelector('tbody tr:not(.table-empty)')) return;
        observer.disconnect();
        (window as unknown as { benchReady(ms: number): void }).benchReady(performance.now());
      }).observe(document, { childList: true, subtree: true });
    });
    await page.goto(url, { waitUntil: 'commit' });
    let timer: NodeJS.Timeout | undefined;
    const readyMs = await Promise.race([
      ready,
      new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error('the key table showed no row within 30 s')), 30_000); }),
    ]).finally(() => clearTimeout(timer));
    // No function is declared inside the callback: tsx would wrap it in a helper the page does not have.
    const { arrivals } = await page.evaluate(() => ({
      arrivals: (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).map((e) => ({ url: e.name, end: e.responseEnd })),
    }));
    const before = arrivals.filter((a) => a.end <= readyMs).map((a) => ({ path: new URL(a.url).pathname + new URL(a.url).search, end: a.end }));
    const last = (paths: { end: number }[]) => Math.max(0, ...paths.map((a) => a.end));
    const codeMs = last(before.filter((a) => a.path.startsWith('/assets/')));
    const answersMs = last(before.filter((a) => FIRST_ANSWERS.includes(a.path)));
    await page.waitForLoadState('networkidle');
    return { readyMs, codeMs, answersMs, assets: await Promise.all(pending) };
  } finally {
    await context.close();
  }
}
