import { describe, expect, it } from 'vitest';
import { codeProblem, DEFAULT_SCENARIO, MAX_CODE_CHARS, shapeOf } from './scenario';
import {
  defaultShape,
  lowerShapeLimits,
  SHAPE_FIELDS,
  SHAPE_KEYS,
  SHAPE_MAXIMA,
  shapeProblem,
} from './shape';

describe('the shape table', () => {
  it('has one row per shape size, each default inside its range', () => {
    expect(SHAPE_FIELDS.map((f) => f.key)).toEqual([...SHAPE_KEYS]);
    for (const field of SHAPE_FIELDS) {
      expect(field.min).toBeLessThanOrEqual(field.default);
      expect(field.default).toBeLessThanOrEqual(field.max);
    }
  });

  it('gives the first screen its shape', () => {
    expect(shapeOf(DEFAULT_SCENARIO)).toEqual(defaultShape());
    expect(shapeProblem(DEFAULT_SCENARIO)).toBeNull();
  });

  it('a device only lowers a maximum, never below the minimum, and ignores junk', () => {
    const lowered = lowerShapeLimits({ B: 1000, Q: 4096.7, KV: 0, D: Number.NaN });
    expect(lowered).toEqual({ ...SHAPE_MAXIMA, Q: 4096, KV: 1 });
    expect(lowerShapeLimits({ Q: 8192 }, lowered).Q).toBe(4096);
  });
});

describe('shapeProblem', () => {
  it('names the size out of range and the range', () => {
    expect(shapeProblem({ ...DEFAULT_SCENARIO, Q: 0 })).toBe(
      'Q_LEN must be a whole number from 1 to 65536, got 0.',
    );
    expect(shapeProblem({ ...DEFAULT_SCENARIO, D: 2.5 })).toMatch(/^D must be a whole number/);
    expect(shapeProblem({ ...DEFAULT_SCENARIO, B: SHAPE_MAXIMA.B + 1 })).toMatch(/^B must/);
  });

  it('checks against lowered limits when given them', () => {
    const limits = lowerShapeLimits({ Q: 2048 });
    expect(shapeProblem({ ...DEFAULT_SCENARIO, Q: 2048 }, limits)).toBeNull();
    expect(shapeProblem({ ...DEFAULT_SCENARIO, Q: 2049 }, limits)).toMatch(/from 1 to 2048/);
  });

  it('requires HKV to divide H', () => {
    expect(shapeProblem({ ...DEFAULT_SCENARIO, H: 8, HKV: 3 })).toMatch(/multiple of Hkv/);
    expect(shapeProblem({ ...DEFAULT_SCENARIO, H: 8, HKV: 4 })).toBeNull();
  });
});

describe('codeProblem', () => {
  it('accepts a program up to the cap and names the cap past it', () => {
    expect(codeProblem('x'.repeat(MAX_CODE_CHARS))).toBeNull();
    expect(codeProblem('x'.repeat(MAX_CODE_CHARS + 1))).toMatch(/100001 characters long.*100000/);
  });
});
