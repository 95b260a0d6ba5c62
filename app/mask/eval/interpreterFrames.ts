/**
 * The bottom of the evaluator: the call stack and what belongs to it. Frames (which module and
 * function is running, where, and which span of the user's program the work is attributed to),
 * the recursion limit, tracebacks added as an error unwinds, JavaScript-side errors (IR, number,
 * tensor errors, a stack overflow) turned into Python exceptions, the CallContext natives are
 * called with, and the protocols every layer uses (truth, iteration, hashing). The evaluator is a
 * chain of classes, one per concern (frames, attributes, calls, comprehensions, expressions,
 * statements in interpreter.ts), each extending the one before and declaring abstract what it
 * needs from the layers above; this one has no knowledge of the syntax tree's shape.
 */
import type { Expr, Module, Stmt } from '../ast';
import { ProgramError } from '../errors';
import type { SourceSpan } from '../types';
import { Budget } from './budget';
import { NumberError } from './numbers';
import { hashKey, typeName } from './objects';
import { Operators } from './operators';
import { LimitExceeded, PyRaise, type TraceFrame } from './pyerrors';
import type { Runtime } from './runtime';
import {
  Scope,
  pyStr,
  type CallArgs,
  type CallContext,
  type ModuleSource,
  type PyFunction,
  type PyValue,
} from './values';

/** What a block of statements ended with. */
export const NORMAL = 0;
export const RETURN = 1;
export const BREAK = 2;
export const CONTINUE = 3;
export type Completion = typeof NORMAL | typeof RETURN | typeof BREAK | typeof CONTINUE;

export interface Frame {
  module: ModuleSource;
  name: string;
  span: SourceSpan;
  /** For code in a library module: the span in the user's program the work is attributed to. */
  userSpan: SourceSpan;
  /** The function running in this frame and its locals (what a zero-argument super() reads). */
  fn?: PyFunction;
  scope?: Scope;
}

export abstract class InterpreterFrames {
  abstract execBlock(stmts: Stmt[], scope: Scope): Completion;
  abstract callValue(fn: PyValue, args: CallArgs, span: SourceSpan): PyValue;

  readonly budget: Budget;
  readonly ops: Operators;
  /** Every statement and expression of the user's program that ran (the export reads this). */
  readonly covered = new Set<Stmt | Expr>();
  protected readonly frames: Frame[] = [];
  protected readonly ctx: CallContext;
  /** The expression being evaluated (set again after its operands): where an error points. */
  protected exprSpan: SourceSpan = { start: 0, end: 0 };

  constructor(readonly runtime: Runtime) {
    this.budget = runtime.budget;
    this.ctx = this.makeContext();
    this.ops = new Operators(runtime, this.ctx);
  }

  // ---- entry points ----------------------------------------------------------------------

  /** Runs a module's top-level code in `scope`. */
  runModule(module: ModuleSource, ast: Module, scope: Scope, userSpan: SourceSpan): void {
    this.withFrame({ module, name: '<module>', span: { start: 0, end: 0 }, userSpan }, () => {
      this.execBlock(ast.body, scope);
    });
  }

  /**
   * Traces an entry point: calls it with the traced arguments from a frame that stands for the
   * trace itself, so an error before the entry's body runs (a wrong arity) points at its def.
   */
  callEntry(fn: PyValue, args: PyValue[], span: SourceSpan, entry: string): PyValue {
    const name = `<tracing ${entry}>`;
    const frame: Frame = { module: this.runtime.userModule, name, span, userSpan: span };
    this.exprSpan = span;
    return this.withFrame(frame, () =>
      this.callValue(fn, { positional: args, keywords: new Map() }, span),
    );
  }

  /** Calls any callable with already-evaluated arguments. */
  call(
    fn: PyValue,
    positional: PyValue[],
    keywords: Map<string, PyValue>,
    span: SourceSpan,
  ): PyValue {
    const frame = this.currentFrame();
    const saved = frame?.span;
    if (frame) frame.span = span;
    try {
      return this.callValue(fn, { positional, keywords }, span);
    } finally {
      if (frame && saved) frame.span = saved;
    }
  }

  /** The span IR nodes and errors are attributed to for work done at `span` now. */
  userSpan(span: SourceSpan): SourceSpan {
    const frame = this.currentFrame();
    if (!frame || frame.module.isUser) return span;
    return frame.userSpan;
  }

  /** Raises a Python exception of a builtin class at the current position. */
  raise(
    cls: string,
    message: string,
    args: PyValue[] = [pyStr(message)],
    suggestion?: string,
  ): never {
    const exception = this.runtime.exception(cls, args);
    if (suggestion !== undefined) exception.suggestion = suggestion;
    throw new PyRaise(exception, [], this.exprSpan);
  }

  // ---- frames and errors -------------------------------------------------------------------

  protected currentFrame(): Frame | undefined {
    return this.frames[this.frames.length - 1];
  }

  protected withFrame<T>(frame: Frame, body: () => T): T {
    if (this.frames.length >= this.budget.limits.maxCallDepth) {
      throw new LimitExceeded(
        'RecursionError',
        `maximum recursion depth exceeded (flexmask allows ${this.budget.limits.maxCallDepth} nested calls)`,
        [],
      );
    }
    this.frames.push(frame);
    try {
      return body();
    } catch (error) {
      throw this.withTraceback(error, frame);
    } finally {
      this.frames.pop();
    }
  }

  /** Adds `frame` to the traceback of an error unwinding through it, converting JS-side errors. */
  private withTraceback(error: unknown, frame: Frame): unknown {
    const entry: TraceFrame = { module: frame.module, name: frame.name, span: frame.span };
    if (error instanceof PyRaise || error instanceof LimitExceeded) {
      // The frame that raised points at the expression, the callers at their calls.
      if (error.traceback.length === 0 && error instanceof PyRaise && error.span)
        entry.span = error.span;
      error.traceback.unshift(entry);
      return error;
    }
    const converted = this.convertError(error);
    if (converted) {
      entry.span = this.exprSpan;
      converted.traceback.unshift(entry);
      return converted;
    }
    return error;
  }

  protected convertError(error: unknown): PyRaise | LimitExceeded | undefined {
    if (error instanceof ProgramError) {
      // Raised while building IR (a constant division by zero, a negative shift count, a size).
      if (error.kind === 'LimitError') return new LimitExceeded('LimitError', error.detail, []);
      return new PyRaise(
        this.runtime.exception(error.kind, [pyStr(error.detail)]),
        [],
        this.exprSpan,
      );
    }
    if (error instanceof NumberError) {
      if (error.isLimit) return new LimitExceeded('LimitError', error.message, []);
      return new PyRaise(
        this.runtime.exception(error.cls, [pyStr(error.message)]),
        [],
        this.exprSpan,
      );
    }
    const tensorError = this.runtime.asTensorError(error);
    if (tensorError) {
      if (tensorError.cls === 'LimitError')
        return new LimitExceeded('LimitError', tensorError.message, []);
      return new PyRaise(
        this.runtime.exception(tensorError.cls, [pyStr(tensorError.message)]),
        [],
        this.exprSpan,
      );
    }
    if (error instanceof RangeError) {
      // The JS stack ran out before our own depth limit (very deep expressions inside deep calls).
      return new LimitExceeded('RecursionError', 'maximum recursion depth exceeded', []);
    }
    return undefined;
  }

  private makeContext(): CallContext {
    const runtime = this.runtime;
    const context: CallContext = {
      call: (fn, positional, keywords) =>
        this.callValue(fn, { positional, keywords: keywords ?? new Map() }, context.span),
      iterate: (value) => this.iterate(value, context.span),
      raise: (cls, message, args) => this.raise(cls, message, args),
      chargeElements: (count) => this.budget.chargeElements(count),
      print: (text) => runtime.print(text),
      str: (value) => this.ops.str(value),
      repr: (value) => this.ops.repr(value),
      span: { start: 0, end: 0 },
      get tracer() {
        return runtime.tracer;
      },
    };
    return context;
  }

  // ---- protocols -------------------------------------------------------------------------

  truth(v: PyValue, span: SourceSpan): boolean {
    return this.ops.truth(v, this.userSpan(span));
  }

  *iterate(value: PyValue, span: SourceSpan): Generator<PyValue> {
    const source = this.ops.iterable(value, this.userSpan(span));
    for (const item of source) {
      this.budget.step();
      yield item;
    }
  }

  /** A dict key (hash) or a TypeError for an unhashable value. */
  keyOf(value: PyValue): string {
    const key = hashKey(value);
    if (key === undefined) this.raise('TypeError', `unhashable type: '${typeName(value)}'`);
    return key;
  }
}
