import { expect, test } from '@playwright/test';
import { callHarness, openHarness, watchErrors } from './helpers';
import type { AttentionShape } from '../app/problem';

// The GPU's mask picture is the attention kernel's own decision at each cell it visits, and
// masked everywhere else (docs/picture.md); the CPU engines read it from the scores. These check
// the cases where a -inf score does not mean masked.

const CAUSAL_WITH_NEG_INF_SCORES = `def mask_mod(b, h, q_idx, kv_idx):
    return q_idx >= kv_idx

def score_mod(score, b, h, q_idx, kv_idx):
    return torch.where(kv_idx % 3 == 0, float('-inf'), score)
`;

const SHAPE: AttentionShape = {
  B: 1,
  H: 2,
  HKV: 1,
  Q: 37,
  KV: 41,
  D: 8,
  DV: 4,
  blockQ: 8,
  blockKV: 16,
};

/** Causal cells (q, kv) of a Q x KV picture with kv % 3 == 0: where the score_mod gives -inf. */
function causalEveryThird(Q: number, KV: number): number {
  let n = 0;
  for (let q = 0; q < Q; q++) for (let kv = 0; kv <= Math.min(q, KV - 1); kv += 3) n++;
  return n;
}

test("a score_mod's -inf on allowed cells: the mask is still mask_mod's, on GPU and CPU", async ({
  page,
}) => {
  const errors = watchErrors(page);
  await openHarness(page);
  const reports = await callHarness(page, 'maskPictureAgainstMaskMod', CAUSAL_WITH_NEG_INF_SCORES, {
    shape: SHAPE,
    seed: 5,
    b: 0,
    h: 1,
  });
  expect(reports.map((r) => r.engine)).toEqual(['gpu', 'cpu']);
  for (const r of reports) {
    expect(r.maskMismatch, r.engine).toBeNull();
    expect(r.negInfAllowed, r.engine).toBe(causalEveryThird(37, 41));
  }
  expect(errors).toEqual([]);
});

test('a sampled picture asks mask_mod at the tokens each cell stands for', async ({ page }) => {
  test.setTimeout(120_000);
  await openHarness(page);
  // Past 2048 tokens the picture samples every 2nd query and 3rd key (GPU only: the CPU path
  // stops at 2048). A window keeps the attention work small.
  const source = `def mask_mod(b, h, q_idx, kv_idx):
    return (q_idx >= kv_idx) & (q_idx - kv_idx < 40)

def score_mod(score, b, h, q_idx, kv_idx):
    return torch.where(kv_idx % 2 == 0, float('-inf'), score)
`;
  const [gpu, ...rest] = await callHarness(page, 'maskPictureAgainstMaskMod', source, {
    shape: { ...SHAPE, H: 1, Q: 2500, KV: 4500, blockQ: 64, blockKV: 64 },
    seed: 6,
    b: 0,
    h: 0,
  });
  expect(rest).toEqual([]);
  expect([gpu.rowStride, gpu.colStride]).toEqual([2, 3]);
  expect(gpu.maskMismatch).toBeNull();
  expect(gpu.negInfAllowed).toBeGreaterThan(0);
});

test("an infinite input without a score_mod: the mask is still mask_mod's", async ({ page }) => {
  await openHarness(page);
  const causal = 'def mask_mod(b, h, q_idx, kv_idx):\n    return q_idx >= kv_idx\n';
  const reports = await callHarness(page, 'maskPictureAgainstMaskMod', causal, {
    shape: SHAPE,
    seed: 7,
    b: 0,
    h: 1,
    infiniteQueryRow: 30,
  });
  for (const r of reports) expect(r.maskMismatch, r.engine).toBeNull();
  // The float64 reference makes row 30's scores +-inf: some allowed cells hold -inf.
  expect(reports[1].negInfAllowed).toBeGreaterThan(0);
});
