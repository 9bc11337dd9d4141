import axe from 'axe-core';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { requestsSettled } from './console-browser.js';

/**
 * axe-core's violations on the page as it is now (its default rules: WCAG 2.x A and AA and best practices), one
 * line each (rule, impact, first offending elements). The bundle (`axe.source`, from the installed package) is
 * evaluated through the DevTools protocol, which the console's Content-Security-Policy does not govern. `selector`
 * limits the check to the elements it matches (a state that is one part of a page another test covers).
 */
export async function axeViolations(page: Page, selector?: string): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axe.source);
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
