import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { REPO_ROOT, type TestServer } from './server.js';

/**
 * Chromium features switched off. Chromium reads only the last `--disable-features`, so this repeats the list
 * playwright-core passes itself (its chromiumSwitches) before adding ours.
 * Ours: the browser's own WebUI (the omnibox popup and the toolbar). Chromium's headless mode is the full browser, and
 * it built that WebUI in a renderer of its own for every context's window.
 * Measured on 2 cores with 10 contexts, each signing in to the console and loading /users:
 * - with ours: 30.0 s of Chromium CPU (two runs);
 * - without: 33.8–37.7 s.
 * Sign-in's navigation went from ~1.2 s to ~0.67 s of CPU each.
 */
const DISABLED_FEATURES = [
  // playwright-core's own list.
  'AvoidUnnecessaryBeforeUnloadCheckSync', 'DestroyProfileOnBrowserClose', 'HttpsUpgrades', 'HttpsFirstBalancedModeAutoEnable',
  'LensOverlay', 'MediaRouter', 'PaintHolding', 'ThirdPartyStoragePartitioning', 'AvoidCorsURLLoaderRestartOnRedirect',
  'TcpPortRandomizationWin', 'OptimizationHints', 'NetworkTimeServiceQuerying', 'AimEnabled', 'PreconnectToSearch',
  // The browser's WebUI.
  'WebUIOmniboxPopup', 'WebUIOmniboxFullPopup', 'WebUIToolbar', 'WebUILocationBar', 'PreloadTopChromeWebUI', 'InitialWebUI',
];

/**
 * Debian's Chromium, never a downloaded browser; nothing in the background competing with the tests for the CPU. The
 * console bench (bench/console) launches it the same way.
 */
export const CHROMIUM = {
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: [
    '--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    `--disable-features=${DISABLED_FEATURES.join(',')}`,
  ],
};

/**
 * A test file's Chromium: contexts of its own (each with its own cookies and storage), all closed by close(). The
 * Chromium process behind it is the vitest worker's, launched by the worker's first browser file and used by the
 * next ones (files of a worker run one after the other): a launch per file cost each browser file a second or two
 * of CPU.
 */
export interface ConsoleBrowser {
  newContext(options: BrowserContextOptions): Promise<BrowserContext>;
  close(): Promise<void>;
}

let workerChromium: Promise<Browser> | undefined;

/** The worker's Chromium, launched again if it went away (a crash in an earlier file must not fail the next ones). */
async function chromiumOfWorker(): Promise<Browser> {
  const running = await workerChromium?.catch(() => undefined);
  if (running?.isConnected()) return running;
  workerChromium = chromium.launch(CHROMIUM);
  return workerChromium;
}

/** A Chromium for one test file (see ConsoleBrowser). */
export async function consoleBrowser(): Promise<ConsoleBrowser> {
  const browser = await chromiumOfWorker();
  const contexts: BrowserContext[] = [];
  return {
    async newContext(options) {
      const context = await browser.newContext(options);
      trackRequests(context);
      contexts.push(context);
      return context;
    },
    async close() {
      await Promise.all(contexts.splice(0).map((context) => context.close()));
    },
  };
}

/** Requests in flight per context, and when that count last changed (requestsSettled waits on them). */
const traffic = new WeakMap<BrowserContext, { inFlight: number; changedAt: number }>();

function trackRequests(context: BrowserContext): void {
  const state = { inFlight: 0, changedAt: Date.now() };
  traffic.set(context, state);
  const change = (by: number) => () => { state.inFlight += by; state.changedAt = Date.now(); };
  context.on('request', change(1));
  context.on('requestfinished', change(-1));
  context.on('requestfailed', change(-1));
}

/**
 * How long a page's context must have had no request in flight to count as settled. Playwright's `networkidle` waits
 * 500 ms, and the console suites waited it about a hundred times: the console asks for its next answers (the
 * permission checks after the data) within milliseconds of the last one arriving, so a fifth of that is enough.
 */
const SETTLED_AFTER_MS = 100;

/** Waits until `page`'s context has had no request in flight for SETTLED_AFTER_MS (up to 15 s). */
export async function requestsSettled(page: Page): Promise<void> {
  const state = traffic.get(page.context());
  if (!state) throw new Error('requestsSettled: the page was not opened through consoleBrowser()');
  const deadline = Date.now() + 15_000;
  while (state.inFlight > 0 || Date.now() - state.changedAt < SETTLED_AFTER_MS) {
    if (Date.now() > deadline) throw new Error(`requestsSettled: ${state.inFlight} request(s) still in flight after 15 s`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Loads `path` on `page` and waits until its requests (data, then permission checks) have settled. */
export async function gotoSettled(page: Page, path: string): Promise<void> {
  await page.goto(path);
  await requestsSettled(page);
}

/** A real Chromium on the built console of `server`, with one desktop-sized page. */
export async function openConsole(server: TestServer): Promise<{ browser: ConsoleBrowser; page: Page }> {
  if (!existsSync(join(REPO_ROOT, 'dist/web/index.html'))) {
    throw new Error('dist/web/index.html is missing: run `npm run build` before the console tests');
  }
  const browser = await consoleBrowser();
  return { browser, page: await newConsolePage(browser, server) };
}

/** One more desktop-sized page on `server`'s console, in a context of its own (a second person signed in beside the first). */
export async function newConsolePage(browser: ConsoleBrowser, server: TestServer): Promise<Page> {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 }, baseURL: server.url })).newPage();
  page.setDefaultTimeout(15_000);
  return page;
}

/**
 * Two consoles on `server` in one Chromium, signed in: the bootstrap admin's and `member`'s, each in a context of its
 * own, every uncaught error of either page appended to `pageErrors` (a console file expects it empty at its end).
 */
export async function adminAndMemberConsoles(
  server: TestServer, member: { email: string; password: string }, pageErrors: string[],
): Promise<{ browser: ConsoleBrowser; admin: Page; member: Page }> {
  const { browser, page: admin } = await openConsole(server);
  const memberPage = await newConsolePage(browser, server);
  for (const page of [admin, memberPage]) page.on('pageerror', (e) => pageErrors.push(e.message));
  await signInToConsole(admin, 'admin@localhost', server.adminPassword);
  await signInToConsole(memberPage, member.email, member.password);
  return { browser, admin, member: memberPage };
}

/** Signs in through the console's sign-in page and waits for the main navigation. */
export async function signInToConsole(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
}
