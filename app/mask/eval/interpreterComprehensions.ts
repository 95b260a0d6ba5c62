/**
 * Comprehensions: list, set and dict comprehensions evaluated eagerly in a scope of their own,
 * and generator expressions evaluated lazily (`any(...)` stops at the first true item), with the
 * first iterable evaluated in the enclosing scope as Python does. Their scopes are recorded so a
 * walrus inside one binds in the enclosing function.
 */
import type { Expr, ExprOf, Stmt } from '../ast';
import { typeName } from './objects';
import { Scope, type PyDict, type PyValue } from './values';
import { InterpreterCalls } from './interpreterCalls';

export abstract class InterpreterComprehensions extends InterpreterCalls {
  protected abstract assign(
    target: Expr,
    value: PyValue,
    scope: Scope,
    stmt: Stmt | undefined,
  ): void;

  protected readonly comprehensionScopes = new WeakSet<Scope>();

  protected evalComprehension(e: ExprOf<'comprehension'>, scope: Scope): PyValue {
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
}
