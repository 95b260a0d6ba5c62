import { expect, test } from '@playwright/test';
import { watchErrors } from './helpers';
import { checkMaximaRoundTrip } from './shapeRoundTrip';

test('without WebGPU the fields offer the CPU engine limits, and a link at them reopens unchanged', async ({
  page,
}) => {
  const errors = watchErrors(page);
  await page.goto('./');
  // The CPU engine lowers the sequence lengths; the fields offer no more than it takes.
  await expect(page.getByTestId('shape-Q')).toHaveAttribute('max', '2048');
  await checkMaximaRoundTrip(page);
  expect(errors).toEqual([]);
});
