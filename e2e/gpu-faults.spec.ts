import { expect, test } from '@playwright/test';
import {
  callHarness,
  finishedRuns,
  openHarness,
  openPlayground,
  waitForRunAfter,
  watchErrors,
} from './helpers';

// GPU faults are never silent: a dispatch the GPU rejects, a kernel that does not build, an error
// nobody captured and a lost device each end in a message, and the next run works.

test('a dispatch the GPU rejects fails the run with a clear message, not an all-zero result', async ({
  page,
}) => {
  const errors = watchErrors(page);
  await openHarness(page);
  const outcome = await callHarness(page, 'runWithInvalidDispatch');
  expect(outcome.ok).toBe(false);
  if (!outcome.ok) {
    expect(outcome.name).toBe('GpuRunError');
    expect(outcome.message).toMatch(/^The GPU rejected this run's commands, so it has no result/);
    expect(outcome.message).toContain('bug in flexmask');
  }
  expect(errors).toEqual([]);
});

test("a kernel whose WGSL does not build is reported as flexmask's bug, not the browser's text", async ({
  page,
}) => {
  const errors = watchErrors(page);
  await openHarness(page);
  const outcome = await callHarness(page, 'runWithBrokenWgsl');
  expect(outcome.ok).toBe(false);
  if (!outcome.ok) {
    expect(outcome.name).toBe('KernelBuildError');
    expect(outcome.message).toMatch(/^flexmask could not build its GPU kernel/);
    expect(outcome.message).toContain('This is a bug in flexmask, not in your program');
    expect(outcome.message.length).toBeLessThan(700);
  }
  expect(errors).toEqual([]);
});

test('an error nobody captured is reported, and the next run gets a fresh device', async ({
  page,
}) => {
  await openHarness(page);
  const { faults, newDevice, next } = await callHarness(page, 'uncapturedErrorThenRun');
  expect(faults).toHaveLength(1);
  expect(faults[0].kind).toBe('error');
  expect(faults[0].message).toMatch(/^The GPU reported an error outside any run/);
  expect(newDevice).toBe(true);
  expect(next).toEqual({ ok: true, allZero: false });
});

test('a device lost during a run fails that run, saying so; the next run works', async ({
  page,
}) => {
  const errors = watchErrors(page);
  await openHarness(page);
  const { during, after } = await callHarness(page, 'deviceLostDuringRun');
  expect(during.ok).toBe(false);
  if (!during.ok) {
    expect(during.name).toBe('GpuRunError');
    expect(during.message).toMatch(/^The GPU device was lost during the run/);
  }
  expect(after).toEqual({ ok: true, allZero: false });
  expect(errors).toEqual([]);
});

test('the page says when the GPU process crashes, and the next run works on a new device', async ({
  page,
  browser,
}) => {
  test.setTimeout(180_000);
  await openPlayground(page);
  await expect(page.getByTestId('adapter')).toHaveAttribute('data-backend', 'gpu');
  await expect(page.getByTestId('gpu-fault')).toHaveCount(0);
  const cdp = await browser.newBrowserCDPSession();
  await cdp.send('Browser.crashGpuProcess');
  const fault = page.getByTestId('gpu-fault');
  await expect(fault).toBeVisible();
  await expect(fault).toContainText('The GPU device was lost');
  await expect(fault).toContainText('The next run asks for a new one');
  // An edit runs again, on a new device: the result comes back and the notice goes.
  const before = await finishedRuns(page);
  await page.getByTestId('shape-Q').fill('12');
  await waitForRunAfter(page, before);
  await expect(page.getByTestId('figure')).toHaveAttribute('data-rows', '12');
  await expect(page.getByTestId('adapter')).toHaveAttribute('data-backend', 'gpu');
  await expect(fault).toHaveCount(0);
});

test('the pipeline cache keeps at most its bound of pipelines per device', async ({ page }) => {
  const errors = watchErrors(page);
  await openHarness(page);
  const { cached, bound } = await callHarness(page, 'pipelineCacheAfter', 48);
  expect(bound).toBe(32);
  expect(cached).toBe(32);
  expect(errors).toEqual([]);
});
