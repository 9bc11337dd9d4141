import type { Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newConsolePage, openConsole, type ConsoleBrowser } from '../helpers/console-browser.js';
import { insertProvider } from '../helpers/sso-provider-rows.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * The sign-in page's "Continue with SSO" starts one login flow however often it is clicked: a second click while the
 * first navigation to the identity provider is under way does nothing. The SSO start route is held unanswered until
 * the double click is done, so the first navigation is still under way when the second click lands, then answered
 * with a stand-in identity provider page. Chromium sends one request for two navigations to the same URL in a row,
 * so the flows are counted where the page asks for them: each navigation it requests to the start route (DevTools'
 * Page.frameRequestedNavigation).
 */
let server: TestServer;
let browser: ConsoleBrowser;
const pageErrors: string[] = [];
const START_ROUTE = '/auth/v2/saml/login';
const IDP_PAGE = '<!doctype html><title>Identity provider</title><h1>Identity provider</h1>';

beforeAll(async () => {
  server = await startTestServer();
  await insertProvider(server, 'twice.test', [], { allowOnlySso: true });
  await insertProvider(server, 'either.test', []);
  ({ browser } = await openConsole(server));
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  expect(pageErrors).toEqual([]);
});

/** Double-clicks "Continue with SSO" for `email` and answers how many login flows the page started. */
async function loginFlowsOnDoubleClick(email: string, beside: 'alone' | 'password'): Promise<number> {
  const page = await newConsolePage(browser, server);
  page.on('pageerror', (e) => pageErrors.push(e.message));
  let flows = 0;
  const devtools = await page.context().newCDPSession(page);
  await devtools.send('Page.enable');
  devtools.on('Page.frameRequestedNavigation', (e) => {
    if (new URL(e.url).pathname === START_ROUTE) flows += 1;
  });
  const held: Route[] = [];
  let released = false;
  await page.route((url) => url.pathname === START_ROUTE, async (route) => {
    if (released) await route.fulfill({ contentType: 'text/html', body: IDP_PAGE });
    else held.push(route);
  });

  await page.goto('/login');
  await page.getByLabel('Email', { exact: true }).fill(email);
  if (beside === 'password') await page.getByLabel('Password', { exact: true }).waitFor();
  await page.getByRole('button', { name: 'Continue with SSO' }).dblclick();
  await expect.poll(() => held.length).toBe(1);
  released = true;
  for (const route of held) await route.fulfill({ contentType: 'text/html', body: IDP_PAGE });
  await page.getByRole('heading', { name: 'Identity provider' }).waitFor();
  await page.context().close();
  return flows;
}

describe('Continue with SSO on the sign-in page', { timeout: 60_000 }, () => {
  it('starts one login flow on a double click when the domain signs in only through SSO', async () => {
    expect(await loginFlowsOnDoubleClick('bob@twice.test', 'alone')).toBe(1);
  });

  it('starts one login flow on a double click beside the password form', async () => {
    expect(await loginFlowsOnDoubleClick('eve@either.test', 'password')).toBe(1);
  });
});
