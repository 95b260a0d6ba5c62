import { readFileSync } from 'node:fs';
import { FIRST_VISIT, engineChosen } from './engineStorage';
import { expect, test, type Page } from '@playwright/test';
import {
  finishedRuns,
  openPlayground,
  takeLongestTask,
  waitForRunAfter,
  watchErrors,
  watchLongTasks,
} from './helpers';

// What a first visit gets: the page chooses the engine itself (on this machine's software
// adapter, usually the CPU engine); GPU-only checks below force the GPU engine.
test.use({ storageState: FIRST_VISIT });

/**
 * Real code in the real page: files written the way attention-gym's and transformers' mask files
 * are, pasted whole; sliders that only move a uniform; hostile programs that must not stall the
 * page (compiling runs in a worker); print() output; and an export refused because of code that
 * never ran.
 */

/** Counts GPUDevice.createShaderModule calls and records long main-thread tasks, from the start. */
async function instrument(page: Page): Promise<void> {
  await watchLongTasks(page);
  await page.addInitScript(() => {
    const w = window as unknown as { shaderModules: number };
    w.shaderModules = 0;
    const proto = (globalThis as unknown as { GPUDevice?: { prototype: GPUDevice } }).GPUDevice
      ?.prototype;
    if (proto) {
      const original = proto.createShaderModule;
      proto.createShaderModule = function (this: GPUDevice, descriptor: GPUShaderModuleDescriptor) {
        w.shaderModules += 1;
        return original.call(this, descriptor);
      };
    }
  });
}

async function shaderModules(page: Page): Promise<number> {
  return page.evaluate(() => (window as unknown as { shaderModules: number }).shaderModules);
}

function linkTo(code: string, extra = ''): string {
  return `./#v=1&code=${encodeURIComponent(code)}${extra}`;
}

async function openLink(page: Page, code: string, extra = ''): Promise<void> {
  await page.goto(linkTo(code, extra));
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-state', /done|error/);
}

test.describe('on the GPU engine', () => {
  // It counts shader modules, so it needs the GPU engine whatever a first visit would choose.
  test.use({
    storageState: async ({ baseURL }, use) => {
      await use(engineChosen(new URL(baseURL ?? '').origin, 'gpu'));
    },
  });

  test('a slider that only moves a uniform builds no new shader module', async ({ page }) => {
    const errors = watchErrors(page);
    await instrument(page);
    // The window reaches the traced code through a generator's argument and setup arithmetic.
    const code = [
      'WINDOW = 3',
      '',
      'def generate_sliding_window(window_size: int):',
      '    half = window_size // 1',
      '    def sliding_window(b, h, q_idx, kv_idx):',
      '        return (q_idx >= kv_idx) & (q_idx - kv_idx <= half)',
      '    sliding_window.__name__ = f"sliding_window_{window_size}"',
      '    return sliding_window',
      '',
      'mask_mod = generate_sliding_window(WINDOW)',
      '',
    ].join('\n');
    await openLink(page, code, '&Q=12&KV=12');
    await expect(page.getByTestId('run-status')).toHaveAttribute('data-state', 'done');
    const modules = await shaderModules(page);
    expect(modules, 'the first run builds its shaders').toBeGreaterThan(0);

    const slider = page.getByLabel('WINDOW', { exact: true });
    await expect(slider).toHaveValue('3');
    for (let step = 0; step < 3; step += 1) {
      const before = await finishedRuns(page);
      await slider.focus();
      await page.keyboard.press('ArrowRight');
      await waitForRunAfter(page, before);
    }
    await expect(page.getByLabel('WINDOW value')).toHaveValue('6');
    expect(await shaderModules(page), 'slider moves reuse every shader').toBe(modules);

    // The counter does count: a change of structure builds new shaders.
    await page.goto(linkTo(code.replace('<= half', '<= half * 2'), '&Q=12&KV=12'));
    await expect.poll(async () => shaderModules(page)).toBeGreaterThan(modules);
    await expect(page.getByTestId('run-status')).toHaveAttribute('data-state', 'done');
    expect(errors).toEqual([]);
  });
});

test('an attention-gym file pasted whole draws its mask', async ({ page }) => {
  const errors = watchErrors(page);
  const code = readFileSync('app/mask/corpus/attn_gym/sta_2d_text.py', 'utf8');
  await openLink(page, code, '&Q=20&KV=20');
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-state', 'done');
  await expect(page.getByTestId('compile-error')).toHaveCount(0);
  await expect(page.getByTestId('figure')).toHaveAttribute('data-rows', '20');
  expect(errors).toEqual([]);
});

test('hostile programs end in a clear error without stalling the page', async ({ page }) => {
  const errors = watchErrors(page);
  await instrument(page);
  const doubling = [
    'def g0(x):',
    '    return x + 1',
    ...Array.from({ length: 30 }, (_, k) => `def g${k + 1}(x):\n    return g${k}(g${k}(x))`),
    'def mask_mod(b, h, q_idx, kv_idx):',
    '    return g30(q_idx) >= kv_idx',
    '',
  ].join('\n');
  await openLink(page, doubling);
  await expect(page.getByTestId('compile-error')).toContainText('LimitError');
  expect(await takeLongestTask(page), 'the doubling helpers link').toBeLessThan(200);
  await openPlayground(page);
  const programs = [
    ['while True:\n    pass\nmask_mod = noop_mask\n', 'LimitError'],
    ['xs = [0] * 10**10\nmask_mod = noop_mask\n', 'LimitError'],
    ['import os\nos.system("echo hi")\nmask_mod = noop_mask\n', 'ModuleNotFoundError'],
    [
      'def mask_mod(b, h, q_idx, kv_idx):\n    if q_idx > kv_idx:\n        return True\n    return False\n',
      'RuntimeError',
    ],
  ];
  for (const [code, kind] of programs) {
    await openLink(page, code);
    await expect(page.getByTestId('compile-error')).toContainText(kind);
  }
  // Compiling runs in a worker: the main thread never waited on these programs.
  expect(await takeLongestTask(page)).toBeLessThan(200);
  expect(errors).toEqual([]);
});

test('print() output shows under the editor', async ({ page }) => {
  const errors = watchErrors(page);
  await openLink(
    page,
    'sizes = [3, 5]\nprint(f"documents: {sizes}, total {sum(sizes)}")\nmask_mod = noop_mask\n',
  );
  await expect(page.getByTestId('program-output')).toHaveText('documents: [3, 5], total 8');
  expect(errors).toEqual([]);
});

test('the export is refused, with the line and the reason, when code that never ran is unchecked', async ({
  page,
}) => {
  const errors = watchErrors(page);
  const planted = [
    'WINDOW = 3',
    'if WINDOW > 10:',
    '    _ = __import__("os").system("echo hi")',
    'def mask_mod(b, h, q_idx, kv_idx):',
    '    return (q_idx >= kv_idx) & (q_idx - kv_idx <= WINDOW)',
    '',
  ].join('\n');
  await openLink(page, planted);
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-state', 'done');
  await expect(page.getByTestId('export-refused')).toContainText('line 3 never ran in flexmask');
  await expect(page.getByRole('button', { name: 'Download PyTorch code as .py' })).toBeDisabled();
  await expect(page.getByTestId('python-code')).not.toContainText('__import__');
  expect(errors).toEqual([]);
});

/**
 * The longest main-thread task of `act` (which must end with the run it starts finished), at
 * its best of `attempts`: each attempt starts with `prepare`, which is not measured. A step whose
 * work takes a long task takes it every time; the best of three leaves out the one-off stalls a
 * shared, loaded machine adds to any task (a descheduled renderer, a GC started by the previous
 * step), which made the single reading flaky in CI.
 */
async function bestLongestTask(
  page: Page,
  prepare: () => Promise<void>,
  act: () => Promise<void>,
  attempts = 3,
): Promise<number[]> {
  const readings: number[] = [];
  for (let n = 0; n < attempts; n++) {
    await prepare();
    await takeLongestTask(page);
    await act();
    readings.push(await takeLongestTask(page));
    if (readings[n] < 50) break;
  }
  return readings;
}

test('a link, an edit and a file are processed with no main-thread task over 50 ms', async ({
  page,
}) => {
  const errors = watchErrors(page);
  await instrument(page);
  await openPlayground(page);
  const steps: [string, number[]][] = [];
  /** Opens `hash` and waits for its run. */
  const open = async (hash: string) => {
    const before = await finishedRuns(page);
    await page.goto(hash);
    await waitForRunAfter(page, before);
  };

  // A link: an attention-gym file opened through the address bar (after another link, so that
  // every attempt opens it afresh).
  const code = readFileSync('app/mask/corpus/attn_gym/natten.py', 'utf8');
  steps.push([
    'opening a link',
    await bestLongestTask(
      page,
      () => open('./#v=1&Q=20&KV=20'),
      () => open(linkTo(code, '&Q=36&KV=36')),
    ),
  ]);

  // An edit: a parameter slider, one step.
  await open(
    linkTo(
      'from attn_gym.masks import generate_sliding_window\n\nWINDOW = 3\nmask_mod = generate_sliding_window(WINDOW)\n',
    ),
  );
  const slider = page.getByLabel('WINDOW', { exact: true });
  let runsBefore = await finishedRuns(page);
  steps.push([
    'a slider edit',
    await bestLongestTask(
      page,
      async () => {
        runsBefore = await finishedRuns(page);
      },
      async () => {
        await slider.focus();
        await page.keyboard.press('ArrowRight');
        await waitForRunAfter(page, runsBefore);
      },
    ),
  ]);

  // A file: a NumPy-written Q of the fixture shape (on a fresh link each time, so that every
  // attempt replaces the random Q).
  steps.push([
    'an upload',
    await bestLongestTask(
      page,
      async () => {
        await open('./#v=1&H=2&HKV=2&seed=1');
        await open('./#v=1&H=2&HKV=2');
        runsBefore = await finishedRuns(page);
      },
      async () => {
        await page.getByTestId('upload-input-q').setInputFiles('e2e/fixtures/q.npy');
        await waitForRunAfter(page, runsBefore);
      },
    ),
  ]);

  console.log(
    `longest main-thread tasks, each attempt: ${steps.map(([w, ms]) => `${w} ${ms.join(', ')} ms`).join('; ')}`,
  );
  for (const [what, readings] of steps) expect(Math.min(...readings), what).toBeLessThan(50);
  expect(errors).toEqual([]);
});
