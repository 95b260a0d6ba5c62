/**
 * Code emitters for the arithmetic the flash kernel shares: a multiply-add that is one relaxed
 * `f32x4.relaxed_madd` where the engine has relaxed SIMD and `f32x4.mul` + `f32x4.add`
 * elsewhere, and a vectorised exp of four float32 lanes.
 */
import type { FunctionBody } from './wasm/functionBody';

/** Pushes a * b + c (each callback pushes one v128). */
export type MultiplyAdd = (a: () => void, b: () => void, c: () => void) => void;

export function multiplyAdd(body: FunctionBody, relaxed: boolean): MultiplyAdd {
  return (a, b, c) => {
    a();
    b();
    if (relaxed) {
      c();
      body.f32x4RelaxedMadd();
    } else {
      body.f32x4Mul();
      c();
      body.f32x4Add();
    }
  };
}

/**
 * Below this, exp(x) is reported as exactly 0: 2^n with n = round(x / ln 2) must stay a normal
 * float (n >= -126), and a masked score (-inf) must weigh exactly nothing. exp(-87.3) is about
 * 1.2e-38, so nothing a float32 sum could notice is lost.
 */
export const EXP_ZERO_BELOW = -87.3;
/** Above this 2^n would overflow; exp(88) = 1.65e38 is still finite. The kernel never gets here. */
const EXP_CLAMP_ABOVE = 88;
const LOG2E = Math.LOG2E;
/** ln 2 split so that n * LN2_HIGH is exact for |n| <= 127 (Cody and Waite's reduction). */
const LN2_HIGH = 0.693359375;
const LN2_LOW = -2.1219444e-4;
/** Taylor coefficients 1/k! for k = 6 .. 0: on |r| <= ln2 / 2 the error is below 1.2e-7. */
const TAYLOR = [1 / 720, 1 / 120, 1 / 24, 1 / 6, 1 / 2, 1, 1];

/** The v128 locals one exp needs besides its input. */
export interface ExpScratch {
  clamped: number;
  n: number;
  r: number;
}

export function expScratch(body: FunctionBody): ExpScratch {
  return { clamped: body.addLocal('v128'), n: body.addLocal('v128'), r: body.addLocal('v128') };
}

/**
 * Pushes exp of the four lanes of local `x` (left unchanged): x = n ln2 + r with n an integer and
 * |r| <= ln2 / 2, e^r by a degree-6 polynomial, 2^n by writing n + 127 into the exponent bits.
 * A few ulp from the true value. -inf and anything below EXP_ZERO_BELOW give 0, NaN gives NaN
 * (pmin / pmax keep a NaN first operand, and the final mask is false for NaN).
 */
export function emitVectorExp(
  body: FunctionBody,
  madd: MultiplyAdd,
  x: number,
  scratch: ExpScratch,
): void {
  const splat = (value: number) => () => body.f32x4Const(value, value, value, value);
  const get = (local: number) => () => body.localGet(local);
  const { clamped, n, r } = scratch;

  body.localGet(x);
  splat(EXP_ZERO_BELOW)();
  body.f32x4Pmax();
  splat(EXP_CLAMP_ABOVE)();
  body.f32x4Pmin().localSet(clamped);

  body.localGet(clamped);
  splat(LOG2E)();
  body.f32x4Mul().f32x4Nearest().localSet(n);

  madd(get(n), splat(-LN2_HIGH), get(clamped));
  body.localSet(r);
  madd(get(n), splat(-LN2_LOW), get(r));
  body.localSet(r);

  // Horner: ((c6 r + c5) r + c4) r + ... + c0, accumulated in `clamped` (no longer needed).
  splat(TAYLOR[0])();
  body.localSet(clamped);
  for (const coefficient of TAYLOR.slice(1)) {
    madd(get(clamped), get(r), splat(coefficient));
    body.localSet(clamped);
  }

  // 2^n: (n + 127) << 23 is the bit pattern of 2^n for -126 <= n <= 127.
  body.localGet(clamped);
  body.localGet(n).i32x4TruncSatF32x4S().i32x4Const(127, 127, 127, 127).i32x4Add();
  body.i32Const(23).i32x4Shl();
  body.f32x4Mul();
  // Zero where x was below the range (including -inf); NaN compares false and stays NaN.
  body.localGet(x);
  splat(EXP_ZERO_BELOW)();
  body.f32x4Lt().v128AndNot();
}
