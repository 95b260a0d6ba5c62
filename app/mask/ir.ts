/**
 * The checked, fully inlined program: one typed expression DAG per entry point. Both back ends
 * (WGSL and CPU) and the dependence analysis read only this. Nodes are shared by reference where
 * the program reuses a value (a local variable read twice); the back ends bind shared nodes once.
 */
import { fail } from './errors';
import type { CompileLimits } from './limits';
import {
  floatFloorDiv,
  floatMod,
  floatPow,
  intAbs,
  intAdd,
  intFloorDiv,
  intMod,
  intMul,
  intNeg,
  intPow,
  intShl,
  intShr,
  intSub,
  toF64,
} from './semantics';
import type { ScalarType, SourceSpan } from './types';

export type ArgName = 'b' | 'h' | 'q_idx' | 'kv_idx' | 'score';
export type UnaryFn = 'neg' | 'bitnot' | 'not';
export type ArithFn = 'add' | 'sub' | 'mul' | 'div' | 'floordiv' | 'mod' | 'pow';
export type BitFn = 'bitand' | 'bitor' | 'bitxor' | 'shl' | 'shr';
export type CompareFn = 'lt' | 'le' | 'gt' | 'ge' | 'eq' | 'ne';
export type LogicFn = 'land' | 'lor';
export type BinaryFn = ArithFn | BitFn | CompareFn | LogicFn;
export type MathFn = 'abs' | 'min' | 'max' | 'tanh' | 'exp' | 'log' | 'sqrt';

interface Base {
  type: ScalarType;
  span: SourceSpan;
  id: number;
  height: number;
}

export type Ir =
  | (Base & { op: 'const'; value: number })
  | (Base & { op: 'arg'; name: ArgName })
  | (Base & { op: 'param'; index: number })
  | (Base & { op: 'tensor'; tensor: number; indices: Ir[] })
  | (Base & { op: 'unary'; fn: UnaryFn; a: Ir })
  | (Base & { op: 'binary'; fn: BinaryFn; a: Ir; b: Ir })
  | (Base & { op: 'select'; cond: Ir; then: Ir; else: Ir })
  /** Conversion to `type` from `a.type` (bool to int/float, int to float, any to bool by truth). */
  | (Base & { op: 'cast'; a: Ir })
  | (Base & { op: 'call'; fn: MathFn; args: Ir[] });

export type IrOf<K extends Ir['op']> = Extract<Ir, { op: K }>;

/** Direct operands of a node, in evaluation order. */
export function children(node: Ir): Ir[] {
  switch (node.op) {
    case 'const':
    case 'arg':
    case 'param':
      return [];
    case 'tensor':
      return node.indices;
    case 'unary':
    case 'cast':
      return [node.a];
    case 'binary':
      return [node.a, node.b];
    case 'select':
      return [node.cond, node.then, node.else];
    case 'call':
      return node.args;
  }
}

/** Height past which an inlined expression is refused: bounds every recursive walk of the IR. */
const MAX_IR_HEIGHT = 2500;

type Distribute<T> = T extends Base ? Omit<T, 'id' | 'height'> : never;
export type IrInit = Distribute<Ir>;

/**
 * Creates nodes: numbers them, counts them against the inlining limit, and folds operations whose
 * operands are all constants (so the WGSL never holds a constant expression that WGSL itself would
 * evaluate at shader creation, where overflow or division by zero are errors).
 */
export class IrBuilder {
  private count = 0;
  constructor(private readonly limits: CompileLimits) {}

  get nodeCount(): number {
    return this.count;
  }

  make(init: IrInit): Ir {
    if (init.op === 'select') {
      // A constant condition, or two equal branches, pick a node that already exists.
      const c = constValue(init.cond);
      if (c !== undefined) return c !== 0 ? init.then : init.else;
      if (init.then === init.else) return init.then;
    }
    if (init.op === 'binary' && (init.fn === 'land' || init.fn === 'lor')) {
      // `True & x` is x (and_masks starts from True); `False & x` is False. Both sides are pure.
      const neutral = init.fn === 'land' ? 1 : 0;
      for (const [k, other] of [
        [init.a, init.b],
        [init.b, init.a],
      ] as const) {
        const c = constValue(k);
        if (c === undefined) continue;
        if ((c !== 0 ? 1 : 0) === neutral) return other;
        return k;
      }
    }
    const folded = foldConstant(init);
    const node = (folded ?? init) as Ir;
    this.count += 1;
    if (this.count > this.limits.maxInlinedNodes) {
      fail(
        init.span,
        'LimitError',
        `the program is too large once its calls are inlined (more than ${this.limits.maxInlinedNodes} operations)`,
      );
    }
    let height = 0;
    for (const c of children(node)) height = Math.max(height, c.height);
    if (height + 1 > MAX_IR_HEIGHT) {
      fail(
        init.span,
        'LimitError',
        `the program nests too deeply once its calls are inlined (more than ${MAX_IR_HEIGHT} levels)`,
      );
    }
    node.id = this.count;
    node.height = height + 1;
    return node;
  }

  constant(type: ScalarType, value: number, span: SourceSpan): Ir {
    return this.make({ op: 'const', type, value, span });
  }
}

function constValue(node: Ir | IrInit): number | undefined {
  return node.op === 'const' ? node.value : undefined;
}

/** Folds a node whose operands are constants; undefined when it cannot. */
function foldConstant(init: IrInit): IrInit | undefined {
  const span = init.span;
  const make = (value: number): IrInit => ({ op: 'const', type: init.type, value, span });
  switch (init.op) {
    case 'unary': {
      const a = constValue(init.a);
      if (a === undefined) return undefined;
      if (init.fn === 'not') return make(a === 0 ? 1 : 0);
      if (init.fn === 'bitnot') return make(~a);
      return make(init.type === 'int' ? intNeg(a) : -a);
    }
    case 'cast': {
      const a = constValue(init.a);
      if (a === undefined) return undefined;
      return make(init.type === 'bool' ? (a !== 0 ? 1 : 0) : a);
    }
    case 'binary': {
      const a = constValue(init.a);
      const b = constValue(init.b);
      if (init.fn === 'shl' || init.fn === 'shr') {
        if (b !== undefined && b < 0) fail(init.b.span, 'ValueError', 'negative shift count');
      }
      if ((init.fn === 'floordiv' || init.fn === 'mod') && init.a.type === 'int' && b === 0) {
        fail(
          init.b.span,
          'ZeroDivisionError',
          init.fn === 'mod' ? 'integer modulo by zero' : 'integer division by zero',
        );
      }
      if (a === undefined || b === undefined) return undefined;
      const value = foldBinary(init.fn, init.a.type, a, b);
      return make(value);
    }
    case 'call': {
      const values = init.args.map(constValue);
      if (values.some((v) => v === undefined)) return undefined;
      const vs = values as number[];
      const isInt = init.type === 'int';
      switch (init.fn) {
        case 'abs':
          return make(isInt ? intAbs(vs[0]) : Math.abs(vs[0]));
        case 'min':
          return make(Math.min(vs[0], vs[1]));
        case 'max':
          return make(Math.max(vs[0], vs[1]));
        default:
          return make(Math[init.fn](vs[0]));
      }
    }
    default:
      return undefined;
  }
}

function foldBinary(fn: BinaryFn, operandType: ScalarType, a: number, b: number): number {
  const isInt = operandType !== 'float';
  const bool = (x: boolean): number => (x ? 1 : 0);
  switch (fn) {
    case 'add':
      return isInt ? intAdd(a, b) : a + b;
    case 'sub':
      return isInt ? intSub(a, b) : a - b;
    case 'mul':
      return isInt ? intMul(a, b) : a * b;
    case 'div':
      return a / b;
    case 'floordiv':
      return isInt ? intFloorDiv(a, b) : floatFloorDiv(a, b, toF64);
    case 'mod':
      return isInt ? intMod(a, b) : floatMod(a, b, toF64);
    case 'pow':
      return isInt ? intPow(a, b) : floatPow(a, b, toF64);
    case 'bitand':
      return a & b;
    case 'bitor':
      return a | b;
    case 'bitxor':
      return a ^ b;
    case 'shl':
      return intShl(a, b);
    case 'shr':
      return intShr(a, b);
    case 'lt':
      return bool(a < b);
    case 'le':
      return bool(a <= b);
    case 'gt':
      return bool(a > b);
    case 'ge':
      return bool(a >= b);
    case 'eq':
      return bool(a === b);
    case 'ne':
      return bool(a !== b);
    case 'land':
      return bool(a !== 0 && b !== 0);
    case 'lor':
      return bool(a !== 0 || b !== 0);
  }
}

/** Which of b and h a DAG reads (through tensors indexed by them too). */
export function dependence(root: Ir): { b: boolean; h: boolean } {
  const seen = new Set<number>();
  const stack: Ir[] = [root];
  const deps = { b: false, h: false };
  while (stack.length > 0) {
    const node = stack.pop() as Ir;
    if (seen.has(node.id)) continue;
    seen.add(node.id);
    if (node.op === 'arg' && (node.name === 'b' || node.name === 'h')) deps[node.name] = true;
    stack.push(...children(node));
  }
  return deps;
}

/**
 * Shared nodes in the order they must be computed: every non-leaf node that two or more parents
 * read (or `always` says so), children before parents. The back ends bind each one to a local once.
 */
export function sharedNodes(root: Ir): Ir[] {
  const parents = new Map<number, number>();
  const seen = new Set<number>();
  const stack: Ir[] = [root];
  while (stack.length > 0) {
    const node = stack.pop() as Ir;
    for (const c of children(node)) {
      parents.set(c.id, (parents.get(c.id) ?? 0) + 1);
      if (!seen.has(c.id)) {
        seen.add(c.id);
        stack.push(c);
      }
    }
  }
  const order: Ir[] = [];
  const done = new Set<number>();
  // Post-order without recursion: a node is emitted after all its children.
  const work: { node: Ir; expanded: boolean }[] = [{ node: root, expanded: false }];
  while (work.length > 0) {
    const item = work.pop() as { node: Ir; expanded: boolean };
    if (done.has(item.node.id)) continue;
    if (item.expanded) {
      done.add(item.node.id);
      if (item.node !== root && isWorthBinding(item.node) && (parents.get(item.node.id) ?? 0) > 1) {
        order.push(item.node);
      }
      continue;
    }
    work.push({ node: item.node, expanded: true });
    const cs = children(item.node);
    for (let k = cs.length - 1; k >= 0; k -= 1)
      if (!done.has(cs[k].id)) work.push({ node: cs[k], expanded: false });
  }
  return order;
}

function isWorthBinding(node: Ir): boolean {
  return node.op !== 'const' && node.op !== 'arg' && node.op !== 'param';
}
