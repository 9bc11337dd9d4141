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
  assets: LoadedAsset[];
}

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
    // The page's CSP refuses the eval that page.waitForFunction needs; an init script is not subject to it.
    await page.addInitScript(() => {
      new MutationObserver((_, observer) => {
        const table = [...document.querySelectorAll('table')].find((t) => t.caption?.textContent === 'User keys');
        if (!table?.querySelector('tbody tr:not(.table-empty)')) return;
        (window as unknown as { benchReadyMs: number }).benchReadyMs = performance.now();
        observer.disconnect();
      }).observe(document, { childList: true, subtree: true });
    });
    await page.goto(url, { waitUntil: 'commit' });
    await page.locator('table:has(caption:text-is("User keys")) tbody tr:not(.table-empty)').first().waitFor({ timeout: 30_000 });
    const readyMs = await page.evaluate(() => (window as unknown as { benchReadyMs: number }).benchReadyMs);
    await page.waitForLoadState('networkidle');
    return { readyMs, assets: await Promise.all(pending) };
  } finally {
    await context.close();
  }
}
