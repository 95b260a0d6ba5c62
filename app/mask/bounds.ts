/**
 * The bounds back end, on the CPU: a sound interval / tri-state evaluation of mask_mod over a box
 * of positions (b and h exact, q_idx and kv_idx each in an inclusive range). It answers 0 when
 * mask_mod is certainly False everywhere in the box, 1 when certainly True everywhere, 2 when it
 * cannot tell. wgslBounds.ts emits the same evaluation as WGSL (`mask_mod_bounds`); every rule here
 * has a twin there, written to compute exactly the same numbers, so the two agree bit for bit.
 *
 * Soundness is the one requirement: a wrong 0 or 1 would corrupt a BlockMask. So every int value
 * gets an interval that contains every value the real (wrapping i32) program can produce in the
 * box, every bool a tri-state, and anything the rules do not cover gets the full i32 range or
 * "unknown". Floats are not analysed at all: a bool computed from a float is always unknown.
 */
import type { CheckedProgram } from './check';
import type { ArgName, Ir } from './ir';
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
const interval = (lo: number, hi: number): Interval => ({ lo: lo | 0, hi: hi | 0 });
const point = (v: number): Interval => interval(v, v);

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
 * Bounds of `t[i]` / `t[i, j]` over the index ranges, by scanning the slice; an index out of
 * range reads 0 (semantics.ts), so a possible miss adds 0. Too large a slice is unknown.
 */
export function readBounds(
  values: readonly number[],
  shape: readonly number[],
  idx: Interval[],
): Interval {
  const rows = axisSlice(idx[0], shape[0]);
  const cols =
    shape.length === 2 ? axisSlice(idx[1], shape[1]) : { first: 0, last: 0, outOfRange: false };
  const width = shape.length === 2 ? shape[1] : 1;
  if (rows.first > rows.last || cols.first > cols.last) return point(0);
  if ((rows.last - rows.first + 1) * (cols.last - cols.first + 1) > SCAN_LIMIT) return TOP;
  let lo = I32_MAX;
  let hi = I32_MIN;
  if (rows.outOfRange || cols.outOfRange) {
    lo = 0;
    hi = 0;
  }
  for (let r = rows.first; r <= rows.last; r += 1) {
    for (let c = cols.first; c <= cols.last; c += 1) {
      const v = values[r * width + c];
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  return interval(lo, hi);
}

/**
 * The operations of an abstract domain: ints abstract to I, bools to T. The CPU domain below
 * computes Intervals and Tris; wgslBounds.ts implements the same interface with WGSL text, so both
 * back ends pick their rules in one place (`abstractNode`) and cannot drift apart.
 */
export interface BoundsDomain<I, T> {
  top: I;
  unknown: T;
  int(value: number): I;
  bool(value: boolean): T;
  arg(name: Exclude<ArgName, 'score'>): I;
  intParam(index: number): I;
  boolParam(index: number): T;
  /** Bounds of the elements `t[idx...]` can read (bool tensors read 0/1). */
  read(tensor: number, idx: I[]): I;
  add(a: I, b: I): I;
  sub(a: I, b: I): I;
  mul(a: I, b: I): I;
  floorDiv(a: I, b: I): I;
  mod(a: I, b: I): I;
  shr(a: I, b: I): I;
  bitAnd(a: I, b: I): I;
  bitOr(a: I, b: I): I;
  bitXor(a: I, b: I): I;
  neg(a: I): I;
  bitNot(a: I): I;
  abs(a: I): I;
  min(a: I, b: I): I;
  max(a: I, b: I): I;
  pick(c: T, a: I, b: I): I;
  lt(a: I, b: I): T;
  le(a: I, b: I): T;
  eq(a: I, b: I): T;
  not(a: T): T;
  and(a: T, b: T): T;
  or(a: T, b: T): T;
  xor(a: T, b: T): T;
  pickTri(c: T, a: T, b: T): T;
  truth(a: I): T;
  triToInt(a: T): I;
}

/** A node's abstract value: an int's bounds, a bool's tri-state, or nothing (a float). */
export type AbstractValue<I, T> = { int: I } | { tri: T } | null;

/**
 * One node's abstract value from its operands' (read through `visit`, which memoises). Floats get
 * nothing, and a bool computed from a float is unknown.
 */
export function abstractNode<I, T>(
  node: Ir,
  visit: (n: Ir) => AbstractValue<I, T>,
  d: BoundsDomain<I, T>,
): AbstractValue<I, T> {
  const intOf = (v: AbstractValue<I, T>): I => (v !== null && 'int' in v ? v.int : d.top);
  const triOf = (v: AbstractValue<I, T>): T => (v !== null && 'tri' in v ? v.tri : d.unknown);
  // Bools used as numbers (compared, or cast to int) count as 0 and 1.
  const asInt = (n: Ir): I => (n.type === 'bool' ? d.triToInt(triOf(visit(n))) : intOf(visit(n)));
  const int = (v: I): AbstractValue<I, T> => ({ int: v });
  const tri = (v: T): AbstractValue<I, T> => ({ tri: v });
  if (node.type === 'float') return null;
  const isBool = node.type === 'bool';
  const unknown = (): AbstractValue<I, T> => (isBool ? tri(d.unknown) : int(d.top));
  switch (node.op) {
    case 'const':
      return isBool ? tri(d.bool(node.value !== 0)) : int(d.int(node.value));
    case 'arg':
      return node.name === 'score' ? unknown() : int(d.arg(node.name));
    case 'param':
      return isBool ? tri(d.boolParam(node.index)) : int(d.intParam(node.index));
    case 'tensor': {
      const read = d.read(
        node.tensor,
        node.indices.map((i) => intOf(visit(i))),
      );
      return isBool ? tri(d.truth(read)) : int(read);
    }
    case 'unary':
      if (node.fn === 'not') return tri(d.not(triOf(visit(node.a))));
      return int(
        node.fn === 'bitnot' ? d.bitNot(intOf(visit(node.a))) : d.neg(intOf(visit(node.a))),
      );
    case 'cast':
      if (node.a.type === 'float') return unknown();
      if (isBool)
        return tri(node.a.type === 'bool' ? triOf(visit(node.a)) : d.truth(asInt(node.a)));
      return int(asInt(node.a));
    case 'select': {
      const c = triOf(visit(node.cond));
      if (isBool) return tri(d.pickTri(c, triOf(visit(node.then)), triOf(visit(node.else))));
      return int(d.pick(c, intOf(visit(node.then)), intOf(visit(node.else))));
    }
    case 'call': {
      if (isBool) return unknown();
      const [a, b] = node.args.map((x) => intOf(visit(x)));
      if (node.fn === 'abs') return int(d.abs(a));
      if (node.fn === 'min') return int(d.min(a, b));
      if (node.fn === 'max') return int(d.max(a, b));
      return unknown();
    }
    case 'binary':
      break;
  }
  if (node.a.type === 'float') return unknown();
  if (isBool) {
    switch (node.fn) {
      case 'bitand':
      case 'land':
        return tri(d.and(triOf(visit(node.a)), triOf(visit(node.b))));
      case 'bitor':
      case 'lor':
        return tri(d.or(triOf(visit(node.a)), triOf(visit(node.b))));
      case 'bitxor':
        return tri(d.xor(triOf(visit(node.a)), triOf(visit(node.b))));
      case 'lt':
        return tri(d.lt(asInt(node.a), asInt(node.b)));
      case 'le':
        return tri(d.le(asInt(node.a), asInt(node.b)));
      case 'gt':
        return tri(d.lt(asInt(node.b), asInt(node.a)));
      case 'ge':
        return tri(d.le(asInt(node.b), asInt(node.a)));
      case 'eq':
        return tri(d.eq(asInt(node.a), asInt(node.b)));
      case 'ne':
        return tri(d.not(d.eq(asInt(node.a), asInt(node.b))));
      default:
        return unknown();
    }
  }
  const a = asInt(node.a);
  const b = asInt(node.b);
  switch (node.fn) {
    case 'add':
      return int(d.add(a, b));
    case 'sub':
      return int(d.sub(a, b));
    case 'mul':
      return int(d.mul(a, b));
    case 'floordiv':
      return int(d.floorDiv(a, b));
    case 'mod':
      return int(d.mod(a, b));
    case 'shr':
      return int(d.shr(a, b));
    case 'bitand':
      return int(d.bitAnd(a, b));
    case 'bitor':
      return int(d.bitOr(a, b));
    case 'bitxor':
      return int(d.bitXor(a, b));
    default:
      // pow, shl: not analysed.
      return unknown();
  }
}

/** The CPU domain: real intervals and tri-states for one program and one box. */
function cpuDomain(program: CheckedProgram, box: BoundsBox): BoundsDomain<Interval, Tri> {
  return {
    top: TOP,
    unknown: 2,
    int: point,
    bool: (v) => (v ? 1 : 0),
    arg: (name) =>
      name === 'b'
        ? point(box.b)
        : name === 'h'
          ? point(box.h)
          : name === 'q_idx'
            ? interval(box.qLo, box.qHi)
            : interval(box.kvLo, box.kvHi),
    intParam: (k) => point(program.params[k].value),
    boolParam: (k) => (program.params[k].value !== 0 ? 1 : 0),
    read: (k, idx) => readBounds(program.tensors[k].values, program.tensors[k].shape, idx),
    add,
    sub,
    mul,
    floorDiv,
    mod,
    shr,
    bitAnd,
    bitOr,
    bitXor,
    neg,
    bitNot,
    abs,
    min,
    max,
    pick,
    lt,
    le,
    eq,
    not,
    and,
    or,
    xor,
    pickTri,
    truth,
    triToInt: triToInterval,
  };
}

/** The box of positions a bounds query covers: b and h exact, q and kv inclusive ranges. */
export interface BoundsBox {
  b: number;
  h: number;
  qLo: number;
  qHi: number;
  kvLo: number;
  kvHi: number;
}

/**
 * mask_mod's bounds over the box: 0 certainly False everywhere, 1 certainly True everywhere,
 * 2 unknown. Requires qLo <= qHi and kvLo <= kvHi. A program without mask_mod is always True.
 */
export function boundsOf(
  program: CheckedProgram,
  b: number,
  h: number,
  qLo: number,
  qHi: number,
  kvLo: number,
  kvHi: number,
): Tri {
  if (program.mask === undefined) return 1;
  const domain = cpuDomain(program, { b, h, qLo, qHi, kvLo, kvHi });
  const memo = new Map<number, AbstractValue<Interval, Tri>>();
  const visit = (node: Ir): AbstractValue<Interval, Tri> => {
    const known = memo.get(node.id);
    if (known !== undefined) return known;
    const value = abstractNode(node, visit, domain);
    memo.set(node.id, value);
    return value;
  };
  const root = visit(program.mask);
  return root !== null && 'tri' in root ? root.tri : 2;
}
