import { FIRST_VISIT } from './engineStorage';
import { expect, test, type Page } from '@playwright/test';
import { writeNpy } from '../app/tensors/npy';
import {
  fileOnDisk,
  finishedRuns,
  openPlayground,
  takeLongestTask,
  waitForRunAfter,
  watchErrors,
  watchLongTasks,
} from './helpers';

// What a first visit gets: the page chooses the engine itself (on this machine's software
// adapter, usually the CPU engine).
test.use({ storageState: FIRST_VISIT });

// Hostile uploads in the real page (issue 12): files are parsed in a Web Worker, so even a large
// JSON file leaves the main thread free; deep nesting gets a message, not a stack overflow; and
// a small [S, D] file that would expand to 256 MiB is refused from the shapes, before expanding.

/** The longest main-thread task allowed while a file is read. */
const MAX_TASK_MS = 200;

/** Chooses a file for Q, by path (e2e/helpers.ts `fileOnDisk` says why). */
async function upload(page: Page, name: string, buffer: Buffer): Promise<void> {
  await page.getByTestId('upload-input-q').setInputFiles(fileOnDisk(name, buffer));
}

test('hostile files are read off the main thread and refused with short messages', async ({
  page,
}) => {
  const errors = watchErrors(page);
  await openPlayground(page);
  await watchLongTasks(page);
  const error = page.getByTestId('upload-error-q');
  const report: string[] = [];

  const cases: [string, Buffer, RegExp][] = [
    [
      'deep.json',
      Buffer.from(`${'['.repeat(100_000)}1${']'.repeat(100_000)}`),
      /^deep\.json: the JSON nests more than 32 levels deep/,
    ],
    [
      'long_string.json',
      Buffer.from(`[["${'x'.repeat(1_700_000)}"]]`),
      /^long_string\.json: found "x{200}…" where a finite number was expected\.$/,
    ],
    // 4 million numbers (24 MB of text): seconds of parsing, none of it on the page.
    [
      'wide.json',
      Buffer.from(`[${'0.25,'.repeat(4_000_000)}1]`),
      /^Q \(wide\.json\) has shape \[4000001\], which fits none of the layouts/,
    ],
    [
      'deep_shape.safetensors',
      (() => {
        const header = `{"q": {"dtype": "F32", "shape": ${'['.repeat(100_000)}1${']'.repeat(100_000)}, "data_offsets": [0, 4]}}`;
        const length = Buffer.alloc(8);
        length.writeBigUInt64LE(BigInt(header.length));
        return Buffer.concat([length, Buffer.from(header), Buffer.alloc(4)]);
      })(),
      /^deep_shape\.safetensors: the header nests more than 8 levels deep/,
    ],
  ];
  for (const [name, buffer, message] of cases) {
    await takeLongestTask(page);
    const started = Date.now();
    await upload(page, name, buffer);
    await expect(error).toHaveText(message, { timeout: 30_000 });
    const ms = Date.now() - started;
    const longest = await takeLongestTask(page);
    report.push(`${name}: message in ${ms} ms, longest task ${longest.toFixed(0)} ms`);
    expect((await error.textContent())?.length ?? 0).toBeLessThan(600);
    expect(longest, `${name}: longest task`).toBeLessThan(MAX_TASK_MS);
  }
  console.log(report.join('\n'));
  expect(errors).toEqual([]);
});

test('a 0.5 MiB [S, D] upload that would expand to 256 MiB is refused before expanding', async ({
  page,
}) => {
  const errors = watchErrors(page);
  await openPlayground(page);
  // Sizes that keep every intermediate run small: Q grows only once the upload supplies Q, and
  // K and V stay 10 long.
  const q = writeNpy({ shape: [2048, 64], dtype: '<f4', data: new Float32Array(2048 * 64) });
  await upload(page, 'q_sd.npy', Buffer.from(q));
  await page.getByTestId('shape-D').fill('64');
  let before = await finishedRuns(page);
  await page.getByTestId('shape-Q').fill('2048');
  await waitForRunAfter(page, before);
  before = await finishedRuns(page);
  await page.getByTestId('shape-H').fill('64');
  await waitForRunAfter(page, before);
  await watchLongTasks(page);
  before = await finishedRuns(page);
  await page.getByTestId('shape-B').fill('8');
  await waitForRunAfter(page, before, 'error');
  const expected =
    'The uploaded Q expands to [B, H, S, D] float32 arrays of 268,435,456 bytes (256.0 MiB) for ' +
    'this scenario (Q: B=8, H=64, Q=2048, D=64), over the budget of 134,217,728 bytes ' +
    '(128.0 MiB) for uploaded inputs.';
  await expect(page.getByTestId('upload-error-q')).toContainText(expected);
  await expect(page.getByTestId('run-error')).toContainText(expected);
  const longest = await takeLongestTask(page);
  console.log(`expanding [S, D] upload: refused, longest task ${longest.toFixed(0)} ms`);
  expect(longest).toBeLessThan(MAX_TASK_MS);
  expect(errors).toEqual([]);
});
