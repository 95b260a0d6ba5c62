import { expect, test } from '@playwright/test';
import { watchErrors } from './helpers';
import { checkMaximaRoundTrip } from './shapeRoundTrip';

test('every shape field at its maximum: the shared link reopens the same scenario', async ({
  page,
}) => {
  const errors = watchErrors(page);
  await checkMaximaRoundTrip(page);
  // So large a shape is refused by the memory budget, with a message naming the limit.
  await expect(page.getByTestId('run-error')).toContainText(/needs .* MiB/);
  expect(errors).toEqual([]);
});
