/**
 * The program tensors of a trace: the setup tensors and top-level list literals that mask_mod or
 * score_mod read at traced indices, each registered once (by identity) as a lookup table with its
 * shape, element type and row-major values, within the table limits. The back ends upload them
 * and the IR's `tensor` nodes read them. The tracer (traced.ts) decides when a read is traced;
 * this module only turns a container into a table.
 */
import { I32_MAX, I32_MIN } from '../semantics';
import type { ScalarType, TensorInfo } from '../types';
import { UNLIMITED, valuesOf, type NdArray } from '../tensor/ndarray';
import { isNumber, toFloat } from './numbers';
import { TraceError } from './pyerrors';
import type { PyList, PyValue } from './values';

export interface TableLimits {
  /** Elements of one program tensor. */
  maxTableElements: number;
  /** Dimensions of one program tensor read at traced indices. */
  maxTableRank: number;
}

/** The scalar types from the narrowest to the widest. */
export const TYPE_OF_RANK: ScalarType[] = ['bool', 'int', 'float'];

export class ProgramTensors {
  /** The tables registered so far; a table's index here is its number in the IR. */
  readonly tensors: TensorInfo[] = [];
  private words = 0;
  private readonly known = new Map<object, number>();

  constructor(private readonly limits: TableLimits) {}

  /** The program tensor of a setup tensor or a top-level list literal (registered once). */
  tableOf(container: PyValue, nameHint: string): number {
    const key = container.kind === 'tensor' ? container.array : container;
    const known = this.known.get(key);
    if (known !== undefined) return known;
    let shape: number[];
    let values: number[];
    let type: ScalarType;
    if (container.kind === 'tensor') {
      if (container.array.numel > this.limits.maxTableElements) {
        throw new TraceError(
          'LimitError',
          `the tensor '${nameHint}' read at traced indices has ${container.array.numel} elements (the limit is ${this.limits.maxTableElements})`,
        );
      }
      shape = [...container.array.shape];
      type = scalarTypeOf(container.array);
      values = Array.from(valuesOf(container.array, UNLIMITED));
    } else if (container.kind === 'list' && container.literalOf) {
      ({ shape, values, type } = listTable(container));
    } else if (container.kind === 'list' || container.kind === 'tuple') {
      throw new TraceError(
        'TypeError',
        `${container.kind} indices must be integers or slices, not Tensor: read traced indices from a tensor (torch.tensor(...))`,
      );
    } else {
      throw new TraceError(
        'TypeError',
        `'${container.kind}' object is not subscriptable by a traced index`,
      );
    }
    if (shape.length === 0) throw new TraceError('IndexError', 'invalid index of a 0-dim tensor');
    if (shape.length > this.limits.maxTableRank) {
      throw new TraceError(
        'NotImplementedError',
        `a tensor read at traced indices may have at most ${this.limits.maxTableRank} dimensions; this one has ${shape.length}`,
      );
    }
    if (values.length > this.limits.maxTableElements) {
      throw new TraceError(
        'LimitError',
        `the tensor '${nameHint}' read at traced indices has ${values.length} elements (the limit is ${this.limits.maxTableElements})`,
      );
    }
    if (type === 'int') values = values.map(checkInt);
    const index = this.tensors.length;
    this.tensors.push({
      name: nameHint,
      type,
      shape,
      values,
      offset: this.words,
      span: { start: 0, end: 0 },
    });
    this.words += values.length;
    this.known.set(key, index);
    return index;
  }
}

export function checkInt(value: number): number {
  if (value > I32_MAX || value < I32_MIN || !Number.isInteger(value)) {
    throw new TraceError(
      'OverflowError',
      `the integer ${value} does not fit in 32 bits: tensors read at traced indices hold int32 on the GPU`,
    );
  }
  return value;
}

export function scalarTypeOf(array: NdArray): ScalarType {
  if (array.dtype === 'bool') return 'bool';
  return array.dtype === 'float32' || array.dtype === 'float64' ? 'float' : 'int';
}

/** A rectangular nested list of numbers, as a table: shape, row-major values, element type. */
function listTable(list: PyList): { shape: number[]; values: number[]; type: ScalarType } {
  const shape: number[] = [];
  for (
    let level: PyValue = list;
    level.kind === 'list' || level.kind === 'tuple';
    level = level.items[0]
  ) {
    shape.push(level.items.length);
    if (level.items.length === 0) break;
  }
  const values: number[] = [];
  let rank = 0;
  const stack: { value: PyValue; depth: number }[] = [{ value: list, depth: 0 }];
  while (stack.length > 0) {
    const { value, depth } = stack.pop() as { value: PyValue; depth: number };
    if (depth < shape.length) {
      if (
        (value.kind !== 'list' && value.kind !== 'tuple') ||
        value.items.length !== shape[depth]
      ) {
        throw new TraceError(
          'ValueError',
          `a lookup table must be rectangular: expected a sequence of length ${shape[depth]} at dim ${depth}`,
        );
      }
      for (let k = value.items.length - 1; k >= 0; k -= 1)
        stack.push({ value: value.items[k], depth: depth + 1 });
      continue;
    }
    if (!isNumber(value))
      throw new TraceError('TypeError', 'a lookup table holds numbers only (bools, ints, floats)');
    rank = Math.max(rank, value.kind === 'bool' ? 0 : value.kind === 'int' ? 1 : 2);
    values.push(value.kind === 'bool' ? (value.value ? 1 : 0) : toFloat(value));
  }
  if (values.length === 0)
    throw new TraceError('ValueError', 'an empty list cannot be a lookup table');
  return { shape, values, type: TYPE_OF_RANK[rank] };
}
