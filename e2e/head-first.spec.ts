import { expect, test, type Page } from '@playwright/test';
import { callHarness, finishedRuns, openHarness, waitForRunAfter, watchErrors } from './helpers';
import type { AttentionShape } from '../app/problem';

// Fresh seeds each run; a failure prints the seed (FLEXMASK_SEED=<n> pins it).
const BASE_SEED = Number(process.env.FLEXMASK_SEED ?? Math.floor(Math.random() * 2 ** 31));
const TOLERANCE = 1e-4;

const SHAPE: AttentionShape = {
  B: 2,
  H: 4,
  HKV: 2,
  Q: 160,
  KV: 192,
  D: 32,
  DV: 16,
  blockQ: 64,
  blockKV: 64,
};
const SOURCE = [
  'def mask_mod(b, h, q_idx, kv_idx):',
  '    return (q_idx + 32 >= kv_idx) & ((h != 1) | (kv_idx % 3 != 0))',
  '',
  'def score_mod(score, b, h, q_idx, kv_idx):',
  '    return score + 0.25 * (h - b) - 0.01 * (q_idx - kv_idx)',
  '',
].join('\n');

/** The attention dispatches of a run's log, and where the picture was handed over. */
function attentionDispatches(events: string[]) {
  const picture = events.indexOf('picture');
  const heads = (from: number, to: number) =>
    events
      .slice(from, to)
      .filter((e) => e.startsWith('dispatch attention'))
      .map((e) => Number(e.split('x').at(-1)));
  return {
    picture,
    before: heads(0, Math.max(picture, 0)),
    after: picture < 0 ? [] : heads(picture + 1, events.length),
    pictureStageBefore: events
      .slice(0, Math.max(picture, 0))
      .some((e) => e.startsWith('dispatch picture')),
  };
}

test.describe('the head on screen first (GPU engine)', () => {
  test.beforeAll(() => console.log(`head-first.spec base seed: ${BASE_SEED}`));

  test('the picture is handed over after its own head and before any other; the result is unchanged', async ({
    page,
  }) => {
    test.setTimeout(240_000);
    const errors = watchErrors(page);
    await openHarness(page);
    const { B, H } = SHAPE;
    // First, last and a middle (b, h): the other heads are one range after, one before, or both.
    const views = [
      { b: 0, h: 0 },
      { b: B - 1, h: H - 1 },
      { b: 1, h: 1 },
      { b: 0, h: 2 },
    ];
    for (const [i, view] of views.entries()) {
      const seed = (BASE_SEED + i) % 2 ** 31;
      const where = `seed ${seed}, (b, h) = (${view.b}, ${view.h})`;
      const report = await callHarness(page, 'headFirstRun', {
        source: SOURCE,
        shape: SHAPE,
        seed,
        ...view,
      });
      expect(report.ending, where).toBe('done');
      const order = attentionDispatches(report.events);
      expect(order.picture, `${where}: ${report.events.join(', ')}`).toBeGreaterThan(0);
      // Before the hand-over: one dispatch of one (b, h), and the picture stage.
      expect(order.before, where).toEqual([1]);
      expect(order.pictureStageBefore, where).toBe(true);
      // After it: the other B * H - 1 pairs, in at most two dispatches.
      expect(order.after.length, where).toBeGreaterThanOrEqual(1);
      expect(order.after.length, where).toBeLessThanOrEqual(2);
      expect(
        order.after.reduce((a, n) => a + n, 0),
        where,
      ).toBe(B * H - 1);
      // The picture handed over is the finished run's, and so is the head's out and lse.
      expect(report.previewDifference, where).toBeNull();
      // Bit for bit what one dispatch of every head computes, and within 1e-4 of float64.
      expect(report.oneDispatchDifference, where).toBeNull();
      for (const [name, r] of Object.entries(report.reference ?? {})) {
        expect(r.nan, `${name} NaN, ${where}`).toBe(0);
        expect(r.infinityMismatches, `${name} infinities, ${where}`).toBe(0);
        expect(r.relative, `${name}, ${where}`).toBeLessThanOrEqual(TOLERANCE);
      }
      expect(report.reference, where).not.toBeNull();
    }
    expect(errors).toEqual([]);
  });

  test('a run aborted at the hand-over dispatches nothing more and ends in an AbortError', async ({
    page,
  }) => {
    test.setTimeout(120_000);
    const errors = watchErrors(page);
    await openHarness(page);
    const report = await callHarness(page, 'headFirstRun', {
      source: SOURCE,
      shape: SHAPE,
      seed: BASE_SEED,
      b: 1,
      h: 2,
      abortAtPicture: true,
    });
    expect(report.ending).toBe('aborted');
    const picture = report.events.indexOf('picture');
    expect(picture).toBeGreaterThan(0);
    expect(report.events.slice(picture + 1)).toEqual([]);
    expect(report.reference).toBeNull();
    expect(errors).toEqual([]);
  });
});

/**
 * Page-side: logs each paint of the figure's cells (its `data-painted`) with what the page showed
 * at that moment: the run status, its text, the progress bar, and a hash of the canvas's pixels.
 */
function recordPaints() {
  const page = window as unknown as { headFirstPaints?: PaintRecord[] };
  if (page.headFirstPaints) return;
  const paints: PaintRecord[] = [];
  page.headFirstPaints = paints;
  new MutationObserver((records) => {
    for (const record of records) {
      const canvas = record.target as HTMLCanvasElement;
      const tag = canvas.getAttribute('data-painted');
      if (record.attributeName !== 'data-painted' || !tag) continue;
      const status = document.querySelector('[data-testid="run-status"]');
      const progress = document.querySelector<HTMLProgressElement>('[data-testid="run-progress"]');
      const pixels = canvas.toDataURL();
      let hash = 2166136261;
      for (let i = 0; i < pixels.length; i++)
        hash = Math.imul(hash ^ pixels.charCodeAt(i), 16777619);
      paints.push({
        tag,
        state: status?.getAttribute('data-state') ?? '',
        text: status?.textContent ?? '',
        progress: progress ? progress.value : null,
        pixels: `${pixels.length}:${hash >>> 0}`,
      });
    }
  }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-painted'] });
}

interface PaintRecord {
  tag: string;
  state: string;
  text: string;
  progress: number | null;
  pixels: string;
}

async function paints(page: Page): Promise<PaintRecord[]> {
  return page.evaluate(
    () => (window as unknown as { headFirstPaints?: PaintRecord[] }).headFirstPaints ?? [],
  );
}

test('the playground draws the head on screen while the other heads run, with progress, then the same picture', async ({
  page,
}) => {
  test.setTimeout(240_000);
  const errors = watchErrors(page);
  await page.addInitScript(recordPaints);
  const code = [
    'WINDOW = 64',
    '',
    'def mask_mod(b, h, q_idx, kv_idx):',
    '    return (q_idx >= kv_idx) & (q_idx - kv_idx <= WINDOW)',
    '',
  ].join('\n');
  const before = await finishedRuns(page);
  await page.goto(`./#v=1&code=${encodeURIComponent(code)}&H=8&HKV=8&Q=256&KV=256&D=32&DV=32&h=5`);
  await waitForRunAfter(page, before);

  for (const [i, view] of (['scores', 'output'] as const).entries()) {
    await page.locator(`#tab-${view}`).click();
    await expect(page.getByTestId('figure')).toHaveAttribute('data-view', view);
    const seen = (await paints(page)).length;
    const mark = await finishedRuns(page);
    await page.getByLabel('WINDOW value').fill(String(40 + i));
    await waitForRunAfter(page, mark);
    const fresh = (await paints(page)).slice(seen);
    const preview = fresh.find((p) => p.tag.endsWith(':preview'));
    expect(preview, `${view}: ${JSON.stringify(fresh)}`).toBeDefined();
    if (!preview) continue;
    const generation = preview.tag.split(':')[0];
    // Drawn while the run was still going, and the page said so, with its progress.
    expect(preview.state).toBe('running');
    expect(preview.text).toContain('Picture ready; computing the other heads');
    expect(preview.progress).not.toBeNull();
    expect(preview.progress ?? 0).toBeGreaterThan(0);
    expect(preview.progress ?? 1).toBeLessThan(1);
    // Then the finished run's picture, of the same run, is the very same picture.
    const final = fresh.find((p) => p.tag === `${generation}:result`);
    expect(final, `${view}: ${JSON.stringify(fresh)}`).toBeDefined();
    expect(final?.state).toBe('done');
    expect(final?.pixels).toBe(preview.pixels);
    expect(fresh.indexOf(preview)).toBeLessThan(fresh.indexOf(final ?? preview));
  }
  await expect(page.getByTestId('run-progress')).toHaveCount(0);
  expect(errors).toEqual([]);
});
