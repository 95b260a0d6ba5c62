/**
 * Python's arithmetic on its own numbers: arbitrary-precision `int` (bigint here), float64
 * `float`, and `bool` as the int 0 or 1. `//` floors and `%` takes the divisor's sign, as in
 * Python; dividing by zero raises ZeroDivisionError; an int grows only up to MAX_INT_BITS, so
 * `2 ** 10 ** 8` is a clear error in microseconds instead of minutes of work.
 */
import type { BinaryOp } from '../ast';
import { pyBool, pyFloat, pyInt, type PyValue } from './values';

/** Largest int the evaluator builds, in bits (Python has no limit; real mask code needs ~64). */
export const MAX_INT_BITS = 4096;

export type PyNumber = Extract<PyValue, { kind: 'int' | 'float' | 'bool' }>;

/** Raised by the arithmetic here; the interpreter turns it into the named Python exception. */
export class NumberError {
  constructor(
    readonly cls: 'ZeroDivisionError' | 'OverflowError' | 'ValueError' | 'TypeError',
    readonly message: string,
    /** True for flexmask's size limit rather than Python's own error. */
    readonly isLimit = false,
  ) {}
}

export function isNumber(v: PyValue): v is PyNumber {
  return v.kind === 'int' || v.kind === 'float' || v.kind === 'bool';
}

/** The value as a bigint when it is an int or bool (bools are ints in Python). */
export function intValue(v: PyNumber): bigint | undefined {
  if (v.kind === 'int') return v.value;
  if (v.kind === 'bool') return v.value ? 1n : 0n;
  return undefined;
}

export function toFloat(v: PyNumber): number {
  if (v.kind === 'float') return v.value;
  const i = intValue(v) ?? 0n;
  const f = Number(i);
  if (!Number.isFinite(f))
    throw new NumberError('OverflowError', 'int too large to convert to float');
  return f;
}

function bitLength(v: bigint): number {
  const a = v < 0n ? -v : v;
  return a === 0n ? 0 : a.toString(2).length;
}

function checkSize(v: bigint): bigint {
  if (bitLength(v) > MAX_INT_BITS) {
    throw new NumberError(
      'OverflowError',
      `integer too large: flexmask keeps ints under ${MAX_INT_BITS} bits`,
      true,
    );
  }
  return v;
}

/** Python's floor division and modulo on bigints. */
export function floorDiv(a: bigint, b: bigint): bigint {
  if (b === 0n) throw new NumberError('ZeroDivisionError', 'integer division or modulo by zero');
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}
export function floorMod(a: bigint, b: bigint): bigint {
  if (b === 0n) throw new NumberError('ZeroDivisionError', 'integer modulo by zero');
  const r = a % b;
  return r !== 0n && r < 0n !== b < 0n ? r + b : r;
}

function floatFloorDiv(a: number, b: number): number {
  if (b === 0) throw new NumberError('ZeroDivisionError', 'float floor division by zero');
  return Math.floor(a / b);
}
function floatMod(a: number, b: number): number {
  if (b === 0) throw new NumberError('ZeroDivisionError', 'float modulo');
  const r = a % b;
  return r !== 0 && r < 0 !== b < 0 ? r + b : r;
}

function intPow(base: bigint, exp: bigint): PyNumber {
  if (exp < 0n) {
    if (base === 0n) {
      throw new NumberError('ZeroDivisionError', '0.0 cannot be raised to a negative power');
    }
    return pyFloat(Number(base) ** Number(exp));
  }
  const bits = bitLength(base);
  if (bits > 1 && BigInt(bits - 1) * exp > BigInt(MAX_INT_BITS)) {
    throw new NumberError(
      'OverflowError',
      `integer too large: ${base} ** ${exp} has more than ${MAX_INT_BITS} bits`,
      true,
    );
  }
  return pyInt(base ** exp);
}

function floatPow(a: number, b: number): number {
  if (a === 0 && b < 0) {
    throw new NumberError('ZeroDivisionError', '0.0 cannot be raised to a negative power');
  }
  if (a < 0 && !Number.isInteger(b)) {
    throw new NumberError('ValueError', 'complex results are not supported (negative ** fraction)');
  }
  const r = a ** b;
  if (!Number.isFinite(r) && Number.isFinite(a) && Number.isFinite(b)) {
    throw new NumberError('OverflowError', "(34, 'Numerical result out of range')");
  }
  return r;
}

/** `a op b` for two Python numbers; undefined when Python has no such operation on them. */
export function numberBinary(op: BinaryOp, a: PyNumber, b: PyNumber): PyNumber | undefined {
  const ia = intValue(a);
  const ib = intValue(b);
  if (ia !== undefined && ib !== undefined) {
    const bothBool = a.kind === 'bool' && b.kind === 'bool';
    switch (op) {
      case '+':
        return pyInt(checkSize(ia + ib));
      case '-':
        return pyInt(checkSize(ia - ib));
      case '*':
        if (bitLength(ia) + bitLength(ib) > MAX_INT_BITS + 1) checkSize(ia * 2n ** 4097n);
        return pyInt(checkSize(ia * ib));
      case '/': {
        if (ib === 0n) throw new NumberError('ZeroDivisionError', 'division by zero');
        return pyFloat(toFloat(a) / toFloat(b));
      }
      case '//':
        return pyInt(floorDiv(ia, ib));
      case '%':
        return pyInt(floorMod(ia, ib));
      case '**':
        return intPow(ia, ib);
      case '&':
        return bothBool ? pyBool((ia & ib) !== 0n) : pyInt(ia & ib);
      case '|':
        return bothBool ? pyBool((ia | ib) !== 0n) : pyInt(ia | ib);
      case '^':
        return bothBool ? pyBool((ia ^ ib) !== 0n) : pyInt(ia ^ ib);
      case '<<':
        if (ib < 0n) throw new NumberError('ValueError', 'negative shift count');
        if (ib > BigInt(MAX_INT_BITS)) checkSize(2n ** BigInt(MAX_INT_BITS + 1));
        return pyInt(checkSize(ia << ib));
      case '>>':
        if (ib < 0n) throw new NumberError('ValueError', 'negative shift count');
        return pyInt(ib > BigInt(MAX_INT_BITS) ? (ia < 0n ? -1n : 0n) : ia >> ib);
      case '@':
        return undefined;
    }
  }
  if (op === '&' || op === '|' || op === '^' || op === '<<' || op === '>>' || op === '@') {
    return undefined;
  }
  const x = toFloat(a);
  const y = toFloat(b);
  switch (op) {
    case '+':
      return pyFloat(x + y);
    case '-':
      return pyFloat(x - y);
    case '*':
      return pyFloat(x * y);
    case '/':
      if (y === 0) throw new NumberError('ZeroDivisionError', 'float division by zero');
      return pyFloat(x / y);
    case '//':
      return pyFloat(floatFloorDiv(x, y));
    case '%':
      return pyFloat(floatMod(x, y));
    case '**':
      return pyFloat(floatPow(x, y));
  }
}

/** Exact comparison of two Python numbers (an int and a float compare by value, not by rounding). */
export function compareNumbers(a: PyNumber, b: PyNumber): number {
  const ia = intValue(a);
  const ib = intValue(b);
  if (ia !== undefined && ib !== undefined) return ia < ib ? -1 : ia > ib ? 1 : 0;
  if (ia === undefined && ib === undefined) return compareFloat(toFloat(a), toFloat(b));
  // One int, one float: compare exactly when the float is finite and integral.
  const f = ia === undefined ? toFloat(a) : toFloat(b);
  const i = ia ?? ib ?? 0n;
  const sign = ia === undefined ? -1 : 1;
  if (Number.isNaN(f)) return NaN;
  if (!Number.isFinite(f)) return f > 0 ? -sign : sign;
  const floor = Math.floor(f);
  const fi = BigInt(floor);
  let c: number;
  if (i < fi) c = -1;
  else if (i > fi) c = 1;
  else c = floor === f ? 0 : -1;
  return sign * c;
}

function compareFloat(x: number, y: number): number {
  if (Number.isNaN(x) || Number.isNaN(y)) return NaN;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Python's repr of a float: shortest round-trip digits, `1.0` not `1`, `1e+16` style exponents. */
export function floatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(x);
  if (abs >= 1e16 || abs < 1e-4) {
    const [mantissa, exponent] = x.toExponential().split('e');
    const exp = Number(exponent);
    const digits = mantissa.includes('.') ? mantissa : mantissa;
    return `${digits}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  const text = String(x);
  return /[.e]/.test(text) ? text : `${text}.0`;
}

/** The int Python's int() gives for a float (truncation), with its errors. */
export function floatToInt(x: number): bigint {
  if (Number.isNaN(x)) throw new NumberError('ValueError', 'cannot convert float NaN to integer');
  if (!Number.isFinite(x)) {
    throw new NumberError('OverflowError', 'cannot convert float infinity to integer');
  }
  return BigInt(Math.trunc(x));
}

/** Python's round(x) on a float: to the nearest int, ties to even. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** A finite float's exact value as `mantissa * 2 ** exponent` (both integers). */
export function exactBinary(x: number): { mantissa: bigint; exponent: number } {
  const bytes = new DataView(new ArrayBuffer(8));
  bytes.setFloat64(0, x);
  const bits = bytes.getBigUint64(0);
  const biased = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & 0xfffffffffffffn;
  const magnitude = biased === 0 ? fraction : fraction | (1n << 52n);
  const mantissa = bits >> 63n ? -magnitude : magnitude;
  return { mantissa, exponent: (biased === 0 ? 1 : biased) - 1075 };
}

/** round(|x| * 10 ** k) to the nearest integer, ties to even, computed exactly (x finite). */
function scaledRound(x: number, k: number): bigint {
  const { mantissa, exponent } = exactBinary(Math.abs(x));
  let num = mantissa * (k > 0 ? 10n ** BigInt(k) : 1n);
  let den = k < 0 ? 10n ** BigInt(-k) : 1n;
  if (exponent >= 0) num <<= BigInt(exponent);
  else den <<= BigInt(-exponent);
  const q = num / den;
  const twice = 2n * (num % den);
  return twice > den || (twice === den && q % 2n === 1n) ? q + 1n : q;
}

const signOf = (x: number): string => (x < 0 || Object.is(x, -0) ? '-' : '');

/** `x` with `digits` digits after the point, rounded as Python's `'%.Nf'` (exactly, ties to even). */
export function toFixedExact(x: number, digits: number): string {
  if (!Number.isFinite(x)) return floatRepr(x);
  const text = scaledRound(x, digits)
    .toString()
    .padStart(digits + 1, '0');
  const point = text.length - digits;
  return `${signOf(x)}${text.slice(0, point)}${digits > 0 ? `.${text.slice(point)}` : ''}`;
}

/** `x` in Python's `'%.Ne'` form (`1.234e+03`), rounded exactly, ties to even. */
export function toExponentialExact(x: number, digits: number): string {
  if (!Number.isFinite(x)) return floatRepr(x);
  const { digits: text, exponent } = significantDigits(x, digits + 1);
  const mantissa = digits > 0 ? `${text[0]}.${text.slice(1)}` : text;
  const exp = `${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  return `${signOf(x)}${mantissa}e${exp}`;
}

/** The first `count` significant decimal digits of |x| (rounded exactly) and the exponent. */
export function significantDigits(x: number, count: number): { digits: string; exponent: number } {
  if (x === 0) return { digits: '0'.repeat(count), exponent: 0 };
  let exponent = Math.floor(Math.log10(Math.abs(x)));
  for (;;) {
    const n = scaledRound(x, count - 1 - exponent);
    const text = n.toString();
    if (text.length > count) exponent += 1;
    else if (text.length < count) exponent -= 1;
    else return { digits: text, exponent };
  }
}

/** Python's round(x, ndigits) for a float: the decimal rounding, exactly, ties to even. */
export function roundFloat(x: number, ndigits: number): number {
  if (!Number.isFinite(x) || x === 0 || ndigits > 323) return x;
  if (ndigits < -308) return 0 * x;
  return Number(`${signOf(x)}${scaledRound(x, ndigits)}e${-ndigits}`);
}
