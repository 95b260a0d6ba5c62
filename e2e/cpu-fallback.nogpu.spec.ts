import { expect, test } from '@playwright/test';
import { watchErrors } from './helpers';

// This project launches Chromium without WebGPU (see playwright.config.ts).
test('without WebGPU the page says it computes on the CPU', async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto('./');
  const notice = page.getByTestId('adapter');
  await expect(notice).toHaveAttribute('data-backend', 'cpu');
  await expect(notice).toContainText('computes on the CPU');
  // The run's own line names the engine that computed it.
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-state', 'done');
  await expect(page.getByTestId('stat-backend')).toContainText('CPU engine: WebAssembly SIMD');
  expect(
    await page.evaluate(() => 'gpu' in navigator && navigator.gpu !== undefined),
  ).toBeDefined();
  expect(errors).toEqual([]);
});
