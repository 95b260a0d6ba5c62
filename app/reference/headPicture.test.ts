import { describe, expect, it } from 'vitest';
import { createBlockMask } from './blockMask';
import { flexAttention } from './attention';
import { headPicture } from './headPicture';
import type { MaskFn, ScoreFn } from './types';
import type { AttentionShape } from '../problem';
import { randomInputs } from '../tensors/random';

const LN3 = Math.log(3);

describe('headPicture', () => {
  it('gives masked scores, probabilities from lse and the mask, worked by hand', () => {
    // Causal 2x2, D = 1, q = 1, k = [0, ln 3]: row 0 sees key 0 (score 0, p 1); row 1 sees
    // both, scores [0, ln 3], p [1/4, 3/4] with lse = ln 4.
    const shape: AttentionShape = {
      B: 1,
      H: 1,
      HKV: 1,
      Q: 2,
      KV: 2,
      D: 1,
      DV: 1,
      blockQ: 2,
      blockKV: 2,
    };
    const inputs = {
      q: Float32Array.of(1, 1),
      k: Float32Array.of(0, LN3),
      v: Float32Array.of(4, 8),
    };
    const causal: MaskFn = (_b, _h, q, kv) => q >= kv;
    const lse = Float64Array.of(0, Math.log(4));
    const view = headPicture(inputs, shape, causal, null, lse, 0, 0);
    expect([view.b, view.h, view.rows, view.cols, view.rowStride, view.colStride]).toEqual([
      0, 0, 2, 2, 1, 1,
    ]);
    expect(view.scores[0]).toBe(0);
    expect(view.scores[1]).toBe(-Infinity);
    expect(view.scores[2]).toBe(0);
    expect(view.scores[3]).toBeCloseTo(LN3, 6);
    expect(view.probs[0]).toBeCloseTo(1, 12);
    expect(view.probs[1]).toBe(0);
    expect(view.probs[2]).toBeCloseTo(0.25, 12);
    expect(view.probs[3]).toBeCloseTo(0.75, 6);
    expect(Array.from(view.mask)).toEqual([1, 0, 1, 1]);
  });

  it('applies score_mod before masking, and a fully masked row has no probability', () => {
    const shape: AttentionShape = {
      B: 1,
      H: 2,
      HKV: 1,
      Q: 2,
      KV: 2,
      D: 1,
      DV: 1,
      blockQ: 2,
      blockKV: 2,
    };
    const inputs = { q: new Float32Array(4), k: new Float32Array(2), v: Float32Array.of(1, 2) };
    const mask: MaskFn = (_b, _h, q) => q === 1;
    const headBias: ScoreFn = (s, _b, h) => s + 2 * h;
    const lse = Float64Array.of(-Infinity, Math.log(2), -Infinity, 2 + Math.log(2));
    const view = headPicture(inputs, shape, mask, headBias, lse, 0, 1);
    // Head 1: zero logits plus 2; row 0 is masked out entirely.
    expect(Array.from(view.scores)).toEqual([-Infinity, -Infinity, 2, 2]);
    expect(Array.from(view.probs.slice(0, 2))).toEqual([0, 0]);
    expect(view.probs[2]).toBeCloseTo(0.5, 12);
    expect(Array.from(view.mask)).toEqual([0, 0, 1, 1]);
  });

  it('rows of probabilities from flexAttention lse sum to 1 (random problem, GQA)', () => {
    const seed = 42;
    const shape: AttentionShape = {
      B: 2,
      H: 4,
      HKV: 2,
      Q: 7,
      KV: 9,
      D: 5,
      DV: 3,
      blockQ: 4,
      blockKV: 4,
    };
    const inputs = randomInputs(shape, seed);
    const window: MaskFn = (_b, _h, q, kv) => Math.abs(q - kv) <= 2;
    const bm = createBlockMask(window, 1, 1, 7, 9, 4, 4);
    const { lse } = flexAttention(inputs, shape, window, null, bm);
    const view = headPicture(inputs, shape, window, null, lse, 1, 3);
    for (let q = 0; q < 7; q++) {
      let total = 0;
      for (let kv = 0; kv < 9; kv++) total += view.probs[q * 9 + kv];
      expect(total, `seed ${seed}, row ${q}`).toBeCloseTo(1, 12);
    }
  });

  it('rejects a (b, h) outside the problem', () => {
    const shape: AttentionShape = {
      B: 1,
      H: 1,
      HKV: 1,
      Q: 1,
      KV: 1,
      D: 1,
      DV: 1,
      blockQ: 1,
      blockKV: 1,
    };
    const inputs = { q: Float32Array.of(1), k: Float32Array.of(1), v: Float32Array.of(1) };
    expect(() => headPicture(inputs, shape, () => true, null, Float64Array.of(1), 0, 1)).toThrow(
      'headPicture: (b, h) = (0, 1) is outside B=1, H=1',
    );
  });
});
