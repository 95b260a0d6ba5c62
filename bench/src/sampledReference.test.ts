import { describe, expect, test } from 'vitest';
import { compile } from '../../app/mask/compile';
import type { AttentionShape } from '../../app/problem';
import { createBlockMask, flexAttention } from '../../app/reference';
import { randomInputs } from '../../app/tensors/random';
import { maskSource, type MaskId } from './cases';
import { referenceRows, sampledError, sampledRows } from './sampledReference';

// GQA (4 query heads on 2 key heads), lengths off the block size, a score_mod among the masks.
const shape: AttentionShape = {
  B: 2,
  H: 4,
  HKV: 2,
  Q: 72,
  KV: 72,
  D: 8,
  DV: 4,
  blockQ: 16,
  blockKV: 16,
};

function freshSeed(): number {
  return (Date.now() ^ (Math.random() * 0x7fffffff)) >>> 0;
}

describe('sampledRows', () => {
  test('distinct rows, both ends included, every row when Q is small', () => {
    const rows = sampledRows(2048);
    expect(rows).toHaveLength(16);
    expect(rows[0]).toBe(0);
    expect(rows.at(-1)).toBe(2047);
    expect(new Set(rows).size).toBe(rows.length);
    expect(sampledRows(5)).toEqual([0, 1, 2, 3, 4]);
  });
});

describe('referenceRows equals the float64 reference on the sampled rows', () => {
  for (const mask of ['noop', 'causal', 'document', 'alibi'] as MaskId[]) {
    test(mask, () => {
      const seed = freshSeed();
      const program = compile(maskSource(mask, shape.Q, shape.H));
      const inputs = randomInputs(shape, seed);
      const maskFn = program.mask.bind(program);
      const blockMask = createBlockMask(maskFn, shape.B, shape.H, shape.Q, shape.KV, 16, 16);
      const score = program.hasScoreMod ? program.score.bind(program) : null;
      const want = flexAttention(inputs, shape, maskFn, score, blockMask).out;
      const sampled = referenceRows(program, shape, inputs, sampledRows(shape.Q, 7));
      expect(sampledError(want, sampled, shape), `seed ${seed}`).toBeLessThan(1e-12);
    });
  }
});

describe('sampledError', () => {
  const program = compile(maskSource('causal', shape.Q, shape.H));
  const inputs = randomInputs(shape, freshSeed());
  const rows = sampledRows(shape.Q, 5);
  const sampled = referenceRows(program, shape, inputs, rows);
  const exact = (): Float32Array => {
    const maskFn = program.mask.bind(program);
    const blockMask = createBlockMask(maskFn, shape.B, shape.H, shape.Q, shape.KV, 16, 16);
    return Float32Array.from(flexAttention(inputs, shape, maskFn, null, blockMask).out);
  };
  const at = (b: number, h: number, q: number, d: number) =>
    ((b * shape.H + h) * shape.Q + q) * shape.DV + d;

  test('a float32 copy of the right answer is within float32 rounding', () => {
    expect(sampledError(exact(), sampled, shape)).toBeLessThan(1e-6);
  });

  test('a wrong value on a sampled row is caught; NaN is an infinite error', () => {
    const wrong = exact();
    wrong[at(1, 3, rows[2], 1)] += 0.5;
    expect(sampledError(wrong, sampled, shape)).toBeGreaterThan(0.1);
    const nan = exact();
    nan[at(0, 0, rows[0], 0)] = Number.NaN;
    expect(sampledError(nan, sampled, shape)).toBe(Number.POSITIVE_INFINITY);
  });

  test('only the sampled rows are read, and a wrong-sized output is refused', () => {
    const elsewhere = exact();
    const unsampled = Array.from({ length: shape.Q }, (_, q) => q).find((q) => !rows.includes(q));
    elsewhere[at(0, 1, unsampled!, 0)] += 10;
    expect(sampledError(elsewhere, sampled, shape)).toBeLessThan(1e-6);
    expect(() => sampledError(new Float32Array(3), sampled, shape)).toThrow(RangeError);
  });
});
