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
import type { CheckedProgram } from './eval/program';
import {
  abs,
  add,
  and,
  bitAnd,
  bitNot,
  bitOr,
  bitXor,
  eq,
  floorDiv,
  interval,
  le,
  lt,
  max,
  min,
  mod,
  mul,
  neg,
  not,
  or,
  pick,
  pickTri,
  point,
  readBounds,
  shr,
  sub,
  triToInterval,
  truth,
  TOP,
  xor,
  type Interval,
  type Tri,
} from './intervals';
import type { ArgName, Ir } from './ir';

// The interval rules live in intervals.ts; they are re-exported so callers need one module.
export * from './intervals';

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
  /** Bounds of the elements `t[idx...]` can read, one index per axis (bool tensors read 0/1). */
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
      switch (node.fn) {
        case 'abs':
          return int(d.abs(a));
        case 'min':
          return int(d.min(a, b));
        case 'max':
          return int(d.max(a, b));
        case 'relu':
          return int(d.max(a, d.int(0)));
        case 'sign':
          // On ints sign is x clamped to [-1, 1]: monotone, so clamping the bounds is exact.
          return int(d.min(d.max(a, d.int(-1)), d.int(1)));
        case 'floor':
        case 'ceil':
        case 'round':
        case 'trunc':
          // The identity on ints.
          return int(a);
        default:
          return unknown();
      }
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
