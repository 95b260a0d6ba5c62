import { expect, test } from '@playwright/test';
import { watchErrors } from './helpers';

test('without WebGPU the playground draws the first screen with the CPU engine and says so', async ({
  page,
}) => {
  const errors = watchErrors(page);
  await page.goto('./');
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-state', 'done');
  await expect(page.getByTestId('figure')).toHaveAttribute('data-view', 'scores');
  await expect(page.getByTestId('figure-title')).toHaveText('Causal And Padding');
  const backend = page.getByTestId('stat-backend');
  await expect(backend).toHaveAttribute('data-backend', 'cpu');
  // The WebAssembly kernel compiled under the page's CSP ('wasm-unsafe-eval') and ran in workers.
  await expect(backend).toContainText(
    /CPU engine: WebAssembly SIMD( \(relaxed FMA\))?, \d+ workers?/,
  );
  await expect(page.getByTestId('adapter')).toHaveAttribute('data-backend', 'cpu');
  expect(errors).toEqual([]);
});
