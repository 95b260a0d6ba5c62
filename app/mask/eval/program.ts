/**
 * The front end's two stages, as PyTorch runs a mask file: the module runs once as Python (setup),
 * then `mask_mod` and `score_mod` are traced over symbolic b, h, q_idx, kv_idx (and score). The
 * result is the CheckedProgram every back end reads: one typed IR DAG per entry point, the
 * parameters (top-level numbers) and the program tensors (setup tensors read at traced indices).
 */
import type { Expr, Module, Stmt } from '../ast';
import { MaskCompileError, type MaskErrorKind } from '../errors';
import { children, dependence, type ArgName, type Ir } from '../ir';
import type { CompileLimits } from '../limits';
import type { Dependence, ParamInfo, SourceSpan, TensorInfo } from '../types';
import { DEFAULT_EVAL_LIMITS, type EvalLimits } from './budget';
import { typeName } from './objects';
import { LimitExceeded, PyRaise, formatTraceback, type TraceFrame } from './pyerrors';
import { Runtime } from './runtime';
import { exportModule } from '../pytorchExport';
import { sym } from './traced';
import { pyStr, type PyValue, type Scope } from './values';

export interface CheckedProgram {
  module: Module;
  params: ParamInfo[];
  tensors: TensorInfo[];
  /** The traced mask_mod; undefined when the program has none (then every position is allowed). */
  mask?: Ir;
  /** The traced score_mod (float); undefined when there is none. */
  score?: Ir;
  maskDeps: Dependence;
  scoreDeps: Dependence;
  /** Every statement and expression of the program that ran (setup or tracing). */
  covered: ReadonlySet<Stmt | Expr>;
  /** Top-level list literals (the PyTorch export writes them as torch.tensor(...)). */
  literalLists: ReadonlySet<Stmt>;
  /** What the program printed, line by line. */
  printed: string[];
  /** The program part of the PyTorch export (or why it is refused): see pytorchExport.ts. */
  exported: { lines: string[]; notes: string[] } | { refused: string };
}

const MASK_ARGS: ArgName[] = ['b', 'h', 'q_idx', 'kv_idx'];
const SCORE_ARGS: ArgName[] = ['score', 'b', 'h', 'q_idx', 'kv_idx'];

export function evaluateProgram(
  module: Module,
  source: string,
  limits: CompileLimits,
  evalLimits: EvalLimits = DEFAULT_EVAL_LIMITS,
): CheckedProgram {
  const runtime = new Runtime(source, limits, evalLimits);
  try {
    const scope = runtime.runUserProgram(module);
    const mask = traceEntry(runtime, scope, 'mask_mod', MASK_ARGS);
    const score = traceEntry(runtime, scope, 'score_mod', SCORE_ARGS);
    if (mask === undefined && score === undefined) {
      const end =
        module.body.length > 0 ? module.body[module.body.length - 1].span : { start: 0, end: 0 };
      throw new MaskCompileError(
        source,
        end,
        'NameError',
        "name 'mask_mod' is not defined: end the program with def mask_mod(b, h, q_idx, kv_idx) or mask_mod = ...",
      );
    }
    const exported = exportModule(
      {
        module,
        source,
        covered: runtime.interp.covered,
        literalLists: runtime.literalLists,
        tensors: runtime.tracer.tensors,
      },
      runtime.staticResolver(),
    );
    return {
      exported,
      module,
      params: runtime.params,
      tensors: runtime.tracer.tensors,
      mask,
      score: score === undefined ? undefined : runtime.tracer.cast(score, 'float'),
      maskDeps: mask ? dependence(mask) : { b: false, h: false },
      scoreDeps: score ? dependence(score) : { b: false, h: false },
      covered: runtime.interp.covered,
      literalLists: runtime.literalLists,
      printed: runtime.printed,
    };
  } catch (error) {
    throw asCompileError(error, source, runtime);
  }
}

function traceEntry(
  runtime: Runtime,
  scope: Scope,
  name: 'mask_mod' | 'score_mod',
  argNames: ArgName[],
): Ir | undefined {
  const entry = scope.vars.get(name);
  if (entry === undefined) return undefined;
  const zero: SourceSpan = { start: 0, end: 0 };
  const args = argNames.map((a) =>
    sym(runtime.ir.make({ op: 'arg', name: a, type: a === 'score' ? 'float' : 'int', span: zero })),
  );
  if (!isCallable(entry)) {
    runtime.raise(
      'TypeError',
      `${name} must be a function ${name === 'mask_mod' ? 'def mask_mod(b, h, q_idx, kv_idx)' : 'def score_mod(score, b, h, q_idx, kv_idx)'}, not '${typeName(entry)}'`,
    );
  }
  const span = entrySpan(runtime, name);
  const result = runtime.interp.callEntry(entry, args, span, name);
  const fail = (cls: string, message: string): never => {
    throw new PyRaise(runtime.exception(cls, [pyStr(message)]), [
      { module: runtime.userModule, name: '<module>', span },
    ]);
  };
  if (result.kind === 'symtable') {
    fail(
      'TypeError',
      `${name} returned a tensor of shape [${result.shape.join(', ')}], not one value: a table read needs one index per dimension`,
    );
  }
  const node =
    runtime.tracer.toIr(result, zero) ??
    fail('TypeError', `${name} returned '${typeName(result)}', not a tensor`);
  checkWorkPerCell(runtime, node, name, span);
  if (name === 'mask_mod' && node.type !== 'bool') {
    fail(
      'TypeError',
      `mask_mod must return a bool tensor, but this is ${node.type === 'int' ? 'an int' : 'a float'}: compare it, e.g. x != 0`,
    );
  }
  if (name === 'score_mod' && node.type === 'bool') {
    fail('TypeError', 'score_mod must return a float (the new score), but this is a bool');
  }
  return node;
}

/** Table reads one evaluation of an entry may make, and how deep reads may feed other reads. */
export const MAX_TABLE_READS_PER_CELL = 1024;
export const MAX_READ_CHAIN = 64;

/**
 * The work one evaluation of an entry costs on the GPU, stated by the language: every cell of the
 * BlockMask and of attention runs it, so a program reading tables thousands of times (or in a long
 * chain of reads whose index is another read) is refused here with a clear message.
 */
function checkWorkPerCell(runtime: Runtime, root: Ir, name: string, span: SourceSpan): void {
  const depth = new Map<number, number>();
  let reads = 0;
  const work: { node: Ir; expanded: boolean }[] = [{ node: root, expanded: false }];
  while (work.length > 0) {
    const item = work.pop() as { node: Ir; expanded: boolean };
    if (depth.has(item.node.id)) continue;
    const kids = children(item.node);
    if (!item.expanded) {
      work.push({ node: item.node, expanded: true });
      for (const c of kids) if (!depth.has(c.id)) work.push({ node: c, expanded: false });
      continue;
    }
    let d = 0;
    for (const c of kids) d = Math.max(d, depth.get(c.id) ?? 0);
    if (item.node.op === 'tensor') {
      reads += 1;
      d += 1;
    }
    depth.set(item.node.id, d);
  }
  const chain = depth.get(root.id) ?? 0;
  if (reads > MAX_TABLE_READS_PER_CELL) {
    throw runtime.limit(
      `${name} reads tables ${reads} times per evaluation (flexmask's limit is ${MAX_TABLE_READS_PER_CELL}): every cell of the mask runs it`,
      span,
    );
  }
  if (chain > MAX_READ_CHAIN) {
    throw runtime.limit(
      `${name} reads tables in a chain ${chain} deep (a read whose index is another read; flexmask's limit is ${MAX_READ_CHAIN})`,
      span,
    );
  }
}

/** Where the program binds the entry (`def mask_mod` or `mask_mod = ...`): errors point there. */
function entrySpan(runtime: Runtime, name: string): SourceSpan {
  let found: SourceSpan = { start: 0, end: 0 };
  for (const s of runtime.userAst?.body ?? []) {
    if (s.kind === 'def' && s.name === name) found = s.nameSpan;
    if (s.kind === 'assign' && s.targets.some((t) => t.kind === 'name' && t.id === name))
      found = s.span;
  }
  return found;
}

function isCallable(v: PyValue): boolean {
  return ['function', 'native', 'method', 'partial', 'class'].includes(v.kind);
}

/** Python-looking kinds the page shows; anything else is reported under its own name. */
function errorKind(name: string): MaskErrorKind {
  return name as MaskErrorKind;
}

/** Converts whatever stopped the evaluator into the one error type compile() throws. */
function asCompileError(error: unknown, source: string, runtime: Runtime): unknown {
  if (error instanceof MaskCompileError) return error;
  if (error instanceof PyRaise) {
    const { suggestion } = error.exception;
    const message =
      runtime.interp.ops.str(error.exception) +
      (suggestion !== undefined ? `. Did you mean: '${suggestion}'?` : '');
    const detail = message.length > 600 ? `${message.slice(0, 600)}...` : message;
    return compileErrorWithTrace(
      source,
      errorKind(error.exception.cls.name),
      detail,
      error.traceback,
    );
  }
  if (error instanceof LimitExceeded) {
    return compileErrorWithTrace(source, error.kind, error.message, error.traceback);
  }
  return error;
}

function compileErrorWithTrace(
  source: string,
  kind: MaskErrorKind,
  detail: string,
  allFrames: TraceFrame[],
): MaskCompileError {
  let frames = allFrames;
  // The frame that stands for the trace itself adds nothing once the entry's own frame follows.
  if (frames.length > 1 && frames[0].name.startsWith('<tracing ')) frames = frames.slice(1);
  const userFrames = frames.filter((f) => f.module.isUser);
  const innermost = userFrames[userFrames.length - 1];
  const span = innermost ? innermost.span : { start: 0, end: 0 };
  const traceback =
    frames.length > 1 || (frames.length === 1 && !frames[0].module.isUser)
      ? formatTraceback(frames)
      : undefined;
  return new MaskCompileError(source, span, kind, detail, traceback);
}
