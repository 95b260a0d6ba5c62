/**
 * The arithmetic both back ends implement, written once in JavaScript: the CPU back end calls
 * these and the constant folder folds with them; wgsl.ts emits WGSL helpers that compute the same.
 *
 * Integers are i32. Python's ints are unbounded; here every int operation wraps around modulo 2^32
 * (two's complement) as WGSL's i32 does, so results agree bit for bit when they overflow.
 * Where Python would raise, WGSL cannot, so both back ends define a result instead:
 *   - `x // 0` and `x % 0` give 0 (Python: ZeroDivisionError; a constant divisor of 0 is a compile
 *     error);
 *   - a negative shift count gives 0 (Python: ValueError; a constant one is a compile error);
 *   - `x ** n` with a negative int `n` known only at run time gives 0 (Python would give a float;
 *     a constant negative exponent makes the result a float, as in Python);
 *   - a tensor index outside [-n, n) reads 0 / 0.0 / False (PyTorch: IndexError). Negative indices
 *     in range count from the end, as in Python.
 * Floats follow IEEE 754 as PyTorch tensors do: `x / 0.0` is inf or nan, `//` is floor(a / b), and
 * `%` is `a - b * floor(a / b)` (torch.remainder), which takes the divisor's sign.
 */

export const I32_MIN = -2147483648;
export const I32_MAX = 2147483647;

export function intAdd(a: number, b: number): number {
  return (a + b) | 0;
}
export function intSub(a: number, b: number): number {
  return (a - b) | 0;
}
export function intMul(a: number, b: number): number {
  return Math.imul(a, b);
}
export function intNeg(a: number): number {
  return -a | 0;
}
export function intAbs(a: number): number {
  return (a < 0 ? -a : a) | 0;
}

/** Python's `//` on i32: rounds toward negative infinity. */
export function intFloorDiv(a: number, b: number): number {
  if (b === 0) return 0;
  if (b === -1) return -a | 0;
  // For |a|, |b| < 2^31 the double quotient truncates to the exact integer quotient.
  let q = Math.trunc(a / b);
  if (q * b !== a && a < 0 !== b < 0) q -= 1;
  return q | 0;
}

/** Python's `%` on i32: the result takes the divisor's sign. */
export function intMod(a: number, b: number): number {
  if (b === 0 || b === -1) return 0;
  let r = a % b;
  if (r !== 0 && r < 0 !== b < 0) r += b;
  return r | 0;
}

/** `a ** e` for int e >= 0 by squaring, wrapping like every other i32 product; 0 when e < 0. */
export function intPow(a: number, e: number): number {
  if (e < 0) return 0;
  let result = 1;
  let base = a | 0;
  let rest = e;
  while (rest > 0) {
    if (rest & 1) result = Math.imul(result, base);
    base = Math.imul(base, base);
    rest >>>= 1;
  }
  return result;
}

/** Python's `<<` wrapped to i32: shifting by 32 or more gives 0; a negative count gives 0. */
export function intShl(a: number, n: number): number {
  if (n < 0 || n >= 32) return 0;
  return (a << n) | 0;
}

/** Python's `>>` (arithmetic): shifting by 31 or more gives 0 or -1; a negative count gives 0. */
export function intShr(a: number, n: number): number {
  if (n < 0) return 0;
  return a >> Math.min(n, 31);
}

/** Rounds to the float format a back end computes in: f32 for masks, f64 for the score reference. */
export type FloatRound = (x: number) => number;
export const toF32: FloatRound = Math.fround;
export const toF64: FloatRound = (x) => x;

export function floatFloorDiv(a: number, b: number, r: FloatRound): number {
  return r(Math.floor(r(a / b)));
}
export function floatMod(a: number, b: number, r: FloatRound): number {
  return r(a - r(b * r(Math.floor(r(a / b)))));
}

/**
 * `a ** b` on floats as torch.pow: a negative base with an integral exponent keeps its sign rule,
 * a negative base with a fractional exponent is nan, 0 ** negative is inf.
 */
export function floatPow(a: number, b: number, r: FloatRound): number {
  if (b === 0) return 1;
  if (a === 0) return b > 0 ? 0 : Infinity;
  if (a < 0) {
    if (Math.floor(b) !== b) return NaN;
    const magnitude = r(Math.pow(-a, b));
    return Math.abs(b % 2) === 1 ? -magnitude : magnitude;
  }
  return r(Math.pow(a, b));
}

/** Python-style index into an axis of length n: -n..n-1 are valid, anything else is -1. */
export function wrapIndex(i: number, n: number): number {
  const j = i < 0 ? i + n : i;
  return j >= 0 && j < n ? j : -1;
}
