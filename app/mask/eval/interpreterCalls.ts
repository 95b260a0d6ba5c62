/**
 * Calls and the things that are called: evaluating a call's arguments (`*args`, `**kwargs`),
 * dispatching on what is called (functions, natives, bound methods, partials, classes), binding
 * arguments to parameters with CPython's errors in CPython's order, and making the callables
 * themselves: defs and lambdas with their defaults and closures, classes with their bodies run in
 * their own scope, decorators. A function's body runs through the statement layer above.
 */
import type { Expr, ExprOf, Parameters, StmtOf } from '../ast';
import type { SourceSpan } from '../types';
import { missingArguments } from './args';
import { typeName } from './objects';
import {
  NONE,
  Scope,
  pyStr,
  type CallArgs,
  type PyClass,
  type PyDict,
  type PyFunction,
  type PyValue,
} from './values';
import { InterpreterAttributes } from './interpreterAttributes';
import { RETURN, type Frame } from './interpreterFrames';

const plural = (n: number): string => (n === 1 ? '' : 's');

export abstract class InterpreterCalls extends InterpreterAttributes {
  abstract evaluate(e: Expr, scope: Scope): PyValue;
  protected abstract evalItems(elts: Expr[], scope: Scope): PyValue[];

  /** What the last `return` statement returned (read when its function's block ends). */
  protected returnValue: PyValue = NONE;
  private readonly scopeFunctions = new WeakMap<Scope, PyFunction>();

  protected functionOf(scope: Scope): PyFunction | undefined {
    return this.scopeFunctions.get(scope);
  }

  // ---- calls -----------------------------------------------------------------------------

  protected evalCall(e: ExprOf<'call'>, scope: Scope): PyValue {
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

  protected makeFunction(s: StmtOf<'def'>, scope: Scope): PyFunction {
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

  protected makeLambda(e: ExprOf<'lambda'>, scope: Scope): PyFunction {
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

  protected applyDecorators(decorators: Expr[], value: PyValue, scope: Scope): PyValue {
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

  protected makeClass(s: StmtOf<'class'>, scope: Scope): PyClass {
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
}
