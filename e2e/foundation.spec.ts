import { expect, test } from '@playwright/test';
import { callHarness, injectInlineScript, openHarness, watchErrors } from './helpers';

test('the page loads with no console errors and no page errors', async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto('./');
  await expect(page.getByRole('heading', { name: 'flexmask' })).toBeVisible();
  await expect(page.getByTestId('adapter')).not.toHaveAttribute('data-backend', 'pending');
  expect(errors).toEqual([]);
});

test('the page names the WebGPU adapter it got', async ({ page }) => {
  await page.goto('./');
  const adapter = page.getByTestId('adapter');
  await expect(adapter).toHaveAttribute('data-backend', 'gpu');
  await expect(adapter).toContainText('GPU:');
});

test('a WebGPU compute shader runs and returns the right numbers', async ({ page }) => {
  const errors = watchErrors(page);
  await openHarness(page);
  const input = Array.from({ length: 1000 }, () => Math.fround(Math.random() * 8 - 4));
  const output = await callHarness(page, 'selfTest', input);
  expect(output).toHaveLength(input.length);
  input.forEach((x, i) => {
    const expected = Math.fround(Math.fround(x * x) + i);
    expect(output[i]).toBe(expected);
  });
  expect(errors).toEqual([]);
});

test('after the device is lost, the device layer asks for a new one that works', async ({
  page,
}) => {
  const errors = watchErrors(page);
  await openHarness(page);
  const input = Array.from({ length: 100 }, () => Math.fround(Math.random() * 8 - 4));
  const { newDevice, output } = await callHarness(page, 'recoverFromLoss', input);
  expect(newDevice).toBe(true);
  input.forEach((x, i) => expect(output[i]).toBe(Math.fround(Math.fround(x * x) + i)));
  expect(errors).toEqual([]);
});

test('the production page carries a CSP without unsafe-eval, and it is enforced', async ({
  page,
}) => {
  await page.goto('./');
  const csp = await page
    .locator('meta[http-equiv="Content-Security-Policy"]')
    .getAttribute('content');
  expect(csp).toBeTruthy();
  // Scripts from the page's origin, and WebAssembly compilation (the CPU engine's kernel) and
  // nothing more: no 'unsafe-eval', no inline script.
  const scriptSources = /script-src ([^;]*)/
    .exec(csp ?? '')?.[1]
    .trim()
    .split(/\s+/);
  expect(scriptSources).toEqual(["'self'", "'wasm-unsafe-eval'"]);
  // The policy is enforced, not just present: an injected inline script is refused.
  const outcome = await injectInlineScript(page);
  expect(outcome.ran).toBe(false);
  expect(outcome.violation).toMatch(/^script-src/);
});
