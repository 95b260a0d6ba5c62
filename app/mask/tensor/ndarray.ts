/**
 * The concrete tensors that setup code builds (`torch.arange`, `torch.cumsum`, a Floyd-Warshall
 * loop over an adjacency tensor): a strided n-d array over one Float64Array, with aliases that share
 * storage the way PyTorch's views do, so `x.diagonal().zero_()` or `x[0] |= x[1]` write into `x`.
 *
 * This file holds the array itself, the budget every allocation is charged to, shape helpers and
 * the strided walks. The aliasing operations (reshape, permute, expand, diagonal, ...) are in
 * strided.ts; element-wise ops, reductions, indexing, construction and printing live in the other
 * sibling modules. Nothing here knows Python
 * values: errors are TensorErrors naming the Python class the binding raises.
 */
import { MAX_RANK, TensorError, type DType } from './dtype';

export type { DType } from './dtype';

/** Where allocations are charged before they happen, so a giant request stops before memory. */
export interface Budget {
  charge(elements: number): void;
}

/** A budget that never refuses (tests, and internal scratch space the caller already charged). */
export const UNLIMITED: Budget = { charge: () => undefined };

/**
 * Above this a Float64Array cannot be allocated reliably in a browser tab anyway; the evaluator's
 * own budget is far lower, this only guards callers that pass UNLIMITED.
 */
const HARD_ELEMENT_LIMIT = 2 ** 28;

export class NdArray {
  constructor(
    readonly dtype: DType,
    readonly shape: number[],
    readonly strides: number[],
    readonly offset: number,
    readonly data: Float64Array,
  ) {}

  get ndim(): number {
    return this.shape.length;
  }

  get numel(): number {
    return shapeSize(this.shape);
  }

  /** The value at a multi-index (no bounds checks: callers index within the shape). */
  at(index: number[]): number {
    let o = this.offset;
    for (let d = 0; d < index.length; d++) o += index[d] * this.strides[d];
    return this.data[o];
  }

  /** True when the elements are laid out row-major without gaps (flat index = offset + i). */
  isContiguous(): boolean {
    let expected = 1;
    for (let d = this.shape.length - 1; d >= 0; d--) {
      if (this.shape[d] === 1) continue;
      if (this.strides[d] !== expected) return false;
      expected *= this.shape[d];
    }
    return true;
  }
}

export function shapeSize(shape: readonly number[]): number {
  let n = 1;
  for (const s of shape) n *= s;
  return n;
}

export function contiguousStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = s;
    s *= Math.max(shape[d], 1);
  }
  return strides;
}

export function checkRank(rank: number): void {
  if (rank > MAX_RANK) {
    throw new TensorError(
      'RuntimeError',
      `flexmask tensors have at most ${MAX_RANK} dimensions (this one would have ${rank})`,
    );
  }
}

/** Charges, then allocates storage for n elements. */
export function allocate(n: number, budget: Budget): Float64Array {
  budget.charge(n);
  if (n > HARD_ELEMENT_LIMIT) {
    throw new TensorError('RuntimeError', `a tensor of ${n} elements is too large for flexmask`);
  }
  return new Float64Array(n);
}

/** A new zero-filled contiguous array (rank checked, storage charged first). */
export function emptyArray(shape: number[], dtype: DType, budget: Budget): NdArray {
  checkRank(shape.length);
  for (const s of shape) {
    if (!Number.isInteger(s) || s < 0) {
      throw new TensorError(
        'RuntimeError',
        `Trying to create tensor with negative dimension ${s}: [${shape.join(', ')}]`,
      );
    }
  }
  const data = allocate(shapeSize(shape), budget);
  return new NdArray(dtype, shape.slice(), contiguousStrides(shape), 0, data);
}

/** A 0-d array holding one value (the wrapped Python scalars of mixed ops). */
export function scalarArray(value: number, dtype: DType): NdArray {
  return new NdArray(dtype, [], [], 0, Float64Array.of(value));
}

/** Resolves a possibly negative dim against a rank, with PyTorch's message when out of range. */
export function normalizeDim(dim: number, rank: number): number {
  const r = Math.max(rank, 1); // PyTorch lets dim 0 / -1 name the only "dim" of a 0-d tensor
  if (!Number.isInteger(dim) || dim < -r || dim >= r) {
    throw new TensorError(
      'IndexError',
      `Dimension out of range (expected to be in range of [${-r}, ${r - 1}], but got ${dim})`,
    );
  }
  return dim < 0 ? dim + r : dim;
}

/**
 * Visits every element of a strided array in row-major order with its storage offset. The
 * counter walk keeps the cost per element to one add in the common case.
 */
export function walk(
  shape: readonly number[],
  strides: readonly number[],
  offset: number,
  visit: (i: number, o: number) => void,
): void {
  const n = shapeSize(shape);
  if (n === 0) return;
  const nd = shape.length;
  const idx = new Array<number>(nd).fill(0);
  let o = offset;
  for (let i = 0; i < n; i++) {
    visit(i, o);
    for (let d = nd - 1; d >= 0; d--) {
      idx[d]++;
      o += strides[d];
      if (idx[d] < shape[d]) break;
      o -= strides[d] * shape[d];
      idx[d] = 0;
    }
  }
}

/** walk for two strided arrays of the same shape (broadcast ones have zero strides). */
export function walk2(
  shape: readonly number[],
  sa: readonly number[],
  oa: number,
  sb: readonly number[],
  ob: number,
  visit: (i: number, a: number, b: number) => void,
): void {
  const n = shapeSize(shape);
  if (n === 0) return;
  const nd = shape.length;
  const idx = new Array<number>(nd).fill(0);
  let a = oa;
  let b = ob;
  for (let i = 0; i < n; i++) {
    visit(i, a, b);
    for (let d = nd - 1; d >= 0; d--) {
      idx[d]++;
      a += sa[d];
      b += sb[d];
      if (idx[d] < shape[d]) break;
      a -= sa[d] * shape[d];
      b -= sb[d] * shape[d];
      idx[d] = 0;
    }
  }
}

/**
 * The values of an array in row-major order. A contiguous array returns a window on its storage
 * (callers must not write to it); anything else is copied, and the copy is charged.
 */
export function valuesOf(a: NdArray, budget: Budget): Float64Array {
  const n = a.numel;
  if (a.isContiguous()) return a.data.subarray(a.offset, a.offset + n);
  const out = allocate(n, budget);
  const data = a.data;
  walk(a.shape, a.strides, a.offset, (i, o) => {
    out[i] = data[o];
  });
  return out;
}

/** A contiguous copy that owns its storage (clone, and ops that must not alias their input). */
export function cloneArray(a: NdArray, budget: Budget): NdArray {
  const out = allocate(a.numel, budget);
  const data = a.data;
  walk(a.shape, a.strides, a.offset, (i, o) => {
    out[i] = data[o];
  });
  return new NdArray(a.dtype, a.shape.slice(), contiguousStrides(a.shape), 0, out);
}

// ---------------------------------------------------------------------------------------------
// Shapes

/** Broadcasts shapes, with PyTorch's message for the first pair that disagrees. */
export function broadcastShapes(...shapes: (readonly number[])[]): number[] {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(rank).fill(1);
  const from = new Array<number>(rank).fill(-1);
  shapes.forEach((shape, k) => {
    for (let i = 0; i < shape.length; i++) {
      const d = rank - shape.length + i;
      const s = shape[i];
      if (s === out[d] || s === 1) continue;
      if (out[d] === 1) {
        out[d] = s;
        from[d] = k;
        continue;
      }
      const [a, b] = from[d] < k ? [out[d], s] : [s, out[d]];
      throw new TensorError(
        'RuntimeError',
        `The size of tensor a (${a}) must match the size of tensor b (${b}) at non-singleton dimension ${d}`,
      );
    }
  });
  checkRank(rank);
  return out;
}

/** A zero-stride alias of `a` with the target shape (the caller checked broadcastability). */
export function broadcastTo(a: NdArray, shape: number[]): NdArray {
  const lead = shape.length - a.ndim;
  const strides = shape.map((s, d) => {
    if (d < lead) return 0;
    return a.shape[d - lead] === 1 && s !== 1 ? 0 : a.strides[d - lead];
  });
  return new NdArray(a.dtype, shape.slice(), strides, a.offset, a.data);
}

/**
 * The storage offsets of an array's elements in row-major order (for gathers and scatters). Not charged: the
 * callers charge the output of the same size first.
 */
export function offsetsOf(a: NdArray): Float64Array {
  const out = new Float64Array(a.numel);
  walk(a.shape, a.strides, a.offset, (i, o) => {
    out[i] = o;
  });
  return out;
}

/** walk for any number of same-shaped arrays; `offsets` is reused between visits. */
export function walkN(
  shape: readonly number[],
  arrays: readonly NdArray[],
  visit: (i: number, offsets: number[]) => void,
): void {
  const n = shapeSize(shape);
  if (n === 0) return;
  const nd = shape.length;
  const k = arrays.length;
  const idx = new Array<number>(nd).fill(0);
  const offsets = arrays.map((v) => v.offset);
  for (let i = 0; i < n; i++) {
    visit(i, offsets);
    for (let d = nd - 1; d >= 0; d--) {
      idx[d]++;
      for (let j = 0; j < k; j++) offsets[j] += arrays[j].strides[d];
      if (idx[d] < shape[d]) break;
      for (let j = 0; j < k; j++) offsets[j] -= arrays[j].strides[d] * shape[d];
      idx[d] = 0;
    }
  }
}
