/**
 * Expressions: literals, names, displays, operators (dispatched to operators.ts, which sends
 * traced operands to the tracer), boolean and chained comparisons with Python's short-circuits,
 * subscripts and slices, attributes, lambdas, the walrus, and f-strings with their conversions and
 * format specs. Calls and comprehensions are the layers below; statements the one above.
 */
import type { Expr, ExprOf } from '../ast';
import { typeName } from './objects';
import { formatValue } from './format';
import { NONE, Scope, pyBool, pyInt, pyFloat, pyStr, type PyDict, type PyValue } from './values';
import { InterpreterComprehensions } from './interpreterComprehensions';

export abstract class InterpreterExpressions extends InterpreterComprehensions {
  abstract lookup(name: string, scope: Scope): PyValue;
  protected abstract bind(name: string, value: PyValue, scope: Scope): void;

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

  protected evalItems(elts: Expr[], scope: Scope): PyValue[] {
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

  protected subscriptIndex(e: ExprOf<'subscript'>, scope: Scope): PyValue {
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
}
