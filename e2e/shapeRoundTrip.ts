/**
 * Drives every shape field to the largest value the page offers, shares the link and reopens
 * it: the scenario must come back unchanged, with no problem banner. The maxima are read from
 * the page (the `max` of each number field, the last option of each block-size list), so the
 * check follows whatever limits the device set.
 */
import { expect, type Page } from '@playwright/test';
import { SHAPE_FIELDS } from '../app/problem';

const NUMBER_KEYS = SHAPE_FIELDS.map((f) => f.key).filter((k) => !k.startsWith('block'));
const BLOCK_KEYS = ['blockQ', 'blockKV'] as const;

/** The value each shape control shows, read from the page. */
async function shownShape(page: Page): Promise<Record<string, string>> {
  const shown: Record<string, string> = {};
  for (const key of [...NUMBER_KEYS, ...BLOCK_KEYS]) {
    shown[key] = await page.getByTestId(`shape-${key}`).inputValue();
  }
  shown.b = await page.getByTestId('view-b').inputValue();
  shown.h = await page.getByTestId('view-h').inputValue();
  return shown;
}

/** Sets every shape field to its largest offered value; returns the maxima used. */
async function driveToMaxima(page: Page): Promise<Record<string, string>> {
  const maxima: Record<string, string> = {};
  // H before HKV, so that HKV = H (both at their maxima) is a valid grouping.
  for (const key of NUMBER_KEYS) {
    const field = page.getByTestId(`shape-${key}`);
    const max = await field.getAttribute('max');
    expect(max, `${key} has a maximum`).not.toBeNull();
    maxima[key] = String(max);
    await field.fill(String(max));
    await expect(field).toHaveValue(String(max));
  }
  for (const key of BLOCK_KEYS) {
    const select = page.getByTestId(`shape-${key}`);
    const options = await select
      .locator('option')
      .evaluateAll((nodes) => nodes.map((n) => Number((n as HTMLOptionElement).value)));
    const largest = String(Math.max(...options));
    maxima[key] = largest;
    await select.selectOption(largest);
  }
  // The shown batch item and head: the last ones.
  await page.getByTestId('view-b').fill(String(Number(maxima.B) - 1));
  await page.getByTestId('view-h').fill(String(Number(maxima.H) - 1));
  maxima.b = String(Number(maxima.B) - 1);
  maxima.h = String(Number(maxima.H) - 1);
  return maxima;
}

/** The page's own share link, once the address bar has caught up with the last edit. */
async function sharedLink(page: Page, maxima: Record<string, string>): Promise<string> {
  await expect
    .poll(() => page.evaluate(() => window.location.hash), { message: 'the hash follows edits' })
    .toContain(`B=${maxima.B}`);
  await expect.poll(() => page.evaluate(() => window.location.hash)).toContain(`h=${maxima.h}`);
  return page.evaluate(() => window.location.href);
}

export async function checkMaximaRoundTrip(page: Page): Promise<void> {
  await page.goto('./');
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-state', 'done');
  const maxima = await driveToMaxima(page);
  expect(await shownShape(page)).toEqual(maxima);
  const link = await sharedLink(page, maxima);

  const reopened = await page.context().newPage();
  await reopened.goto(link);
  await expect(reopened.getByTestId('shape-B')).toHaveValue(maxima.B);
  // The device check may re-open the link once it knows its limits: wait for it to settle.
  await expect(reopened.getByTestId('run-status')).toHaveAttribute('data-state', /done|error/);
  expect(await shownShape(reopened)).toEqual(maxima);
  await expect(reopened.getByTestId('link-problems')).toHaveCount(0);
  expect(await reopened.evaluate(() => window.location.href)).toBe(link);
  await reopened.close();
}
