import { expect, test, type Page } from '@playwright/test';
import { FIRST_VISIT } from './engineStorage';
import { finishedRuns, openPlayground, waitForRunAfter, watchErrors } from './helpers';

// Every other page test forces the GPU engine (playwright.config.ts); this one starts from an
// empty storage, as a first visit does, so the page chooses for itself.
test.use({ storageState: FIRST_VISIT });

const calibrationPattern = /CPU engine ([\d.]+) ms, software GPU ([\d.]+) ms/;

async function engineLine(page: Page) {
  const line = page.getByTestId('engine');
  return { engine: await line.getAttribute('data-engine'), text: (await line.textContent()) ?? '' };
}

test('on a software adapter, auto runs the engine its calibration found faster, and says so', async ({
  page,
}) => {
  const errors = watchErrors(page);
  await openPlayground(page);
  await expect(page.getByTestId('engine-choice')).toHaveValue('auto');
  const { engine, text } = await engineLine(page);
  // This machine's adapter is SwiftShader, a software one: the choice rests on a calibration
  // whose two times the header shows; the engine that ran is the one with the smaller time.
  expect(text).toContain('software');
  const match = calibrationPattern.exec(text);
  expect(match, text).not.toBeNull();
  const [cpuMs, gpuMs] = [Number(match?.[1]), Number(match?.[2])];
  expect(cpuMs).toBeGreaterThan(0);
  expect(gpuMs).toBeGreaterThan(0);
  expect(engine).toBe(cpuMs < gpuMs ? 'cpu' : 'gpu');
  // The calibration is kept for the session: a reload decides from it without measuring again.
  const stored = await page.evaluate(() =>
    Object.keys(sessionStorage).filter((k) => k.startsWith('flexmask.calibration')),
  );
  expect(stored).toHaveLength(1);
  expect(errors).toEqual([]);
});

test('the user can force either engine; the choice reruns, persists, and stays out of links', async ({
  page,
}) => {
  const errors = watchErrors(page);
  await openPlayground(page);
  const choice = page.getByTestId('engine-choice');
  const counts = page.getByTestId('stat-partial-full');

  let mark = await finishedRuns(page);
  await choice.selectOption('cpu');
  await waitForRunAfter(page, mark);
  expect(await engineLine(page)).toEqual({
    engine: 'cpu',
    text: 'CPU engine: You chose the CPU engine.',
  });
  await expect(page.getByTestId('stat-backend')).toContainText('WebAssembly SIMD');
  const cpuCounts = await counts.textContent();

  mark = await finishedRuns(page);
  await choice.selectOption('gpu');
  await waitForRunAfter(page, mark);
  expect((await engineLine(page)).engine).toBe('gpu');
  await expect(page.getByTestId('stat-backend')).toContainText('WebGPU on');
  // Both engines build the same BlockMask.
  expect(await counts.textContent()).toBe(cpuCounts);

  // The choice belongs to this browser: a reload keeps it, a share link does not carry it.
  await page.reload();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-state', 'done');
  await expect(choice).toHaveValue('gpu');
  expect((await engineLine(page)).engine).toBe('gpu');
  expect(page.url()).not.toMatch(/engine/);
  expect(errors).toEqual([]);
});
