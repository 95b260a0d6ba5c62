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
import type { MathFn } from './ir';

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

/** Python's sign of an int (torch.sign): -1, 0 or 1, which is x clamped to [-1, 1]. */
export function intSign(a: number): number {
  return a < 0 ? -1 : a > 0 ? 1 : 0;
}

/** torch.relu on an int: max(x, 0). */
export function intRelu(a: number): number {
  return a < 0 ? 0 : a;
}

/** torch.round: to the nearest integer, halves to the even one (-0.5 gives -0, 2.5 gives 2). */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  // Math.round sends halves up; only an exact half needs the even neighbour instead.
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** torch.sign on a float: (0 < x) - (x < 0), so NaN and -0 give 0 as in PyTorch. */
export function floatSign(x: number): number {
  return x > 0 ? 1 : x < 0 ? -1 : 0;
}

/**
 * erf in float64, within 2e-15 (JavaScript has no Math.erf; wgslMath.test.ts checks it against
 * mpmath). It sums
 * erf(a) = 2/sqrt(pi) * exp(-a^2) * sum_n (2 a^2)^n a / (1 * 3 * ... * (2n + 1)),
 * whose terms are all positive, so nothing cancels; past |x| = 6, erfc < 3e-17 and erf is +-1.
 */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const a = Math.abs(x);
  if (a >= 6) return Math.sign(x);
  const twoA2 = 2 * a * a;
  let term = a;
  let sum = a;
  for (let n = 1; term > sum * 1e-17; n += 1) {
    term *= twoA2 / (2 * n + 1);
    sum += term;
  }
  // Math.sign keeps the sign of -0.
  return Math.sign(x) * sum * Math.exp(-a * a) * (2 / Math.sqrt(Math.PI));
}

/** sqrt(2 / pi) and 0.044715: the tanh-approximated GELU's constants (ATen's kBeta, kKappa). */
export const GELU_BETA = Math.sqrt(2 / Math.PI);
export const GELU_KAPPA = 0.044715;

/**
 * The composite functions step by step, as ATen writes them, rounding after every operation with
 * `r`: in float64 that is the formula itself; in f32 it is what the GPU (and torch in float32)
 * computes, so a tail that f32 rounds to 0 (gelu(-6)) is 0 on the CPU back end too.
 */
function sigmoid(x: number, r: FloatRound): number {
  // exp(-|x|) never overflows: for x < 0, sigmoid is e / (1 + e) with e = exp(x).
  const e = r(Math.exp(-Math.abs(x)));
  const d = r(1 + e);
  return x >= 0 ? r(1 / d) : r(e / d);
}

function gelu(x: number, r: FloatRound): number {
  return r(r(x * 0.5) * r(1 + r(erf(r(x * r(Math.SQRT1_2))))));
}

function geluTanh(x: number, r: FloatRound): number {
  const cube = r(r(x * x) * x);
  const inner = r(r(GELU_BETA) * r(x + r(r(GELU_KAPPA) * cube)));
  return r(r(0.5 * x) * r(1 + r(Math.tanh(inner))));
}

/** The math functions of one float argument (every MathFn but min and max). */
export type FloatMathFn = Exclude<MathFn, 'min' | 'max'>;

/**
 * One float function in the format `r` rounds to. Each is computed in float64 and rounded once
 * (the WGSL helpers are within an ulp or two of that), except the composites above.
 */
export function floatMath(fn: FloatMathFn, r: FloatRound): (x: number) => number {
  switch (fn) {
    case 'abs':
      return Math.abs;
    case 'floor':
      return Math.floor;
    case 'ceil':
      return Math.ceil;
    case 'trunc':
      return Math.trunc;
    case 'round':
      return roundHalfEven;
    case 'sign':
      return floatSign;
    case 'relu':
      // NaN stays NaN (torch.relu propagates it); only x < 0 becomes 0.
      return (x) => (x < 0 ? 0 : x);
    case 'sigmoid':
      return (x) => sigmoid(x, r);
    case 'gelu':
      return (x) => gelu(x, r);
    case 'gelu_tanh':
      return (x) => geluTanh(x, r);
    case 'tanh':
      return (x) => r(Math.tanh(x));
    case 'exp':
      return (x) => r(Math.exp(x));
    case 'exp2':
      return (x) => r(Math.pow(2, x));
    case 'expm1':
      return (x) => r(Math.expm1(x));
    case 'log':
      return (x) => r(Math.log(x));
    case 'log2':
      return (x) => r(Math.log2(x));
    case 'log1p':
      return (x) => r(Math.log1p(x));
    case 'sqrt':
      return (x) => r(Math.sqrt(x));
    case 'rsqrt':
      return (x) => r(1 / Math.sqrt(x));
    case 'sin':
      return (x) => r(Math.sin(x));
    case 'cos':
      return (x) => r(Math.cos(x));
    case 'erf':
      return (x) => r(erf(x));
  }
}

/**
 * The math functions that also take ints, on i32 (abs wraps: abs(-2^31) is -2^31). floor, ceil,
 * round and trunc of an int are the int, as torch returns an int tensor unchanged. Undefined for a
 * function that takes only floats.
 */
export function intMath(fn: FloatMathFn): ((x: number) => number) | undefined {
  switch (fn) {
    case 'abs':
      return intAbs;
    case 'sign':
      return intSign;
    case 'relu':
      return intRelu;
    case 'floor':
    case 'ceil':
    case 'round':
    case 'trunc':
      return (x) => x;
    default:
      return undefined;
  }
}
