import { expect, test } from '@playwright/test';
import { watchErrors } from './helpers';

// This project launches Chromium without WebGPU (see playwright.config.ts).
test('without WebGPU the page says it computes on the CPU', async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto('./');
  const notice = page.getByTestId('adapter');
  await expect(notice).toHaveAttribute('data-backend', 'cpu');
  await expect(notice).toContainText('computes on the CPU');
  expect(
    await page.evaluate(() => 'gpu' in navigator && navigator.gpu !== undefined),
  ).toBeDefined();
  expect(errors).toEqual([]);
});
