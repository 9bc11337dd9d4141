import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type axe from 'axe-core';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { requestsSettled } from './console-browser.js';

/**
 * axe-core's minified build (the installed package's axe.min.js: the same version and rules as `axe.source`, 560 KB
 * instead of 1.26 MB), read once. It goes into each page that is checked after a navigation, and carrying the bytes
 * there is most of what a check costs: through page.evaluate the full source took ~250 ms a page, of which a mere
 * comment of the same length took as long; this build through the DevTools protocol takes ~90 ms.
 */
let source: string | undefined;

async function injectAxe(page: Page): Promise<void> {
  source ??= readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  const session = await page.context().newCDPSession(page);
  try {
    const { exceptionDetails } = await session.send('Runtime.evaluate', { expression: source });
    if (exceptionDetails) throw new Error(`axe-core did not load: ${exceptionDetails.exception?.description ?? exceptionDetails.text}`);
  } finally {
    await session.detach();
  }
}

/**
 * axe-core's violations on the page as it is now (its default rules: WCAG 2.x A and AA and best practices), one
 * line each (rule, impact, first offending elements). The bundle is evaluated through the DevTools protocol, which
 * the console's Content-Security-Policy does not govern. `selector` limits the check to the elements it matches (a
 * state that is one part of a page another test covers).
 */
export async function axeViolations(page: Page, selector?: string): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await injectAxe(page);
  return page.evaluate(async (only) => {
    const inPage = (window as unknown as { axe: typeof axe }).axe;
    const result = await inPage.run(only ?? document, { resultTypes: ['violations'] });
    return result.violations.map((v) => `${v.id} (${v.impact ?? 'unknown'}): ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
  }, selector);
}

/** Once the page's requests have settled, asserts that axe-core finds no violation (in `selector` only, if given). */
export async function expectNoAxeViolations(page: Page, selector?: string): Promise<void> {
  await requestsSettled(page);
  expect(await axeViolations(page, selector)).toEqual([]);
}
