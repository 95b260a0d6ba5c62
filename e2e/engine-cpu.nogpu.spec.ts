import { chromium, expect, test } from '@playwright/test';
import { callHarness, openHarness, watchErrors } from './helpers';
import { findChromium, WEBGPU_FLAGS } from '../scripts/chromium.mjs';
import { DEFAULT_SCENARIO, type Scenario } from '../app/problem';

// This project's browser has no WebGPU, so the engine runs the float64 reference in a worker.
// The same scenarios run in a second browser with WebGPU; the results must agree.
const BASE_SEED = Number(process.env.FLEXMASK_SEED ?? Math.floor(Math.random() * 2 ** 31));

const SCENARIOS: Scenario[] = [
  { ...DEFAULT_SCENARIO, seed: BASE_SEED },
  {
    ...DEFAULT_SCENARIO,
    code: 'W = 5\nalibi_h = 4\n\ndef mask_mod(b, h, q_idx, kv_idx):\n    return (q_idx >= kv_idx) & (q_idx - kv_idx <= W + h)\n\ndef score_mod(score, b, h, q_idx, kv_idx):\n    return score + (kv_idx - q_idx) * 2 ** (-8 * (h + 1) / alibi_h)\n',
    B: 2,
    H: 4,
    HKV: 2,
    Q: 77,
    KV: 77,
    D: 16,
    DV: 12,
    blockQ: 16,
    blockKV: 32,
    seed: BASE_SEED + 1,
    b: 1,
    h: 3,
  },
];

test('the CPU path gives the same results as the GPU path', async ({ page, baseURL }) => {
  test.setTimeout(180_000);
  console.log(`engine-cpu base seed: ${BASE_SEED}`);
  const errors = watchErrors(page);
  await openHarness(page);
  // The webgpu project's browser, beside this project's one without WebGPU.
  const gpuBrowser = await chromium.launch({
    executablePath: findChromium({ install: false }),
    args: WEBGPU_FLAGS,
  });
  try {
    const gpuPage = await gpuBrowser.newPage({ baseURL });
    await openHarness(gpuPage);
    for (const scenario of SCENARIOS) {
      const cpu = await callHarness(page, 'runScenarioSummary', scenario);
      const gpu = await callHarness(gpuPage, 'runScenarioSummary', scenario);
      if (!cpu.ok) throw new Error(`CPU: ${cpu.message}`);
      if (!gpu.ok) throw new Error(`GPU: ${gpu.message}`);
      expect(cpu.summary.backend).toBe('cpu');
      expect(gpu.summary.backend).toBe('gpu');
      expect(cpu.summary.blockMaskChecksum).toBe(gpu.summary.blockMaskChecksum);
      expect(cpu.summary.sparsity).toBeCloseTo(gpu.summary.sparsity, 10);
      cpu.summary.outSample.forEach((x, i) =>
        expect(Math.abs(x - gpu.summary.outSample[i])).toBeLessThan(
          1e-4 * Math.max(1, Math.abs(x)),
        ),
      );
      cpu.summary.lseSample.forEach((x, i) => {
        if (Number.isFinite(x)) {
          expect(Math.abs(x - gpu.summary.lseSample[i])).toBeLessThan(
            1e-4 * Math.max(1, Math.abs(x)),
          );
        } else {
          expect(gpu.summary.lseSample[i]).toBe(x);
        }
      });
    }
  } finally {
    await gpuBrowser.close();
  }
  expect(errors).toEqual([]);
});
