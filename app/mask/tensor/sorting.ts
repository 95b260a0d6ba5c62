/**
 * Order-based operations: sort / argsort (always stable, NaN sorted as the largest value, as in
 * PyTorch), unique, nonzero, searchsorted and bucketize.
 */
import { TensorError } from './dtype';
import {
  NdArray,
  allocate,
  contiguousStrides,
  normalizeDim,
  valuesOf,
  walk,
  type Budget,
} from './ndarray';
import { forEachLine } from './reductions';

/** Ascending order with NaN after everything. */
export function compareValues(x: number, y: number): number {
  const nx = Number.isNaN(x);
  const ny = Number.isNaN(y);
  if (nx || ny) return nx === ny ? 0 : nx ? 1 : -1;
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * sort along a dim: the values and their original positions. The sort is stable in both
 * directions (equal values keep their order), which is what `stable=True` promises; PyTorch's
 * default sort on CPU behaves the same for the sizes masks use.
 */
export function sort(
  a: NdArray,
  dim: number,
  descending: boolean,
  budget: Budget,
): { values: NdArray; indices: NdArray } {
  const d = normalizeDim(dim, a.ndim);
  const src = valuesOf(a, budget);
  const values = allocate(src.length, budget);
  const indices = allocate(src.length, budget);
  const cmp = descending
    ? (x: number, y: number) => compareValues(y, x)
    : (x: number, y: number) => compareValues(x, y);
  forEachLine(a.shape, d, (base, step, n) => {
    const order = Array.from({ length: n }, (_, k) => k);
    order.sort((p, q) => cmp(src[base + p * step], src[base + q * step]));
    order.forEach((k, j) => {
      values[base + j * step] = src[base + k * step];
      indices[base + j * step] = k;
    });
  });
  const strides = contiguousStrides(a.shape);
  return {
    values: new NdArray(a.dtype, a.shape.slice(), strides, 0, values),
    indices: new NdArray('int64', a.shape.slice(), strides.slice(), 0, indices),
  };
}

export interface UniqueResult {
  values: NdArray;
  inverse: NdArray;
  counts: NdArray;
}

/** torch.unique over the flattened tensor: sorted distinct values, inverse indices, counts. */
export function unique(a: NdArray, budget: Budget): UniqueResult {
  const src = valuesOf(a, budget);
  const order = Array.from({ length: src.length }, (_, k) => k);
  order.sort((p, q) => compareValues(src[p], src[q]));
  const distinct: number[] = [];
  const counts: number[] = [];
  const inverse = allocate(src.length, budget);
  for (const k of order) {
    const v = src[k];
    // NaN is never equal to the previous value, so each NaN stays its own entry
    if (distinct.length === 0 || distinct[distinct.length - 1] !== v) {
      distinct.push(v);
      counts.push(0);
    }
    counts[counts.length - 1]++;
    inverse[k] = distinct.length - 1;
  }
  const n = distinct.length;
  const valuesData = allocate(n, budget);
  valuesData.set(distinct);
  const countsData = allocate(n, budget);
  countsData.set(counts);
  return {
    values: new NdArray(a.dtype, [n], [1], 0, valuesData),
    inverse: new NdArray('int64', a.shape.slice(), contiguousStrides(a.shape), 0, inverse),
    counts: new NdArray('int64', [n], [1], 0, countsData),
  };
}

/** torch.nonzero: an int64 [count, ndim] array of the multi-indices of nonzero elements. */
export function nonzero(a: NdArray, budget: Budget): NdArray {
  const hits: number[] = [];
  const data = a.data;
  walk(a.shape, a.strides, a.offset, (i, o) => {
    if (data[o] !== 0) hits.push(i);
  });
  const nd = a.ndim;
  const out = allocate(hits.length * nd, budget);
  hits.forEach((flat, r) => {
    let rest = flat;
    for (let d = nd - 1; d >= 0; d--) {
      out[r * nd + d] = rest % a.shape[d];
      rest = Math.floor(rest / a.shape[d]);
    }
  });
  return new NdArray('int64', [hits.length, nd], [nd, 1], 0, out);
}

/** The first position in sorted[base .. base+n*step) whose value is >= v (> v when right). */
function bisect(
  sorted: Float64Array,
  base: number,
  step: number,
  n: number,
  v: number,
  right: boolean,
): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const c = compareValues(sorted[base + mid * step], v);
    if (c < 0 || (right && c === 0)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * torch.searchsorted: a 1-d boundaries tensor serves every value; an n-d one must share all but
 * its last dim with the values.
 */
export function searchsorted(
  sortedSeq: NdArray,
  values: NdArray,
  right: boolean,
  outInt32: boolean,
  budget: Budget,
): NdArray {
  const oneD = sortedSeq.ndim === 1;
  const lead = sortedSeq.shape.slice(0, -1);
  if (
    sortedSeq.ndim === 0 ||
    (!oneD && (values.ndim !== sortedSeq.ndim || lead.some((s, d) => values.shape[d] !== s)))
  ) {
    throw new TensorError(
      'RuntimeError',
      `torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 dimensions of boundaries tensor and input value tensor must match, but we got boundaries tensor [${sortedSeq.shape.join(', ')}] and input value tensor [${values.shape.join(', ')}]`,
    );
  }
  const seq = valuesOf(sortedSeq, budget);
  const m = sortedSeq.shape[sortedSeq.ndim - 1];
  const vals = valuesOf(values, budget);
  const out = allocate(vals.length, budget);
  const perRow = values.ndim === 0 ? 1 : values.shape[values.ndim - 1];
  for (let i = 0; i < vals.length; i++) {
    const row = oneD ? 0 : Math.floor(i / perRow);
    out[i] = bisect(seq, row * m, 1, m, vals[i], right);
  }
  return new NdArray(
    outInt32 ? 'int32' : 'int64',
    values.shape.slice(),
    contiguousStrides(values.shape),
    0,
    out,
  );
}

export function bucketize(
  input: NdArray,
  boundaries: NdArray,
  right: boolean,
  outInt32: boolean,
  budget: Budget,
): NdArray {
  if (boundaries.ndim !== 1) {
    throw new TensorError(
      'RuntimeError',
      `boundaries tensor must be 1 dimension, but got dim(${boundaries.ndim})`,
    );
  }
  return searchsorted(boundaries, input, right, outInt32, budget);
}
