/**
 * What Python asks of a value besides its operators: truth (`if x`), iteration (lazily for
 * ranges and iterators, with Python's error when a dict changes size in a loop), len(), and item
 * access (`x[i]`, `x[i] = v`, `del x[i]`, slices with Python's slice.indices). Traced values go to
 * the tracer, tensors to the concrete tensor library, containers are handled here. It is the base
 * of Operators (operators.ts), which adds arithmetic and comparisons; both share the runtime, the
 * call context and the helpers that route tracer and tensor errors.
 */
import type { SourceSpan } from '../types';
import { intValue, isNumber } from './numbers';
import { pyRepr, typeName } from './objects';
import type { Runtime } from './runtime';
import {
  tensorGetItem,
  tensorIndex,
  tensorIterate,
  tensorLength,
  tensorSetItem,
  tensorTruth,
} from './torchConcrete';
import { TraceError } from './pyerrors';
import { CONTROL_FLOW_MESSAGE } from './traced';
import { pyInt, pyStr, type CallContext, type PyValue } from './values';

export function isTraced(v: PyValue): boolean {
  return v.kind === 'sym' || v.kind === 'symtable';
}

export class ValueProtocols {
  constructor(
    protected readonly runtime: Runtime,
    protected readonly ctx: CallContext,
  ) {}

  protected fail(error: TraceError): never {
    return this.runtime.raiseTrace(error);
  }

  /** Runs a tensor-library call with the context's span set to `span`. */
  protected withSpan<T>(span: SourceSpan, body: () => T): T {
    const saved = this.ctx.span;
    this.ctx.span = span;
    try {
      return body();
    } finally {
      this.ctx.span = saved;
    }
  }

  protected traced<T>(body: () => T): T {
    try {
      return body();
    } catch (error) {
      if (error instanceof TraceError) return this.fail(error);
      throw error;
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
