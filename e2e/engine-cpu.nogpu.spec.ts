import { expect, test } from '@playwright/test';
import { callHarness, openHarness, watchErrors } from './helpers';
import { DEFAULT_SCENARIO, shapeOf, type AttentionShape } from '../app/problem';
import type { CpuEngineCase, CpuEngineReport } from './harness/cpuEngineChecks';

// This project's browser has no WebGPU: the CPU engine runs in the test page with its real
// workers and WebAssembly kernel, and each result is compared in the page with the float64
// reference on fresh random inputs (a new seed per test run, printed for replay).
const BASE_SEED = Number(process.env.FLEXMASK_SEED ?? Math.floor(Math.random() * 2 ** 31));

const shape = (partial: Partial<AttentionShape>): AttentionShape => ({
  ...shapeOf(DEFAULT_SCENARIO),
  ...partial,
});

const ALIBI_WINDOW =
  'W = 5\nalibi_h = 4\n\ndef mask_mod(b, h, q_idx, kv_idx):\n    return (q_idx >= kv_idx) & (q_idx - kv_idx <= W + h)\n\ndef score_mod(score, b, h, q_idx, kv_idx):\n    return score + (kv_idx - q_idx) * 2 ** (-8 * (h + 1) / alibi_h)\n';
const CAUSAL = 'def mask_mod(b, h, q_idx, kv_idx):\n    return q_idx >= kv_idx\n';
const DOCUMENTS =
  'lengths = [[5, 9, 0], [12, 3, 7]]\n\ndef mask_mod(b, h, q_idx, kv_idx):\n    doc = (q_idx // 8) % 3\n    return (q_idx < 200) & ((kv_idx // 8) % 3 == doc) & (kv_idx % 16 < lengths[b][doc] + 2)\n';

const CASES: CpuEngineCase[] = [
  { source: DEFAULT_SCENARIO.code, shape: shapeOf(DEFAULT_SCENARIO), seed: BASE_SEED, b: 0, h: 0 },
  {
    source: ALIBI_WINDOW,
    shape: shape({ B: 2, H: 4, HKV: 2, Q: 77, KV: 77, D: 16, DV: 12, blockQ: 16, blockKV: 32 }),
    seed: BASE_SEED + 1,
    b: 1,
    h: 3,
  },
  {
    // Many query blocks over several workers, at the head size the bench uses.
    source: CAUSAL,
    shape: shape({ B: 1, H: 2, HKV: 1, Q: 700, KV: 640, D: 64, DV: 64, blockQ: 64, blockKV: 128 }),
    seed: BASE_SEED + 2,
    b: 0,
    h: 1,
  },
  {
    // A mask reading b, rows with no allowed key (lse -inf), ragged edges.
    source: DOCUMENTS,
    shape: shape({ B: 2, H: 3, HKV: 3, Q: 260, KV: 230, D: 8, DV: 5, blockQ: 32, blockKV: 16 }),
    seed: BASE_SEED + 3,
    b: 1,
    h: 2,
  },
];

function expectAgrees(report: CpuEngineReport): void {
  expect(report.blockMask).toBeNull();
  for (const error of [report.out, report.lse, report.pictureScores, report.pictureProbs]) {
    expect(error.relative).toBeLessThanOrEqual(1e-4);
    expect(error.infinityMismatches).toBe(0);
    expect(error.nan).toBe(0);
  }
  expect(report.pictureMask).toBeNull();
}

test('the CPU engine agrees with the float64 reference on fresh random inputs', async ({
  page,
}) => {
  test.setTimeout(180_000);
  console.log(`engine-cpu base seed: ${BASE_SEED}`);
  const errors = watchErrors(page);
  await openHarness(page);
  for (const c of CASES) {
    const report = await callHarness(page, 'cpuEngineAgainstReference', c);
    console.log(
      `CPU engine, ${report.workers} workers, relaxed SIMD ${report.relaxedSimd}: ` +
        `out ${report.out.relative.toExponential(2)}, lse ${report.lse.relative.toExponential(2)}`,
    );
    expectAgrees(report);
    expect(report.workers).toBeGreaterThanOrEqual(1);
  }
  expect(errors).toEqual([]);
});

test('aborting a CPU run terminates its workers, and the next run works', async ({ page }) => {
  test.setTimeout(180_000);
  const errors = watchErrors(page);
  await openHarness(page);
  const slow: CpuEngineCase = {
    source: CAUSAL,
    shape: shape({ B: 1, H: 8, HKV: 8, Q: 2048, KV: 2048, D: 64, DV: 64, blockQ: 64 }),
    seed: BASE_SEED + 4,
    b: 0,
    h: 0,
  };
  const report = await callHarness(page, 'cpuEngineAbortThenRun', slow, CASES[1]);
  expect(report.abortedMidRun).toBe(true);
  expect(report.abortError).toBe(true);
  expect(report.terminatedByAbort).toBe(report.workers);
  expect(report.madeByNextRun).toBe(report.workers);
  expect(report.madeByThirdRun).toBe(0);
  expectAgrees(report.next);
  expect(errors).toEqual([]);
});
