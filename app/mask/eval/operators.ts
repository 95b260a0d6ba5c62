/**
 * Python's operators over every kind of value, in one place: traced values go to the tracer,
 * tensors to the concrete tensor library, Python numbers to numbers.ts, and the containers
 * (str, list, tuple, set, dict) are handled here. A number that carries a parameter's IR (`sym`,
 * see values.ts) keeps it through arithmetic, so `KERNEL // 2` is still a uniform on the GPU.
 */
import type { BinaryOp, CompareOp, UnaryOp } from '../ast';
import type { Ir } from '../ir';
import { I32_MAX, I32_MIN } from '../semantics';
import type { SourceSpan } from '../types';
import { percentFormat } from './format';
import { compareNumbers, intValue, isNumber, numberBinary, type PyNumber } from './numbers';
import { hashKey, itemEquals, pyEquals, pyRepr, pyStrOf, typeName } from './objects';
import type { Runtime } from './runtime';
import {
  tensorAttribute,
  tensorBinary,
  tensorCompare,
  tensorGetItem,
  tensorIndex,
  tensorInplace,
  tensorIterate,
  tensorLength,
  tensorSetItem,
  tensorTruth,
  tensorUnary,
} from './torchConcrete';
import { CONTROL_FLOW_MESSAGE, TraceError } from './traced';
import { tracedAttribute } from './tracedMethods';
import {
  FALSE,
  TRUE,
  pyBool,
  pyFloat,
  pyInt,
  pyStr,
  type CallContext,
  type PyValue,
} from './values';

function isTraced(v: PyValue): boolean {
  return v.kind === 'sym' || v.kind === 'symtable';
}

function carriesParam(v: PyValue): boolean {
  return (v.kind === 'int' || v.kind === 'float' || v.kind === 'bool') && v.sym !== undefined;
}

export class Operators {
  constructor(
    private readonly runtime: Runtime,
    private readonly ctx: CallContext,
  ) {}

  private fail(error: TraceError): never {
    return this.runtime.raiseTrace(error);
  }

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

  // ---- truth and iteration -----------------------------------------------------------------

  truth(v: PyValue, span: SourceSpan): boolean {
    switch (v.kind) {
      case 'none':
        return false;
      case 'bool':
        return v.value;
      case 'int':
        return v.value !== 0n;
      case 'float':
        return v.value !== 0;
      case 'str':
        return v.value.length > 0;
      case 'tuple':
      case 'list':
        return v.items.length > 0;
      case 'dict':
      case 'set':
        return v.entries.size > 0;
      case 'range':
        return this.rangeLength(v) > 0n;
      case 'tensor':
        return this.withSpan(span, () => tensorTruth(v.array, this.ctx));
      case 'sym':
      case 'symtable':
        return this.fail(new TraceError('RuntimeError', CONTROL_FLOW_MESSAGE));
      default:
        return true;
    }
  }

  rangeLength(r: { start: bigint; stop: bigint; step: bigint }): bigint {
    const { start, stop, step } = r;
    if (step > 0n) return stop > start ? (stop - start + step - 1n) / step : 0n;
    return start > stop ? (start - stop - step - 1n) / -step : 0n;
  }

  /** Whether `iterable` accepts the value (traced values answer there, with their own errors). */
  isIterable(v: PyValue): boolean {
    return [
      'list',
      'tuple',
      'str',
      'dict',
      'set',
      'range',
      'iterator',
      'tensor',
      'sym',
      'symtable',
    ].includes(v.kind);
  }

  /** The items of an iterable value (lazily for ranges and iterators). */
  iterable(v: PyValue, span: SourceSpan): Iterable<PyValue> {
    switch (v.kind) {
      case 'list':
        return liveList(v.items);
      case 'tuple':
        return v.items;
      case 'str':
        return [...v.value].map(pyStr);
      case 'dict':
        return this.watched(v.entries, 'dictionary', (e) => e.key);
      case 'set':
        return this.watched(v.entries, 'Set', (x) => x);
      case 'range':
        return rangeItems(v.start, v.stop, v.step);
      case 'iterator':
        return iteratorItems(v.next);
      case 'tensor':
        return this.withSpan(span, () => tensorIterate(v.array, this.ctx));
      case 'sym':
        return this.fail(new TraceError('TypeError', 'iteration over a 0-d tensor'));
      case 'symtable':
        return this.fail(
          new TraceError(
            'NotImplementedError',
            'iterating over a table read at traced indices: index it with constants instead',
          ),
        );
      default:
        return this.runtime.raise('TypeError', `'${typeName(v)}' object is not iterable`);
    }
  }

  /** A dict's or set's items, live, with Python's error when the loop adds or removes some. */
  private *watched<T>(
    entries: Map<string, T>,
    what: string,
    item: (entry: T) => PyValue,
  ): Generator<PyValue> {
    const size = entries.size;
    for (const entry of entries.values()) {
      if (entries.size !== size) break;
      yield item(entry);
    }
    if (entries.size !== size)
      this.runtime.raise('RuntimeError', `${what} changed size during iteration`);
  }

  length(v: PyValue): number {
    switch (v.kind) {
      case 'list':
      case 'tuple':
        return v.items.length;
      case 'str':
        return [...v.value].length;
      case 'dict':
      case 'set':
        return v.entries.size;
      case 'range':
        return Number(this.rangeLength(v));
      case 'tensor':
        return tensorLength(v.array, this.ctx);
      case 'symtable':
        return v.shape[0];
      case 'sym':
        return this.runtime.raise('TypeError', 'len() of a 0-d tensor');
      default:
        return this.runtime.raise('TypeError', `object of type '${typeName(v)}' has no len()`);
    }
  }

  // ---- items -------------------------------------------------------------------------------

  getItem(container: PyValue, index: PyValue, span: SourceSpan, nameHint = 'table'): PyValue {
    const tracer = this.runtime.tracer;
    if (tracer.isTracedIndex(container, index)) {
      return this.traced(() => tracer.index(container, index, span, nameHint));
    }
    switch (container.kind) {
      case 'tensor':
        return this.withSpan(span, () => tensorGetItem(container.array, index, this.ctx));
      case 'list':
      case 'tuple':
      case 'str':
        return this.sequenceItem(container, index);
      case 'dict': {
        const entry = container.entries.get(this.runtime.interp.keyOf(index));
        if (entry === undefined) return this.runtime.raise('KeyError', pyRepr(index, 200), [index]);
        return entry.value;
      }
      case 'range': {
        const n = this.rangeLength(container);
        if (index.kind === 'slice') {
          const { start, stop, step } = this.sliceBounds(index, Number(n));
          const at = (k: number): bigint => container.start + BigInt(k) * container.step;
          return {
            kind: 'range',
            start: at(start),
            stop: at(stop),
            step: container.step * BigInt(step),
          };
        }
        const i = this.normalIndex(index, Number(n), 'range object');
        return pyInt(container.start + BigInt(i) * container.step);
      }
      case 'class':
      case 'opaque':
        // typing annotations: `Callable[[Tensor], Tensor]`, `tuple[int, int]`.
        return { kind: 'opaque', name: `${typeName(container)}[...]` };
      case 'sym':
        return this.fail(new TraceError('IndexError', 'invalid index of a 0-dim tensor'));
      default:
        return this.runtime.raise(
          'TypeError',
          `'${typeName(container)}' object is not subscriptable`,
        );
    }
  }

  private sequenceItem(seq: PyValue & { kind: 'list' | 'tuple' | 'str' }, index: PyValue): PyValue {
    const items = seq.kind === 'str' ? [...seq.value].map(pyStr) : seq.items;
    if (index.kind === 'slice') {
      const picked = this.sliceIndices(index, items.length).map((k) => items[k]);
      if (seq.kind === 'str')
        return pyStr(picked.map((p) => (p.kind === 'str' ? p.value : '')).join(''));
      return { kind: seq.kind, items: picked };
    }
    if (index.kind === 'tensor' && index.array.shape.length === 0) {
      return this.sequenceItem(seq, pyInt(tensorIndex(index.array, this.ctx)));
    }
    return items[this.normalIndex(index, items.length, seq.kind === 'str' ? 'string' : seq.kind)];
  }

  private normalIndex(index: PyValue, length: number, what: string): number {
    const i = isNumber(index) && index.kind !== 'float' ? intValue(index) : undefined;
    if (i === undefined) {
      const kind = what.split(' ')[0];
      return this.runtime.raise(
        'TypeError',
        kind === 'string'
          ? `string indices must be integers, not '${typeName(index)}'`
          : `${kind} indices must be integers or slices, not ${typeName(index)}`,
      );
    }
    const k = i < 0n ? i + BigInt(length) : i;
    if (k < 0n || k >= BigInt(length))
      return this.runtime.raise('IndexError', `${what} index out of range`);
    return Number(k);
  }

  /** Python's slice.indices(length): the start, stop and step a slice means for `length` items. */
  sliceBounds(
    s: PyValue & { kind: 'slice' },
    length: number,
  ): { start: number; stop: number; step: number } {
    const part = (v: PyValue, fallback: number): number => {
      if (v.kind === 'none') return fallback;
      const i = isNumber(v) && v.kind !== 'float' ? intValue(v) : undefined;
      if (i === undefined)
        return this.runtime.raise(
          'TypeError',
          'slice indices must be integers or None or have an __index__ method',
        );
      return Number(i);
    };
    const step = part(s.step, 1);
    if (step === 0) return this.runtime.raise('ValueError', 'slice step cannot be zero');
    const bound = (v: PyValue, fallback: number): number => {
      if (v.kind === 'none') return fallback;
      const i = part(v, 0);
      const j = i < 0 ? i + length : i;
      if (j < 0) return step < 0 ? -1 : 0;
      return j >= length ? (step < 0 ? length - 1 : length) : j;
    };
    return {
      start: bound(s.start, step < 0 ? length - 1 : 0),
      stop: bound(s.stop, step < 0 ? -1 : length),
      step,
    };
  }

  /** The positions a slice picks from a sequence of `length` items. */
  sliceIndices(s: PyValue & { kind: 'slice' }, length: number): number[] {
    const { start, stop, step } = this.sliceBounds(s, length);
    const out: number[] = [];
    for (let k = start; step > 0 ? k < stop : k > stop; k += step) out.push(k);
    return out;
  }

  setItem(container: PyValue, index: PyValue, value: PyValue, span: SourceSpan): void {
    if (isTraced(index) || isTraced(value)) {
      this.fail(
        new TraceError(
          'NotImplementedError',
          'writing into a tensor at a traced index (or a traced value into a tensor) is not supported while tracing; build the value with torch.where',
        ),
      );
    }
    switch (container.kind) {
      case 'tensor':
        this.withSpan(span, () => tensorSetItem(container.array, index, value, this.ctx));
        return;
      case 'list': {
        if (index.kind === 'slice') {
          const items = [...this.runtime.interp.iterate(value, span)];
          const { start, stop, step } = this.sliceBounds(index, container.items.length);
          const positions = this.sliceIndices(index, container.items.length);
          if (step === 1) {
            container.items.splice(start, Math.max(0, stop - start), ...items);
          } else {
            if (items.length !== positions.length)
              this.runtime.raise(
                'ValueError',
                `attempt to assign sequence of size ${items.length} to extended slice of size ${positions.length}`,
              );
            positions.forEach((p, k) => {
              container.items[p] = items[k];
            });
          }
          return;
        }
        container.items[this.normalIndex(index, container.items.length, 'list assignment')] = value;
        return;
      }
      case 'dict':
        this.runtime.dictSet(container, index, value);
        return;
      default:
        this.runtime.raise(
          'TypeError',
          `'${typeName(container)}' object does not support item assignment`,
        );
    }
  }

  delItem(container: PyValue, index: PyValue, span: SourceSpan): void {
    if (container.kind === 'list') {
      if (index.kind === 'slice') {
        const drop = new Set(this.sliceIndices(index, container.items.length));
        const kept = container.items.filter((_, k) => !drop.has(k));
        container.items.splice(0, container.items.length, ...kept);
        return;
      }
      container.items.splice(this.normalIndex(index, container.items.length, 'list assignment'), 1);
      return;
    }
    if (container.kind === 'dict') {
      if (!container.entries.delete(this.runtime.interp.keyOf(index)))
        this.runtime.raise('KeyError', pyRepr(index, 200), [index]);
      return;
    }
    void span;
    this.runtime.raise(
      'TypeError',
      `'${typeName(container)}' object does not support item deletion`,
    );
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

  /** Runs a tensor-library call with the context's span set to `span`. */
  private withSpan<T>(span: SourceSpan, body: () => T): T {
    const saved = this.ctx.span;
    this.ctx.span = span;
    try {
      return body();
    } finally {
      this.ctx.span = saved;
    }
  }

  private traced<T>(body: () => T): T {
    try {
      return body();
    } catch (error) {
      if (error instanceof TraceError) return this.fail(error);
      throw error;
    }
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

function* liveList(items: PyValue[]): Generator<PyValue> {
  for (let k = 0; k < items.length; k += 1) yield items[k];
}

function* rangeItems(start: bigint, stop: bigint, step: bigint): Generator<PyValue> {
  if (step > 0n) for (let i = start; i < stop; i += step) yield pyInt(i);
  else for (let i = start; i > stop; i += step) yield pyInt(i);
}

function* iteratorItems(next: () => PyValue | undefined): Generator<PyValue> {
  for (let v = next(); v !== undefined; v = next()) yield v;
}
