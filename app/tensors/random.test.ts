import { describe, expect, it } from 'vitest';
import { createRandom, randomInput, randomInputs, randomNormals, splitmix32 } from './random';
import type { AttentionShape } from '../problem';

describe('splitmix32', () => {
  it('matches an independent Python implementation of the same recurrence', () => {
    // Computed with Python integers masked to 32 bits (state += 0x9e3779b9; two xorshift-
    // multiply rounds); share links depend on this stream never changing.
    const cases: Array<[number, number[]]> = [
      [0, [2462723854, 1020716019, 454327756, 1275600319]],
      [1, [2527132011, 314344336, 2535364964, 2041432039]],
      [123456789, [1573771921, 319883699, 2742014374, 1324369493]],
    ];
    for (const [seed, expected] of cases) {
      const next = splitmix32(seed);
      expect(
        expected.map(() => next()),
        `seed ${seed}`,
      ).toEqual(expected);
    }
  });

  it('Box–Muller normals match the Python computation from the same uniforms', () => {
    const random = createRandom(5);
    const got = Array.from({ length: 4 }, () => Math.fround(random.nextNormal()));
    expect(got).toEqual([
      -0.047242358326911926, -0.9175649881362915, 1.5714281797409058, 1.0004223585128784,
    ]);
  });
});

describe('randomInputs', () => {
  const shape: AttentionShape = {
    B: 2,
    H: 4,
    HKV: 2,
    Q: 5,
    KV: 7,
    D: 3,
    DV: 6,
    blockQ: 4,
    blockKV: 4,
  };

  it('gives [B,H,S,D] float32 arrays of the right lengths, the same for the same seed', () => {
    const a = randomInputs(shape, 11);
    const b = randomInputs(shape, 11);
    expect([a.q.length, a.k.length, a.v.length]).toEqual([
      2 * 4 * 5 * 3,
      2 * 2 * 7 * 3,
      2 * 2 * 7 * 6,
    ]);
    expect(a.q).toBeInstanceOf(Float32Array);
    expect(Array.from(a.q)).toEqual(Array.from(b.q));
    expect(Array.from(a.k)).toEqual(Array.from(b.k));
    expect(Array.from(a.v)).toEqual(Array.from(b.v));
  });

  it('differs between seeds and between q, k and v', () => {
    const a = randomInputs(shape, 11);
    const c = randomInputs(shape, 12);
    expect(Array.from(a.q)).not.toEqual(Array.from(c.q));
    expect(a.q[0]).not.toBe(a.k[0]);
    expect(a.k[0]).not.toBe(a.v[0]);
  });

  it('keeps its streams: pinned values for seed 11 (share links store only the seed)', () => {
    const a = randomInputs(shape, 11);
    expect([a.q[0], a.k[0], a.v[0], a.v[83]]).toEqual([
      -2.3115906715393066, -0.9853414297103882, -1.7145377397537231, 0.7712001204490662,
    ]);
  });

  it('one tensor generated alone (as the input worker does) equals the same tensor of all three', () => {
    const all = randomInputs(shape, 5);
    for (const name of ['q', 'k', 'v'] as const) {
      expect(Array.from(randomInput(name, shape, 5))).toEqual(Array.from(all[name]));
    }
  });

  it('keeps q when only the key/value sizes change', () => {
    const a = randomInputs(shape, 3);
    const b = randomInputs({ ...shape, KV: 9, DV: 2 }, 3);
    expect(Array.from(a.q)).toEqual(Array.from(b.q));
  });

  it('is standard normal: mean near 0, variance near 1, all finite', () => {
    const seed = 2024;
    const n = 200000;
    const values = randomNormals(n, seed);
    let sum = 0;
    let sumSq = 0;
    let finite = 0;
    for (const x of values) {
      if (Number.isFinite(x)) finite++;
      sum += x;
      sumSq += x * x;
    }
    expect(finite, `seed ${seed}`).toBe(n);
    const mean = sum / n;
    const variance = sumSq / n - mean * mean;
    // Standard errors: 1/sqrt(n) ~ 0.0022 for the mean, sqrt(2/n) ~ 0.0032 for the variance.
    expect(Math.abs(mean), `seed ${seed}`).toBeLessThan(0.012);
    expect(Math.abs(variance - 1), `seed ${seed}`).toBeLessThan(0.016);
  });

  it('nextInt covers both ends of its range and nothing outside', () => {
    const random = createRandom(9);
    const seen = new Set<number>();
    for (let i = 0; i < 1000; i++) seen.add(random.nextInt(2, 5));
    expect([...seen].sort()).toEqual([2, 3, 4, 5]);
  });
});
