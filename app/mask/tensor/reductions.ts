/**
 * Reductions (sum, prod, mean, max, min, any, all, count_nonzero, argmax, argmin) over all dims or
 * some, with keepdim, and the scans along one dim (cumsum, cumprod).
 */
import { CPP_NAME, TensorError, castValue, checkInt64, isFloating, type DType } from './dtype';
import {
  NdArray,
  allocate,
  contiguousStrides,
  normalizeDim,
  shapeSize,
  valuesOf,
  type Budget,
} from './ndarray';
import { permute } from './strided';

/** Normalizes a dim list (duplicates refused); null or empty means every dim. */
export function reductionDims(dims: number[] | null, rank: number): number[] {
  if (dims === null || dims.length === 0) return Array.from({ length: rank }, (_, d) => d);
  const seen = new Set<number>();
  for (const dim of dims) {
    const d = normalizeDim(dim, rank);
    if (seen.has(d)) {
      throw new TensorError('RuntimeError', `dim ${d} appears multiple times in the list of dims`);
    }
    seen.add(d);
  }
  // a 0-d tensor has no dims to reduce, whatever dim 0 / -1 names
  return rank === 0 ? [] : [...seen].sort((x, y) => x - y);
}

interface Groups {
  /** Input values, each group of `inner` consecutive values reduced to one output element. */
  values: Float64Array;
  outer: number;
  inner: number;
  outShape: number[];
}

/** Lays the reduced dims out last, so each output element reads one consecutive run. */
function groups(a: NdArray, dims: number[], keepdim: boolean, budget: Budget): Groups {
  const reduced = new Set(dims);
  const kept = a.shape.map((_, d) => d).filter((d) => !reduced.has(d));
  const order = [...kept, ...dims];
  const values = valuesOf(permute(a, order), budget);
  const outShape = keepdim
    ? a.shape.map((s, d) => (reduced.has(d) ? 1 : s))
    : kept.map((d) => a.shape[d]);
  return {
    values,
    outer: shapeSize(kept.map((d) => a.shape[d])),
    inner: shapeSize(dims.map((d) => a.shape[d])),
    outShape,
  };
}

export type ReduceOp = 'sum' | 'prod' | 'mean' | 'amax' | 'amin' | 'any' | 'all' | 'count_nonzero';

function outputDType(op: ReduceOp, input: DType, dtype: DType | undefined): DType {
  switch (op) {
    case 'sum':
    case 'prod':
      return dtype ?? (isFloating(input) ? input : 'int64');
    case 'mean': {
      const t = dtype ?? input;
      if (!isFloating(t)) {
        throw new TensorError(
          'RuntimeError',
          `mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: ${CPP_NAME[t]}`,
        );
      }
      return t;
    }
    case 'amax':
    case 'amin':
      return input;
    case 'any':
    case 'all':
      // PyTorch keeps uint8 for uint8 inputs (a legacy of byte masks)
      return input === 'uint8' ? 'uint8' : 'bool';
    case 'count_nonzero':
      return 'int64';
  }
}

function reduceRun(op: ReduceOp, v: Float64Array, start: number, n: number, t: DType): number {
  const exactInt = !isFloating(t);
  switch (op) {
    case 'sum':
    case 'mean': {
      let s = 0;
      for (let k = 0; k < n; k++) {
        s += castValue(v[start + k], t);
        if (exactInt) checkInt64(s);
      }
      return op === 'mean' ? s / n : s;
    }
    case 'prod': {
      let p = 1;
      for (let k = 0; k < n; k++) {
        p *= castValue(v[start + k], t);
        if (exactInt) checkInt64(p);
      }
      return p;
    }
    case 'amax':
    case 'amin': {
      let m = op === 'amax' ? -Infinity : Infinity;
      for (let k = 0; k < n; k++) {
        const x = v[start + k];
        if (Number.isNaN(x)) return x;
        if (op === 'amax' ? x > m : x < m) m = x;
      }
      return m;
    }
    case 'any': {
      for (let k = 0; k < n; k++) if (v[start + k] !== 0) return 1;
      return 0;
    }
    case 'all': {
      for (let k = 0; k < n; k++) if (v[start + k] === 0) return 0;
      return 1;
    }
    case 'count_nonzero': {
      let c = 0;
      for (let k = 0; k < n; k++) if (v[start + k] !== 0) c++;
      return c;
    }
  }
}

/** A reduction over `dims` (null: all). `dtype` is the dtype= argument of sum/prod/mean. */
export function reduce(
  op: ReduceOp,
  a: NdArray,
  dims: number[] | null,
  keepdim: boolean,
  budget: Budget,
  dtype?: DType,
): NdArray {
  const t = outputDType(op, a.dtype, dtype);
  const ds = reductionDims(dims, a.ndim);
  if ((op === 'amax' || op === 'amin') && a.numel === 0) {
    const empty = ds.find((d) => a.shape[d] === 0);
    if (dims === null || dims.length === 0 || empty !== undefined) {
      throw new TensorError(
        'IndexError',
        `${op}(): Expected reduction dim ${empty ?? 0} to have non-zero size.`,
      );
    }
  }
  const g = groups(a, ds, keepdim, budget);
  const out = allocate(g.outer, budget);
  for (let o = 0; o < g.outer; o++) {
    out[o] = castValue(reduceRun(op, g.values, o * g.inner, g.inner, t), t);
  }
  return new NdArray(t, g.outShape, contiguousStrides(g.outShape), 0, out);
}

/** The index of the first max (or min) of a run; a NaN wins, as in PyTorch. */
function argRun(v: Float64Array, start: number, n: number, isMax: boolean): number {
  let best = 0;
  let m = v[start];
  if (Number.isNaN(m)) return 0;
  for (let k = 1; k < n; k++) {
    const x = v[start + k];
    if (Number.isNaN(x)) return k;
    if (isMax ? x > m : x < m) {
      m = x;
      best = k;
    }
  }
  return best;
}

function checkNonEmpty(a: NdArray, dim: number | null, name: string): void {
  if (dim === null ? a.numel === 0 : a.ndim > 0 && a.shape[dim] === 0) {
    throw new TensorError(
      'IndexError',
      dim === null
        ? `${name}(): Expected reduction dim to be specified for input.numel() == 0.`
        : `${name}(): Expected reduction dim ${dim} to have non-zero size.`,
    );
  }
}

/** `max(dim)` / `min(dim)`: values and the index of their first occurrence. */
export function maxMinDim(
  a: NdArray,
  dim: number,
  keepdim: boolean,
  isMax: boolean,
  budget: Budget,
): { values: NdArray; indices: NdArray } {
  const ds = reductionDims([dim], a.ndim);
  checkNonEmpty(a, ds.length ? ds[0] : null, isMax ? 'max' : 'min');
  const g = groups(a, ds, keepdim, budget);
  const values = allocate(g.outer, budget);
  const indices = allocate(g.outer, budget);
  for (let o = 0; o < g.outer; o++) {
    const k = argRun(g.values, o * g.inner, g.inner, isMax);
    indices[o] = k;
    values[o] = g.values[o * g.inner + k];
  }
  const strides = contiguousStrides(g.outShape);
  return {
    values: new NdArray(a.dtype, g.outShape, strides, 0, values),
    indices: new NdArray('int64', g.outShape.slice(), strides.slice(), 0, indices),
  };
}

/** argmax / argmin: over the flattened tensor when dim is null. */
export function argReduce(
  a: NdArray,
  dim: number | null,
  keepdim: boolean,
  isMax: boolean,
  budget: Budget,
): NdArray {
  if (dim === null) {
    checkNonEmpty(a, null, isMax ? 'argmax' : 'argmin');
    const values = valuesOf(a, budget);
    const k = argRun(values, 0, values.length, isMax);
    const shape = keepdim ? a.shape.map(() => 1) : [];
    return new NdArray('int64', shape, contiguousStrides(shape), 0, Float64Array.of(k));
  }
  return maxMinDim(a, dim, keepdim, isMax, budget).indices;
}

/**
 * Calls visit(base, step, n) for every line along `dim` of a contiguous array of `shape`:
 * element k of the line is at base + k * step.
 */
export function forEachLine(
  shape: readonly number[],
  dim: number,
  visit: (base: number, step: number, n: number) => void,
): void {
  const n = shape.length === 0 ? 1 : shape[dim];
  const outer = shapeSize(shape.slice(0, dim));
  const inner = shapeSize(shape.slice(dim + 1));
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) visit(o * n * inner + i, inner, n);
  }
}

/** cumsum / cumprod along a dim (integers and bools accumulate in int64, as in PyTorch). */
export function cumulative(
  op: 'cumsum' | 'cumprod',
  a: NdArray,
  dim: number,
  budget: Budget,
  dtype?: DType,
): NdArray {
  const d = normalizeDim(dim, a.ndim);
  const t = dtype ?? (isFloating(a.dtype) ? a.dtype : 'int64');
  const values = valuesOf(a, budget);
  const out = allocate(values.length, budget);
  forEachLine(a.shape, d, (base, step, n) => {
    let acc = op === 'cumsum' ? 0 : 1;
    for (let k = 0; k < n; k++) {
      const x = castValue(values[base + k * step], t);
      acc = castValue(op === 'cumsum' ? acc + x : acc * x, t);
      out[base + k * step] = acc;
    }
  });
  return new NdArray(t, a.shape.slice(), contiguousStrides(a.shape), 0, out);
}
