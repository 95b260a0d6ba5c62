import { expect, type Page } from '@playwright/test';
import type { Harness } from '../app/harness';

/** Collects console errors and page errors so a test can assert there were none. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`page: ${error.message}`));
  return errors;
}

/** Opens the test harness page and waits until it has exposed the engine. */
export async function openHarness(page: Page): Promise<void> {
  await page.goto('harness.html');
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
}

/** Calls one harness function in the page; arguments and result travel as JSON. */
export async function callHarness<K extends keyof Harness>(
  page: Page,
  name: K,
  ...args: Parameters<Harness[K]>
): Promise<Awaited<ReturnType<Harness[K]>>> {
  return page.evaluate(
    async ({ name, args }) => {
      const harness = window.flexmaskHarness;
      if (!harness) throw new Error('harness not loaded');
      const fn = harness[name] as (...a: unknown[]) => unknown;
      return fn(...args);
    },
    { name, args },
  ) as Promise<Awaited<ReturnType<Harness[K]>>>;
}
