/**
 * The setup evaluator: runs a parsed program as Python, over flexmask's own values, never through
 * a JavaScript evaluator. Python's scoping (locals decided per function, closures, global and
 * nonlocal), calls with defaults, keywords, `*args` and `**kwargs`, comprehensions, loops,
 * exceptions with try/except, and a traceback through the calls when something is raised.
 *
 * It also drives tracing: mask_mod and score_mod are ordinary functions called with traced
 * arguments (values of kind `sym`); the operators dispatch those to the tracer (operators.ts).
 * Every step is charged to a Budget, so no program can run long or grow big.
 */
import type { Expr, ExprOf, Module, Parameters, Stmt, StmtOf } from '../ast';
import { ProgramError } from '../errors';
import type { SourceSpan } from '../types';
import { missingArguments } from './args';
import { Budget } from './budget';
import { builtinAttributeNames, builtinMethod, unboundMethod } from './methods';
import { suggestName } from './suggest';
import { NumberError } from './numbers';
import { hashKey, typeName } from './objects';
import { Operators } from './operators';
import { LimitExceeded, PyRaise, type TraceFrame } from './pyerrors';
import { formatValue } from './format';
import type { Runtime } from './runtime';
import {
  NONE,
  Scope,
  native,
  pyBool,
  pyInt,
  pyFloat,
  pyStr,
  type CallArgs,
  type CallContext,
  type ModuleSource,
  type PyClass,
  type PyDict,
  type PyFunction,
  type PyOpaque,
  type PyValue,
} from './values';

/** What a block of statements ended with. */
const NORMAL = 0;
const RETURN = 1;
const BREAK = 2;
const CONTINUE = 3;
type Completion = typeof NORMAL | typeof RETURN | typeof BREAK | typeof CONTINUE;

interface Frame {
  module: ModuleSource;
  name: string;
  span: SourceSpan;
  /** For code in a library module: the span in the user's program the work is attributed to. */
  userSpan: SourceSpan;
  /** The function running in this frame and its locals (what a zero-argument super() reads). */
  fn?: PyFunction;
  scope?: Scope;
}

const ALLOWED_DUNDERS = new Set(['__name__', '__qualname__', '__doc__', '__module__']);

const plural = (n: number): string => (n === 1 ? '' : 's');

export class Interpreter {
  readonly budget: Budget;
  readonly ops: Operators;
  /** Every statement and expression of the user's program that ran (the export reads this). */
  readonly covered = new Set<Stmt | Expr>();
  private readonly frames: Frame[] = [];
  private returnValue: PyValue = NONE;
  /** The exceptions whose `except` blocks are running, innermost last (for a bare `raise`). */
  private readonly handling: PyRaise[] = [];
  private readonly ctx: CallContext;
  /** The expression being evaluated (set again after its operands): where an error points. */
  private exprSpan: SourceSpan = { start: 0, end: 0 };

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

  private currentFrame(): Frame | undefined {
    return this.frames[this.frames.length - 1];
  }

  private withFrame<T>(frame: Frame, body: () => T): T {
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

  private convertError(error: unknown): PyRaise | LimitExceeded | undefined {
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

  // ---- statements ------------------------------------------------------------------------

  execBlock(stmts: Stmt[], scope: Scope): Completion {
    for (const s of stmts) {
      const done = this.exec(s, scope);
      if (done !== NORMAL) return done;
    }
    return NORMAL;
  }

  private exec(s: Stmt, scope: Scope): Completion {
    this.budget.step();
    const frame = this.currentFrame();
    if (frame) frame.span = s.span;
    if (frame?.module.isUser) this.covered.add(s);
    switch (s.kind) {
      case 'expr':
        this.evaluate(s.value, scope);
        return NORMAL;
      case 'assign': {
        const value = this.evaluate(s.value, scope);
        for (const target of s.targets) this.assign(target, value, scope, s);
        return NORMAL;
      }
      case 'annassign':
        if (s.value) this.assign(s.target, this.evaluate(s.value, scope), scope, s);
        return NORMAL;
      case 'augassign':
        this.augAssign(s, scope);
        return NORMAL;
      case 'def':
        this.bind(
          s.name,
          this.applyDecorators(s.decorators, this.makeFunction(s, scope), scope),
          scope,
        );
        return NORMAL;
      case 'class':
        this.bind(
          s.name,
          this.applyDecorators(s.decorators, this.makeClass(s, scope), scope),
          scope,
        );
        return NORMAL;
      case 'return':
        this.returnValue = s.value ? this.evaluate(s.value, scope) : NONE;
        return RETURN;
      case 'if':
        return this.truth(this.evaluate(s.test, scope), s.test.span)
          ? this.execBlock(s.body, scope)
          : this.execBlock(s.orelse, scope);
      case 'for':
        return this.execFor(s, scope);
      case 'while':
        return this.execWhile(s, scope);
      case 'break':
        return BREAK;
      case 'continue':
        return CONTINUE;
      case 'pass':
      case 'global':
      case 'nonlocal':
        return NORMAL;
      case 'assert':
        if (!this.truth(this.evaluate(s.test, scope), s.test.span)) {
          const args = s.msg ? [this.evaluate(s.msg, scope)] : [];
          throw new PyRaise(this.runtime.exception('AssertionError', args), []);
        }
        return NORMAL;
      case 'raise':
        throw this.raiseStatement(s, scope);
      case 'try':
        return this.execTry(s, scope);
      case 'with':
        for (const item of s.items) {
          const context = this.evaluate(item.context, scope);
          if (item.target) this.assign(item.target, context, scope, s);
        }
        return this.execBlock(s.body, scope);
      case 'import':
        for (const alias of s.names) {
          if (alias.asname) {
            this.bind(alias.asname, this.runtime.importModule(alias.name, alias.span), scope);
          } else {
            // `import a.b.c` binds `a` (after importing every prefix).
            this.runtime.importModule(alias.name, alias.span);
            const top = alias.name.split('.')[0];
            this.bind(top, this.runtime.importModule(top, alias.span), scope);
          }
        }
        return NORMAL;
      case 'importfrom': {
        const moduleName = s.level > 0 ? `${'.'.repeat(s.level)}${s.module}` : s.module;
        if (s.star) {
          const module = this.runtime.importModule(moduleName, s.span);
          if (module.kind === 'module') {
            for (const [name, value] of module.attrs)
              if (!name.startsWith('_')) this.bind(name, value, scope);
          }
          return NORMAL;
        }
        for (const alias of s.names) {
          this.bind(
            alias.asname ?? alias.name,
            this.runtime.importFrom(moduleName, alias.name, alias.span),
            scope,
          );
        }
        return NORMAL;
      }
      case 'del':
        for (const target of s.targets) this.deleteTarget(target, scope);
        return NORMAL;
    }
  }

  private execFor(s: StmtOf<'for'>, scope: Scope): Completion {
    for (const item of this.iterate(this.evaluate(s.iter, scope), s.iter.span)) {
      this.assign(s.target, item, scope, s);
      const done = this.execBlock(s.body, scope);
      if (done === BREAK) return NORMAL;
      if (done === RETURN) return RETURN;
    }
    return this.execBlock(s.orelse, scope);
  }

  private execWhile(s: StmtOf<'while'>, scope: Scope): Completion {
    while (this.truth(this.evaluate(s.test, scope), s.test.span)) {
      this.budget.step();
      const done = this.execBlock(s.body, scope);
      if (done === BREAK) return NORMAL;
      if (done === RETURN) return RETURN;
    }
    return this.execBlock(s.orelse, scope);
  }

  private execTry(s: StmtOf<'try'>, scope: Scope): Completion {
    try {
      let done: Completion;
      try {
        done = this.execBlock(s.body, scope);
      } catch (error) {
        const raised = error instanceof PyRaise ? error : this.convertError(error);
        if (!(raised instanceof PyRaise)) throw raised ?? error;
        const handler = s.handlers.find(
          (h) =>
            h.type === undefined ||
            this.runtime.matches(raised.exception, this.evaluate(h.type, scope)),
        );
        if (!handler) throw raised;
        if (handler.name) this.bind(handler.name, raised.exception, scope);
        this.handling.push(raised);
        try {
          return this.execBlock(handler.body, scope);
        } finally {
          this.handling.pop();
          // Python deletes the `as` name when the handler ends.
          if (handler.name) this.unbind(handler.name, scope);
        }
      }
      if (done !== NORMAL) return done;
      return this.execBlock(s.orelse, scope);
    } finally {
      if (s.finalbody.length > 0) this.execBlock(s.finalbody, scope);
    }
  }

  private raiseStatement(s: StmtOf<'raise'>, scope: Scope): PyRaise {
    if (!s.exc) {
      // A bare `raise` re-raises the exception being handled.
      const handled = this.handling[this.handling.length - 1];
      if (handled) return new PyRaise(handled.exception, []);
      return new PyRaise(
        this.runtime.exception('RuntimeError', [pyStr('No active exception to reraise')]),
        [],
      );
    }
    const value = this.evaluate(s.exc, scope);
    if (value.kind === 'exception') return new PyRaise(value, []);
    if (value.kind === 'class' && this.runtime.isExceptionClass(value)) {
      return new PyRaise({ kind: 'exception', cls: value, args: [] }, []);
    }
    return new PyRaise(
      this.runtime.exception('TypeError', [pyStr('exceptions must derive from BaseException')]),
      [],
    );
  }

  // ---- names and assignment --------------------------------------------------------------

  private bind(name: string, value: PyValue, scope: Scope): void {
    const fn = this.functionOf(scope);
    if (fn?.globals.has(name)) scope.globals.vars.set(name, value);
    else if (fn?.nonlocals.has(name)) {
      for (let s = scope.parent; s; s = s.parent) {
        if (s.vars.has(name)) {
          s.vars.set(name, value);
          return;
        }
      }
      scope.vars.set(name, value);
    } else scope.vars.set(name, value);
  }

  private unbind(name: string, scope: Scope): void {
    const fn = this.functionOf(scope);
    (fn?.globals.has(name) ? scope.globals : scope).vars.delete(name);
  }

  private readonly scopeFunctions = new WeakMap<Scope, PyFunction>();

  private functionOf(scope: Scope): PyFunction | undefined {
    return this.scopeFunctions.get(scope);
  }

  lookup(name: string, scope: Scope): PyValue {
    const fn = this.functionOf(scope);
    if (fn && fn.locals.has(name) && !fn.globals.has(name) && !fn.nonlocals.has(name)) {
      const local = scope.vars.get(name);
      if (local !== undefined) return local;
      this.raise(
        'UnboundLocalError',
        `cannot access local variable '${name}' where it is not associated with a value`,
      );
    }
    for (let s: Scope | undefined = scope; s; s = s.parent) {
      const v = s.vars.get(name);
      if (v !== undefined) return v;
    }
    const g = scope.globals.vars.get(name);
    if (g !== undefined) return g;
    const builtin = this.runtime.builtin(name);
    if (builtin !== undefined) return builtin;
    const shown = name.length > 60 ? `${name.slice(0, 60)}...` : name;
    return this.raise(
      'NameError',
      `name '${shown}' is not defined`,
      undefined,
      this.runtime.nameSuggestion(name, scope),
    );
  }

  private assign(target: Expr, value: PyValue, scope: Scope, stmt: Stmt | undefined): void {
    switch (target.kind) {
      case 'name':
        // A top-level `NAME = 3` becomes a parameter; `ids = [0, 1]` a lookup table (runtime.ts).
        this.bind(
          target.id,
          stmt ? this.runtime.topLevelValue(stmt, target, value, scope) : value,
          scope,
        );
        return;
      case 'tuple':
      case 'list':
        this.unpack(target.elts, value, scope, target.span);
        return;
      case 'subscript': {
        const container = this.evaluate(target.value, scope);
        const index = this.subscriptIndex(target, scope);
        this.ops.setItem(container, index, value, target.span);
        return;
      }
      case 'attribute': {
        const object = this.evaluate(target.value, scope);
        this.setAttribute(object, target.attr, value, target.attrSpan);
        return;
      }
      case 'starred':
        this.raise('SyntaxError', 'starred assignment target must be in a list or tuple');
      // eslint-disable-next-line no-fallthrough
      default:
        this.raise('SyntaxError', 'cannot assign to this expression');
    }
  }

  private unpack(targets: Expr[], value: PyValue, scope: Scope, span: SourceSpan): void {
    if (!this.ops.isIterable(value))
      this.raise('TypeError', `cannot unpack non-iterable ${typeName(value)} object`);
    const items = [...this.iterate(value, span)];
    const star = targets.findIndex((t) => t.kind === 'starred');
    if (star < 0) {
      if (items.length !== targets.length) {
        this.raise(
          'ValueError',
          items.length > targets.length
            ? `too many values to unpack (expected ${targets.length})`
            : `not enough values to unpack (expected ${targets.length}, got ${items.length})`,
        );
      }
      targets.forEach((t, k) => this.assign(t, items[k], scope, undefined));
      return;
    }
    const after = targets.length - star - 1;
    if (items.length < targets.length - 1) {
      this.raise(
        'ValueError',
        `not enough values to unpack (expected at least ${targets.length - 1}, got ${items.length})`,
      );
    }
    targets.slice(0, star).forEach((t, k) => this.assign(t, items[k], scope, undefined));
    const starred = targets[star];
    if (starred.kind === 'starred') {
      this.assign(
        starred.value,
        { kind: 'list', items: items.slice(star, items.length - after) },
        scope,
        undefined,
      );
    }
    targets
      .slice(star + 1)
      .forEach((t, k) => this.assign(t, items[items.length - after + k], scope, undefined));
  }

  private augAssign(s: StmtOf<'augassign'>, scope: Scope): void {
    const target = s.target;
    if (target.kind === 'name') {
      const current = this.lookup(target.id, scope);
      this.bind(
        target.id,
        this.ops.inplace(s.op, current, this.evaluate(s.value, scope), s.span),
        scope,
      );
      return;
    }
    if (target.kind === 'subscript') {
      const container = this.evaluate(target.value, scope);
      const index = this.subscriptIndex(target, scope);
      const current = this.ops.getItem(container, index, target.span);
      const updated = this.ops.inplace(s.op, current, this.evaluate(s.value, scope), s.span);
      this.ops.setItem(container, index, updated, target.span);
      return;
    }
    if (target.kind === 'attribute') {
      const object = this.evaluate(target.value, scope);
      const current = this.getAttribute(object, target.attr, target.attrSpan);
      this.setAttribute(
        object,
        target.attr,
        this.ops.inplace(s.op, current, this.evaluate(s.value, scope), s.span),
        target.attrSpan,
      );
      return;
    }
    this.raise('SyntaxError', "'expression' is an illegal expression for augmented assignment");
  }

  private deleteTarget(target: Expr, scope: Scope): void {
    if (target.kind === 'name') {
      if (!scope.vars.delete(target.id))
        this.raise('NameError', `name '${target.id}' is not defined`);
      return;
    }
    if (target.kind === 'subscript') {
      this.ops.delItem(
        this.evaluate(target.value, scope),
        this.subscriptIndex(target, scope),
        target.span,
      );
      return;
    }
    if (target.kind === 'tuple' || target.kind === 'list') {
      target.elts.forEach((t) => this.deleteTarget(t, scope));
      return;
    }
    this.raise('SyntaxError', 'cannot delete this expression');
  }

  // ---- attributes --------------------------------------------------------------------------

  getAttribute(object: PyValue, name: string, span: SourceSpan): PyValue {
    const superInit = object.kind === 'opaque' && object.name === 'super' && name === '__init__';
    if (name.startsWith('__') && name.endsWith('__') && !ALLOWED_DUNDERS.has(name) && !superInit) {
      this.raise(
        'AttributeError',
        `'${typeName(object)}' object has no attribute '${name}' (flexmask does not expose Python's internals)`,
      );
    }
    this.ctx.span = this.userSpan(span);
    const found = this.findAttribute(object, name);
    if (found !== undefined) return found;
    if (object.kind === 'module' && object.missing) {
      return this.raise('ModuleNotFoundError', this.runtime.missingModuleMessage(object.name));
    }
    const suggestion = suggestName(name, this.attributeNames(object));
    if (object.kind === 'module')
      return this.raise(
        'AttributeError',
        this.runtime.moduleAttributeMessage(object, name),
        undefined,
        suggestion,
      );
    return this.raise(
      'AttributeError',
      `'${typeName(object)}' object has no attribute '${name}'`,
      undefined,
      suggestion,
    );
  }

  /** The attributes an object has, for AttributeError's "Did you mean". */
  private attributeNames(object: PyValue): string[] {
    const inClasses = (cls: PyClass): string[] => {
      const names: string[] = [];
      for (let c: PyClass | undefined = cls; c; c = c.bases[0]) names.push(...c.attrs.keys());
      return names;
    };
    switch (object.kind) {
      case 'module':
      case 'function':
        return [...object.attrs.keys()];
      case 'instance':
        return [...object.attrs.keys(), ...inClasses(object.cls)];
      case 'class':
        return inClasses(object);
      default:
        return builtinAttributeNames(object);
    }
  }

  private findAttribute(object: PyValue, name: string): PyValue | undefined {
    switch (object.kind) {
      case 'module':
        return object.attrs.get(name) ?? this.runtime.submodule(object, name);
      case 'function':
        if (name === '__name__') return object.attrs.get(name) ?? pyStr(object.name);
        if (name === '__qualname__') return object.attrs.get(name) ?? pyStr(object.qualname);
        if (name === '__doc__') return object.attrs.get(name) ?? docstring(object);
        return object.attrs.get(name);
      case 'native':
        return (
          object.attrs?.get(name) ??
          (name === '__name__' || name === '__qualname__' ? pyStr(object.name) : undefined)
        );
      case 'class':
        if (name === '__name__' || name === '__qualname__') return pyStr(object.name);
        return (
          this.classAttribute(object, name, undefined, object) ??
          unboundMethod(object, name, this.runtime)
        );
      case 'instance':
        return object.attrs.get(name) ?? this.classAttribute(object.cls, name, object, object.cls);
      case 'exception':
        return name === 'args' ? { kind: 'tuple', items: object.args } : undefined;
      case 'opaque':
        return object.name === 'super'
          ? this.superAttribute(object, name)
          : object.attrs?.get(name);
      case 'partial':
        if (name === 'func') return object.fn;
        if (name === 'args') return { kind: 'tuple', items: object.args };
        return undefined;
      case 'tensor':
      case 'sym':
      case 'symtable':
      case 'dtype':
      case 'device':
        return this.ops.tensorAttribute(object, name);
      case 'tuple':
        if (object.fields) {
          const k = object.fields.indexOf(name);
          if (k >= 0) return object.items[k];
        }
        return builtinMethod(object, name, this.runtime);
      default:
        return builtinMethod(object, name, this.runtime);
    }
  }

  /**
   * An attribute found on `cls` or its bases, as an instance or the class reads it: a function
   * read through an instance is a bound method; staticmethod, classmethod and property (opaque
   * wrappers from builtins.ts) give the function, a method bound to the class, the getter's value.
   */
  private classAttribute(
    cls: PyClass,
    name: string,
    instance: PyValue | undefined,
    selfClass: PyClass,
  ): PyValue | undefined {
    let found: PyValue | undefined;
    for (let c: PyClass | undefined = cls; c && found === undefined; c = c.bases[0])
      found = c.attrs.get(name);
    if (found?.kind === 'function')
      return instance ? { kind: 'method', self: instance, fn: found } : found;
    if (found?.kind !== 'opaque') return found;
    const fn = found.attrs?.get('__func__');
    if (fn?.kind !== 'function') return found;
    if (found.name === 'staticmethod') return fn;
    if (found.name === 'classmethod') return { kind: 'method', self: selfClass, fn };
    if (found.name === 'property')
      return instance
        ? this.callValue(fn, { positional: [instance], keywords: new Map() }, this.exprSpan)
        : found;
    return found;
  }

  /** An attribute read through super(): from the classes after the method's own, bound to self. */
  private superAttribute(proxy: PyOpaque, name: string): PyValue | undefined {
    const owner = proxy.attrs?.get('__thisclass__');
    const self = proxy.attrs?.get('__self__') ?? NONE;
    const base = owner?.kind === 'class' ? owner.bases[0] : undefined;
    const instance = self.kind === 'instance' ? self : undefined;
    const selfClass = self.kind === 'class' ? self : instance?.cls;
    const found = base && this.classAttribute(base, name, instance, selfClass ?? base);
    // object.__init__, when no class after the method's own defines one.
    if (found === undefined && name === '__init__') return native('object.__init__', () => NONE);
    return found;
  }

  /**
   * super(): a proxy for the classes after `owner` (see superAttribute), bound to `self`; with no
   * arguments, the running method's class and first argument.
   */
  superProxy(givenOwner?: PyClass, givenSelf?: PyValue): PyValue {
    const frame = this.currentFrame();
    const owner = givenOwner ?? frame?.fn?.ownerClass;
    if (owner === undefined) return this.raise('RuntimeError', 'super(): __class__ cell not found');
    const first = frame?.fn?.params.positional[0];
    const self = givenSelf ?? (first ? frame?.scope?.vars.get(first.name) : undefined);
    if (self === undefined) return this.raise('RuntimeError', 'super(): no arguments');
    return {
      kind: 'opaque',
      name: 'super',
      attrs: new Map([
        ['__thisclass__', owner],
        ['__self__', self],
      ]),
    };
  }

  setAttribute(object: PyValue, name: string, value: PyValue, span: SourceSpan): void {
    if (name.startsWith('__') && name.endsWith('__') && !ALLOWED_DUNDERS.has(name)) {
      this.raise(
        'AttributeError',
        `cannot set '${name}' (flexmask does not expose Python's internals)`,
      );
    }
    this.ctx.span = span;
    if (object.kind === 'function' || object.kind === 'instance' || object.kind === 'class') {
      object.attrs.set(name, value);
      return;
    }
    if (object.kind === 'native') {
      // and_masks(...) and friends return functions in PyTorch; code names them like any other.
      object.attrs ??= new Map();
      object.attrs.set(name, value);
      return;
    }
    this.raise('AttributeError', `'${typeName(object)}' object attribute '${name}' is read-only`);
  }

  // ---- expressions -----------------------------------------------------------------------

  evaluate(e: Expr, scope: Scope): PyValue {
    this.budget.step();
    this.exprSpan = e.span;
    if (this.frames.length > 0 && this.frames[this.frames.length - 1].module.isUser)
      this.covered.add(e);
    switch (e.kind) {
      case 'num':
        return e.isFloat ? pyFloat(e.value) : pyInt(e.big ?? BigInt(e.value));
      case 'bool':
        return pyBool(e.value);
      case 'none':
        return NONE;
      case 'ellipsis':
        return { kind: 'ellipsis' };
      case 'imaginary':
        return this.raise('NotImplementedError', 'complex numbers are not supported');
      case 'string':
        if (e.bytes) this.raise('NotImplementedError', 'bytes literals are not supported');
        return pyStr(e.value);
      case 'fstring':
        return pyStr(this.fstring(e.parts, scope));
      case 'name':
        return this.lookup(e.id, scope);
      case 'list':
        return { kind: 'list', items: this.evalItems(e.elts, scope) };
      case 'tuple':
        return { kind: 'tuple', items: this.evalItems(e.elts, scope) };
      case 'set':
        return this.runtime.makeSet(this.evalItems(e.elts, scope), false);
      case 'dict':
        return this.evalDict(e, scope);
      case 'starred':
        return this.raise('SyntaxError', "can't use starred expression here");
      case 'unary': {
        const operand = this.evaluate(e.operand, scope);
        this.exprSpan = e.span;
        return this.ops.unary(e.op, operand, this.userSpan(e.span));
      }
      case 'binary': {
        const left = this.evaluate(e.left, scope);
        const right = this.evaluate(e.right, scope);
        this.exprSpan = e.span;
        return this.ops.binary(e.op, left, right, this.userSpan(e.span));
      }
      case 'boolop':
        return this.evalBoolOp(e, scope);
      case 'compare':
        return this.evalCompare(e, scope);
      case 'ifexp':
        return this.truth(this.evaluate(e.test, scope), e.test.span)
          ? this.evaluate(e.body, scope)
          : this.evaluate(e.orelse, scope);
      case 'subscript': {
        const container = this.evaluate(e.value, scope);
        const index = this.subscriptIndex(e, scope);
        this.exprSpan = e.span;
        const hint =
          e.value.kind === 'name'
            ? e.value.id
            : e.value.kind === 'attribute'
              ? e.value.attr
              : 'table';
        return this.ops.getItem(container, index, this.userSpan(e.span), hint);
      }
      case 'slice':
        return {
          kind: 'slice',
          start: e.lower ? this.evaluate(e.lower, scope) : NONE,
          stop: e.upper ? this.evaluate(e.upper, scope) : NONE,
          step: e.step ? this.evaluate(e.step, scope) : NONE,
        };
      case 'call':
        return this.evalCall(e, scope);
      case 'attribute': {
        const object = this.evaluate(e.value, scope);
        this.exprSpan = e.span;
        return this.getAttribute(object, e.attr, e.attrSpan);
      }
      case 'lambda':
        return this.makeLambda(e, scope);
      case 'comprehension':
        return this.evalComprehension(e, scope);
      case 'namedexpr': {
        const value = this.evaluate(e.value, scope);
        // Python binds the walrus target in the enclosing function, past any comprehension.
        let target = scope;
        while (this.comprehensionScopes.has(target) && target.parent) target = target.parent;
        this.bind(e.target.id, value, target);
        return value;
      }
    }
  }

  private evalItems(elts: Expr[], scope: Scope): PyValue[] {
    const out: PyValue[] = [];
    for (const elt of elts) {
      if (elt.kind === 'starred') {
        for (const item of this.iterate(this.evaluate(elt.value, scope), elt.span)) out.push(item);
      } else out.push(this.evaluate(elt, scope));
      if (out.length > this.budget.limits.maxCollectionItems)
        this.budget.checkItems(out.length, 'collection');
    }
    return out;
  }

  private evalDict(e: ExprOf<'dict'>, scope: Scope): PyDict {
    const dict: PyDict = { kind: 'dict', entries: new Map() };
    for (const entry of e.entries) {
      if ('unpack' in entry) {
        const other = this.evaluate(entry.unpack, scope);
        if (other.kind !== 'dict')
          this.raise('TypeError', `'${typeName(other)}' object is not a mapping`);
        for (const [k, v] of other.entries) dict.entries.set(k, v);
      } else {
        const key = this.evaluate(entry.key, scope);
        this.runtime.dictSet(dict, key, this.evaluate(entry.value, scope));
      }
    }
    return dict;
  }

  private evalBoolOp(e: ExprOf<'boolop'>, scope: Scope): PyValue {
    let value: PyValue = NONE;
    for (const operand of e.values) {
      value = this.evaluate(operand, scope);
      const t = this.truth(value, operand.span);
      if (e.op === 'and' ? !t : t) return value;
    }
    return value;
  }

  private evalCompare(e: ExprOf<'compare'>, scope: Scope): PyValue {
    let left = this.evaluate(e.left, scope);
    let result: PyValue = pyBool(true);
    for (let k = 0; k < e.ops.length; k += 1) {
      const right = this.evaluate(e.comparators[k], scope);
      this.exprSpan = e.span;
      const r = this.ops.compare(e.ops[k], left, right, this.userSpan(e.span));
      if (k === e.ops.length - 1)
        return k === 0 ? r : this.ops.binary('&', result, r, this.userSpan(e.span));
      // A chain `a < b < c` is `a < b and b < c`: concrete links short-circuit as in Python;
      // traced links are combined with & (PyTorch refuses `and` on tensors; this is what it means).
      if (r.kind === 'sym' || result.kind === 'sym')
        result = this.ops.binary('&', result, r, this.userSpan(e.span));
      else if (!this.truth(r, e.span)) return r;
      else result = r;
      left = right;
    }
    return result;
  }

  private subscriptIndex(e: ExprOf<'subscript'>, scope: Scope): PyValue {
    if (!e.tuple && e.indices.length === 1) return this.evaluate(e.indices[0], scope);
    return { kind: 'tuple', items: this.evalItems(e.indices, scope) };
  }

  private fstring(parts: ExprOf<'fstring'>['parts'], scope: Scope): string {
    let out = '';
    for (const part of parts) {
      if (part.kind === 'text') {
        out += part.value;
        continue;
      }
      const value = this.evaluate(part.value, scope);
      const converted =
        part.conversion === 'r' ||
        part.conversion === 'a' ||
        (part.debugText !== undefined && !part.formatSpec && !part.conversion)
          ? pyStr(this.ops.repr(value))
          : part.conversion === 's'
            ? pyStr(this.ops.str(value))
            : value;
      const spec = part.formatSpec ? this.fstring(part.formatSpec, scope) : '';
      out += (part.debugText ?? '') + formatValue(converted, spec, this.ops, this.ctx);
      this.budget.checkItems(out.length, 'string');
    }
    return out;
  }

  // ---- calls -----------------------------------------------------------------------------

  private evalCall(e: ExprOf<'call'>, scope: Scope): PyValue {
    const fn = this.evaluate(e.func, scope);
    const positional = this.evalItems(e.args, scope);
    const keywords = new Map<string, PyValue>();
    for (const k of e.keywords) {
      if (k.name === undefined) {
        const mapping = this.evaluate(k.value, scope);
        if (mapping.kind !== 'dict')
          this.raise('TypeError', `argument after ** must be a mapping, not ${typeName(mapping)}`);
        for (const entry of mapping.entries.values()) {
          if (entry.key.kind !== 'str') this.raise('TypeError', 'keywords must be strings');
          if (keywords.has(entry.key.value))
            this.raise(
              'TypeError',
              `${this.functionDescription(fn)} got multiple values for keyword argument '${entry.key.value}'`,
            );
          keywords.set(entry.key.value, entry.value);
        }
      } else {
        if (e.keywords.some((other) => other !== k && other.name === k.name))
          this.raise('SyntaxError', `keyword argument repeated: ${k.name}`);
        if (keywords.has(k.name))
          this.raise(
            'TypeError',
            `${this.functionDescription(fn)} got multiple values for keyword argument '${k.name}'`,
          );
        keywords.set(k.name, this.evaluate(k.value, scope));
      }
    }
    const frame = this.currentFrame();
    if (frame) frame.span = e.span;
    this.exprSpan = e.span;
    return this.callValue(fn, { positional, keywords }, this.userSpan(e.span));
  }

  /** How CPython names a callable in a call's error: `__mask__.f()`, `len()`. */
  private functionDescription(fn: PyValue): string {
    if (fn.kind === 'function') {
      const module = fn.module.isUser
        ? '__mask__'
        : fn.module.fileName.replace(/(\/__init__)?\.py$/, '').replace(/\//g, '.');
      return `${module}.${fn.qualname}()`;
    }
    if (fn.kind === 'method') return this.functionDescription(fn.fn);
    if (fn.kind === 'native' || fn.kind === 'class') return `${fn.name}()`;
    return `${typeName(fn)} object`;
  }

  callValue(fn: PyValue, args: CallArgs, span: SourceSpan): PyValue {
    this.budget.step();
    switch (fn.kind) {
      case 'function':
        return this.callFunction(fn, args);
      case 'native': {
        const saved = this.ctx.span;
        this.ctx.span = span;
        try {
          return fn.call(args, this.ctx);
        } catch (error) {
          const converted = this.convertError(error);
          throw converted ?? error;
        } finally {
          this.ctx.span = saved;
        }
      }
      case 'method':
        return this.callFunction(fn.fn, {
          positional: [fn.self, ...args.positional],
          keywords: args.keywords,
        });
      case 'partial': {
        const keywords = new Map(fn.keywords);
        for (const [k, v] of args.keywords) keywords.set(k, v);
        return this.callValue(
          fn.fn,
          { positional: [...fn.args, ...args.positional], keywords },
          span,
        );
      }
      case 'class':
        return this.runtime.construct(fn, args, this, span);
      case 'opaque':
        if (fn.call) return fn.call(args, this.ctx);
        break;
      case 'module':
        if (fn.missing)
          this.raise('ModuleNotFoundError', this.runtime.missingModuleMessage(fn.name));
        break;
      default:
        break;
    }
    return this.raise('TypeError', `'${typeName(fn)}' object is not callable`);
  }

  private callFunction(fn: PyFunction, args: CallArgs): PyValue {
    const scope = new Scope(fn.closure, fn.closure.globals, 'function');
    this.scopeFunctions.set(scope, fn);
    this.bindArguments(fn, args, scope);
    const caller = this.currentFrame();
    const userSpan = fn.module.isUser
      ? fn.span
      : caller && caller.module.isUser
        ? caller.span
        : (caller?.userSpan ?? fn.span);
    const frame: Frame = { module: fn.module, name: fn.name, span: fn.span, userSpan, fn, scope };
    return this.withFrame(frame, () => {
      if ('lambda' in fn.body) return this.evaluate(fn.body.lambda.body, scope);
      const done = this.execBlock(fn.body, scope);
      return done === RETURN ? this.returnValue : NONE;
    });
  }

  /**
   * Python's argument binding, with its errors in CPython's order: positional (the rest to *args),
   * then keywords (the unknown to **kwargs), then the count of positional arguments, then defaults.
   */
  private bindArguments(fn: PyFunction, args: CallArgs, scope: Scope): void {
    const p = fn.params;
    const name = fn.qualname;
    const positional = args.positional;
    const bound = new Set<string>();
    const n = Math.min(positional.length, p.positional.length);
    for (let k = 0; k < n; k += 1) {
      scope.vars.set(p.positional[k].name, positional[k]);
      bound.add(p.positional[k].name);
    }
    if (p.vararg)
      scope.vars.set(p.vararg.name, {
        kind: 'tuple',
        items: positional.slice(p.positional.length),
      });
    const extra = new Map<string, PyValue>();
    const positionalOnlyPassed: string[] = [];
    let keywordOnlyGiven = 0;
    for (const [key, value] of args.keywords) {
      const index = p.positional.findIndex((q) => q.name === key);
      const isKeywordOnly = p.keywordOnly.some((q) => q.name === key);
      if ((index >= p.positionalOnly && index >= 0) || isKeywordOnly) {
        if (bound.has(key))
          this.raise('TypeError', `${name}() got multiple values for argument '${key}'`);
        scope.vars.set(key, value);
        bound.add(key);
        if (isKeywordOnly) keywordOnlyGiven += 1;
      } else if (p.kwarg) extra.set(key, value);
      else if (index >= 0) positionalOnlyPassed.push(key);
      else this.raise('TypeError', `${name}() got an unexpected keyword argument '${key}'`);
    }
    if (positionalOnlyPassed.length > 0)
      this.raise(
        'TypeError',
        `${name}() got some positional-only arguments passed as keyword arguments: '${positionalOnlyPassed.join(', ')}'`,
      );
    if (positional.length > p.positional.length && !p.vararg) {
      const max = p.positional.length;
      const min = p.positional.filter((q) => !fn.defaults.has(q.name)).length;
      const given = positional.length;
      const keywordOnly =
        keywordOnlyGiven > 0
          ? ` positional argument${plural(given)} (and ${keywordOnlyGiven} keyword-only argument${plural(keywordOnlyGiven)})`
          : '';
      this.raise(
        'TypeError',
        `${name}() takes ${min < max ? `from ${min} to ${max}` : max} positional argument${plural(max)} but ${given}${keywordOnly} ${given === 1 && keywordOnlyGiven === 0 ? 'was' : 'were'} given`,
      );
    }
    if (p.kwarg) {
      const dict: PyDict = { kind: 'dict', entries: new Map() };
      for (const [k, v] of extra) this.runtime.dictSet(dict, pyStr(k), v);
      scope.vars.set(p.kwarg.name, dict);
    }
    for (const [params, what] of [
      [p.positional, 'positional'],
      [p.keywordOnly, 'keyword-only'],
    ] as const) {
      const missing: string[] = [];
      for (const q of params) {
        if (bound.has(q.name)) continue;
        const d = fn.defaults.get(q.name);
        if (d !== undefined) scope.vars.set(q.name, d);
        else missing.push(q.name);
      }
      if (missing.length > 0) this.raise('TypeError', missingArguments(name, what, missing));
    }
  }

  private evalDefaults(params: Parameters, scope: Scope): Map<string, PyValue> {
    const defaults = new Map<string, PyValue>();
    for (const q of [...params.positional, ...params.keywordOnly]) {
      if (q.default) defaults.set(q.name, this.evaluate(q.default, scope));
    }
    return defaults;
  }

  private makeFunction(s: StmtOf<'def'>, scope: Scope): PyFunction {
    const frame = this.currentFrame();
    const module = frame?.module ?? this.runtime.userModule;
    const analysis = this.runtime.analyseBody(s);
    return {
      kind: 'function',
      name: s.name,
      qualname: this.qualnameIn(scope, s.name),
      params: s.params,
      defaults: this.evalDefaults(s.params, scope),
      body: s.body,
      closure: scope.kind === 'class' && scope.parent ? scope.parent : scope,
      module,
      span: s.span,
      attrs: new Map(),
      locals: analysis.locals,
      globals: analysis.globals,
      nonlocals: analysis.nonlocals,
    };
  }

  private makeLambda(e: ExprOf<'lambda'>, scope: Scope): PyFunction {
    const module = this.currentFrame()?.module ?? this.runtime.userModule;
    const locals = new Set<string>();
    for (const q of [...e.params.positional, ...e.params.keywordOnly]) locals.add(q.name);
    if (e.params.vararg) locals.add(e.params.vararg.name);
    if (e.params.kwarg) locals.add(e.params.kwarg.name);
    return {
      kind: 'function',
      name: '<lambda>',
      qualname: this.qualnameIn(scope, '<lambda>'),
      params: e.params,
      defaults: this.evalDefaults(e.params, scope),
      body: { lambda: e },
      closure: scope,
      module,
      span: e.span,
      attrs: new Map(),
      locals,
      globals: new Set(),
      nonlocals: new Set(),
    };
  }

  /** Python's __qualname__ for something defined in `scope`: `f.<locals>.g`, `Class.method`. */
  private qualnameIn(scope: Scope, name: string): string {
    if (scope.classQualname !== undefined) return `${scope.classQualname}.${name}`;
    const outer = this.functionOf(scope);
    return outer ? `${outer.qualname}.<locals>.${name}` : name;
  }

  private applyDecorators(decorators: Expr[], value: PyValue, scope: Scope): PyValue {
    let result = value;
    for (let k = decorators.length - 1; k >= 0; k -= 1) {
      const decorator = this.evaluate(decorators[k], scope);
      result = this.callValue(
        decorator,
        { positional: [result], keywords: new Map() },
        decorators[k].span,
      );
    }
    return result;
  }

  private makeClass(s: StmtOf<'class'>, scope: Scope): PyClass {
    const bases: PyClass[] = [];
    for (const b of s.bases) {
      const base = this.evaluate(b, scope);
      if (base.kind === 'class') bases.push(base);
      else if (base.kind !== 'opaque')
        this.raise('TypeError', `a class can only inherit from classes, not ${typeName(base)}`);
    }
    const body = new Scope(scope.kind === 'class' ? scope.parent : scope, scope.globals, 'class');
    body.classQualname = this.qualnameIn(scope, s.name);
    this.execBlock(s.body, body);
    const cls: PyClass = { kind: 'class', name: s.name, bases, attrs: new Map(body.vars) };
    // Methods know their class, for super().
    for (const value of cls.attrs.values()) {
      const fn = value.kind === 'opaque' ? value.attrs?.get('__func__') : value;
      if (fn?.kind === 'function') fn.ownerClass = cls;
    }
    const annotated = s.body.filter(
      (st): st is StmtOf<'annassign'> => st.kind === 'annassign' && st.target.kind === 'name',
    );
    cls.dataclassFields = annotated.map((st) => ({
      name: st.target.kind === 'name' ? st.target.id : '',
      default: body.vars.get(st.target.kind === 'name' ? st.target.id : ''),
    }));
    return cls;
  }

  // ---- comprehensions --------------------------------------------------------------------

  private readonly comprehensionScopes = new WeakSet<Scope>();

  private evalComprehension(e: ExprOf<'comprehension'>, scope: Scope): PyValue {
    const inner = new Scope(scope, scope.globals, 'function');
    this.comprehensionScopes.add(inner);
    if (e.type === 'generator') return this.generatorExpression(e, scope, inner);
    const out: PyValue[] = [];
    const dict: PyDict = { kind: 'dict', entries: new Map() };
    const emit = (): void => {
      if (e.type === 'dict') {
        const key = this.evaluate(e.elt, inner);
        this.runtime.dictSet(dict, key, this.evaluate(e.value ?? e.elt, inner));
      } else {
        out.push(this.evaluate(e.elt, inner));
        if ((out.length & 1023) === 0)
          this.budget.checkItems(out.length, e.type === 'set' ? 'set' : 'list');
      }
    };
    const loop = (level: number): void => {
      if (level === e.generators.length) {
        emit();
        return;
      }
      const g = e.generators[level];
      // The first iterable is evaluated in the enclosing scope, as in Python.
      const iterable = this.evaluate(g.iter, level === 0 ? scope : inner);
      for (const item of this.iterate(iterable, g.iter.span)) {
        this.assign(g.target, item, inner, undefined);
        if (g.ifs.every((cond) => this.truth(this.evaluate(cond, inner), cond.span)))
          loop(level + 1);
      }
    };
    loop(0);
    if (e.type === 'dict') return dict;
    if (e.type === 'set') return this.runtime.makeSet(out, false);
    return { kind: 'list', items: out };
  }

  /**
   * `(x for x in xs)`: lazy, as in Python (`any(...)` stops at the first true item, `next(...)`
   * draws one). The first iterable is evaluated now, in the enclosing scope; the rest as drawn.
   */
  private generatorExpression(e: ExprOf<'comprehension'>, scope: Scope, inner: Scope): PyValue {
    const iterable = this.evaluate(e.generators[0].iter, scope);
    if (!this.ops.isIterable(iterable))
      this.raise('TypeError', `'${typeName(iterable)}' object is not iterable`);
    const items = this.generatorItems(
      e,
      inner,
      0,
      this.iterate(iterable, e.generators[0].iter.span),
    );
    return {
      kind: 'iterator',
      name: 'generator',
      next: () => {
        const next = items.next();
        return next.done ? undefined : next.value;
      },
    };
  }

  /** The items of a generator expression from its `level`-th `for` on, drawn as asked for. */
  private *generatorItems(
    e: ExprOf<'comprehension'>,
    inner: Scope,
    level: number,
    items: Iterable<PyValue>,
  ): Generator<PyValue> {
    const g = e.generators[level];
    for (const item of items) {
      this.assign(g.target, item, inner, undefined);
      if (!g.ifs.every((cond) => this.truth(this.evaluate(cond, inner), cond.span))) continue;
      if (level + 1 === e.generators.length) {
        yield this.evaluate(e.elt, inner);
        continue;
      }
      const next = e.generators[level + 1];
      const nested = this.iterate(this.evaluate(next.iter, inner), next.iter.span);
      yield* this.generatorItems(e, inner, level + 1, nested);
    }
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

/** A def's docstring: its body's first statement when that is a string literal. */
function docstring(fn: PyFunction): PyValue {
  const first = Array.isArray(fn.body) ? fn.body[0] : undefined;
  return first?.kind === 'expr' && first.value.kind === 'string' && !first.value.bytes
    ? pyStr(first.value.value)
    : NONE;
}
