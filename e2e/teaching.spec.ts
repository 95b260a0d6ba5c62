import { expect, test, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import {
  callHarness,
  clickCell,
  finishedRuns,
  openHarness,
  openPlayground,
  waitForRunAfter,
  watchErrors,
} from './helpers';

// The teaching panels: explain a cell, walk through the kernel, preset cards, embed mode.
// Fresh seeds each run; a failure prints the seed (FLEXMASK_SEED=<n> pins the base seed).
const BASE_SEED = Number(process.env.FLEXMASK_SEED ?? Math.floor(Math.random() * 2 ** 31));
const SCREENS = 'test-results/screens';
mkdirSync(SCREENS, { recursive: true });

test.beforeAll(() => console.log(`teaching.spec base seed: ${BASE_SEED}`));

test.describe('teaching models against the engine', () => {
  test('explain values equal the engine for random cells of random presets', async ({ page }) => {
    test.setTimeout(240_000);
    const errors = watchErrors(page);
    await openHarness(page);
    for (let i = 0; i < 30; i++) {
      const seed = (BASE_SEED + i) % 2 ** 31;
      const report = await callHarness(page, 'explainEngineCells', seed, 12);
      const where = `seed ${seed}: ${report.case.preset} ${JSON.stringify(report.case.shape)} (b=${report.case.b}, h=${report.case.h}) on ${report.backend}`;
      expect(report.backend, where).toBe('gpu');
      expect(report.mismatches, where).toEqual([]);
    }
    expect(errors).toEqual([]);
  });

  test("the walkthrough ends on the engine's out and lse, visiting the BlockMask's blocks in order", async ({
    page,
  }) => {
    test.setTimeout(240_000);
    const errors = watchErrors(page);
    await openHarness(page);
    let steps = 0;
    for (let i = 0; i < 30; i++) {
      const seed = (BASE_SEED + 1000 + i) % 2 ** 31;
      const report = await callHarness(page, 'walkthroughEngineRow', seed);
      const where = `seed ${seed}: ${report.case.preset} ${JSON.stringify(report.case.shape)} row ${report.row}`;
      expect(report.backend, where).toBe('gpu');
      expect(report.mismatches, where).toEqual([]);
      steps += report.steps;
    }
    expect(steps, 'some walkthrough had steps').toBeGreaterThan(0);
    expect(errors).toEqual([]);
  });
});

async function number(page: Page, testId: string): Promise<number> {
  const text = (await page.getByTestId(testId).textContent()) ?? '';
  return text === '-inf' ? -Infinity : Number(text);
}

function near(a: number, b: number): boolean {
  if (a === b) return true;
  // Both panels print 4 significant digits of numbers that agree to ~1e-6.
  return Math.abs(a - b) <= 2e-3 * Math.max(1, Math.abs(a), Math.abs(b));
}

/** Opens a preset from the gallery, then the card's block grid. */
async function usePreset(page: Page, title: string, id: string): Promise<void> {
  const before = await finishedRuns(page);
  await page.getByRole('button', { name: `Use ${title}`, exact: true }).click();
  await waitForRunAfter(page, before);
  await expect(page.getByTestId('preset-card')).toHaveAttribute('data-preset', id);
}

test.describe('teaching panels in the playground', () => {
  test('a preset opens with its card; clicking a cell explains it with the engine values', async ({
    page,
  }) => {
    const errors = watchErrors(page);
    await openPlayground(page);
    await usePreset(page, 'Document mask (jagged)', 'document');
    await expect(page.getByTestId('card-models')).toContainText('Llama 3');
    await expect(page.getByTestId('card-notice')).toContainText('11');
    const before = await finishedRuns(page);
    await page.getByTestId('card-show-blocks').click();
    await waitForRunAfter(page, before);
    await expect(page.getByTestId('figure')).toHaveAttribute('data-view', 'blocks');
    await page.getByTestId('preset-card').screenshot({ path: `${SCREENS}/teaching-card.png` });

    await page.getByRole('tab', { name: 'Mask' }).click();
    await expect(page.getByTestId('explain-empty')).toBeVisible();
    // Cells inside a document, across documents, and on a boundary.
    for (const [q, kv] of [
      [7, 6],
      [7, 2],
      [13, 12],
      [20, 15],
    ]) {
      await clickCell(page, q, kv);
      await expect(page.getByTestId('explain-cell')).toContainText(`q_idx = ${q}, kv_idx = ${kv}`);
      await expect(page.getByTestId('hover-q')).toHaveText(String(q));
      // The hover readout shows the engine's picture at the same cell.
      await expect(page.getByTestId('explain-mask')).toHaveText(
        (await page.getByTestId('hover-mask').textContent()) ?? '',
      );
      await expect(page.getByTestId('explain-block')).toHaveText(
        (await page.getByTestId('hover-block').textContent()) ?? '',
      );
      const where = `cell (${q}, ${kv})`;
      expect(
        near(await number(page, 'explain-score'), await number(page, 'hover-score')),
        where,
      ).toBe(true);
      expect(
        near(await number(page, 'explain-prob'), await number(page, 'hover-prob')),
        where,
      ).toBe(true);
    }
    // (20, 15): the last document, causal inside it: allowed, in a partial block.
    await expect(page.getByTestId('explain-mask')).toHaveText('True');
    await expect(page.getByTestId('explain-kernel')).toHaveAttribute('data-action', 'masked');
    await expect(
      page.getByTestId('trace-mask').locator('[data-kind="operator"]').first(),
    ).toHaveAttribute('data-value', 'True');
    await page
      .getByTestId('teaching-panels')
      .screenshot({ path: `${SCREENS}/teaching-explain.png` });
    // A cell in another document, in a block no document crosses: skipped by the kernel.
    await clickCell(page, 20, 2);
    await expect(page.getByTestId('explain-mask')).toHaveText('False');
    await expect(page.getByTestId('explain-kernel')).toHaveAttribute('data-action', 'skipped');
    expect(errors).toEqual([]);
  });

  test('and_masks: the panel names the member that decided', async ({ page }) => {
    const errors = watchErrors(page);
    await openPlayground(page);
    await usePreset(page, 'Sliding window', 'sliding_window');
    await page.getByRole('tab', { name: 'Mask' }).click();
    await clickCell(page, 9, 2); // causal holds, the window (self + 3) does not
    await expect(page.getByTestId('explain-mask')).toHaveText('False');
    const decider = page.getByTestId('trace-mask').locator('.trace-decider');
    await expect(decider).toHaveCount(1);
    await expect(decider.locator('.trace-member').first()).toHaveText('within_window:');
    await page
      .getByTestId('teaching-panels')
      .screenshot({ path: `${SCREENS}/teaching-and-masks.png` });
    expect(errors).toEqual([]);
  });

  test('walk through the kernel: step, play, pause, and the final row equals the kernel', async ({
    page,
  }) => {
    const errors = watchErrors(page);
    await openPlayground(page);
    await usePreset(page, 'Document mask (jagged)', 'document');
    const before = await finishedRuns(page);
    await page.getByTestId('card-show-blocks').click();
    await waitForRunAfter(page, before);
    await page.getByRole('tab', { name: 'Walk through the kernel' }).click();
    await page.getByTestId('walk-query-block').selectOption('4');
    await page.getByTestId('walk-row').selectOption('18');
    // Query block 4 (q 16-19) at 4 x 4 blocks: document 3 starts at 15, in the block before.
    const strip = page.getByTestId('walk-strip');
    const visited = await strip.locator('[data-order]:not([data-order="-1"])').count();
    expect(visited).toBeGreaterThan(0);
    await expect(strip.locator('[data-state="empty"]')).toHaveCount(6 - visited);

    await page.getByTestId('walk-step').click();
    await expect(page.getByTestId('walk-table-row')).toHaveCount(1);
    await expect(strip.locator('.walk-current')).toHaveCount(1);
    await expect(page.getByTestId('walk-narration')).toContainText(`Step 1 of ${visited}`);
    await page.getByTestId('walk-back').click();
    await expect(page.getByTestId('walk-table-row')).toHaveCount(0);

    // Play at the slowest speed, pause after the first step: nothing moves while paused.
    await page.getByTestId('walk-speed').selectOption('0');
    await page.getByTestId('walk-play').click();
    await expect(page.getByTestId('walk-play')).toHaveText('Pause');
    await expect(page.getByTestId('walk-table-row')).toHaveCount(1, { timeout: 5000 });
    await page.getByTestId('walk-play').click();
    await expect(page.getByTestId('walk-play')).toHaveText('Play');
    const paused = await page.getByTestId('walk-table-row').count();
    await page.waitForTimeout(2000);
    await expect(page.getByTestId('walk-table-row')).toHaveCount(paused);

    // Play to the end at full speed.
    await page.getByTestId('walk-speed').selectOption('3');
    await page.getByTestId('walk-play').click();
    await expect(page.getByTestId('walk-final')).toBeVisible({ timeout: 10_000 });
    await expect(page.getByTestId('walk-table-row')).toHaveCount(visited);
    expect(near(await number(page, 'walk-lse'), await number(page, 'walk-engine-lse'))).toBe(true);
    const out = ((await page.getByTestId('walk-out').textContent()) ?? '').replace(/[[\]…]/g, '');
    const engineOut = ((await page.getByTestId('walk-engine-out').textContent()) ?? '').replace(
      /[[\]…]/g,
      '',
    );
    const outs = out.split(',').map(Number);
    const engineOuts = engineOut.split(',').map(Number);
    expect(outs.length).toBe(engineOuts.length);
    outs.forEach((v, d) => expect(near(v, engineOuts[d]), `out[${d}]`).toBe(true));
    await page
      .getByTestId('teaching-panels')
      .screenshot({ path: `${SCREENS}/teaching-walkthrough.png` });
    expect(errors).toEqual([]);
  });
});

test.describe('embed mode', () => {
  test('embed=1&panel=walkthrough shows the picture and the walkthrough only', async ({ page }) => {
    const errors = watchErrors(page);
    await page.goto('./#embed=1&panel=walkthrough&preset=causal&block=4&row=6');
    await expect(page.getByTestId('teaching-embed')).toBeVisible();
    await expect(page.getByTestId('run-status')).toHaveCount(0);
    await expect(page.getByTestId('walkthrough')).toBeVisible();
    await expect(page.getByTestId('figure')).toHaveAttribute('data-rows', '3', { timeout: 30_000 });
    await expect(page.getByTestId('walk-row')).toHaveValue('6');
    // Causal, 12 tokens, 4 x 4 blocks, query block 1: block 0 full, block 1 partial, block 2 empty.
    await expect(page.getByTestId('walk-block-0')).toHaveAttribute('data-state', 'full');
    await expect(page.getByTestId('walk-block-1')).toHaveAttribute('data-state', 'partial');
    await expect(page.getByTestId('walk-block-1')).toHaveAttribute('data-order', '0');
    await expect(page.getByTestId('walk-block-2')).toHaveAttribute('data-state', 'empty');
    await page.getByTestId('walk-step').click();
    await page.getByTestId('walk-step').click();
    await expect(page.getByTestId('walk-final')).toBeVisible();
    await page.screenshot({ path: `${SCREENS}/teaching-embed-walkthrough.png`, fullPage: true });
    expect(errors).toEqual([]);
  });

  test('embed=1&panel=explain explains the cell the link names', async ({ page }) => {
    const errors = watchErrors(page);
    await page.goto('./#embed=1&panel=explain&preset=sliding_window_hf&q=6&kv=3');
    await expect(page.getByTestId('teaching-embed')).toBeVisible();
    await expect(page.getByTestId('explain-cell')).toContainText('q_idx = 6, kv_idx = 3', {
      timeout: 30_000,
    });
    // Hugging Face's window of 3 is self plus 2 earlier keys: 6 - 3 = 3 is outside.
    await expect(page.getByTestId('explain-mask')).toHaveText('False');
    await page.screenshot({ path: `${SCREENS}/teaching-embed-explain.png`, fullPage: true });
    expect(errors).toEqual([]);
  });
});
