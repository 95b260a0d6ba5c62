import { expect, test } from '@playwright/test';
import { watchErrors } from './helpers';

test('without WebGPU the playground draws the same first screen on the CPU and says so', async ({
  page,
}) => {
  const errors = watchErrors(page);
  await page.goto('./');
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-state', 'done');
  await expect(page.getByTestId('figure')).toHaveAttribute('data-view', 'scores');
  await expect(page.getByTestId('figure-title')).toHaveText('Causal And Padding');
  await expect(page.getByTestId('stat-backend')).toHaveAttribute('data-backend', 'cpu');
  await expect(page.getByTestId('adapter')).toHaveAttribute('data-backend', 'cpu');
  expect(errors).toEqual([]);
});
