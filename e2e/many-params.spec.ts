import { expect, test, type Page } from '@playwright/test';
import { DEFAULT_SCENARIO } from '../app/problem';
import { MAX_PARAM_SLIDERS } from '../app/state/params';
import { encodeScenario } from '../app/url';
import {
  finishedRuns,
  longTasksSince,
  waitForRunAfter,
  watchErrors,
  watchLongTasks,
} from './helpers';

/**
 * A program with thousands of top-level constants, opened from a link: the parameter panel
 * renders MAX_PARAM_SLIDERS sliders and lists the rest, the page stays responsive (no long
 * main-thread task once it has painted, measured with the Long Tasks API), and a slider still
 * rewrites its literal in the text.
 */

const COUNT = 5000;
const LONG_TASK_LIMIT_MS = 200;

/** `p0 = 0` ... `p4999 = 9`; the mask is a causal window of p0 + 1 tokens. */
function manyParamsProgram(): string {
  const lines = Array.from({ length: COUNT }, (_, i) => `p${i} = ${i % 10}`);
  return `${lines.join('\n')}\n\ndef mask_mod(b, h, q_idx, kv_idx):\n    return (q_idx - kv_idx <= p0) & (q_idx >= kv_idx)\n`;
}

async function editorText(page: Page): Promise<string> {
  return page.locator('.cm-content').innerText();
}

test('a link with 5,000 parameters: capped sliders, the rest listed, a slider still edits', async ({
  page,
}) => {
  const errors = watchErrors(page);
  await watchLongTasks(page);
  const hash = await encodeScenario({
    ...DEFAULT_SCENARIO,
    code: manyParamsProgram(),
    Q: 12,
    KV: 12,
  });
  await page.goto(`./${hash}`);
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-state', 'done', {
    timeout: 60_000,
  });

  // MAX_PARAM_SLIDERS sliders, with their labels; the others in one list behind a count.
  const panel = page.locator('section.params');
  await expect(panel.getByRole('slider')).toHaveCount(MAX_PARAM_SLIDERS);
  await expect(panel.getByLabel('p0', { exact: true })).toHaveValue('0');
  await expect(panel.getByLabel(`p${MAX_PARAM_SLIDERS - 1}`, { exact: true })).toHaveValue(
    String((MAX_PARAM_SLIDERS - 1) % 10),
  );
  await expect(panel.getByLabel(`p${MAX_PARAM_SLIDERS}`, { exact: true })).toHaveCount(0);
  const more = page.getByTestId('param-more');
  await expect(more.locator('summary')).toHaveText(
    `and ${(COUNT - MAX_PARAM_SLIDERS).toLocaleString('en-US')} more parameters`,
  );
  await expect(page.getByTestId('param-more-list')).toHaveCount(0);

  // Long tasks once the page has painted: the panel never re-scans the text per parameter.
  const firstPaint = await page.evaluate(
    () => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? 0,
  );
  const afterPaint = await longTasksSince(page, firstPaint);
  console.log(`many-params: long tasks after first paint (ms): ${JSON.stringify(afterPaint)}`);

  // Opening the list shows every other parameter as `name = value`.
  const opened = await page.evaluate(() => performance.now());
  await more.locator('summary').click();
  const list = page.getByTestId('param-more-list');
  await expect(list).toContainText(`p${MAX_PARAM_SLIDERS} = ${MAX_PARAM_SLIDERS % 10}`);
  await expect(list).toContainText(`p${COUNT - 1} = ${(COUNT - 1) % 10}`);
  expect((await list.innerText()).trim().split('\n')).toHaveLength(COUNT - MAX_PARAM_SLIDERS);
  const openTasks = await longTasksSince(page, opened);
  console.log(`many-params: long tasks opening the list (ms): ${JSON.stringify(openTasks)}`);

  // A slider move rewrites the literal in the text and runs again.
  const moved = await page.evaluate(() => performance.now());
  const before = await finishedRuns(page);
  const slider = panel.getByLabel('p0', { exact: true });
  await slider.focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await waitForRunAfter(page, before);
  await expect(slider).toHaveValue('2');
  await expect(panel.getByLabel('p0 value')).toHaveValue('2');
  // The editor draws only the lines in view: the first ones show the edit, the rest untouched.
  const text = await editorText(page);
  expect(text).toMatch(/^p0 = 2\np1 = 1\np2 = 2\n/);
  const moveTasks = await longTasksSince(page, moved);
  console.log(`many-params: long tasks moving a slider (ms): ${JSON.stringify(moveTasks)}`);

  expect(afterPaint[0] ?? 0, 'the longest task after the first paint').toBeLessThan(
    LONG_TASK_LIMIT_MS,
  );
  expect(openTasks[0] ?? 0, 'the longest task opening the list').toBeLessThan(LONG_TASK_LIMIT_MS);
  expect(moveTasks[0] ?? 0, 'the longest task moving a slider').toBeLessThan(LONG_TASK_LIMIT_MS);
  expect(errors).toEqual([]);
});
