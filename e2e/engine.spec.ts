import { expect, test } from '@playwright/test';
import { callHarness, openHarness, watchErrors } from './helpers';
import { DEFAULT_SCENARIO, type Scenario } from '../app/problem';

// Fresh seeds each run; a failure prints the seed that reproduces it
// (FLEXMASK_SEED=<n> pins the base seed).
const BASE_SEED = Number(process.env.FLEXMASK_SEED ?? Math.floor(Math.random() * 2 ** 31));
const SCENARIOS = 200;
const PER_TEST = 20;
const TOLERANCE = 1e-4;

test.describe('GPU engine against the float64 reference', () => {
  test.beforeAll(() => console.log(`engine.spec base seed: ${BASE_SEED}`));

  for (let batch = 0; batch < SCENARIOS / PER_TEST; batch++) {
    test(`random scenarios ${batch * PER_TEST}..${(batch + 1) * PER_TEST - 1}`, async ({
      page,
    }) => {
      test.setTimeout(300_000);
      const errors = watchErrors(page);
      await openHarness(page);
      for (let i = 0; i < PER_TEST; i++) {
        const seed = (BASE_SEED + batch * PER_TEST + i) % 2 ** 31;
        const { scenario, report } = await callHarness(page, 'compareRandomScenario', seed);
        const where = `seed ${seed}: ${scenario.description} ${JSON.stringify(scenario.shape)} (b=${scenario.b}, h=${scenario.h})\n${scenario.source}`;
        expect(report.blockMask, where).toBeNull();
        expect(report.counts, where).toBeNull();
        for (const [name, r] of [
          ['out', report.out],
          ['lse', report.lse],
          ['scores', report.headPicture],
          ['probabilities', report.pictureProbs],
        ] as const) {
          expect(r.nan, `${name} NaN, ${where}`).toBe(0);
          expect(r.infinityMismatches, `${name} infinities, ${where}`).toBe(0);
          expect(r.relative, `${name} relative error, ${where}`).toBeLessThanOrEqual(TOLERANCE);
        }
        expect(report.pictureMask, where).toBeNull();
        expect(report.probRowSumError, `probability rows, ${where}`).toBeLessThanOrEqual(TOLERANCE);
      }
      expect(errors).toEqual([]);
    });
  }

  test('causal at Q = KV = 2048 (B=1, H=2, D=64) matches the reference', async ({ page }) => {
    test.setTimeout(300_000);
    await openHarness(page);
    const source = 'def mask_mod(b, h, q_idx, kv_idx):\n    return q_idx >= kv_idx\n';
    const report = await callHarness(page, 'compareWithReference', source, {
      shape: { B: 1, H: 2, HKV: 2, Q: 2048, KV: 2048, D: 64, DV: 64, blockQ: 128, blockKV: 128 },
      seed: BASE_SEED,
      b: 0,
      h: 1,
      debugCounts: true,
    });
    expect(report.blockMask).toBeNull();
    expect(report.counts).toBeNull();
    expect(report.out.relative).toBeLessThanOrEqual(TOLERANCE);
    expect(report.lse.relative).toBeLessThanOrEqual(TOLERANCE);
    expect(report.out.nan + report.lse.nan).toBe(0);
  });
});

test('Q = KV = 16384 runs, and the picture is sampled rather than a 1 GiB buffer', async ({
  page,
}) => {
  test.setTimeout(300_000);
  await openHarness(page);
  const scenario: Scenario = {
    ...DEFAULT_SCENARIO,
    code: 'WINDOW = 128\n\ndef mask_mod(b, h, q_idx, kv_idx):\n    return (q_idx >= kv_idx) & (q_idx - kv_idx <= WINDOW)\n',
    B: 1,
    H: 1,
    HKV: 1,
    Q: 16384,
    KV: 16384,
    D: 64,
    DV: 64,
    blockQ: 128,
    blockKV: 128,
    seed: BASE_SEED,
  };
  const run = await callHarness(page, 'runScenarioSummary', scenario);
  if (!run.ok) throw new Error(run.message);
  const s = run.summary;
  expect(s.backend).toBe('gpu');
  expect(s.totalBlocks).toBe(128 * 128);
  // Each query block sees its own diagonal block and the one before it (window 128).
  expect(s.computedBlocks).toBe(128 + 127);
  expect(s.viewRows).toBeLessThanOrEqual(2048);
  expect(s.viewCols).toBeLessThanOrEqual(2048);
  expect(s.rowStride).toBe(8);
  expect(s.outNaN + s.lseNaN).toBe(0);
});

test('a scenario too large for the device fails before dispatch, naming the limit', async ({
  page,
}) => {
  const errors = watchErrors(page);
  await openHarness(page);
  const scenario: Scenario = {
    ...DEFAULT_SCENARIO,
    code: 'def mask_mod(b, h, q_idx, kv_idx):\n    return q_idx >= kv_idx\n',
    B: 64,
    H: 64,
    HKV: 64,
    Q: 16384,
    KV: 16384,
    D: 512,
    DV: 512,
  };
  const run = await callHarness(page, 'runScenarioSummary', scenario);
  expect(run.ok).toBe(false);
  if (!run.ok) {
    expect(run.message).toMatch(
      /^q \[B=64, H=64, Q=16384, D=512\] needs 131072\.0 MiB, but this GPU's max(StorageBufferBindingSize|BufferSize) is/,
    );
  }
  expect(errors).toEqual([]);
});
