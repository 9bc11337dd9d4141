import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { REPO_ROOT } from './server.js';
import { requestsSettled } from './console-browser.js';

/**
 * Saves the page as docs/screenshots/<name>.png under `npm run screenshots` (AX_SCREENSHOTS=1) only, once its
 * requests have settled: `npm test` leaves docs/ untouched.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  if (process.env.AX_SCREENSHOTS !== '1') return;
  await requestsSettled(page);
  await page.screenshot({ path: join(REPO_ROOT, 'docs/screenshots', `${name}.png`), fullPage: true });
}
