/**
 * Strided aliases: new shapes and strides over the same storage (reshape when the layout allows,
 * permute, transpose, expand, unsqueeze, squeeze, diagonal, select, slices). Writing through any
 * of them writes into the tensor they came from, as in PyTorch (which calls them views).
 */
import { TensorError } from './dtype';
import {
  NdArray,
  broadcastTo,
  checkRank,
  cloneArray,
  contiguousStrides,
  normalizeDim,
  shapeSize,
  type Budget,
} from './ndarray';

function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** `expand(*sizes)`: -1 keeps a size, new leading dims are allowed, only size-1 dims grow. */
export function expand(a: NdArray, sizes: number[]): NdArray {
  checkRank(sizes.length);
  if (sizes.length < a.ndim) {
    throw new TensorError(
      'RuntimeError',
      `expand(torch.FloatTensor{${formatShape(a.shape)}}, size=${formatShape(sizes)}): the number of sizes provided (${sizes.length}) must be greater or equal to the number of dimensions in the tensor (${a.ndim})`,
    );
  }
  const lead = sizes.length - a.ndim;
  const shape = sizes.map((s, d) => {
    if (d < lead) {
      if (s < 0) {
        throw new TensorError(
          'RuntimeError',
          `The expanded size of the tensor (${s}) isn't allowed in a leading, non-existing dimension ${d}`,
        );
      }
      return s;
    }
    const old = a.shape[d - lead];
    if (s === -1) return old;
    if (old !== 1 && s !== old) {
      throw new TensorError(
        'RuntimeError',
        `The expanded size of the tensor (${s}) must match the existing size (${old}) at non-singleton dimension ${d}.  Target sizes: ${formatShape(sizes)}.  Tensor sizes: ${formatShape(a.shape)}`,
      );
    }
    return s;
  });
  return broadcastTo(a, shape);
}

/** Resolves a shape with at most one -1 against a number of elements. */
export function inferShape(shape: number[], numel: number): number[] {
  let infer = -1;
  let known = 1;
  shape.forEach((s, d) => {
    if (s === -1) {
      if (infer >= 0) throw new TensorError('RuntimeError', 'only one dimension can be inferred');
      infer = d;
    } else if (!Number.isInteger(s) || s < 0) {
      throw new TensorError('RuntimeError', `invalid shape dimension ${s}`);
    } else {
      known *= s;
    }
  });
  const out = shape.slice();
  if (infer >= 0) {
    if (known === 0 || numel % known !== 0) {
      throw new TensorError(
        'RuntimeError',
        `shape '${formatShape(shape)}' is invalid for input of size ${numel}`,
      );
    }
    out[infer] = numel / known;
  } else if (known !== numel) {
    throw new TensorError(
      'RuntimeError',
      `shape '${formatShape(shape)}' is invalid for input of size ${numel}`,
    );
  }
  checkRank(out.length);
  return out;
}

/**
 * The strides that let `a`'s storage be read with a new shape, or undefined when the elements
 * are not laid out for it (ATen's computeStride: dims that are contiguous with each other form
 * chunks, and each chunk must be split or merged into whole new dims).
 */
function aliasStrides(a: NdArray, shape: number[]): number[] | undefined {
  if (a.numel === 0) return contiguousStrides(shape);
  const oldShape = a.ndim === 0 ? [1] : a.shape;
  const oldStrides = a.ndim === 0 ? [1] : a.strides;
  const strides = new Array<number>(shape.length);
  let newDim = shape.length - 1;
  let chunkBase = oldStrides[oldStrides.length - 1];
  let oldNumel = 1;
  let newNumel = 1;
  for (let d = oldShape.length - 1; d >= 0; d--) {
    oldNumel *= oldShape[d];
    if (d === 0 || (oldShape[d - 1] !== 1 && oldStrides[d - 1] !== oldNumel * chunkBase)) {
      while (newDim >= 0 && (newNumel < oldNumel || shape[newDim] === 1)) {
        strides[newDim] = newNumel * chunkBase;
        newNumel *= shape[newDim];
        newDim--;
      }
      if (newNumel !== oldNumel) return undefined;
      if (d > 0) {
        chunkBase = oldStrides[d - 1];
        oldNumel = 1;
        newNumel = 1;
      }
    }
  }
  return newDim === -1 ? strides : undefined;
}

/**
 * `Tensor.view(shape)`: the same storage read with a new shape, or a RuntimeError like PyTorch's
 * when the layout does not allow it.
 */
export function aliasReshape(a: NdArray, shape: number[]): NdArray {
  const target = inferShape(shape, a.numel);
  const strides = aliasStrides(a, target);
  if (!strides) {
    throw new TensorError(
      'RuntimeError',
      "view size is not compatible with input tensor's size and stride (at least one dimension spans across two contiguous subspaces). Use .reshape(...) instead.",
    );
  }
  return new NdArray(a.dtype, target, strides, a.offset, a.data);
}

/** `reshape(shape)`: an alias of the same storage when possible, else a copy. */
export function reshape(a: NdArray, shape: number[], budget: Budget): NdArray {
  const target = inferShape(shape, a.numel);
  const strides = aliasStrides(a, target);
  if (strides) return new NdArray(a.dtype, target, strides, a.offset, a.data);
  const copy = cloneArray(a, budget);
  return new NdArray(a.dtype, target, contiguousStrides(target), 0, copy.data);
}

export function flatten(a: NdArray, startDim: number, endDim: number, budget: Budget): NdArray {
  if (a.ndim === 0) return reshape(a, [1], budget);
  const s = normalizeDim(startDim, a.ndim);
  const e = normalizeDim(endDim, a.ndim);
  if (s > e) {
    throw new TensorError(
      'RuntimeError',
      'flatten() has invalid args: start_dim cannot come after end_dim',
    );
  }
  const shape = [
    ...a.shape.slice(0, s),
    shapeSize(a.shape.slice(s, e + 1)),
    ...a.shape.slice(e + 1),
  ];
  return reshape(a, shape, budget);
}

export function permute(a: NdArray, dims: number[]): NdArray {
  if (dims.length !== a.ndim) {
    throw new TensorError(
      'RuntimeError',
      `permute(sparse_coo): number of dimensions in the tensor input does not match the length of the desired ordering of dimensions i.e. input.dim() = ${a.ndim} is not equal to len(dims) = ${dims.length}`,
    );
  }
  const seen = new Set<number>();
  const order = dims.map((d) => {
    const n = normalizeDim(d, a.ndim);
    if (seen.has(n))
      throw new TensorError('RuntimeError', 'permute(): duplicate dims are not allowed.');
    seen.add(n);
    return n;
  });
  return new NdArray(
    a.dtype,
    order.map((d) => a.shape[d]),
    order.map((d) => a.strides[d]),
    a.offset,
    a.data,
  );
}

export function transpose(a: NdArray, dim0: number, dim1: number): NdArray {
  if (a.ndim === 0) {
    normalizeDim(dim0, 0);
    normalizeDim(dim1, 0);
    return a;
  }
  const d0 = normalizeDim(dim0, a.ndim);
  const d1 = normalizeDim(dim1, a.ndim);
  const order = a.shape.map((_, d) => (d === d0 ? d1 : d === d1 ? d0 : d));
  return permute(a, order);
}

/** `.T`: all dims reversed (PyTorch deprecates it beyond 2-D but still does this). */
export function reverseDims(a: NdArray): NdArray {
  return permute(
    a,
    a.shape.map((_, d) => a.ndim - 1 - d),
  );
}

/** `.t()`: only for tensors of at most 2 dims. */
export function matrixTranspose(a: NdArray): NdArray {
  if (a.ndim > 2) {
    throw new TensorError(
      'RuntimeError',
      `t() expects a tensor with <= 2 dimensions, but self is ${a.ndim}D`,
    );
  }
  return a.ndim < 2 ? a : transpose(a, 0, 1);
}

export function unsqueeze(a: NdArray, dim: number): NdArray {
  const d = normalizeDim(dim, a.ndim + 1);
  checkRank(a.ndim + 1);
  const stride = d < a.ndim ? a.shape[d] * a.strides[d] : 1;
  return new NdArray(
    a.dtype,
    [...a.shape.slice(0, d), 1, ...a.shape.slice(d)],
    [...a.strides.slice(0, d), stride, ...a.strides.slice(d)],
    a.offset,
    a.data,
  );
}

/** `squeeze()` drops every size-1 dim; with dims, only those of them that have size 1. */
export function squeeze(a: NdArray, dims?: number[]): NdArray {
  const drop = new Set<number>();
  if (dims === undefined) {
    a.shape.forEach((s, d) => {
      if (s === 1) drop.add(d);
    });
  } else {
    for (const dim of dims) {
      const d = normalizeDim(dim, a.ndim);
      if (a.ndim > 0 && a.shape[d] === 1) drop.add(d);
    }
  }
  return new NdArray(
    a.dtype,
    a.shape.filter((_, d) => !drop.has(d)),
    a.strides.filter((_, d) => !drop.has(d)),
    a.offset,
    a.data,
  );
}

/** `diagonal(offset, dim1, dim2)`: an alias, the diagonal's dim appended last. */
export function diagonal(a: NdArray, offset: number, dim1: number, dim2: number): NdArray {
  if (a.ndim < 2) {
    throw new TensorError(
      'RuntimeError',
      `diagonal dimensions requires ndim larger than 1, got ${a.ndim}`,
    );
  }
  const d1 = normalizeDim(dim1, a.ndim);
  const d2 = normalizeDim(dim2, a.ndim);
  if (d1 === d2) {
    throw new TensorError(
      'RuntimeError',
      `diagonal dimensions cannot be identical ${dim1}, ${dim2}`,
    );
  }
  const n1 = a.shape[d1];
  const n2 = a.shape[d2];
  const length =
    offset >= 0 ? Math.max(0, Math.min(n1, n2 - offset)) : Math.max(0, Math.min(n1 + offset, n2));
  let start = a.offset;
  if (length > 0) start += offset >= 0 ? offset * a.strides[d2] : -offset * a.strides[d1];
  const keep = a.shape.map((_, d) => d).filter((d) => d !== d1 && d !== d2);
  return new NdArray(
    a.dtype,
    [...keep.map((d) => a.shape[d]), length],
    [...keep.map((d) => a.strides[d]), a.strides[d1] + a.strides[d2]],
    start,
    a.data,
  );
}

/** `select(dim, index)` (what `x[i]` does): an alias with the dim removed. */
export function select(a: NdArray, dim: number, index: number, reportDim = dim): NdArray {
  const size = a.shape[dim];
  if (!Number.isInteger(index) || index < -size || index >= size) {
    throw new TensorError(
      'IndexError',
      `index ${index} is out of bounds for dimension ${reportDim} with size ${size}`,
    );
  }
  const i = index < 0 ? index + size : index;
  return new NdArray(
    a.dtype,
    a.shape.filter((_, d) => d !== dim),
    a.strides.filter((_, d) => d !== dim),
    a.offset + i * a.strides[dim],
    a.data,
  );
}

/** `narrow(dim, start, length)` and slices with a positive step: an alias. */
export function sliceDim(
  a: NdArray,
  dim: number,
  start: number,
  stop: number,
  step: number,
): NdArray {
  const length = stop > start ? Math.ceil((stop - start) / step) : 0;
  const shape = a.shape.slice();
  const strides = a.strides.slice();
  shape[dim] = length;
  strides[dim] = a.strides[dim] * step;
  const offset = length > 0 ? a.offset + start * a.strides[dim] : a.offset;
  return new NdArray(a.dtype, shape, strides, offset, a.data);
}

/** Python's slice.indices for a positive step: start and stop clamped into [0, size]. */
export function sliceBounds(
  size: number,
  start: number | null,
  stop: number | null,
): { start: number; stop: number } {
  const clamp = (v: number | null, fallback: number) => {
    if (v === null) return fallback;
    const w = v < 0 ? v + size : v;
    return Math.min(Math.max(w, 0), size);
  };
  return { start: clamp(start, 0), stop: clamp(stop, size) };
}
