/**
 * Scalar kernels of the element-wise ops: PyTorch's integer semantics on exact doubles (floor
 * division and remainder fixed up near 2**53, int32 products with Math.imul, int64 bitwise ops
 * on two 32-bit words, shifts past the width), C's pow and Python's float floor division.
 */
import { TensorError, castValue, checkInt64, type DType } from './dtype';

const TWO32 = 4294967296;

function floorDivInt(a: number, b: number): number {
  if (b === 0) throw new TensorError('RuntimeError', 'ZeroDivisionError');
  // the double quotient may be one off near 2**53: fix it with the exact remainder
  let q = Math.floor(a / b);
  const r = a - q * b;
  if (b > 0 ? r < 0 : r > 0) q -= 1;
  else if (b > 0 ? r >= b : r <= b) q += 1;
  return q;
}

function truncDivInt(a: number, b: number): number {
  if (b === 0) throw new TensorError('RuntimeError', 'ZeroDivisionError');
  const q = floorDivInt(Math.abs(a), Math.abs(b));
  return a < 0 !== b < 0 ? -q : q;
}

/** Python's (and PyTorch's) float floor division, exact at the boundaries. */
function floorDivFloat(a: number, b: number): number {
  if (b === 0) return a / b;
  const mod = a % b;
  let div = (a - mod) / b;
  if (mod !== 0 && b < 0 !== mod < 0) div -= 1;
  if (div === 0) return (a / b < 0 ? -0 : 0) + 0;
  let fl = Math.floor(div);
  if (div - fl > 0.5) fl += 1;
  return fl;
}

function remainderFloat(a: number, b: number): number {
  let r = a % b;
  if (r !== 0 && r < 0 !== b < 0) r += b;
  return r;
}

function powFloat(x: number, y: number): number {
  // C's pow: 1**y and (-1)**inf are 1, where Math.pow says NaN
  if (x === 1) return 1;
  if (x === -1 && (y === Infinity || y === -Infinity)) return 1;
  return Math.pow(x, y);
}

function mulInt(a: number, b: number, d: DType): number {
  if (d === 'int32') return Math.imul(a, b);
  if (d === 'int64') return checkInt64(a * b);
  return castValue(a * b, d === 'bool' ? 'int64' : d);
}

function powInt(x: number, y: number, d: DType): number {
  if (y < 0) {
    if (x === 1) return 1;
    if (x === -1) return Math.abs(y) % 2 === 1 ? -1 : 1;
    return 0;
  }
  let result = 1;
  let base = x;
  let e = y;
  while (e > 0) {
    if (e % 2 === 1) result = mulInt(result, base, d);
    e = Math.floor(e / 2);
    // squaring is needed only while bits remain, so it overflows only when the result would
    if (e > 0) base = mulInt(base, base, d);
  }
  return result;
}

type BitOp = 'and' | 'or' | 'xor';

function bitwise(x: number, y: number, op: BitOp, d: DType): number {
  if (d !== 'int64') {
    return op === 'and' ? x & y : op === 'or' ? x | y : x ^ y;
  }
  // int64 values beyond 32 bits: combine the two's-complement high and low words separately
  const xh = Math.floor(x / TWO32);
  const yh = Math.floor(y / TWO32);
  const xl = x - xh * TWO32;
  const yl = y - yh * TWO32;
  const f = (p: number, q: number) => (op === 'and' ? p & q : op === 'or' ? p | q : p ^ q);
  return f(xh, yh) * TWO32 + (f(xl, yl) >>> 0);
}

function bits(d: DType): number {
  return d === 'uint8' ? 8 : d === 'int32' ? 32 : 64;
}

function shiftLeft(x: number, y: number, d: DType): number {
  const b = bits(d);
  if (y < 0 || y >= b) return 0;
  if (d === 'int32') return x << y;
  if (d === 'uint8') return (x << y) & 255;
  return checkInt64(x * 2 ** y);
}

function shiftRight(x: number, y: number, d: DType): number {
  const b = bits(d);
  if (y < 0 || y >= b) return x < 0 ? -1 : 0;
  if (d === 'int32') return x >> y;
  return Math.floor(x / 2 ** y);
}

export type BinaryOp =
  | 'add'
  | 'sub'
  | 'mul'
  | 'div'
  | 'floor_divide'
  | 'trunc_divide'
  | 'remainder'
  | 'fmod'
  | 'pow'
  | 'bitwise_and'
  | 'bitwise_or'
  | 'bitwise_xor'
  | 'left_shift'
  | 'right_shift'
  | 'minimum'
  | 'maximum'
  | 'fmin'
  | 'fmax'
  | 'atan2'
  | 'hypot';

export const BITWISE_OPS = new Set<BinaryOp>([
  'bitwise_and',
  'bitwise_or',
  'bitwise_xor',
  'left_shift',
  'right_shift',
]);

export const FLOAT_ONLY_OPS = new Set<BinaryOp>(['div', 'atan2', 'hypot']);

export function floatKernel(op: BinaryOp, alpha: number): (x: number, y: number) => number {
  switch (op) {
    case 'add':
      return alpha === 1 ? (x, y) => x + y : (x, y) => x + alpha * y;
    case 'sub':
      return alpha === 1 ? (x, y) => x - y : (x, y) => x - alpha * y;
    case 'mul':
      return (x, y) => x * y;
    case 'div':
      return (x, y) => x / y;
    case 'floor_divide':
      return floorDivFloat;
    case 'trunc_divide':
      return (x, y) => Math.trunc(x / y);
    case 'remainder':
      return remainderFloat;
    case 'fmod':
      return (x, y) => x % y;
    case 'pow':
      return powFloat;
    case 'minimum':
      return (x, y) => Math.min(x, y);
    case 'maximum':
      return (x, y) => Math.max(x, y);
    case 'fmin':
      return (x, y) => (Number.isNaN(x) ? y : Number.isNaN(y) ? x : Math.min(x, y));
    case 'fmax':
      return (x, y) => (Number.isNaN(x) ? y : Number.isNaN(y) ? x : Math.max(x, y));
    case 'atan2':
      return Math.atan2;
    case 'hypot':
      return Math.hypot;
    default:
      throw new TensorError('RuntimeError', `"${op}_cpu" not implemented for 'Float'`);
  }
}

export function intKernel(op: BinaryOp, d: DType, alpha: number): (x: number, y: number) => number {
  const wide: DType = d === 'bool' ? 'int64' : d;
  switch (op) {
    case 'add':
      return alpha === 1 ? (x, y) => x + y : (x, y) => x + mulInt(alpha, y, wide);
    case 'sub':
      return alpha === 1 ? (x, y) => x - y : (x, y) => x - mulInt(alpha, y, wide);
    case 'mul':
      return (x, y) => mulInt(x, y, wide);
    case 'floor_divide':
      return floorDivInt;
    case 'trunc_divide':
      return truncDivInt;
    case 'remainder':
      return (x, y) => x - floorDivInt(x, y) * y;
    case 'fmod':
      return (x, y) => x - truncDivInt(x, y) * y;
    case 'pow':
      return (x, y) => powInt(x, y, wide);
    case 'bitwise_and':
      return (x, y) => bitwise(x, y, 'and', wide);
    case 'bitwise_or':
      return (x, y) => bitwise(x, y, 'or', wide);
    case 'bitwise_xor':
      return (x, y) => bitwise(x, y, 'xor', wide);
    case 'left_shift':
      return (x, y) => shiftLeft(x, y, wide);
    case 'right_shift':
      return (x, y) => shiftRight(x, y, wide);
    case 'minimum':
    case 'fmin':
      return (x, y) => Math.min(x, y);
    case 'maximum':
    case 'fmax':
      return (x, y) => Math.max(x, y);
    default:
      throw new TensorError('RuntimeError', `${op} has no integer kernel`);
  }
}

/** erf from its everywhere-convergent series erf(x) = 2/√π e^(-x²) Σ (2x²)^n x / (2n+1)!!. */
export function erf(x: number): number {
  if (Number.isNaN(x)) return x;
  if (x > 6) return 1;
  if (x < -6) return -1;
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n < 200; n++) {
    term *= (2 * x2) / (2 * n + 1);
    sum += term;
    if (Math.abs(term) < 1e-17 * Math.abs(sum)) break;
  }
  return (2 / Math.sqrt(Math.PI)) * Math.exp(-x2) * sum;
}

/** Round half to even (torch.round, Python's round). */
export function roundHalfEven(x: number): number {
  if (!Number.isFinite(x)) return x;
  const r = Math.round(x);
  if (Math.abs(x - Math.trunc(x)) === 0.5) return 2 * Math.round(x / 2);
  return r;
}

export type UnaryOp =
  | 'neg'
  | 'abs'
  | 'bitwise_not'
  | 'logical_not'
  | 'exp'
  | 'exp2'
  | 'expm1'
  | 'log'
  | 'log2'
  | 'log10'
  | 'log1p'
  | 'sqrt'
  | 'rsqrt'
  | 'sin'
  | 'cos'
  | 'tan'
  | 'asin'
  | 'acos'
  | 'atan'
  | 'sinh'
  | 'cosh'
  | 'tanh'
  | 'sigmoid'
  | 'erf'
  | 'reciprocal'
  | 'floor'
  | 'ceil'
  | 'round'
  | 'trunc'
  | 'frac'
  | 'sign'
  | 'square'
  | 'relu'
  | 'isnan'
  | 'isinf'
  | 'isfinite';

export const FLOAT_FUNCTIONS: Partial<Record<UnaryOp, (x: number) => number>> = {
  exp: Math.exp,
  exp2: (x) => 2 ** x,
  expm1: Math.expm1,
  log: Math.log,
  log2: Math.log2,
  log10: Math.log10,
  log1p: Math.log1p,
  sqrt: Math.sqrt,
  rsqrt: (x) => 1 / Math.sqrt(x),
  sin: Math.sin,
  cos: Math.cos,
  tan: Math.tan,
  asin: Math.asin,
  acos: Math.acos,
  atan: Math.atan,
  sinh: Math.sinh,
  cosh: Math.cosh,
  tanh: Math.tanh,
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  erf,
  reciprocal: (x) => 1 / x,
};

/** Rounding functions: the identity on integers, which PyTorch returns as a copy. */
export const ROUNDING: Partial<Record<UnaryOp, (x: number) => number>> = {
  floor: Math.floor,
  ceil: Math.ceil,
  round: roundHalfEven,
  trunc: Math.trunc,
  frac: (x) => x - Math.trunc(x),
};
