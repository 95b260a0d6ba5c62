/**
 * A tracing evaluator: evaluates a mask program at one (b, h, q_idx, kv_idx) and keeps the value of
 * every sub-expression, with the source span it came from, so a learner can read why a cell is
 * allowed. It reads the SAME checked, inlined program the CPU back end runs (checkSource) and
 * computes each node's value with the CPU back end's own evaluator (buildCpuFunction on that
 * node), so every value shown is, by construction, what `compile(source).mask` / `.score` compute.
 *
 * The inlined program is a DAG; the trace is a tree: a node reached a second time (a local read
 * twice) appears again as a leaf marked `repeated`, so a deep DAG cannot blow up the tree.
 * `and_masks` / `or_masks` chains are gathered into one `combine` node that says which member
 * decided (the first False for and, the first True for or).
 */
import type { Expr, Module, Stmt } from './ast';
import { walkModule } from './astWalk';
import type { CheckedProgram } from './eval/program';
import { checkSource, compile } from './compile';
import { buildCpuFunction, type CpuFunction, type Precision } from './cpu';
import { children, type BinaryFn, type Ir } from './ir';
import type { CompiledProgram, ScalarType, SourceSpan } from './types';

export type TraceKind =
  'arg' | 'param' | 'const' | 'tensor' | 'operator' | 'select' | 'cast' | 'call' | 'combine';

export interface TraceNode {
  /** The inlined node's number (stable for one program). */
  id: number;
  kind: TraceKind;
  /** What the node is: an operator (`>=`, `&`), a name (`q_idx`, `WINDOW`), a function (`abs`). */
  label: string;
  /** Where in the program text it was written; null for the entry arguments. */
  span: SourceSpan | null;
  /** The program text at `span` (the argument's name for an argument). */
  text: string;
  type: ScalarType;
  /** The value at this cell; bools are 0 / 1. */
  value: number;
  /** The def (or lambda) whose body holds `span`, when there is one. */
  inFunction: string | null;
  /** False for the branch of an if / where that was not taken (shown, but it did not count). */
  taken: boolean;
  /** True when this node was shown earlier in the tree: its children are not repeated. */
  repeated: boolean;
  children: TraceNode[];
  /** For a member of and_masks / or_masks: its position and its name as written in the call. */
  member?: { index: number; name: string };
  /** For a combine node: the member that decided the result, or null when none did alone. */
  decidedBy?: number | null;
  /** For a combine node: 'and_masks' or 'or_masks'. */
  combine?: 'and_masks' | 'or_masks';
}

export interface MaskTrace {
  entry: 'mask_mod';
  args: { b: number; h: number; q_idx: number; kv_idx: number };
  /** Null when the program has no mask_mod (every position is allowed). */
  root: TraceNode | null;
  allowed: boolean;
}

export interface ScoreTrace {
  entry: 'score_mod';
  args: { score: number; b: number; h: number; q_idx: number; kv_idx: number };
  /** Null when the program has no score_mod (the score passes through). */
  root: TraceNode | null;
  score: number;
}

/** A program prepared once for tracing many cells. */
export interface Tracer {
  source: string;
  traceMask(b: number, h: number, qIdx: number, kvIdx: number): MaskTrace;
  traceScore(score: number, b: number, h: number, qIdx: number, kvIdx: number): ScoreTrace;
}

type ProgramLike = string | CompiledProgram;

const OPERATOR: Record<BinaryFn, string> = {
  add: '+',
  sub: '-',
  mul: '*',
  div: '/',
  floordiv: '//',
  mod: '%',
  pow: '**',
  bitand: '&',
  bitor: '|',
  bitxor: '^',
  shl: '<<',
  shr: '>>',
  lt: '<',
  le: '<=',
  gt: '>',
  ge: '>=',
  eq: '==',
  ne: '!=',
  land: 'and',
  lor: 'or',
};
const UNARY: Record<'neg' | 'bitnot' | 'not', string> = { neg: '-', bitnot: '~', not: 'not' };

/** Checks the program once (throws MaskCompileError like compile) and returns a tracer. */
export function createTracer(program: ProgramLike): Tracer {
  const source = typeof program === 'string' ? program : program.source;
  // compile() first, so a bad program throws the one error type compile() throws.
  if (typeof program === 'string') compile(source);
  const checked: CheckedProgram = checkSource(source);
  const syntax = indexSyntax(checked.module);
  const mask = checked.mask ? new EntryTracer(checked.mask, checked, 'f32', source, syntax) : null;
  const score = checked.score
    ? new EntryTracer(checked.score, checked, 'f64', source, syntax)
    : null;
  return {
    source,
    traceMask(b, h, qIdx, kvIdx) {
      const root = mask ? mask.trace(0, b, h, qIdx, kvIdx) : null;
      return {
        entry: 'mask_mod',
        args: { b, h, q_idx: qIdx, kv_idx: kvIdx },
        root,
        allowed: root ? root.value !== 0 : true,
      };
    },
    traceScore(s, b, h, qIdx, kvIdx) {
      const root = score ? score.trace(s, b, h, qIdx, kvIdx) : null;
      return {
        entry: 'score_mod',
        args: { score: s, b, h, q_idx: qIdx, kv_idx: kvIdx },
        root,
        score: root ? root.value : s,
      };
    },
  };
}

/** Traces mask_mod at one cell. For many cells, make one tracer with createTracer. */
export function traceMask(
  program: ProgramLike,
  b: number,
  h: number,
  qIdx: number,
  kvIdx: number,
): MaskTrace {
  return createTracer(program).traceMask(b, h, qIdx, kvIdx);
}

/** Traces score_mod at one cell, given the score before it (q . k * scale). */
export function traceScore(
  program: ProgramLike,
  score: number,
  b: number,
  h: number,
  qIdx: number,
  kvIdx: number,
): ScoreTrace {
  return createTracer(program).traceScore(score, b, h, qIdx, kvIdx);
}

/** How a value reads in Python: True / False, an int, or a float. */
export function formatTraceValue(value: number, type: ScalarType): string {
  if (type === 'bool') return value !== 0 ? 'True' : 'False';
  if (type === 'int') return String(value);
  if (Number.isNaN(value)) return 'nan';
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  if (Number.isInteger(value) && Math.abs(value) < 1e15) return value.toFixed(1);
  return String(Number(value.toPrecision(6)));
}

// ---------------------------------------------------------------------------------------------

interface SyntaxIndex {
  /** Spans of call expressions, keyed `start:end`, with their argument texts. */
  calls: Map<string, SourceSpan[]>;
  /** Function bodies (defs and lambdas) with their names, to say where a node was written. */
  functions: { name: string; span: SourceSpan }[];
}

const key = (span: SourceSpan): string => `${span.start}:${span.end}`;

class EntryTracer {
  private readonly nodes: Ir[] = [];
  private readonly evaluators = new Map<number, CpuFunction>();

  constructor(
    private readonly root: Ir,
    program: CheckedProgram,
    precision: Precision,
    private readonly source: string,
    private readonly syntax: SyntaxIndex,
  ) {
    // Every reachable node gets the CPU back end's own evaluator, built once.
    const seen = new Set<number>();
    const stack: Ir[] = [root];
    while (stack.length > 0) {
      const node = stack.pop() as Ir;
      if (seen.has(node.id)) continue;
      seen.add(node.id);
      this.nodes.push(node);
      this.evaluators.set(node.id, buildCpuFunction(node, program, precision));
      stack.push(...children(node));
    }
  }

  trace(score: number, b: number, h: number, q: number, kv: number): TraceNode {
    const values = new Map<number, number>();
    for (const node of this.nodes) {
      const evaluate = this.evaluators.get(node.id) as CpuFunction;
      values.set(node.id, evaluate(score, b, h, q, kv));
    }
    const shown = new Set<number>();
    const build = (node: Ir, taken: boolean): TraceNode => {
      const value = values.get(node.id) as number;
      const base = this.describe(node, value, taken);
      if (shown.has(node.id) && children(node).length > 0) return { ...base, repeated: true };
      shown.add(node.id);
      const combine = this.combineOf(node);
      if (combine) {
        const members = combine.members.map((m, index) => ({
          ...build(m, taken),
          member: { index, name: combine.names[index] },
        }));
        const wanted = combine.op === 'and_masks' ? 0 : 1;
        const decider = members.findIndex((m) => m.value === wanted);
        return {
          ...base,
          kind: 'combine',
          label: combine.op,
          combine: combine.op,
          decidedBy: decider >= 0 ? decider : null,
          children: members,
        };
      }
      if (node.op === 'select') {
        const condition = values.get(node.cond.id) !== 0;
        return {
          ...base,
          children: [
            build(node.cond, taken),
            build(node.then, taken && condition),
            build(node.else, taken && !condition),
          ],
        };
      }
      return { ...base, children: children(node).map((c) => build(c, taken)) };
    };
    return build(this.root, true);
  }

  private describe(node: Ir, value: number, taken: boolean): TraceNode {
    const isArg = node.op === 'arg';
    const span = isArg ? null : node.span;
    return {
      id: node.id,
      kind: kindOf(node),
      label: this.labelOf(node),
      span,
      text: isArg ? node.name : this.source.slice(node.span.start, node.span.end),
      type: node.type,
      value,
      inFunction: span ? this.functionAt(span) : null,
      taken,
      repeated: false,
      children: [],
    };
  }

  private labelOf(node: Ir): string {
    switch (node.op) {
      case 'arg':
        return node.name;
      case 'param':
      case 'const':
        return this.source.slice(node.span.start, node.span.end);
      case 'tensor':
        return 'index';
      case 'unary':
        return UNARY[node.fn];
      case 'binary':
        return OPERATOR[node.fn];
      case 'select':
        return 'if / else';
      case 'cast':
        return `as ${node.type}`;
      case 'call':
        return node.fn;
    }
  }

  /** An and_masks / or_masks chain rooted here: its members in order and their names. */
  private combineOf(
    node: Ir,
  ): { op: 'and_masks' | 'or_masks'; members: Ir[]; names: string[] } | null {
    if (node.op !== 'binary' || (node.fn !== 'land' && node.fn !== 'lor')) return null;
    // Only the combine of and_masks / or_masks makes a logical node spanning a whole call:
    // `and` / `or` and chained comparisons span their own expression.
    const args = this.syntax.calls.get(key(node.span));
    if (!args) return null;
    const members: Ir[] = [];
    const gather = (n: Ir): void => {
      if (n.op === 'binary' && n.fn === node.fn && key(n.span) === key(node.span)) {
        gather(n.a);
        gather(n.b);
      } else members.push(n);
    };
    gather(node);
    // A member that folded away (noop_mask, a constant) leaves fewer members than arguments;
    // then each member is named for the function it was written in.
    const names = members.map((m, k) =>
      members.length === args.length
        ? this.source.slice(args[k].start, args[k].end)
        : (this.functionAt(m.span) ?? `member ${k + 1}`),
    );
    return { op: node.fn === 'land' ? 'and_masks' : 'or_masks', members, names };
  }

  private functionAt(span: SourceSpan): string | null {
    let best: { name: string; span: SourceSpan } | null = null;
    for (const f of this.syntax.functions) {
      if (f.span.start <= span.start && span.end <= f.span.end) {
        if (!best || f.span.end - f.span.start < best.span.end - best.span.start) best = f;
      }
    }
    return best ? best.name : null;
  }
}

function kindOf(node: Ir): TraceKind {
  switch (node.op) {
    case 'arg':
      return 'arg';
    case 'param':
      return 'param';
    case 'const':
      return 'const';
    case 'tensor':
      return 'tensor';
    case 'unary':
    case 'binary':
      return 'operator';
    case 'select':
      return 'select';
    case 'cast':
      return 'cast';
    case 'call':
      return 'call';
  }
}

/** Call spans (for and_masks / or_masks) and function bodies, read from the syntax tree. */
function indexSyntax(module: Module): SyntaxIndex {
  const calls = new Map<string, SourceSpan[]>();
  const functions: { name: string; span: SourceSpan }[] = [];
  walkModule(
    module,
    (e: Expr) => {
      if (e.kind === 'call') {
        calls.set(
          key(e.span),
          e.args.map((a) => a.span),
        );
      } else if (e.kind === 'lambda') {
        functions.push({ name: '<lambda>', span: e.span });
      }
    },
    (s: Stmt) => {
      if (s.kind === 'def') functions.push({ name: s.name, span: s.span });
    },
  );
  return { calls, functions };
}
