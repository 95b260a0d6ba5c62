/**
 * The WGSL math helpers (wgslMath.ts), replayed in JavaScript with Math.fround after every
 * operation, exactly as their text computes in f32 (a GPU that fuses a multiply-add is, if
 * anything, more accurate), and measured against float64. The built-ins they call (exp, log) are
 * taken as correctly rounded here; WGSL allows them a few ulp more.
 */
import { describe, expect, test } from 'vitest';
import { erf, floatMath, roundHalfEven, toF32, toF64 } from './semantics';
import {
  COS_POLY,
  ERF_SMALL,
  ERFC_PIECES,
  EXPM1_POLY,
  hornerText,
  LOG1P_POLY,
  MATH_HELPERS,
  PI_OVER_2_PIECES,
  SIN_POLY,
  TRIG_REDUCE_LIMIT,
  TWO_OVER_PI,
} from './wgslMath';

const f = Math.fround;

/** `c0 + v * (c1 + v * (...))` in f32, innermost first, as hornerText prints it. */
function horner(coefficients: readonly number[], v: number): number {
  let acc = f(coefficients[coefficients.length - 1]);
  for (let k = coefficients.length - 2; k >= 0; k -= 1) acc = f(f(coefficients[k]) + f(v * acc));
  return acc;
}

function erf32(x: number): number {
  const a = Math.abs(x);
  if (a < 1) {
    const t = f(x * x);
    return f(x + f(x * horner(ERF_SMALL, t)));
  }
  let p = 0;
  const piece = ERFC_PIECES.find(({ center }) => a < center + 0.5);
  if (piece !== undefined) p = horner(piece.coefficients, f(a - piece.center));
  else if (Number.isNaN(a)) return x;
  return x >= 0 ? f(1 - p) : f(p - 1);
}

function reduce(x: number): [number, number] {
  const k = roundHalfEven(f(x * TWO_OVER_PI));
  let r = x;
  for (const piece of PI_OVER_2_PIECES) r = f(r - f(k * piece));
  return [r, k];
}
function sinPoly(r: number): number {
  const t = f(r * r);
  return f(r + f(f(r * t) * horner(SIN_POLY, t)));
}
function cosPoly(r: number): number {
  const t = f(r * r);
  return f(1 + f(t * f(-0.5 + f(t * horner(COS_POLY, t)))));
}
function sin32(x: number): number {
  if (Math.abs(x) > TRIG_REDUCE_LIMIT) return f(Math.sin(x));
  const [r, k] = reduce(x);
  return [sinPoly(r), cosPoly(r), -sinPoly(r), -cosPoly(r)][k & 3];
}
function cos32(x: number): number {
  if (Math.abs(x) > TRIG_REDUCE_LIMIT) return f(Math.cos(x));
  const [r, k] = reduce(x);
  return [cosPoly(r), -sinPoly(r), -cosPoly(r), sinPoly(r)][k & 3];
}
function expm132(x: number): number {
  if (Math.abs(x) <= 0.5) return f(x + f(f(x * x) * horner(EXPM1_POLY, x)));
  return f(f(Math.exp(x)) - 1);
}
function log1p32(x: number): number {
  if (x >= -0.5 && x <= 1) {
    const s = f(x / f(2 + x));
    const t = f(s * s);
    return f(f(2 * s) + f(f(s * t) * horner(LOG1P_POLY, t)));
  }
  return f(Math.log(f(1 + x)));
}
function gelu32(x: number): number {
  return f(f(x * 0.5) * f(1 + erf32(f(x * f(Math.SQRT1_2)))));
}

/** The spacing of f32 values at |y|: the size of one ulp. */
function ulp(y: number): number {
  const a = Math.abs(f(y));
  if (a < 2 ** -126) return 2 ** -149;
  return 2 ** (Math.floor(Math.log2(a)) - 23);
}

/** f32 inputs: an even grid over [lo, hi] plus pseudo-random ones (deterministic). */
function inputs(lo: number, hi: number, n: number): number[] {
  const xs: number[] = [];
  let seed = 12345;
  for (let k = 0; k <= n; k += 1) {
    xs.push(f(lo + ((hi - lo) * k) / n));
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    xs.push(f(lo + ((hi - lo) * seed) / 2 ** 32));
  }
  return xs;
}

function maxError(
  xs: number[],
  got: (x: number) => number,
  want: (x: number) => number,
): { abs: number; ulps: number; at: number } {
  let worst = { abs: 0, ulps: 0, at: NaN };
  for (const x of xs) {
    const w = want(x);
    const e = Math.abs(got(x) - w);
    if (e > worst.abs) worst = { ...worst, abs: e, at: x };
    worst.ulps = Math.max(worst.ulps, e / ulp(w));
  }
  return worst;
}

describe('float64 erf (semantics.ts), the reference', () => {
  // Printed by mpmath at 40 digits.
  const MPMATH: [number, number][] = [
    [1e-8, 1.1283791670955126e-8],
    [0.1, 0.1124629160182849],
    [0.5, 0.5204998778130465],
    [1, 0.8427007929497149],
    [1.5, 0.9661051464753108],
    [2.5, 0.999593047982555],
    [3.5, 0.9999992569016276],
    [4.5, 0.9999999998033839],
    [5.5, 0.9999999999999927],
  ];
  test.each(MPMATH)('erf(%f)', (x, want) => {
    expect(Math.abs(erf(x) - want)).toBeLessThanOrEqual(2e-15 * Math.abs(want));
    expect(erf(-x)).toBe(-erf(x));
  });
  test('edges', () => {
    expect(erf(0)).toBe(0);
    expect(Object.is(erf(-0), -0)).toBe(true);
    expect(erf(6)).toBe(1);
    expect(erf(-Infinity)).toBe(-1);
    expect(erf(NaN)).toBeNaN();
  });
});

describe('WGSL math helpers, replayed in f32', () => {
  test('the replay follows the printed text', () => {
    expect(MATH_HELPERS.fm_erf).toContain(hornerText(ERF_SMALL, 't'));
    for (const piece of ERFC_PIECES) {
      expect(MATH_HELPERS.fm_erf).toContain(`let u = a - ${piece.center}f;`);
      expect(MATH_HELPERS.fm_erf).toContain(`p = ${hornerText(piece.coefficients, 'u')};`);
    }
    expect(MATH_HELPERS.fm_sin_poly).toContain(hornerText(SIN_POLY, 't'));
    expect(MATH_HELPERS.fm_cos_poly).toContain(hornerText(COS_POLY, 't'));
    expect(MATH_HELPERS.fm_expm1).toContain(hornerText(EXPM1_POLY, 'x'));
    expect(MATH_HELPERS.fm_log1p).toContain(hornerText(LOG1P_POLY, 't'));
    for (const piece of PI_OVER_2_PIECES)
      expect(MATH_HELPERS.fm_trig_reduce).toContain(`${piece}f`);
  });

  test('erf: within 1e-7 absolute of float64 erf everywhere', () => {
    const edges = [1, 2, 3, 4].flatMap((e) => [f(e - 2 ** -22), e, f(e + 2 ** -21)]);
    const xs = [...inputs(-5, 5, 200_000), ...inputs(-1e-3, 1e-3, 2000), ...edges];
    const e = maxError(xs, erf32, erf);
    console.log(
      `fm_erf: max abs error ${e.abs.toExponential(2)} (at ${e.at}), ${e.ulps.toFixed(2)} ulp`,
    );
    // Measured 7.9e-8 (1.3 ulp) at x = 0.989 over a 4e7-point grid while fitting.
    expect(e.abs).toBeLessThan(1e-7);
    expect(e.ulps).toBeLessThan(2);
    expect(erf32(1e-30)).toBe(f(erf(1e-30)));
    expect(erf32(10)).toBe(1);
    expect(erf32(-Infinity)).toBe(-1);
    expect(erf32(NaN)).toBeNaN();
  });

  test('sin and cos: within about 1e-7 absolute while |x| <= 65536', () => {
    for (const [lo, hi] of [
      [-8, 8],
      [-TRIG_REDUCE_LIMIT, TRIG_REDUCE_LIMIT],
    ]) {
      const xs = inputs(lo, hi, 200_000);
      const s = maxError(xs, sin32, Math.sin);
      const c = maxError(xs, cos32, Math.cos);
      console.log(
        `fm_sin / fm_cos on [${lo}, ${hi}]: max abs error ${s.abs.toExponential(2)} / ${c.abs.toExponential(2)}`,
      );
      expect(s.abs).toBeLessThan(1.2e-7);
      expect(c.abs).toBeLessThan(1.2e-7);
    }
    // Small arguments keep their relative accuracy: sin(x) is x.
    expect(sin32(1e-20)).toBe(f(1e-20));
    expect(cos32(1e-20)).toBe(1);
  });

  test('expm1 and log1p: within 2 ulp, and no cancellation near 0', () => {
    const e = maxError(inputs(-0.5, 0.5, 100_000), expm132, Math.expm1);
    const l = maxError(inputs(-0.5, 1, 100_000), log1p32, Math.log1p);
    console.log(`fm_expm1: ${e.ulps.toFixed(2)} ulp; fm_log1p: ${l.ulps.toFixed(2)} ulp`);
    expect(e.ulps).toBeLessThanOrEqual(2);
    expect(l.ulps).toBeLessThanOrEqual(2);
    for (const x of [1e-30, -1e-20, 3e-8, -3e-5]) {
      expect(Math.abs(expm132(x) - Math.expm1(x)) / Math.abs(Math.expm1(x))).toBeLessThan(1.2e-7);
      expect(Math.abs(log1p32(x) - Math.log1p(x)) / Math.abs(Math.log1p(x))).toBeLessThan(1.2e-7);
    }
    // Outside the polynomial ranges: exp(x) - 1 and log(1 + x) lose nothing that matters.
    const far = maxError(
      [...inputs(-20, -0.5, 20_000), ...inputs(0.5, 20, 20_000)],
      expm132,
      Math.expm1,
    );
    const farLog = maxError(
      [...inputs(-0.99, -0.5, 20_000), ...inputs(1, 1e6, 20_000)],
      log1p32,
      Math.log1p,
    );
    expect(far.ulps).toBeLessThanOrEqual(3);
    expect(farLog.ulps).toBeLessThanOrEqual(2);
  });

  test('gelu on the GPU agrees with the CPU back end in f32 (which rounds each step)', () => {
    const cpu = floatMath('gelu', toF32);
    for (const x of inputs(-8, 8, 20_000)) {
      // erf's 8e-8, scaled by x / 2, plus a rounding of the product.
      expect(Math.abs(gelu32(x) - cpu(x))).toBeLessThanOrEqual(1.5e-7 * Math.max(1, Math.abs(x)));
    }
    // Both say 0 where f32's erf has reached -1, as torch in float32 does.
    expect(cpu(-6) === 0 && gelu32(-6) === 0).toBe(true);
    // float64 still sees the tail, -6 * erfc(6 / sqrt 2) / 2.
    expect(floatMath('gelu', toF64)(-6)).toBeCloseTo(-5.9e-9, 10);
  });
});
