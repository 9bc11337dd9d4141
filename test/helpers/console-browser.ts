import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { REPO_ROOT, type TestServer } from './server.js';

/** Debian's Chromium, never a downloaded browser. */
const CHROMIUM = { executablePath: '/usr/bin/chromium', headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] };

/** A real Chromium on the built console of `server`, with one desktop-sized page. */
export async function openConsole(server: TestServer): Promise<{ browser: Browser; page: Page }> {
  if (!existsSync(join(REPO_ROOT, 'dist/web/index.html'))) {
    throw new Error('dist/web/index.html is missing: run `npm run build` before the console tests');
  }
  const browser = await chromium.launch(CHROMIUM);
  return { browser, page: await newConsolePage(browser, server) };
}

/** One more desktop-sized page on `server`'s console, in a context of its own (a second person signed in beside the first). */
export async function newConsolePage(browser: Browser, server: TestServer): Promise<Page> {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 }, baseURL: server.url })).newPage();
  page.setDefaultTimeout(15_000);
  return page;
}

/** Signs in through the console's sign-in page and waits for the main navigation. */
export async function signInToConsole(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
}
