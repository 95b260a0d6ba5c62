/**
 * Python's operators over every kind of value, in one place: traced values go to the tracer,
 * tensors to the concrete tensor library, Python numbers to numbers.ts, and the containers
 * (str, list, tuple, set, dict) are handled here. A number that carries a parameter's IR (`sym`,
 * see values.ts) keeps it through arithmetic, so `KERNEL // 2` is still a uniform on the GPU.
 *
 * This module has the arithmetic, unary, comparison and membership operators; truth, iteration,
 * len() and item access are the base class's (valueProtocols.ts).
 */
import type { BinaryOp, CompareOp, UnaryOp } from '../ast';
import type { Ir } from '../ir';
import { I32_MAX, I32_MIN } from '../semantics';
import type { SourceSpan } from '../types';
import { percentFormat } from './format';
import { compareNumbers, intValue, isNumber, numberBinary, type PyNumber } from './numbers';
import { hashKey, itemEquals, pyEquals, pyRepr, pyStrOf, typeName } from './objects';
import {
  tensorAttribute,
  tensorBinary,
  tensorCompare,
  tensorInplace,
  tensorUnary,
} from './torchConcrete';
import { TraceError } from './pyerrors';
import { CONTROL_FLOW_MESSAGE } from './traced';
import { tracedAttribute } from './tracedMethods';
import { FALSE, TRUE, pyBool, pyFloat, pyInt, pyStr, type PyValue } from './values';
import { isTraced, ValueProtocols } from './valueProtocols';

/**
 * A number derived from a parameter keeps its IR only while that IR stays shallow. Setup code
 * that accumulates into a top-level number in a loop (`total = 0`, then `total += w` a thousand
 * times) would otherwise build a chain as deep as the loop and hit the IR's height limit. Past
 * this height the number is just its value, as it is to PyTorch: a slider on it then rebuilds
 * the shader, like any other constant.
 */
const MAX_PARAM_IR_HEIGHT = 32;

function carriesParam(v: PyValue): boolean {
  return (v.kind === 'int' || v.kind === 'float' || v.kind === 'bool') && v.sym !== undefined;
}

export class Operators extends ValueProtocols {
  private unsupported(op: string, a: PyValue, b: PyValue): never {
    return this.runtime.raise(
      'TypeError',
      `unsupported operand type(s) for ${op}: '${typeName(a)}' and '${typeName(b)}'`,
    );
  }

  // ---- binary ------------------------------------------------------------------------------

  binary(op: BinaryOp, a: PyValue, b: PyValue, span: SourceSpan): PyValue {
    if (isTraced(a) || isTraced(b))
      return this.traced(() => this.runtime.tracer.binary(op, a, b, span));
    if (a.kind === 'tensor' || b.kind === 'tensor')
      return this.withSpan(span, () => tensorBinary(op, a, b, this.ctx));
    if (isNumber(a) && isNumber(b)) return this.numbers(op, a, b, span);
    return this.containers(op, a, b);
  }

  private numbers(op: BinaryOp, a: PyNumber, b: PyNumber, span: SourceSpan): PyValue {
    const result = numberBinary(op, a, b);
    if (result === undefined) return this.unsupported(op, a, b);
    if (!carriesParam(a) && !carriesParam(b)) return result;
    // Keep the parameter's IR through arithmetic when it still fits the traced types.
    try {
      const tracer = this.runtime.tracer;
      const x = tracer.toIr(a, span);
      const y = tracer.toIr(b, span);
      if (x === undefined || y === undefined) return result;
      if (Math.max(x.height, y.height) >= MAX_PARAM_IR_HEIGHT) return result;
      return withSym(result, tracer.binaryIr(op, x, y, span));
    } catch (error) {
      if (error instanceof TraceError) return result;
      throw error;
    }
  }

  private containers(op: BinaryOp, a: PyValue, b: PyValue): PyValue {
    if (op === '+') {
      if (a.kind === 'str' && b.kind === 'str') {
        this.runtime.budget.checkItems(a.value.length + b.value.length, 'string');
        return pyStr(a.value + b.value);
      }
      if (a.kind === 'list' && b.kind === 'list')
        return { kind: 'list', items: this.joined(a.items, b.items) };
      if (a.kind === 'tuple' && b.kind === 'tuple')
        return { kind: 'tuple', items: this.joined(a.items, b.items) };
      if (a.kind === 'str' || a.kind === 'list' || a.kind === 'tuple')
        return this.runtime.raise(
          'TypeError',
          `can only concatenate ${a.kind} (not "${typeName(b)}") to ${a.kind}`,
        );
    }
    if (op === '*') {
      const [seq, count] = isNumber(b) ? [a, b] : [b, a];
      const n = isNumber(count) ? intValue(count) : undefined;
      if (n !== undefined) {
        const times = n < 0n ? 0 : Number(n);
        if (seq.kind === 'str') {
          this.runtime.budget.checkItems(seq.value.length * times, 'string');
          return pyStr(seq.value.repeat(times));
        }
        if (seq.kind === 'list' || seq.kind === 'tuple') {
          this.runtime.budget.checkItems(seq.items.length * times, seq.kind);
          const items: PyValue[] = [];
          for (let k = 0; k < times; k += 1) items.push(...seq.items);
          return { kind: seq.kind, items };
        }
      }
      const sequence = (v: PyValue): boolean =>
        v.kind === 'str' || v.kind === 'list' || v.kind === 'tuple';
      if (sequence(a) || sequence(b))
        return this.runtime.raise(
          'TypeError',
          `can't multiply sequence by non-int of type '${typeName(sequence(a) ? b : a)}'`,
        );
    }
    if (op === '%' && a.kind === 'str') return pyStr(percentFormat(a.value, b, this, this.ctx));
    if (a.kind === 'set' && b.kind === 'set') {
      const out = new Map(op === '-' || op === '&' ? [] : a.entries);
      if (op === '|') for (const [k, v] of b.entries) out.set(k, v);
      else if (op === '&')
        for (const [k, v] of a.entries) {
          if (b.entries.has(k)) out.set(k, v);
        }
      else if (op === '-')
        for (const [k, v] of a.entries) {
          if (!b.entries.has(k)) out.set(k, v);
        }
      else if (op === '^') {
        for (const [k, v] of b.entries) {
          if (out.has(k)) out.delete(k);
          else out.set(k, v);
        }
      } else return this.unsupported(op, a, b);
      return { kind: 'set', entries: out, frozen: a.frozen };
    }
    if (op === '|' && a.kind === 'dict' && b.kind === 'dict') {
      return { kind: 'dict', entries: new Map([...a.entries, ...b.entries]) };
    }
    return this.unsupported(op, a, b);
  }

  private joined(a: PyValue[], b: PyValue[]): PyValue[] {
    this.runtime.budget.checkItems(a.length + b.length, 'list');
    return [...a, ...b];
  }

  /** `a op= b`: in place for lists, sets, dicts and tensors, as Python does; else `a op b`. */
  inplace(op: BinaryOp, a: PyValue, b: PyValue, span: SourceSpan): PyValue {
    if (a.kind === 'list' && op === '+') {
      const items = [...this.runtime.interp.iterate(b, span)];
      this.runtime.budget.checkItems(a.items.length + items.length, 'list');
      a.items.push(...items);
      return a;
    }
    if (a.kind === 'tensor' && !isTraced(b))
      return this.withSpan(span, () => tensorInplace(op, a, b, this.ctx));
    if (
      a.kind === 'set' &&
      b.kind === 'set' &&
      (op === '|' || op === '&' || op === '-' || op === '^')
    ) {
      const result = this.binary(op, a, b, span);
      if (result.kind === 'set') {
        a.entries.clear();
        for (const [k, v] of result.entries) a.entries.set(k, v);
      }
      return a;
    }
    return this.binary(op, a, b, span);
  }

  // ---- unary and comparison ----------------------------------------------------------------

  unary(op: UnaryOp, a: PyValue, span: SourceSpan): PyValue {
    if (op === 'not') return pyBool(!this.truth(a, span));
    if (isTraced(a)) return this.traced(() => this.runtime.tracer.unary(op, a, span));
    if (a.kind === 'tensor') return this.withSpan(span, () => tensorUnary(op, a, this.ctx));
    if (isNumber(a)) {
      const i = intValue(a);
      let result: PyValue;
      if (op === '+') result = i !== undefined ? pyInt(i) : a;
      else if (op === '-')
        result = i !== undefined ? pyInt(-i) : pyFloat(-(a as { value: number }).value);
      else if (i !== undefined) result = pyInt(-i - 1n);
      else return this.runtime.raise('TypeError', "bad operand type for unary ~: 'float'");
      if (!carriesParam(a) || op === '+')
        return carriesParam(a) && a.sym ? withSym(result, a.sym) : result;
      try {
        const tracer = this.runtime.tracer;
        const x = tracer.toIr(a, span);
        return x ? withSym(result, tracer.unaryIr(op, x, span)) : result;
      } catch (error) {
        if (error instanceof TraceError) return result;
        throw error;
      }
    }
    return this.runtime.raise('TypeError', `bad operand type for unary ${op}: '${typeName(a)}'`);
  }

  compare(op: CompareOp, a: PyValue, b: PyValue, span: SourceSpan): PyValue {
    if (op === 'is' || op === 'is not') {
      const same =
        a === b ||
        (a.kind === b.kind &&
          (a.kind === 'none' ||
            a.kind === 'ellipsis' ||
            (a.kind === 'bool' && b.kind === 'bool' && a.value === b.value)));
      return pyBool(op === 'is' ? same : !same);
    }
    if (op === 'in' || op === 'not in') {
      const found = this.contains(b, a, span);
      return pyBool(op === 'in' ? found : !found);
    }
    if (isTraced(a) || isTraced(b))
      return this.traced(() => this.runtime.tracer.compare(op, a, b, span));
    if (a.kind === 'tensor' || b.kind === 'tensor')
      return this.withSpan(span, () => tensorCompare(op, a, b, this.ctx));
    if (isNumber(a) && isNumber(b)) {
      const c = compareNumbers(a, b);
      const result = pyBool(
        op === '=='
          ? c === 0
          : op === '!='
            ? c !== 0
            : op === '<'
              ? c < 0
              : op === '<='
                ? c <= 0
                : op === '>'
                  ? c > 0
                  : c >= 0,
      );
      if (!carriesParam(a) && !carriesParam(b)) return result;
      try {
        const tracer = this.runtime.tracer;
        const x = tracer.toIr(a, span);
        const y = tracer.toIr(b, span);
        return x && y ? withSym(result, tracer.compareIr(op, x, y, span)) : result;
      } catch (error) {
        if (error instanceof TraceError) return result;
        throw error;
      }
    }
    if (op === '==') return pyBool(pyEquals(a, b));
    if (op === '!=') return pyBool(!pyEquals(a, b));
    if (a.kind === 'set' && b.kind === 'set') {
      // Sets are ordered by inclusion: `a <= b` is "a is a subset of b".
      const [small, big] = op === '<' || op === '<=' ? [a, b] : [b, a];
      const subset = [...small.entries.keys()].every((k) => big.entries.has(k));
      const strict = op === '<' || op === '>';
      return pyBool(subset && (!strict || small.entries.size < big.entries.size));
    }
    const c = this.order(a, b, op);
    return pyBool(op === '<' ? c < 0 : op === '<=' ? c <= 0 : op === '>' ? c > 0 : c >= 0);
  }

  /** Python's ordering for numbers, strings, tuples and lists (lexicographic). */
  order(a: PyValue, b: PyValue, op: string = '<'): number {
    if (isNumber(a) && isNumber(b)) return compareNumbers(a, b);
    if (a.kind === 'str' && b.kind === 'str')
      return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
    if ((a.kind === 'tuple' || a.kind === 'list') && b.kind === a.kind) {
      const n = Math.min(a.items.length, b.items.length);
      for (let k = 0; k < n; k += 1) {
        if (!itemEquals(a.items[k], b.items[k])) return this.order(a.items[k], b.items[k], op);
      }
      return a.items.length - b.items.length;
    }
    if (isTraced(a) || isTraced(b)) this.fail(new TraceError('RuntimeError', CONTROL_FLOW_MESSAGE));
    return this.runtime.raise(
      'TypeError',
      `'${op}' not supported between instances of '${typeName(a)}' and '${typeName(b)}'`,
    );
  }

  private contains(container: PyValue, item: PyValue, span: SourceSpan): boolean {
    if (isTraced(item) || isTraced(container))
      this.fail(new TraceError('RuntimeError', CONTROL_FLOW_MESSAGE));
    switch (container.kind) {
      case 'str':
        if (item.kind !== 'str')
          return this.runtime.raise('TypeError', "'in <string>' requires string as left operand");
        return container.value.includes(item.value);
      case 'dict':
        return container.entries.has(this.runtime.interp.keyOf(item));
      case 'set':
        return container.entries.has(this.runtime.interp.keyOf(item));
      case 'range': {
        if (!isNumber(item)) return false;
        const i = intValue(item);
        if (i === undefined) return false;
        const { start, stop, step } = container;
        const inside = step > 0n ? i >= start && i < stop : i <= start && i > stop;
        return inside && (i - start) % step === 0n;
      }
      default:
        for (const x of this.runtime.interp.iterate(container, span)) {
          if (x.kind === 'tensor' || item.kind === 'tensor') {
            if (this.truth(this.compare('==', x, item, span), span)) return true;
          } else if (itemEquals(x, item)) return true;
        }
        return false;
    }
  }

  // ---- tensors, traced values, text --------------------------------------------------------

  tensorAttribute(object: PyValue, name: string): PyValue | undefined {
    if (object.kind === 'tensor') return tensorAttribute(object.array, name, this.ctx);
    if (object.kind === 'sym' || object.kind === 'symtable')
      return tracedAttribute(object, name, this.runtime);
    if (object.kind === 'dtype') {
      if (name === 'is_floating_point')
        return pyBool(object.dtype === 'float32' || object.dtype === 'float64');
      if (name === 'itemsize')
        return pyInt(
          object.dtype === 'float64' || object.dtype === 'int64'
            ? 8
            : object.dtype === 'bool' || object.dtype === 'uint8'
              ? 1
              : 4,
        );
    }
    if (object.kind === 'device' && name === 'type') return pyStr(object.name);
    return undefined;
  }

  str(v: PyValue): string {
    return pyStrOf(v);
  }

  repr(v: PyValue): string {
    return pyRepr(v, 100_000);
  }

  hashable(v: PyValue): boolean {
    return hashKey(v) !== undefined;
  }
}

/** A copy of a number with a parameter's IR attached (never mutates the shared True/False). */
function withSym(result: PyNumber, ir: Ir): PyValue {
  if (result.kind === 'int') {
    if (ir.type !== 'int' || result.value > BigInt(I32_MAX) || result.value < BigInt(I32_MIN))
      return result;
    return { kind: 'int', value: result.value, sym: ir };
  }
  if (result.kind === 'float')
    return ir.type === 'float' ? { kind: 'float', value: result.value, sym: ir } : result;
  if (ir.type !== 'bool') return result;
  return { kind: 'bool', value: result === TRUE || (result !== FALSE && result.value), sym: ir };
}
