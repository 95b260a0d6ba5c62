/**
 * The checked, fully inlined program: one typed expression DAG per entry point. Both back ends
 * (WGSL and CPU) and the dependence analysis read only this. Nodes are shared by reference where
 * the program reuses a value (a local variable read twice); the back ends bind shared nodes once.
 */
import { fail } from './errors';
import type { CompileLimits } from './limits';
import {
  floatFloorDiv,
  floatMath,
  floatMod,
  floatPow,
  intAdd,
  intFloorDiv,
  intMath,
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
/**
 * Math functions, as torch names them. `min` and `max` take two arguments, the rest one. Ints are
 * accepted by abs, min, max, sign, relu and by floor / ceil / round / trunc (which leave an int
 * unchanged, as torch does); every other function takes and returns a float:
 *   exp, exp2, expm1, log, log2, log1p, sqrt, rsqrt (1 / sqrt), tanh, sigmoid, sin, cos, erf,
 *   floor, ceil, trunc, round (halves to even, as torch.round), sign (NaN gives 0, as torch),
 *   relu (NaN stays NaN), gelu (exact: 0.5 x (1 + erf(x / sqrt 2))) and gelu_tanh (torch's
 *   approximate='tanh': 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3)))).
 */
export type MathFn =
  | 'abs'
  | 'min'
  | 'max'
  | 'tanh'
  | 'exp'
  | 'log'
  | 'sqrt'
  | 'exp2'
  | 'log2'
  | 'rsqrt'
  | 'sigmoid'
  | 'floor'
  | 'ceil'
  | 'round'
  | 'trunc'
  | 'sign'
  | 'sin'
  | 'cos'
  | 'erf'
  | 'gelu'
  | 'gelu_tanh'
  | 'relu'
  | 'log1p'
  | 'expm1';

/** Tensors have 1 to this many axes; a `tensor` node has one index per axis. */
export const MAX_TENSOR_RANK = 4;

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
  /** `program.tensors[tensor][indices...]`: one index per axis (1 to MAX_TENSOR_RANK). */
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
 *
 * It also hash-conses: asking for a node equal to one it made before (same operation, type and
 * fields, the same child nodes) returns that node, so tracing one helper twice on the same inputs
 * gives one shared node, which the back ends compute once (sharedNodes). The shared node keeps the
 * span it was first made with. Only new nodes count against `maxInlinedNodes`.
 */
export class IrBuilder {
  private count = 0;
  private readonly interned = new Map<string, Ir>();
  constructor(private readonly limits: CompileLimits) {}

  /** Distinct nodes made so far. */
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
    const key = nodeKey(folded ?? init);
    const known = this.interned.get(key);
    if (known !== undefined) return known;
    const node = (folded ?? init) as Ir;
    this.count += 1;
    if (this.count > this.limits.maxInlinedNodes) {
      fail(
        init.span,
        'LimitError',
        `the traced program is too large (more than ${this.limits.maxInlinedNodes} operations)`,
      );
    }
    let height = 0;
    for (const c of children(node)) height = Math.max(height, c.height);
    if (height + 1 > MAX_IR_HEIGHT) {
      fail(
        init.span,
        'LimitError',
        `the traced program nests too deeply (more than ${MAX_IR_HEIGHT} levels of operations)`,
      );
    }
    node.id = this.count;
    node.height = height + 1;
    this.interned.set(key, node);
    return node;
  }

  constant(type: ScalarType, value: number, span: SourceSpan): Ir {
    return this.make({ op: 'const', type, value, span });
  }
}

/**
 * What makes two nodes equal: operation, type, own fields and the ids of the children (which are
 * themselves interned, so equal ids mean equal subtrees). A constant's value is spelled so that
 * -0 and 0 differ and every NaN is one value (NaN !== NaN, but one NaN constant serves for all).
 */
function nodeKey(init: IrInit): string {
  const ids = (nodes: Ir[]): string => nodes.map((n) => n.id).join(',');
  switch (init.op) {
    case 'const': {
      const v = init.value;
      const text = Object.is(v, -0) ? '-0' : String(v);
      return `const ${init.type} ${text}`;
    }
    case 'arg':
      return `arg ${init.type} ${init.name}`;
    case 'param':
      return `param ${init.type} ${init.index}`;
    case 'tensor':
      return `tensor ${init.type} ${init.tensor} ${ids(init.indices)}`;
    case 'unary':
      return `unary ${init.type} ${init.fn} ${init.a.id}`;
    case 'binary':
      return `binary ${init.type} ${init.fn} ${init.a.id},${init.b.id}`;
    case 'select':
      return `select ${init.type} ${ids([init.cond, init.then, init.else])}`;
    case 'cast':
      return `cast ${init.type} ${init.a.id}`;
    case 'call':
      return `call ${init.type} ${init.fn} ${ids(init.args)}`;
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
      if (init.fn === 'min') return make(Math.min(vs[0], vs[1]));
      if (init.fn === 'max') return make(Math.max(vs[0], vs[1]));
      // Floats fold in float64, as the CPU score back end computes them.
      const f = init.type === 'int' ? intMath(init.fn) : floatMath(init.fn, toF64);
      return f === undefined ? undefined : make(f(vs[0]));
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

/** Height interval at which shared-node lists bind a node even if it is read only once. */
const BIND_EVERY = 24;

/**
 * Nodes to bind to locals, in the order they must be computed: every non-leaf node that two or
 * more parents read, and every node at a height that is a multiple of BIND_EVERY; children before
 * parents. The back ends bind each one to a local once.
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
  return postOrder(root).filter((node) => {
    if (node === root || !isWorthBinding(node)) return false;
    const reused = (parents.get(node.id) ?? 0) > 1;
    // Binding every BIND_EVERY levels caps how deeply an emitted expression nests, whatever
    // the program's height: WGSL compilers refuse deeply nested expressions.
    const deep = node.height % BIND_EVERY === 0;
    return reused || deep;
  });
}

/** Every node reachable from `root` once, children before parents, without recursion. */
export function postOrder(root: Ir): Ir[] {
  const order: Ir[] = [];
  const done = new Set<number>();
  const work: { node: Ir; expanded: boolean }[] = [{ node: root, expanded: false }];
  while (work.length > 0) {
    const item = work.pop() as { node: Ir; expanded: boolean };
    if (done.has(item.node.id)) continue;
    if (item.expanded) {
      done.add(item.node.id);
      order.push(item.node);
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
