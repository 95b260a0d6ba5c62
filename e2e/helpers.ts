import { expect, type Page } from '@playwright/test';
import type { Harness } from './harness/harness';

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

/** How many runs the playground has finished (the run-status element counts them). */
export async function runCount(page: Page): Promise<number> {
  return Number(await page.getByTestId('run-status').getAttribute('data-runs'));
}

/** Waits for the run that follows an edit made after `before` runs had finished. */
export async function waitForRunAfter(page: Page, before: number, state = 'done'): Promise<void> {
  await expect
    .poll(async () => runCount(page), { message: 'a run to finish after the edit' })
    .toBeGreaterThan(before);
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-state', state);
}

/** Opens the playground and waits for its first run and its editor. */
export async function openPlayground(page: Page): Promise<void> {
  await page.goto('./');
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-state', 'done');
  await expect(page.getByTestId('program-editor')).toHaveAttribute('data-ready', 'true');
}

/**
 * Injects an inline script into the page and reports whether it ran and which CSP directive
 * refused it (empty when none did).
 */
export async function injectInlineScript(page: Page): Promise<{ ran: boolean; violation: string }> {
  return page.evaluate(
    () =>
      new Promise<{ ran: boolean; violation: string }>((resolve) => {
        const probe = window as unknown as { injectedScriptRan?: boolean };
        let violation = '';
        document.addEventListener('securitypolicyviolation', (event) => {
          violation = event.violatedDirective;
        });
        const script = document.createElement('script');
        script.textContent = 'window.injectedScriptRan = true;';
        document.body.appendChild(script);
        setTimeout(() => resolve({ ran: probe.injectedScriptRan === true, violation }), 300);
      }),
  );
}

/** The page coordinates of the centre of cell (row, col) of the unzoomed figure. */
async function cellCentre(page: Page, row: number, col: number): Promise<{ x: number; y: number }> {
  const figure = page.getByTestId('figure');
  const rows = Number(await figure.getAttribute('data-rows'));
  const cols = Number(await figure.getAttribute('data-cols'));
  const overlay = page.getByTestId('figure-overlay');
  await overlay.scrollIntoViewIfNeeded();
  const box = await overlay.boundingBox();
  if (!box) throw new Error('figure overlay not visible');
  return {
    x: box.x + ((col + 0.5) * box.width) / cols,
    y: box.y + ((row + 0.5) * box.height) / rows,
  };
}

/** Points at cell (row, col) of the unzoomed figure. */
export async function hoverCell(page: Page, row: number, col: number): Promise<void> {
  const { x, y } = await cellCentre(page, row, col);
  await page.mouse.move(x, y);
}

/** Points at cell (row, col) of the unzoomed figure and clicks it. */
export async function clickCell(page: Page, row: number, col: number): Promise<void> {
  const { x, y } = await cellCentre(page, row, col);
  await page.mouse.move(x, y);
  await page.mouse.click(x, y);
}
