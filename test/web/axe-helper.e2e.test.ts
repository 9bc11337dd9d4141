import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations } from '../helpers/axe.js';
import { consoleBrowser, type ConsoleBrowser } from '../helpers/console-browser.js';

/**
 * The console's accessibility checks (expectNoAxeViolations) pass only if axe-core really runs in the page: on a page
 * with known violations, the helper names them, after a navigation too (axe-core then goes into the new document).
 */
let browser: ConsoleBrowser;

beforeAll(async () => { browser = await consoleBrowser(); });
afterAll(async () => browser?.close());

describe('the axe-core helper', () => {
  it('names the violations of a page, again after it is replaced', async () => {
    const page = await (await browser.newContext({})).newPage();
    await page.setContent('<!doctype html><html lang="en"><head><title>t</title></head><body><main><h1>t</h1><img src="data:,"></main></body></html>');
    expect(await axeViolations(page)).toEqual([expect.stringMatching(/^image-alt \(critical\): img$/)]);
    await page.goto(`data:text/html,${encodeURIComponent('<!doctype html><html><head><title>t</title></head><body><main><h1>t</h1><p>no language</p></main></body></html>')}`);
    expect(await page.evaluate(() => 'axe' in window)).toBe(false);
    expect(await axeViolations(page)).toEqual([expect.stringMatching(/^html-has-lang \(serious\): html$/)]);
    expect(await axeViolations(page, 'main')).toEqual([]);
  });
});
