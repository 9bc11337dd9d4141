import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';

/** axe-core's browser bundle, read once from the installed package (never downloaded). */
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * The axe-core violations of the page as it is now (WCAG 2.1 A and AA, and axe's best practices), one line each
 * (rule, then the first offending element); an empty list is what every tested page state must give. The bundle is
 * evaluated through the DevTools protocol, so the console's Content-Security-Policy does not block it.
 */
export async function axeViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, options: object) => Promise<{ violations: { id: string; help: string; nodes: { target: unknown[] }[] }[] }> } }).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => `${v.id}: ${v.help} (${JSON.stringify(v.nodes[0]?.target ?? [])}, ${v.nodes.length} node(s))`);
  });
  return violations;
}
