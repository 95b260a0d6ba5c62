/**
 * The checker: resolves names, types every expression, binds parameters and tensors, and inlines
 * every call (helpers, factories, lambdas, and_masks / or_masks) into one typed DAG per entry point.
 * Running the module top to bottom with Python's scoping rules is what makes factories in
 * attention-gym's style specialise at compile time: a factory is simply run on its arguments.
 */
import type { BinaryOp, CompareOp, Expr, ExprOf, Module, Param, Stmt, StmtOf } from './ast';
import { fail } from './errors';
import { IrBuilder, dependence, type ArgName, type BinaryFn, type Ir, type MathFn } from './ir';
import type { CompileLimits } from './limits';
import { I32_MAX, I32_MIN } from './semantics';
import type { Dependence, ParamInfo, ScalarType, SourceSpan, TensorInfo } from './types';

export interface CheckedProgram {
  module: Module;
  params: ParamInfo[];
  tensors: TensorInfo[];
  /** The inlined mask_mod; undefined when the program has none (then every position is allowed). */
  mask?: Ir;
  /** The inlined score_mod (float); undefined when there is none. */
  score?: Ir;
  maskDeps: Dependence;
  scoreDeps: Dependence;
}

type Fn =
  | {
      kind: 'def';
      name: string;
      params: Param[];
      defaults: (Value | undefined)[];
      body: Stmt[] | Expr;
      closure: Scope;
      span: SourceSpan;
    }
  | { kind: 'combine'; op: 'and' | 'or'; parts: Fn[]; span: SourceSpan }
  | { kind: 'noop' };

const TORCH_FUNCTIONS = [
  'where',
  'abs',
  'clamp',
  'minimum',
  'maximum',
  'tanh',
  'exp',
  'log',
  'sqrt',
] as const;
type TorchFunction = (typeof TORCH_FUNCTIONS)[number];
type BuiltinName = 'abs' | 'min' | 'max' | 'and_masks' | 'or_masks' | `torch.${TorchFunction}`;
const TORCH_LIST = TORCH_FUNCTIONS.map((f) => `torch.${f}`).join(', ');

type Value =
  | { kind: 'scalar'; ir: Ir }
  | { kind: 'tuple'; items: Value[] }
  | { kind: 'function'; fn: Fn }
  | { kind: 'tensor'; tensor: number; prefix: Ir[]; span?: SourceSpan }
  | { kind: 'builtin'; name: BuiltinName }
  | { kind: 'torch' }
  | { kind: 'method'; name: 'abs' | 'clamp'; self: Ir }
  /** A local assigned on only some paths through an if. */
  | { kind: 'unbound' };

class Scope {
  constructor(
    readonly parent: Scope | undefined,
    /** Names local to this function (assigned anywhere in it); undefined for the module scope. */
    readonly locals: Set<string> | undefined,
    readonly vars: Map<string, Value> = new Map(),
  ) {}
  fork(): Scope {
    return new Scope(this.parent, this.locals, new Map(this.vars));
  }
}

const MASK_ARGS: ArgName[] = ['b', 'h', 'q_idx', 'kv_idx'];
const SCORE_ARGS: ArgName[] = ['score', 'b', 'h', 'q_idx', 'kv_idx'];
const RANK: Record<ScalarType, number> = { bool: 0, int: 1, float: 2 };
const STRING_MESSAGE =
  'strings are not supported: the mask language computes with int, float and bool (a string is accepted only as a docstring)';
const FSTRING_MESSAGE =
  "f-strings are not supported (one is accepted only in `name.__name__ = f'...'`, which is ignored)";

function builtinValue(name: string): Value | undefined {
  switch (name) {
    case 'abs':
    case 'min':
    case 'max':
    case 'and_masks':
    case 'or_masks':
      return { kind: 'builtin', name };
    case 'noop_mask':
      return { kind: 'function', fn: { kind: 'noop' } };
    case 'torch':
      return { kind: 'torch' };
    default:
      return undefined;
  }
}
const BUILTIN_NAMES = ['abs', 'min', 'max', 'and_masks', 'or_masks', 'noop_mask', 'torch'];

function describe(v: Value): string {
  switch (v.kind) {
    case 'scalar':
      return `'${v.ir.type}'`;
    case 'tuple':
      return "'tuple'";
    case 'function':
      return "'function'";
    case 'tensor':
      return "'tensor'";
    case 'builtin':
      return "'builtin_function'";
    case 'torch':
      return "'module'";
    case 'method':
      return "'method'";
    case 'unbound':
      return "'unbound'";
  }
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j += 1) {
      const keep = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = keep;
    }
  }
  return row[b.length];
}

/** Names a function body binds (Python makes them local to the whole body). */
function assignedNames(stmts: Stmt[], into: Set<string>): Set<string> {
  const addTarget = (t: Expr): void => {
    if (t.kind === 'name') into.add(t.id);
    else if (t.kind === 'tuple' || t.kind === 'list') t.elts.forEach(addTarget);
  };
  for (const s of stmts) {
    if (s.kind === 'assign') s.targets.forEach(addTarget);
    else if (s.kind === 'augassign') addTarget(s.target);
    else if (s.kind === 'def') into.add(s.name);
    else if (s.kind === 'if') {
      assignedNames(s.body, into);
      assignedNames(s.orelse, into);
    }
  }
  return into;
}

function containsReturn(stmts: Stmt[]): boolean {
  return stmts.some(
    (s) =>
      s.kind === 'return' ||
      (s.kind === 'if' && (containsReturn(s.body) || containsReturn(s.orelse))),
  );
}

function isDocstring(s: Stmt): boolean {
  return s.kind === 'expr' && s.value.kind === 'string' && !s.value.fString;
}

function isNameAssignment(s: StmtOf<'assign'>): boolean {
  return (
    s.targets.length === 1 && s.targets[0].kind === 'attribute' && s.targets[0].attr === '__name__'
  );
}

/** A number literal as written, with an optional sign: what a parameter or tensor element is. */
function literalNumber(e: Expr): { type: ScalarType; value: number } | undefined {
  if (e.kind === 'bool') return { type: 'bool', value: e.value ? 1 : 0 };
  if (e.kind === 'num') return { type: e.isFloat ? 'float' : 'int', value: e.value };
  if (e.kind === 'unary' && (e.op === '-' || e.op === '+') && e.operand.kind === 'num') {
    const sign = e.op === '-' ? -1 : 1;
    return { type: e.operand.isFloat ? 'float' : 'int', value: sign * e.operand.value };
  }
  return undefined;
}

function checkIntRange(value: number, span: SourceSpan): void {
  if (value > I32_MAX || value < I32_MIN) {
    fail(
      span,
      'NotSupportedError',
      `the integer ${value} does not fit in 32 bits: the mask language computes with i32 (-2147483648 to 2147483647)`,
    );
  }
}

export function check(module: Module, limits: CompileLimits): CheckedProgram {
  const ir = new IrBuilder(limits);
  const params: ParamInfo[] = [];
  const tensors: TensorInfo[] = [];
  const globals = new Scope(undefined, undefined);
  const entrySpans = new Map<string, SourceSpan>();
  const callStack: Fn[] = [];
  let tensorWords = 0;

  // ---- helpers that build typed IR ------------------------------------------------------

  const constant = (type: ScalarType, value: number, span: SourceSpan): Ir =>
    ir.constant(type, value, span);

  function cast(node: Ir, to: ScalarType, span: SourceSpan = node.span): Ir {
    if (node.type === to) return node;
    return ir.make({ op: 'cast', type: to, a: node, span });
  }
  function truthy(node: Ir, span: SourceSpan = node.span): Ir {
    return cast(node, 'bool', span);
  }
  function common(a: Ir, b: Ir, atLeast: ScalarType): ScalarType {
    const r = Math.max(RANK[a.type], RANK[b.type], RANK[atLeast]);
    return r === 2 ? 'float' : r === 1 ? 'int' : 'bool';
  }
  function binary(fn: BinaryFn, type: ScalarType, a: Ir, b: Ir, span: SourceSpan): Ir {
    return ir.make({ op: 'binary', fn, type, a, b, span });
  }
  function select(cond: Ir, then: Ir, otherwise: Ir, span: SourceSpan): Ir {
    const type = common(then, otherwise, 'bool');
    return ir.make({
      op: 'select',
      type,
      cond,
      then: cast(then, type),
      else: cast(otherwise, type),
      span,
    });
  }
  function mathCall(fn: MathFn, args: Ir[], type: ScalarType, span: SourceSpan): Ir {
    return ir.make({ op: 'call', fn, type, args: args.map((a) => cast(a, type)), span });
  }

  function scalarOf(v: Value, span: SourceSpan): Ir {
    if (v.kind === 'scalar') return v.ir;
    if (v.kind === 'tensor') {
      const t = tensors[v.tensor];
      const missing = t.shape.length - v.prefix.length;
      const example = t.shape.length === 1 ? `${t.name}[i]` : `${t.name}[i, j]`;
      fail(
        v.span ?? span,
        'TypeError',
        `'${t.name}' is a ${t.shape.length}-D tensor: index it with ${missing} more ${missing === 1 ? 'index' : 'indices'}, e.g. ${example}`,
      );
    }
    if (v.kind === 'function' || v.kind === 'builtin' || v.kind === 'method') {
      fail(span, 'TypeError', 'a function is used as a number here: call it');
    }
    fail(span, 'TypeError', `expected a number, got ${describe(v)}`);
  }

  function arithmetic(op: BinaryOp, a: Ir, b: Ir, span: SourceSpan, opSpan: SourceSpan): Ir {
    const mismatch = (): never =>
      fail(
        opSpan,
        'TypeError',
        `unsupported operand type(s) for ${op}: '${a.type}' and '${b.type}'`,
      );
    switch (op) {
      case '+':
      case '-':
      case '*':
      case '//':
      case '%': {
        const type = common(a, b, 'int');
        const fn = ({ '+': 'add', '-': 'sub', '*': 'mul', '//': 'floordiv', '%': 'mod' } as const)[
          op
        ];
        return binary(fn, type, cast(a, type), cast(b, type), span);
      }
      case '/':
        return binary('div', 'float', cast(a, 'float'), cast(b, 'float'), span);
      case '**': {
        let type = common(a, b, 'int');
        // Python: an int to a negative int power is a float.
        if (type === 'int' && b.op === 'const' && b.value < 0) type = 'float';
        return binary('pow', type, cast(a, type), cast(b, type), span);
      }
      case '&':
      case '|':
      case '^': {
        if (a.type === 'float' || b.type === 'float') mismatch();
        const type = common(a, b, 'bool');
        const fn = ({ '&': 'bitand', '|': 'bitor', '^': 'bitxor' } as const)[op];
        return binary(fn, type, cast(a, type), cast(b, type), span);
      }
      case '<<':
      case '>>':
        if (a.type === 'float' || b.type === 'float') mismatch();
        return binary(op === '<<' ? 'shl' : 'shr', 'int', cast(a, 'int'), cast(b, 'int'), span);
      case '@':
        return fail(
          opSpan,
          'NotSupportedError',
          "matrix multiplication ('@') is not supported: mask_mod works on single numbers",
        );
    }
  }

  function comparison(op: CompareOp, a: Ir, b: Ir, span: SourceSpan): Ir {
    const bothBool = a.type === 'bool' && b.type === 'bool' && (op === '==' || op === '!=');
    const type = bothBool ? 'bool' : common(a, b, 'int');
    const fn = ({ '<': 'lt', '<=': 'le', '>': 'gt', '>=': 'ge', '==': 'eq', '!=': 'ne' } as const)[
      op
    ];
    return binary(fn, 'bool', cast(a, type), cast(b, type), span);
  }

  function mergeValues(cond: Ir, a: Value, b: Value, span: SourceSpan, what: string): Value {
    if (a === b) return a;
    if (a.kind === 'unbound' || b.kind === 'unbound') return { kind: 'unbound' };
    if (a.kind === 'scalar' && b.kind === 'scalar')
      return { kind: 'scalar', ir: select(cond, a.ir, b.ir, span) };
    if (a.kind === 'tuple' && b.kind === 'tuple' && a.items.length === b.items.length) {
      return {
        kind: 'tuple',
        items: a.items.map((item, k) => mergeValues(cond, item, b.items[k], span, what)),
      };
    }
    if (a.kind === 'function' && b.kind === 'function' && a.fn === b.fn) return a;
    if (
      a.kind === 'tensor' &&
      b.kind === 'tensor' &&
      a.tensor === b.tensor &&
      a.prefix.length === 0 &&
      b.prefix.length === 0
    )
      return a;
    return fail(
      span,
      'TypeError',
      `${what} is ${describe(a)} on one branch and ${describe(b)} on the other: the mask language needs numbers here, or the same function on both`,
    );
  }

  // ---- names -------------------------------------------------------------------------

  function lookup(name: string, span: SourceSpan, scope: Scope): Value {
    for (let s: Scope | undefined = scope; s !== undefined; s = s.parent) {
      const v = s.vars.get(name);
      if (v !== undefined) {
        if (v.kind === 'unbound') {
          fail(
            span,
            'NameError',
            `local variable '${name}' is assigned on only some paths through an 'if': assign it before the 'if' too`,
          );
        }
        return v;
      }
      if (s.locals?.has(name)) {
        fail(
          span,
          'NameError',
          `cannot access local variable '${name}' where it is not associated with a value`,
        );
      }
    }
    const builtin = builtinValue(name);
    if (builtin !== undefined) return builtin;
    const known = new Set<string>(BUILTIN_NAMES);
    for (let s: Scope | undefined = scope; s !== undefined; s = s.parent)
      for (const k of s.vars.keys()) known.add(k);
    let best: string | undefined;
    let bestDistance = Infinity;
    for (const k of known) {
      const d = editDistance(name, k);
      if (d < bestDistance && d <= Math.max(1, Math.floor(name.length / 3))) {
        best = k;
        bestDistance = d;
      }
    }
    return fail(
      span,
      'NameError',
      `name '${name}' is not defined${best !== undefined ? `. Did you mean: '${best}'?` : ''}`,
    );
  }

  // ---- expressions -------------------------------------------------------------------

  function evalExpr(e: Expr, scope: Scope): Value {
    switch (e.kind) {
      case 'num':
        if (!e.isFloat) checkIntRange(e.value, e.span);
        return { kind: 'scalar', ir: constant(e.isFloat ? 'float' : 'int', e.value, e.span) };
      case 'bool':
        return { kind: 'scalar', ir: constant('bool', e.value ? 1 : 0, e.span) };
      case 'name':
        return lookup(e.id, e.span, scope);
      case 'string':
        return fail(e.span, 'NotSupportedError', e.fString ? FSTRING_MESSAGE : STRING_MESSAGE);
      case 'list':
        return fail(
          e.span,
          'NotSupportedError',
          'list literals are supported only at top level, as lookup tensors (NAME = [...])',
        );
      case 'tuple':
        return { kind: 'tuple', items: e.elts.map((x) => evalExpr(x, scope)) };
      case 'unary':
        return { kind: 'scalar', ir: evalUnary(e, scope) };
      case 'binary': {
        if (e.op === '@')
          fail(
            e.opSpan,
            'NotSupportedError',
            "matrix multiplication ('@') is not supported: mask_mod works on single numbers",
          );
        const a = scalarOf(evalExpr(e.left, scope), e.left.span);
        const b = scalarOf(evalExpr(e.right, scope), e.right.span);
        // Errors Python raises on constants are reported here, at the operand as written.
        if (b.op === 'const' && b.type !== 'float') {
          if ((e.op === '//' || e.op === '%') && b.value === 0 && a.type !== 'float') {
            fail(
              e.right.span,
              'ZeroDivisionError',
              e.op === '%' ? 'integer modulo by zero' : 'integer division by zero',
            );
          }
          if ((e.op === '<<' || e.op === '>>') && b.value < 0)
            fail(e.right.span, 'ValueError', 'negative shift count');
        }
        return { kind: 'scalar', ir: arithmetic(e.op, a, b, e.span, e.opSpan) };
      }
      case 'boolop':
        return { kind: 'scalar', ir: evalBoolOp(e, scope) };
      case 'compare': {
        let left = scalarOf(evalExpr(e.left, scope), e.left.span);
        let result: Ir | undefined;
        e.ops.forEach((op, k) => {
          const rightExpr = e.comparators[k];
          const right = scalarOf(evalExpr(rightExpr, scope), rightExpr.span);
          const span = {
            start: k === 0 ? e.left.span.start : e.comparators[k - 1].span.start,
            end: rightExpr.span.end,
          };
          const c = comparison(op, left, right, span);
          result = result === undefined ? c : binary('land', 'bool', result, c, e.span);
          left = right;
        });
        return { kind: 'scalar', ir: result as Ir };
      }
      case 'ifexp': {
        const cond = truthy(scalarOf(evalExpr(e.test, scope), e.test.span));
        if (cond.op === 'const') return evalExpr(cond.value !== 0 ? e.body : e.orelse, scope);
        const a = evalExpr(e.body, scope);
        const b = evalExpr(e.orelse, scope);
        return mergeValues(cond, a, b, e.span, 'the conditional expression');
      }
      case 'subscript':
        return evalSubscript(e, scope);
      case 'call':
        return evalCall(e, scope);
      case 'attribute':
        return evalAttribute(e, scope);
      case 'lambda':
        return {
          kind: 'function',
          fn: {
            kind: 'def',
            name: '<lambda>',
            params: e.params,
            defaults: evalDefaults(e.params, scope),
            body: e.body,
            closure: scope,
            span: e.span,
          },
        };
    }
  }

  function evalUnary(e: ExprOf<'unary'>, scope: Scope): Ir {
    if (e.op === '-' && e.operand.kind === 'num' && !e.operand.isFloat) {
      // `-2147483648` is one literal here, as the range check must see it.
      checkIntRange(-e.operand.value, e.span);
      return constant('int', -e.operand.value, e.span);
    }
    const a = scalarOf(evalExpr(e.operand, scope), e.operand.span);
    switch (e.op) {
      case 'not':
        return ir.make({ op: 'unary', fn: 'not', type: 'bool', a: truthy(a), span: e.span });
      case '~':
        if (a.type === 'float') fail(e.span, 'TypeError', "bad operand type for unary ~: 'float'");
        // On a bool, ~ is logical not (PyTorch's bool tensors); on an int it flips the bits.
        return ir.make({
          op: 'unary',
          fn: a.type === 'bool' ? 'not' : 'bitnot',
          type: a.type,
          a,
          span: e.span,
        });
      case '-': {
        const type = a.type === 'bool' ? 'int' : a.type;
        return ir.make({ op: 'unary', fn: 'neg', type, a: cast(a, type), span: e.span });
      }
      case '+':
        return cast(a, a.type === 'bool' ? 'int' : a.type, e.span);
    }
  }

  function evalBoolOp(e: ExprOf<'boolop'>, scope: Scope): Ir {
    const values = e.values.map((x) => scalarOf(evalExpr(x, scope), x.span));
    const type = values[0].type;
    const odd = values.find((v) => v.type !== type);
    if (odd !== undefined) {
      fail(
        odd.span,
        'TypeError',
        `'${e.op}' needs operands of one type here, got '${type}' and '${odd.type}' (PyTorch mask code combines bool masks with & and |)`,
      );
    }
    let acc = values[0];
    for (const v of values.slice(1)) {
      if (type === 'bool') acc = binary(e.op === 'and' ? 'land' : 'lor', 'bool', acc, v, e.span);
      // Python: `a and b` is a when a is false, else b; `a or b` is a when a is true, else b.
      else
        acc =
          e.op === 'and'
            ? select(truthy(acc), v, acc, e.span)
            : select(truthy(acc), acc, v, e.span);
    }
    return acc;
  }

  function evalSubscript(e: ExprOf<'subscript'>, scope: Scope): Value {
    const base = evalExpr(e.value, scope);
    if (base.kind !== 'tensor') {
      return fail(
        e.value.span,
        'TypeError',
        `${describe(base)} object is not subscriptable: only top-level list literals (lookup tensors) can be indexed`,
      );
    }
    const t = tensors[base.tensor];
    const indices = [...base.prefix];
    for (const indexExpr of e.indices) {
      const idx = scalarOf(evalExpr(indexExpr, scope), indexExpr.span);
      if (idx.type !== 'int') {
        fail(indexExpr.span, 'TypeError', `tensor indices must be integers, not ${idx.type}`);
      }
      indices.push(idx);
      if (indices.length > t.shape.length) {
        fail(
          indexExpr.span,
          'TypeError',
          `too many indices for tensor of dimension ${t.shape.length}: '${t.name}' has shape [${t.shape.join(', ')}]`,
        );
      }
    }
    if (indices.length < t.shape.length)
      return { kind: 'tensor', tensor: base.tensor, prefix: indices, span: e.span };
    return {
      kind: 'scalar',
      ir: ir.make({ op: 'tensor', type: t.type, tensor: base.tensor, indices, span: e.span }),
    };
  }

  function evalAttribute(e: ExprOf<'attribute'>, scope: Scope): Value {
    const base = evalExpr(e.value, scope);
    if (base.kind === 'torch') {
      if ((TORCH_FUNCTIONS as readonly string[]).includes(e.attr)) {
        return { kind: 'builtin', name: `torch.${e.attr as TorchFunction}` };
      }
      return fail(
        e.span,
        'NotSupportedError',
        `torch.${e.attr} is not supported: the mask language has ${TORCH_LIST}`,
      );
    }
    if (base.kind === 'scalar') {
      if (e.attr === 'abs' || e.attr === 'clamp')
        return { kind: 'method', name: e.attr, self: base.ir };
      const hint =
        e.attr === 'item'
          ? 'here it is already a number: use it directly'
          : ['float', 'int', 'long', 'bool', 'to', 'double', 'half'].includes(e.attr)
            ? 'ints become floats by themselves where needed (x / 2, x * 1.0); compare to get a bool'
            : 'the methods allowed are .abs() and .clamp(lo, hi)';
      return fail(e.attrSpan, 'NotSupportedError', `'.${e.attr}' is not supported: ${hint}`);
    }
    return fail(
      e.attrSpan,
      'NotSupportedError',
      `'.${e.attr}' is not supported on ${describe(base)}: attributes are allowed only as torch.<function> and the methods .abs() and .clamp(lo, hi)`,
    );
  }

  function evalDefaults(ps: Param[], scope: Scope): (Value | undefined)[] {
    return ps.map((p) => (p.default === undefined ? undefined : evalExpr(p.default, scope)));
  }

  function evalCall(e: ExprOf<'call'>, scope: Scope): Value {
    const callee = evalExpr(e.func, scope);
    const args = e.args.map((a) => evalExpr(a, scope));
    const keywords = e.keywords.map((k) => ({
      name: k.name,
      span: k.span,
      value: evalExpr(k.value, scope),
    }));
    switch (callee.kind) {
      case 'function':
        return apply(callee.fn, args, keywords, e);
      case 'builtin':
        return callBuiltin(callee.name, args, keywords, e);
      case 'method': {
        const self: Value = { kind: 'scalar', ir: callee.self };
        return callBuiltin(
          callee.name === 'abs' ? 'torch.abs' : 'torch.clamp',
          [self, ...args],
          keywords,
          e,
        );
      }
      default:
        return fail(e.func.span, 'TypeError', `${describe(callee)} object is not callable`);
    }
  }

  type KeywordValue = { name: string; span: SourceSpan; value: Value };

  function callBuiltin(
    name: BuiltinName,
    args: Value[],
    keywords: KeywordValue[],
    e: ExprOf<'call'>,
  ): Value {
    const display = name;
    const argSpan = (k: number): SourceSpan => e.args[k]?.span ?? e.span;
    const expectArgs = (min: number, max: number): void => {
      if (args.length < min || args.length > max) {
        const wanted =
          min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
        fail(
          e.span,
          'TypeError',
          `${display}() takes ${wanted} argument${wanted === '1' ? '' : 's'} (${args.length} given)`,
        );
      }
    };
    const noKeywords = (): void => {
      if (keywords.length > 0)
        fail(keywords[0].span, 'TypeError', `${display}() takes no keyword arguments`);
    };
    const scalars = (): Ir[] => args.map((a, k) => scalarOf(a, argSpan(k)));
    const numeric = (x: Ir): Ir => (x.type === 'bool' ? cast(x, 'int') : x);
    const result = (node: Ir): Value => ({ kind: 'scalar', ir: node });
    switch (name) {
      case 'and_masks':
      case 'or_masks': {
        noKeywords();
        const parts = args.map((a, k) => {
          if (a.kind !== 'function')
            fail(argSpan(k), 'TypeError', `${name}() takes mask functions, got ${describe(a)}`);
          return a.fn;
        });
        return {
          kind: 'function',
          fn: { kind: 'combine', op: name === 'and_masks' ? 'and' : 'or', parts, span: e.span },
        };
      }
      case 'abs':
      case 'torch.abs': {
        noKeywords();
        expectArgs(1, 1);
        const x = numeric(scalars()[0]);
        return result(mathCall('abs', [x], x.type, e.span));
      }
      case 'min':
      case 'max':
      case 'torch.minimum':
      case 'torch.maximum': {
        noKeywords();
        const isTorch = name.startsWith('torch.');
        expectArgs(2, isTorch ? 2 : Infinity);
        const fn: MathFn = name === 'min' || name === 'torch.minimum' ? 'min' : 'max';
        const xs = scalars().map(numeric);
        return result(
          xs
            .slice(1)
            .reduce((acc, x) => mathCall(fn, [acc, x], common(acc, x, 'int'), e.span), xs[0]),
        );
      }
      case 'torch.clamp': {
        expectArgs(1, 3);
        const [x0, lo0, hi0] = scalars();
        let lo = lo0;
        let hi = hi0;
        for (const k of keywords) {
          if (k.name !== 'min' && k.name !== 'max')
            fail(k.span, 'TypeError', `clamp() got an unexpected keyword argument '${k.name}'`);
          const v = scalarOf(k.value, k.span);
          if (k.name === 'min') {
            if (lo !== undefined)
              fail(k.span, 'TypeError', "clamp() got multiple values for argument 'min'");
            lo = v;
          } else {
            if (hi !== undefined)
              fail(k.span, 'TypeError', "clamp() got multiple values for argument 'max'");
            hi = v;
          }
        }
        if (lo === undefined && hi === undefined)
          fail(e.span, 'TypeError', 'clamp() needs at least one of min and max');
        let x = numeric(x0);
        if (lo !== undefined) x = mathCall('max', [x, numeric(lo)], common(x, lo, 'int'), e.span);
        if (hi !== undefined) x = mathCall('min', [x, numeric(hi)], common(x, hi, 'int'), e.span);
        return result(x);
      }
      case 'torch.where': {
        noKeywords();
        expectArgs(3, 3);
        const [c, a, b] = scalars();
        if (c.type !== 'bool')
          fail(
            argSpan(0),
            'TypeError',
            `torch.where's condition must be a bool, not ${c.type}: compare, e.g. x != 0`,
          );
        return result(select(c, a, b, e.span));
      }
      case 'torch.tanh':
      case 'torch.exp':
      case 'torch.log':
      case 'torch.sqrt': {
        noKeywords();
        expectArgs(1, 1);
        const fn = name.slice('torch.'.length) as MathFn;
        return result(mathCall(fn, [scalars()[0]], 'float', e.span));
      }
    }
  }

  // ---- calls: binding arguments and inlining ------------------------------------------

  function fnName(fn: Fn): string {
    return fn.kind === 'def' ? fn.name : fn.kind === 'noop' ? 'noop_mask' : `${fn.op}_masks`;
  }

  function apply(
    fn: Fn,
    args: Value[],
    keywords: KeywordValue[],
    site: { span: SourceSpan },
  ): Value {
    if (callStack.includes(fn)) {
      fail(
        site.span,
        'NotSupportedError',
        `recursion is not supported: '${fnName(fn)}' calls itself (directly or through another function); a mask program is inlined, so write the rule without recursion`,
      );
    }
    if (callStack.length >= limits.maxInlineDepth) {
      fail(
        site.span,
        'LimitError',
        `calls nest too deeply (the limit is ${limits.maxInlineDepth} nested calls)`,
      );
    }
    callStack.push(fn);
    try {
      return applyInner(fn, args, keywords, site);
    } finally {
      callStack.pop();
    }
  }

  function applyInner(
    fn: Fn,
    args: Value[],
    keywords: KeywordValue[],
    site: { span: SourceSpan },
  ): Value {
    if (fn.kind === 'noop') return { kind: 'scalar', ir: constant('bool', 1, site.span) };
    if (fn.kind === 'combine') {
      let acc = constant('bool', fn.op === 'and' ? 1 : 0, site.span);
      for (const part of fn.parts) {
        const v = apply(part, args, keywords, site);
        const x = scalarOf(v, fn.span);
        if (x.type !== 'bool')
          fail(
            x.span,
            'TypeError',
            `${fn.op}_masks() needs mask functions that return bool, but '${fnName(part)}' returns ${x.type}`,
          );
        acc = binary(fn.op === 'and' ? 'land' : 'lor', 'bool', acc, x, fn.span);
      }
      return { kind: 'scalar', ir: acc };
    }
    const locals = new Set(fn.params.map((p) => p.name));
    if (!isExpr(fn.body)) assignedNames(fn.body, locals);
    const scope = new Scope(fn.closure, locals);
    bindArguments(fn, args, keywords, scope, site.span);
    if (isExpr(fn.body)) return evalExpr(fn.body, scope);
    const returned = execBlock(fn.body, scope);
    if (returned === undefined) {
      fail(
        fn.span,
        'TypeError',
        `'${fn.name}' does not return a value on every path: end every path with a return`,
      );
    }
    return returned;
  }

  function bindArguments(
    fn: Extract<Fn, { kind: 'def' }>,
    args: Value[],
    keywords: KeywordValue[],
    scope: Scope,
    span: SourceSpan,
  ): void {
    const ps = fn.params;
    if (args.length > ps.length) {
      const required = ps.filter((p) => p.default === undefined).length;
      const takes = required === ps.length ? `${ps.length}` : `from ${required} to ${ps.length}`;
      fail(
        span,
        'TypeError',
        `${fn.name}() takes ${takes} positional argument${ps.length === 1 ? '' : 's'} but ${args.length} ${args.length === 1 ? 'was' : 'were'} given`,
      );
    }
    const bound = new Map<string, Value>();
    args.forEach((a, k) => bound.set(ps[k].name, a));
    for (const k of keywords) {
      if (!ps.some((p) => p.name === k.name))
        fail(k.span, 'TypeError', `${fn.name}() got an unexpected keyword argument '${k.name}'`);
      if (bound.has(k.name))
        fail(k.span, 'TypeError', `${fn.name}() got multiple values for argument '${k.name}'`);
      bound.set(k.name, k.value);
    }
    const missing: string[] = [];
    ps.forEach((p, k) => {
      const v = bound.get(p.name) ?? fn.defaults[k];
      if (v === undefined) missing.push(`'${p.name}'`);
      else scope.vars.set(p.name, v);
    });
    if (missing.length > 0) {
      const list =
        missing.length === 1
          ? missing[0]
          : `${missing.slice(0, -1).join(', ')} and ${missing[missing.length - 1]}`;
      fail(
        span,
        'TypeError',
        `${fn.name}() missing ${missing.length} required positional argument${missing.length === 1 ? '' : 's'}: ${list}`,
      );
    }
  }

  // ---- statements inside a def ----------------------------------------------------------

  /** Runs statements; returns the value returned, or undefined when control falls off the end. */
  function execBlock(stmts: Stmt[], scope: Scope): Value | undefined {
    for (let k = 0; k < stmts.length; k += 1) {
      const s = stmts[k];
      switch (s.kind) {
        case 'return':
          if (s.value === undefined)
            fail(
              s.span,
              'NotSupportedError',
              "a bare 'return' returns None: return a bool from a mask_mod, a number from a helper",
            );
          return evalExpr(s.value, scope);
        case 'if': {
          const cond = truthy(scalarOf(evalExpr(s.test, scope), s.test.span));
          const rest = stmts.slice(k + 1);
          if (cond.op === 'const')
            return execBlock([...(cond.value !== 0 ? s.body : s.orelse), ...rest], scope);
          if (!containsReturn(s.body) && !containsReturn(s.orelse)) {
            const thenScope = scope.fork();
            const elseScope = scope.fork();
            execBlock(s.body, thenScope);
            execBlock(s.orelse, elseScope);
            const names = new Set([...thenScope.vars.keys(), ...elseScope.vars.keys()]);
            for (const name of names) {
              const a = thenScope.vars.get(name) ?? { kind: 'unbound' };
              const b = elseScope.vars.get(name) ?? { kind: 'unbound' };
              scope.vars.set(name, mergeValues(cond, a, b, s.span, `'${name}'`));
            }
            continue;
          }
          // A branch returns: each branch continues with the statements after the if.
          const a = execBlock([...s.body, ...rest], scope.fork());
          const b = execBlock([...s.orelse, ...rest], scope.fork());
          if (a === undefined && b === undefined) return undefined;
          if (a === undefined || b === undefined) {
            fail(
              s.span,
              'TypeError',
              "not every path through this 'if' returns a value: end every path with a return",
            );
          }
          return mergeValues(cond, a, b, s.span, 'the returned value');
        }
        default:
          execSimple(s, scope, false);
      }
    }
    return undefined;
  }

  function execSimple(s: Stmt, scope: Scope, topLevel: boolean): void {
    switch (s.kind) {
      case 'pass':
      case 'import':
        return;
      case 'expr':
        if (isDocstring(s)) return;
        fail(
          s.span,
          'NotSupportedError',
          topLevel
            ? 'a top-level expression does nothing here: a program defines parameters, tensors, functions and mask_mod / score_mod'
            : "this expression's value is unused: a def assigns names and returns a value",
        );
        return;
      case 'def':
        scope.vars.set(s.name, {
          kind: 'function',
          fn: {
            kind: 'def',
            name: s.name,
            params: s.params,
            defaults: evalDefaults(s.params, scope),
            body: s.body,
            closure: scope,
            span: s.nameSpan,
          },
        });
        if (topLevel) entrySpans.set(s.name, s.nameSpan);
        return;
      case 'assign':
        if (isNameAssignment(s)) return;
        if (topLevel) {
          assignTopLevel(s);
          return;
        }
        {
          const value = evalExpr(s.value, scope);
          for (const t of s.targets) assignTarget(t, value, scope);
        }
        return;
      case 'augassign': {
        if (topLevel)
          fail(
            s.span,
            'NotSupportedError',
            'changing a top-level name is not supported: give the new value its own name',
          );
        if (s.target.kind !== 'name')
          fail(
            s.target.span,
            'NotSupportedError',
            "only a plain name can be updated with an augmented assignment like '+='",
          );
        const old = scalarOf(lookup(s.target.id, s.target.span, scope), s.target.span);
        const value = scalarOf(evalExpr(s.value, scope), s.value.span);
        scope.vars.set(s.target.id, {
          kind: 'scalar',
          ir: arithmetic(s.op, old, value, s.span, s.span),
        });
        return;
      }
      case 'if':
        fail(
          s.span,
          'NotSupportedError',
          "a top-level 'if' is not supported: put the condition inside a def",
        );
        return;
      case 'return':
        fail(s.span, 'SyntaxError', "'return' outside function");
    }
  }

  function assignTarget(target: Expr, value: Value, scope: Scope): void {
    switch (target.kind) {
      case 'name':
        scope.vars.set(target.id, value);
        return;
      case 'tuple':
      case 'list': {
        if (value.kind !== 'tuple')
          fail(target.span, 'TypeError', `cannot unpack non-iterable ${describe(value)} object`);
        const want = target.elts.length;
        if (value.items.length > want)
          fail(target.span, 'ValueError', `too many values to unpack (expected ${want})`);
        if (value.items.length < want)
          fail(
            target.span,
            'ValueError',
            `not enough values to unpack (expected ${want}, got ${value.items.length})`,
          );
        target.elts.forEach((t, k) => assignTarget(t, value.items[k], scope));
        return;
      }
      case 'subscript':
        fail(
          target.span,
          'NotSupportedError',
          'tensors are read-only: a lookup tensor is a top-level list literal',
        );
        return;
      case 'attribute':
        fail(
          target.span,
          'NotSupportedError',
          'assigning to attributes is not supported (except name.__name__ = ..., which is ignored)',
        );
        return;
      default:
        fail(target.span, 'SyntaxError', 'cannot assign to expression here');
    }
  }

  // ---- the module -------------------------------------------------------------------------

  function assignTopLevel(s: StmtOf<'assign'>): void {
    for (const target of s.targets) bindTopLevel(target, s.value);
  }

  function bindTopLevel(target: Expr, valueExpr: Expr): void {
    if (
      target.kind === 'tuple' &&
      valueExpr.kind === 'tuple' &&
      target.elts.length === valueExpr.elts.length
    ) {
      target.elts.forEach((t, k) => bindTopLevel(t, valueExpr.elts[k]));
      return;
    }
    if (target.kind === 'name') {
      const old = globals.vars.get(target.id);
      if (
        old !== undefined &&
        (params.some((p) => p.name === target.id) || tensors.some((t) => t.name === target.id))
      ) {
        fail(
          target.span,
          'NotSupportedError',
          `'${target.id}' is already a parameter or tensor: give this value its own name`,
        );
      }
      const literal = literalNumber(valueExpr);
      if (literal !== undefined) {
        if (literal.type === 'int') checkIntRange(literal.value, valueExpr.span);
        const index = params.length;
        params.push({
          name: target.id,
          type: literal.type,
          value: literal.value,
          span: valueExpr.span,
        });
        globals.vars.set(target.id, {
          kind: 'scalar',
          ir: ir.make({ op: 'param', type: literal.type, index, span: target.span }),
        });
        return;
      }
      if (valueExpr.kind === 'list') {
        const info = tensorFromList(target.id, valueExpr);
        tensors.push(info);
        globals.vars.set(target.id, { kind: 'tensor', tensor: tensors.length - 1, prefix: [] });
        return;
      }
      entrySpans.set(target.id, target.span);
    }
    assignTarget(target, evalExpr(valueExpr, globals), globals);
  }

  function tensorFromList(name: string, list: ExprOf<'list'>): TensorInfo {
    const rows = list.elts;
    if (rows.length === 0) fail(list.span, 'ValueError', 'an empty list cannot be a lookup tensor');
    const is2d = rows[0].kind === 'list';
    const width = is2d ? (rows[0] as ExprOf<'list'>).elts.length : rows.length;
    const count = is2d ? rows.length * width : rows.length;
    if (count > limits.maxTensorElements) {
      fail(
        list.span,
        'LimitError',
        `the tensor '${name}' has ${count} elements (the limit is ${limits.maxTensorElements})`,
      );
    }
    const cells: { type: ScalarType; value: number }[] = [];
    const readCell = (e: Expr): void => {
      if (e.kind === 'list') fail(e.span, 'NotSupportedError', 'lookup tensors are 1-D or 2-D');
      const lit = literalNumber(e);
      if (lit === undefined) {
        fail(
          e.span,
          'NotSupportedError',
          'a lookup tensor holds number literals only (True/False, ints, floats): write the values out',
        );
      }
      if (lit.type === 'int') checkIntRange(lit.value, e.span);
      cells.push(lit);
    };
    if (is2d) {
      for (const row of rows) {
        if (row.kind !== 'list')
          fail(
            row.span,
            'ValueError',
            `a lookup tensor must be rectangular: this row is a number, the first row is a list of ${width}`,
          );
        if (row.elts.length !== width) {
          fail(
            row.span,
            'ValueError',
            `a lookup tensor must be rectangular: this row has ${row.elts.length} element${row.elts.length === 1 ? '' : 's'}, the first has ${width}`,
          );
        }
        row.elts.forEach(readCell);
      }
      if (width === 0) fail(list.span, 'ValueError', 'an empty list cannot be a lookup tensor');
    } else {
      rows.forEach(readCell);
    }
    const rank = Math.max(...cells.map((c) => RANK[c.type]));
    const type: ScalarType = rank === 2 ? 'float' : rank === 1 ? 'int' : 'bool';
    const offset = tensorWords;
    tensorWords += cells.length;
    return {
      name,
      type,
      shape: is2d ? [rows.length, width] : [rows.length],
      values: cells.map((c) => c.value),
      offset,
      span: list.span,
    };
  }

  for (const s of module.body) execSimple(s, globals, true);

  // ---- entry points -------------------------------------------------------------------

  function entry(name: 'mask_mod' | 'score_mod', argNames: ArgName[]): Ir | undefined {
    const v = globals.vars.get(name);
    if (v === undefined) return undefined;
    const span = entrySpans.get(name) ?? { start: 0, end: 0 };
    if (v.kind !== 'function') {
      fail(
        span,
        'TypeError',
        `${name} must be a function ${name === 'mask_mod' ? 'def mask_mod(b, h, q_idx, kv_idx)' : 'def score_mod(score, b, h, q_idx, kv_idx)'}, not ${describe(v)}`,
      );
    }
    const args: Value[] = argNames.map((a) => ({
      kind: 'scalar',
      ir: ir.make({ op: 'arg', name: a, type: a === 'score' ? 'float' : 'int', span }),
    }));
    const result = scalarOf(apply(v.fn, args, [], { span }), span);
    if (name === 'mask_mod') {
      if (result.type !== 'bool') {
        fail(
          result.span,
          'TypeError',
          `mask_mod must return a bool, but this is ${result.type === 'int' ? 'an int' : 'a float'}: compare it, e.g. x != 0`,
        );
      }
      return result;
    }
    if (result.type === 'bool')
      fail(
        result.span,
        'TypeError',
        'score_mod must return a float (the new score), but this is a bool',
      );
    return cast(result, 'float');
  }

  const mask = entry('mask_mod', MASK_ARGS);
  const score = entry('score_mod', SCORE_ARGS);
  if (mask === undefined && score === undefined) {
    const end =
      module.body.length > 0 ? module.body[module.body.length - 1].span : { start: 0, end: 0 };
    fail(
      end,
      'NameError',
      "name 'mask_mod' is not defined: end the program with def mask_mod(b, h, q_idx, kv_idx) or mask_mod = ...",
    );
  }
  return {
    module,
    params,
    tensors,
    mask,
    score,
    maskDeps: mask ? dependence(mask) : { b: false, h: false },
    scoreDeps: score ? dependence(score) : { b: false, h: false },
  };
}

function isExpr(body: Stmt[] | Expr): body is Expr {
  return !Array.isArray(body);
}
