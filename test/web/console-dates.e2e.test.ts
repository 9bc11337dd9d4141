import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { transformWithEsbuild } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleBrowser, openConsole, signInToConsole, type ConsoleBrowser } from '../helpers/console-browser.js';
import { REPO_ROOT, startTestServer, type TestServer } from '../helpers/server.js';

/**
 * B14 (the API keys page's cold load): the first Intl date or relative-time formatter of a page costs Chromium 35–45 ms
 * of main thread, and the key table's dates were the first. In en-US the console writes them itself; these tests
 * hold that text to Intl's own, in Chromium, and check that the keys page makes no such formatter before its rows.
 */
let server: TestServer;
let browser: ConsoleBrowser;
let admin: Page;

beforeAll(async () => {
  server = await startTestServer();
  ({ browser, page: admin } = await openConsole(server));
  await signInToConsole(admin, 'admin@localhost', server.adminPassword);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** web/src/lib/format.ts as the browser runs it (it imports types only), exposing its date functions on `window`. */
async function formatModule(): Promise<string> {
  const source = await readFile(join(REPO_ROOT, 'web/src/lib/format.ts'), 'utf8');
  const { code } = await transformWithEsbuild(source, 'format.ts', { format: 'esm', target: 'es2022' });
  return `${code}\nwindow.consoleFormat = { formatDate, formatDateTime, relativeTime };`;
}

interface Mismatch {
  input: string;
  console: string;
  intl: string;
}

/**
 * Every date, date-time and distance the console writes for a spread of instants (each month and hour, the ends of
 * the years it writes itself, DST changes, distances from seconds to millennia either way), against what Intl writes
 * in the same page: the mismatches.
 */
function compareWithIntl(): Mismatch[] {
  type Format = { formatDate(iso: string): string; formatDateTime(iso: string): string; relativeTime(iso: string, now: number): string };
  const format = (window as unknown as { consoleFormat: Format }).consoleFormat;
  const date = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
  const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
  const mismatches: Mismatch[] = [];
  const check = (input: string, actual: string, expected: string) => {
    if (actual !== expected) mismatches.push({ input, console: actual, intl: expected });
  };
  const instants: Date[] = [];
  for (let month = 0; month < 12; month++) for (let hour = 0; hour < 24; hour++) instants.push(new Date(Date.UTC(2026, month, 1 + hour, hour, (hour * 7) % 60)));
  for (const year of [1, 999, 1000, 1970, 9999, 10000]) instants.push(new Date(Date.UTC(year, 5, 15, 12, 30)));
  instants.push(new Date(Date.UTC(2026, 2, 8, 9, 59)), new Date(Date.UTC(2026, 2, 29, 0, 59)), new Date(Date.UTC(2026, 9, 25, 1, 1)), new Date(Date.UTC(2026, 10, 1, 8, 30)));
  for (const instant of instants) {
    const iso = instant.toISOString();
    check(iso, format.formatDate(iso), date.format(instant));
    check(iso, format.formatDateTime(iso), dateTime.format(instant));
  }
  // The distances as relativeTime picks their unit: [unit, its length, from how long on it is used].
  const units: [Intl.RelativeTimeFormatUnit, number, number][] = [
    ['year', 365 * 86_400_000, 330 * 86_400_000], ['month', 30 * 86_400_000, 26 * 86_400_000],
    ['day', 86_400_000, 22 * 3_600_000], ['hour', 3_600_000, 45 * 60_000], ['minute', 60_000, 45_000],
  ];
  const now = Date.UTC(2026, 11, 4, 1, 0);
  const distances = [0, 1, 499, 500, 1_000, 1_499, 44_999, 45_000, 90_000, 2_700_000, 5_400_000, 79_200_000, 86_400_000, 129_600_000,
    2_246_400_000, 5_184_000_000, 28_512_000_000, 31_536_000_000, 94_608_000_000, 31_536_000_000_000, 315_360_000_000_000];
  for (const distance of distances) {
    for (const diff of [distance, -distance]) {
      const iso = new Date(now + diff).toISOString();
      const [unit, length] = units.find(([, , from]) => Math.abs(diff) >= from) ?? ['second', 1000];
      check(`${diff} ms`, format.relativeTime(iso, now), relative.format(Math.round(diff / length), unit));
    }
  }
  return mismatches;
}

describe('console dates (B14)', { timeout: 60_000 }, () => {
  for (const [locale, timezoneId] of [
    ['en-US', 'UTC'], ['en-US', 'America/Los_Angeles'], ['en-US', 'Asia/Kolkata'], ['en-US', 'Australia/Lord_Howe'],
    ['en-GB', 'Europe/London'], ['de-DE', 'Europe/Berlin'], ['ja-JP', 'Asia/Tokyo'],
  ] as const) {
    it(`writes dates and distances as Intl does (${locale}, ${timezoneId})`, async () => {
      const context = await (await consoleBrowser()).newContext({ locale, timezoneId });
      try {
        const page = await context.newPage();
        await page.setContent('<!doctype html><title>dates</title>');
        await page.addScriptTag({ type: 'module', content: await formatModule() });
        await page.waitForFunction(() => 'consoleFormat' in window);
        expect(await page.evaluate(compareWithIntl)).toEqual([]);
      } finally {
        await context.close();
      }
    });
  }

  it('shows the key table\'s first rows in en-US without making an Intl date or relative-time formatter', async () => {
    const expires = new Date(Date.now() + 10 * 86_400_000).toISOString();
    const created = await server.api('POST', '/v2/api-keys', { body: { key_type: 'USER', name: 'dated-key', expires_at: expires } });
    expect(created.status).toBe(201);
    const page = await admin.context().newPage();
    try {
      // Counts the formatters made until the first key row is in the table (the moment B14 times).
      await page.addInitScript(() => {
        const made = { DateTimeFormat: 0, RelativeTimeFormat: 0, atFirstRow: undefined as undefined | string };
        (window as unknown as { intlMade: typeof made }).intlMade = made;
        for (const name of ['DateTimeFormat', 'RelativeTimeFormat'] as const) {
          (Intl as Record<typeof name, unknown>)[name] = new Proxy(Intl[name], {
            construct(target, args, newTarget) {
              made[name] += 1;
              return Reflect.construct(target, args, newTarget) as object;
            },
          });
        }
        new MutationObserver((_, observer) => {
          const table = [...document.querySelectorAll('table')].find((t) => t.caption?.textContent === 'User keys');
          if (!table?.querySelector('tbody tr:not(.table-empty)')) return;
          observer.disconnect();
          made.atFirstRow = `${made.DateTimeFormat} DateTimeFormat, ${made.RelativeTimeFormat} RelativeTimeFormat`;
        }).observe(document, { childList: true, subtree: true });
      });
      await page.goto('/settings/api-keys');
      const row = page.getByRole('row').filter({ hasText: 'dated-key' });
      await row.waitFor();
      expect(await page.evaluate(() => (window as unknown as { intlMade: { atFirstRow?: string } }).intlMade.atFirstRow))
        .toBe('0 DateTimeFormat, 0 RelativeTimeFormat');
      // What the row shows is Intl's text all the same.
      const expected = await page.evaluate(([createdAt, expiresAt]) => {
        const date = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
        return {
          created: date.format(new Date(createdAt)),
          expires: `${date.format(new Date(expiresAt))} (${new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' }).format(10, 'day')})`,
        };
      }, [created.body.created_at as string, expires] as const);
      expect(await row.locator('td[data-label="Created"]').innerText()).toBe(expected.created);
      expect(await row.locator('td[data-label="Expires"]').innerText()).toBe(expected.expires);
    } finally {
      await page.close();
    }
  });
});
