/**
 * The interval arithmetic of the bounds back end (bounds.ts), on the CPU: i32 intervals and
 * tri-states, each rule sound for the wrapping i32 operation it stands for. wgslBounds.ts holds a
 * WGSL twin of every rule, written to compute exactly the same numbers.
 */
import { I32_MAX, I32_MIN, intFloorDiv, intMod, intShr } from './semantics';

/** 0: certainly False, 1: certainly True, 2: unknown. */
export type Tri = 0 | 1 | 2;

/** Inclusive bounds of an i32 value; the full i32 range means "unknown". */
export interface Interval {
  readonly lo: number;
  readonly hi: number;
}

export const TOP: Interval = { lo: I32_MIN, hi: I32_MAX };

/** |bounds| up to this: a sum or difference of two such values cannot leave i32. */
export const SMALL_LIMIT = 0x3fffffff;
/** Products are computed only when |a| * |b| <= this (checked by division, no 64-bit math). */
export const PRODUCT_LIMIT = 0x40000000;
/** Tensor slices larger than this are not scanned: the read is unknown instead. */
export const SCAN_LIMIT = 4096;

// `| 0` keeps every bound a plain i32 (no -0), as the WGSL twin holds them.
export const interval = (lo: number, hi: number): Interval => ({ lo: lo | 0, hi: hi | 0 });
export const point = (v: number): Interval => interval(v, v);

const isSmall = (a: Interval): boolean => a.lo >= -SMALL_LIMIT && a.hi <= SMALL_LIMIT;

export function add(a: Interval, b: Interval): Interval {
  return isSmall(a) && isSmall(b) ? interval(a.lo + b.lo, a.hi + b.hi) : TOP;
}

export function sub(a: Interval, b: Interval): Interval {
  return isSmall(a) && isSmall(b) ? interval(a.lo - b.hi, a.hi - b.lo) : TOP;
}

export function neg(a: Interval): Interval {
  // -I32_MIN wraps to itself.
  return a.lo !== I32_MIN ? interval(-a.hi, -a.lo) : TOP;
}

export function mul(a: Interval, b: Interval): Interval {
  if (a.lo === I32_MIN || b.lo === I32_MIN) return TOP;
  const ma = Math.max(Math.abs(a.lo), Math.abs(a.hi));
  const mb = Math.max(Math.abs(b.lo), Math.abs(b.hi));
  if (ma !== 0 && mb > Math.floor(PRODUCT_LIMIT / ma)) return TOP;
  const p = [a.lo * b.lo, a.lo * b.hi, a.hi * b.lo, a.hi * b.hi];
  return interval(Math.min(...p), Math.max(...p));
}

/** `a // d` for a divisor that is at least 1: monotone in a, and in d for a fixed sign of a. */
export function floorDiv(a: Interval, d: Interval): Interval {
  if (d.lo < 1) return TOP;
  return interval(
    Math.min(intFloorDiv(a.lo, d.lo), intFloorDiv(a.lo, d.hi)),
    Math.max(intFloorDiv(a.hi, d.lo), intFloorDiv(a.hi, d.hi)),
  );
}

/** `a % d` for a divisor that is at least 1: exact when a stays inside one period of one d. */
export function mod(a: Interval, d: Interval): Interval {
  if (d.lo < 1) return TOP;
  if (d.lo === d.hi && intFloorDiv(a.lo, d.lo) === intFloorDiv(a.hi, d.lo)) {
    return interval(intMod(a.lo, d.lo), intMod(a.hi, d.lo));
  }
  return interval(0, a.lo >= 0 ? Math.min(d.hi - 1, a.hi) : d.hi - 1);
}

/** `a >> n` for counts that are never negative: floor(a / 2^n), monotone in a and in n. */
export function shr(a: Interval, n: Interval): Interval {
  if (n.lo < 0) return TOP;
  return interval(
    Math.min(intShr(a.lo, n.lo), intShr(a.lo, n.hi)),
    Math.max(intShr(a.hi, n.lo), intShr(a.hi, n.hi)),
  );
}

/** The smallest 2^k - 1 at or above x >= 0: a bound on any | or ^ of values up to x. */
function bitSmear(x: number): number {
  let s = x;
  s |= s >> 1;
  s |= s >> 2;
  s |= s >> 4;
  s |= s >> 8;
  s |= s >> 16;
  return s;
}

export function bitAnd(a: Interval, b: Interval): Interval {
  // A non-negative operand bounds the result to [0, that operand].
  if (a.lo >= 0 && b.lo >= 0) return interval(0, Math.min(a.hi, b.hi));
  if (a.lo >= 0) return interval(0, a.hi);
  if (b.lo >= 0) return interval(0, b.hi);
  return TOP;
}

export function bitOr(a: Interval, b: Interval): Interval {
  if (a.lo < 0 || b.lo < 0) return TOP;
  return interval(Math.max(a.lo, b.lo), bitSmear(Math.max(a.hi, b.hi)));
}

export function bitXor(a: Interval, b: Interval): Interval {
  if (a.lo < 0 || b.lo < 0) return TOP;
  return interval(0, bitSmear(Math.max(a.hi, b.hi)));
}

/** `~a` is -a - 1: decreasing, never overflows. */
export function bitNot(a: Interval): Interval {
  return interval(~a.hi, ~a.lo);
}

export function abs(a: Interval): Interval {
  if (a.lo === I32_MIN) return TOP;
  if (a.lo >= 0) return a;
  if (a.hi <= 0) return interval(-a.hi, -a.lo);
  return interval(0, Math.max(-a.lo, a.hi));
}

export const min = (a: Interval, b: Interval): Interval =>
  interval(Math.min(a.lo, b.lo), Math.min(a.hi, b.hi));
export const max = (a: Interval, b: Interval): Interval =>
  interval(Math.max(a.lo, b.lo), Math.max(a.hi, b.hi));

/** `a if c else b`: the branch when the condition is certain, else both. */
export function pick(c: Tri, a: Interval, b: Interval): Interval {
  if (c === 1) return a;
  if (c === 0) return b;
  return interval(Math.min(a.lo, b.lo), Math.max(a.hi, b.hi));
}

export function lt(a: Interval, b: Interval): Tri {
  if (a.hi < b.lo) return 1;
  if (a.lo >= b.hi) return 0;
  return 2;
}

export function le(a: Interval, b: Interval): Tri {
  if (a.hi <= b.lo) return 1;
  if (a.lo > b.hi) return 0;
  return 2;
}

export function eq(a: Interval, b: Interval): Tri {
  if (a.lo === a.hi && b.lo === b.hi && a.lo === b.lo) return 1;
  if (a.hi < b.lo || b.hi < a.lo) return 0;
  return 2;
}

export function not(a: Tri): Tri {
  return a === 2 ? 2 : a === 1 ? 0 : 1;
}

export function and(a: Tri, b: Tri): Tri {
  if (a === 0 || b === 0) return 0;
  return a === 1 && b === 1 ? 1 : 2;
}

export function or(a: Tri, b: Tri): Tri {
  if (a === 1 || b === 1) return 1;
  return a === 0 && b === 0 ? 0 : 2;
}

export function xor(a: Tri, b: Tri): Tri {
  if (a === 2 || b === 2) return 2;
  return a === b ? 0 : 1;
}

export function pickTri(c: Tri, a: Tri, b: Tri): Tri {
  if (c === 1) return a;
  if (c === 0) return b;
  return a === b ? a : 2;
}

/** Truth of an int (also of a bool tensor's 0/1 elements): 0 only, never 0, or either. */
export function truth(a: Interval): Tri {
  if (a.lo === 0 && a.hi === 0) return 0;
  if (a.lo > 0 || a.hi < 0) return 1;
  return 2;
}

/** A bool as the int 0 or 1. */
export function triToInterval(t: Tri): Interval {
  return t === 2 ? interval(0, 1) : point(t);
}

/** The elements an index range can reach on one axis (Python indices) and whether it can miss. */
export interface AxisSlice {
  first: number;
  last: number;
  outOfRange: boolean;
}

export function axisSlice(i: Interval, n: number): AxisSlice {
  const outOfRange = i.lo < -n || i.hi > n - 1;
  const lo = Math.max(i.lo, -n);
  const hi = Math.min(i.hi, n - 1);
  if (lo > hi) return { first: 0, last: -1, outOfRange };
  if (hi < 0) return { first: lo + n, last: hi + n, outOfRange };
  if (lo >= 0) return { first: lo, last: hi, outOfRange };
  // Both negative and non-negative indices: the two pieces may cover anything.
  return { first: 0, last: n - 1, outOfRange };
}

/**
 * Bounds of `t[i0, i1, ...]` over the index ranges, one per axis of `shape` (1 to 4; extra ranges
 * are ignored), by scanning the slice they reach: an index out of range reads 0 (semantics.ts), so
 * a possible miss adds 0. A slice of more than SCAN_LIMIT elements is not scanned: unknown.
 */
export function readBounds(
  values: readonly number[],
  shape: readonly number[],
  idx: readonly Interval[],
): Interval {
  const axes = shape.map((n, k) => axisSlice(idx[k], n));
  if (axes.some((s) => s.first > s.last)) return point(0);
  // Each extent is at most its axis length, so the product is at most values.length: no overflow.
  const count = axes.reduce((c, s) => c * (s.last - s.first + 1), 1);
  if (count > SCAN_LIMIT) return TOP;
  let lo = I32_MAX;
  let hi = I32_MIN;
  if (axes.some((s) => s.outOfRange)) {
    lo = 0;
    hi = 0;
  }
  // An odometer over the slice, last axis fastest; the offset is row-major as the reads compute it.
  const at = axes.map((s) => s.first);
  for (let step = 0; step < count; step += 1) {
    let flat = 0;
    for (let k = 0; k < shape.length; k += 1) flat = flat * shape[k] + at[k];
    const v = values[flat];
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
    for (let k = shape.length - 1; k >= 0; k -= 1) {
      if (at[k] < axes[k].last) {
        at[k] += 1;
        break;
      }
      at[k] = axes[k].first;
    }
  }
  return interval(lo, hi);
}
