/**
 * The setup evaluator: runs a parsed program as Python, over flexmask's own values, never through
 * a JavaScript evaluator. Python's scoping (locals decided per function, closures, global and
 * nonlocal), calls with defaults, keywords, `*args` and `**kwargs`, comprehensions, loops,
 * exceptions with try/except, and a traceback through the calls when something is raised.
 *
 * It also drives tracing: mask_mod and score_mod are ordinary functions called with traced
 * arguments (values of kind `sym`); the operators dispatch those to the tracer (operators.ts).
 * Every step is charged to a Budget, so no program can run long or grow big.
 *
 * This module is the top of the evaluator's chain of classes and holds the statements: blocks
 * and their completions (return, break, continue), loops, try / except / finally, imports, and
 * names and assignment (Python's local / global / nonlocal binding, unpacking, augmented
 * assignment, del). The layers below it are, from the top: interpreterExpressions,
 * interpreterComprehensions, interpreterCalls, interpreterAttributes, interpreterFrames.
 */
import type { Expr, Stmt, StmtOf } from '../ast';
import type { SourceSpan } from '../types';
import { typeName } from './objects';
import { PyRaise } from './pyerrors';
import { NONE, Scope, pyStr, type PyValue } from './values';
import { InterpreterExpressions } from './interpreterExpressions';
import { BREAK, CONTINUE, NORMAL, RETURN, type Completion } from './interpreterFrames';

export class Interpreter extends InterpreterExpressions {
  /** The exceptions whose `except` blocks are running, innermost last (for a bare `raise`). */
  private readonly handling: PyRaise[] = [];

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

  protected bind(name: string, value: PyValue, scope: Scope): void {
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

  protected assign(target: Expr, value: PyValue, scope: Scope, stmt: Stmt | undefined): void {
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
}
