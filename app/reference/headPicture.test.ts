import { describe, expect, it } from 'vitest';
import { createBlockMask } from './blockMask';
import { flexAttention } from './attention';
import { allowedMayBeNegInf, headPicture, maskFromScores } from './headPicture';
import type { MaskFn, ScoreFn } from './types';
import { pictureWindow, type AttentionShape } from '../problem';
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

describe('the mask picture read from the scores', () => {
  const NEG = -Infinity;
  // Row 0: a finite score, -inf, NaN, +inf; row 1: -inf, a finite score, -inf, -inf.
  const scores = Float64Array.of(0.5, NEG, NaN, Infinity, NEG, -3, NEG, NEG);

  it('without an ambiguous -inf: not -inf is allowed, -inf is masked, mask_mod never asked', () => {
    const asked: string[] = [];
    const mask = maskFromScores(scores, 4, false, (r, c) => {
      asked.push(`${r},${c}`);
      return true;
    });
    expect(Array.from(mask)).toEqual([1, 0, 1, 1, 0, 1, 0, 0]);
    expect(asked).toEqual([]);
  });

  it('with one: mask_mod decides at the -inf cells, and only there', () => {
    const asked: string[] = [];
    const mask = maskFromScores(scores, 4, true, (r, c) => {
      asked.push(`${r},${c}`);
      return c >= 2;
    });
    expect(Array.from(mask)).toEqual([1, 0, 1, 1, 0, 1, 1, 1]);
    expect(asked).toEqual(['0,1', '1,0', '1,2', '1,3']);
  });

  it("a score_mod's -inf on allowed cells: scores -inf there, the mask still mask_mod's", () => {
    const shape: AttentionShape = {
      B: 1,
      H: 1,
      HKV: 1,
      Q: 5,
      KV: 5,
      D: 3,
      DV: 2,
      blockQ: 2,
      blockKV: 2,
    };
    const inputs = randomInputs(shape, 7);
    const causal: MaskFn = (_b, _h, q, kv) => q >= kv;
    // torch.where(kv_idx % 3 == 0, float('-inf'), score)
    const everyThird: ScoreFn = (s, _b, _h, _q, kv) => (kv % 3 === 0 ? -Infinity : s);
    const bm = createBlockMask(causal, 1, 1, 5, 5, 2, 2);
    const { lse } = flexAttention(inputs, shape, causal, everyThird, bm);
    const view = headPicture(inputs, shape, causal, everyThird, lse, 0, 0);
    let negInfAllowed = 0;
    for (let q = 0; q < 5; q++) {
      for (let kv = 0; kv < 5; kv++) {
        const i = q * 5 + kv;
        expect(view.mask[i], `(${q}, ${kv})`).toBe(q >= kv ? 1 : 0);
        if (q >= kv && kv % 3 === 0) {
          expect(view.scores[i]).toBe(-Infinity);
          expect(view.probs[i]).toBe(0);
          negInfAllowed++;
        }
      }
    }
    // (0,0) (1,0) (2,0) (3,0) (4,0) (3,3) (4,3)
    expect(negInfAllowed).toBe(7);
  });
});

describe('allowedMayBeNegInf: when a -inf score may not mean masked', () => {
  const shape: AttentionShape = {
    B: 2,
    H: 4,
    HKV: 2,
    Q: 6,
    KV: 5,
    D: 3,
    DV: 2,
    blockQ: 2,
    blockKV: 2,
  };
  const full = pictureWindow(shape, 1, 3);
  // Head (b=1, h=3) reads q at (1*4 + 3) * 6 * 3 and, by GQA, kv head 1: k at (1*2 + 1) * 5 * 3.
  const qAt = (row: number, d: number) => (7 * 6 + row) * 3 + d;
  const kAt = (row: number, d: number) => (3 * 5 + row) * 3 + d;
  const withValue = (name: 'q' | 'k', at: number, value: number) => {
    const inputs = randomInputs(shape, 3);
    inputs[name][at] = value;
    return inputs;
  };

  it('never for random inputs and no score_mod; always with a score_mod', () => {
    for (const seed of [1, 2, 3]) {
      const inputs = randomInputs(shape, seed);
      expect(allowedMayBeNegInf(inputs, shape, full, false), `seed ${seed}`).toBe(false);
      expect(allowedMayBeNegInf(inputs, shape, full, true), `seed ${seed}`).toBe(true);
    }
  });

  it('for an infinity, a NaN or a value large enough to overflow in the head', () => {
    expect(allowedMayBeNegInf(withValue('q', qAt(2, 1), Infinity), shape, full, false)).toBe(true);
    expect(allowedMayBeNegInf(withValue('k', kAt(4, 2), -Infinity), shape, full, false)).toBe(true);
    expect(allowedMayBeNegInf(withValue('k', kAt(0, 0), NaN), shape, full, false)).toBe(true);
    // Finite, but 3e38 in q lets q . k leave float32's range; 1e20 keeps it far below 2^120.
    expect(allowedMayBeNegInf(withValue('q', qAt(5, 0), 3e38), shape, full, false)).toBe(true);
    expect(allowedMayBeNegInf(withValue('q', qAt(5, 0), 1e20), shape, full, false)).toBe(false);
  });

  it('reads only the rows of the head the picture samples', () => {
    // Another head's infinity cannot reach this picture.
    expect(allowedMayBeNegInf(withValue('q', qAt(-6, 0), Infinity), shape, full, false)).toBe(
      false,
    );
    // Sampling every 2nd query row and 3rd key: rows 1, 3, 5 and keys 1, 2, 4 are not drawn.
    const sampled = { ...full, rows: 3, cols: 2, rowStride: 2, colStride: 3 };
    expect(allowedMayBeNegInf(withValue('q', qAt(3, 0), Infinity), shape, sampled, false)).toBe(
      false,
    );
    expect(allowedMayBeNegInf(withValue('q', qAt(4, 0), Infinity), shape, sampled, false)).toBe(
      true,
    );
    expect(allowedMayBeNegInf(withValue('k', kAt(4, 1), Infinity), shape, sampled, false)).toBe(
      false,
    );
    expect(allowedMayBeNegInf(withValue('k', kAt(3, 1), Infinity), shape, sampled, false)).toBe(
      true,
    );
  });
});
