import { describe, expect, test } from 'vitest';
import { createBlockMask, toDense } from '../../app/reference';
import { createRandom } from '../../app/tensors/random';
import type { AttentionShape } from '../../app/problem';
import {
  computedElements,
  denseElements,
  flopsPerElement,
  headsToPacked,
  maxRelativeError,
  median,
  packedToHeads,
} from './stats';

function freshSeed(): number {
  return (Date.now() ^ (Math.random() * 0x7fffffff)) >>> 0;
}

describe('median', () => {
  test('middle value, mean of the two middles, order-independent', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });
});

describe('computedElements', () => {
  test('counts the elements inside Q x KV of every computed block, by brute force', () => {
    const seed = freshSeed();
    const random = createRandom(seed);
    // Lengths that are not block multiples, a mask that depends on h, and one that does not.
    const shape: AttentionShape = {
      B: 2,
      H: 3,
      HKV: 3,
      Q: 37,
      KV: 29,
      D: 4,
      DV: 4,
      blockQ: 8,
      blockKV: 8,
    };
    const cut = random.nextInt(-10, 10);
    for (const dependsOnHead of [true, false]) {
      const mask = (_b: number, h: number, q: number, kv: number) =>
        q - kv >= cut + (dependsOnHead ? 5 * h : 0);
      const B = 1;
      const H = dependsOnHead ? shape.H : 1;
      const bm = createBlockMask(mask, B, H, shape.Q, shape.KV, shape.blockQ, shape.blockKV);
      const dense = toDense(bm);
      let want = 0;
      for (let h = 0; h < H; h++) {
        for (let q = 0; q < shape.Q; q++) {
          for (let kv = 0; kv < shape.KV; kv++) {
            const block = (h * bm.nQ + Math.floor(q / 8)) * bm.nKV + Math.floor(kv / 8);
            want += dense[block];
          }
        }
      }
      want *= (shape.B / B) * (shape.H / H);
      expect(computedElements(bm, shape), `seed ${seed}, h-dependent ${dependsOnHead}`).toBe(want);
    }
  });

  test('flops per element and dense elements follow the stated formulas', () => {
    expect(flopsPerElement({ D: 64, DV: 32 })).toBe(2 * 64 + 2 * 32);
    const shape = { B: 2, H: 3, HKV: 3, Q: 5, KV: 7, D: 1, DV: 1, blockQ: 1, blockKV: 1 };
    expect(denseElements(shape)).toBe(2 * 3 * 5 * 7);
  });
});

describe('maxRelativeError', () => {
  test('is the largest absolute difference over the largest reference magnitude', () => {
    expect(maxRelativeError([1, 2, -4.5], [1, 2.5, -4])).toBeCloseTo(0.5 / 4, 12);
    expect(maxRelativeError([0, 0], [0, 0])).toBe(0);
  });

  test('a NaN in the output is an infinite error, not a hidden one', () => {
    expect(maxRelativeError([Number.NaN, 1], [1, 1])).toBe(Number.POSITIVE_INFINITY);
  });

  test('outputs of different lengths are an error', () => {
    expect(() => maxRelativeError([1], [1, 2])).toThrow(RangeError);
  });
});

describe('layouts', () => {
  test('[B, H, S, D] -> [B, S, H*D] puts element (b, h, s, d) at (b, s, h*D + d), and back', () => {
    const [B, H, S, D] = [2, 3, 5, 4];
    const seed = freshSeed();
    const random = createRandom(seed);
    const x = Float32Array.from({ length: B * H * S * D }, () => random.nextNormal());
    const packed = headsToPacked(x, B, H, S, D);
    for (let i = 0; i < 20; i++) {
      const [b, h, s, d] = [
        random.nextInt(0, B - 1),
        random.nextInt(0, H - 1),
        random.nextInt(0, S - 1),
        random.nextInt(0, D - 1),
      ];
      expect(packed[(b * S + s) * H * D + h * D + d], `seed ${seed}`).toBe(
        x[((b * H + h) * S + s) * D + d],
      );
    }
    expect(packedToHeads(packed, B, H, S, D)).toEqual(x);
  });
});
