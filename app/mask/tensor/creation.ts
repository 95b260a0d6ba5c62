/**
 * Building tensors: factories (arange, full, eye, linspace, meshgrid), joining (cat, stack) and
 * rearranging copies (repeat_interleave, repeat, flip, roll, tril / triu, diff, pad).
 */
import { TensorError, castValue, isIntegral, promoteTypes, type DType } from './dtype';
import { binary } from './elementwise';
import { copyInto } from './writes';
import {
  NdArray,
  allocate,
  checkRank,
  cloneArray,
  emptyArray,
  normalizeDim,
  shapeSize,
  valuesOf,
  walk,
  type Budget,
} from './ndarray';
import { expand, reshape, sliceDim, unsqueeze } from './strided';
import { indexSelect } from './indexing';

export function full(shape: number[], value: number, dtype: DType, budget: Budget): NdArray {
  const out = emptyArray(shape, dtype, budget);
  const v = castValue(value, dtype);
  if (v !== 0) out.data.fill(v);
  return out;
}

/** A contiguous array of the given values (already of the dtype's range; cast again here). */
export function fromValues(
  values: readonly number[],
  shape: number[],
  dtype: DType,
  budget: Budget,
): NdArray {
  const out = emptyArray(shape, dtype, budget);
  if (values.length !== out.data.length) {
    throw new TensorError(
      'RuntimeError',
      `${values.length} values do not fill shape [${shape.join(', ')}]`,
    );
  }
  for (let i = 0; i < values.length; i++) out.data[i] = castValue(values[i], dtype);
  return out;
}

/** torch.arange; the caller chose the dtype (int64 for int arguments, float32 otherwise). */
export function arange(
  start: number,
  end: number,
  step: number,
  dtype: DType,
  budget: Budget,
): NdArray {
  if (step === 0) throw new TensorError('RuntimeError', 'step must be nonzero');
  if (![start, end, step].every(Number.isFinite)) {
    throw new TensorError('RuntimeError', `unsupported range: ${start} -> ${end}`);
  }
  if (!((step > 0 && end >= start) || (step < 0 && end <= start))) {
    throw new TensorError(
      'RuntimeError',
      'upper bound and larger bound inconsistent with step sign',
    );
  }
  const n = Math.max(0, Math.ceil((end - start) / step));
  const out = emptyArray([n], dtype, budget);
  for (let i = 0; i < n; i++) out.data[i] = castValue(start + i * step, dtype);
  return out;
}

/** torch.linspace: symmetric from both ends, as PyTorch computes it. */
export function linspace(
  start: number,
  end: number,
  steps: number,
  dtype: DType,
  budget: Budget,
): NdArray {
  if (!Number.isInteger(steps) || steps < 0) {
    throw new TensorError('RuntimeError', 'number of steps must be non-negative');
  }
  const out = emptyArray([steps], dtype, budget);
  const step = steps > 1 ? (end - start) / (steps - 1) : 0;
  const half = Math.floor(steps / 2);
  for (let i = 0; i < steps; i++) {
    out.data[i] = castValue(i < half ? start + i * step : end - (steps - 1 - i) * step, dtype);
  }
  return out;
}

export function eye(n: number, m: number, dtype: DType, budget: Budget): NdArray {
  const out = emptyArray([n, m], dtype, budget);
  for (let i = 0; i < Math.min(n, m); i++) out.data[i * m + i] = 1;
  return out;
}

/** torch.meshgrid: expanded aliases of 0-d / 1-d tensors ('ij' by default, 'xy' swaps the first two). */
export function meshgrid(arrays: NdArray[], indexing: 'ij' | 'xy'): NdArray[] {
  for (const a of arrays) {
    if (a.ndim > 1) {
      throw new TensorError(
        'RuntimeError',
        `torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got: ${a.ndim}D`,
      );
    }
    if (a.dtype !== arrays[0].dtype) {
      throw new TensorError('RuntimeError', 'meshgrid expects all tensors to have the same dtype');
    }
  }
  checkRank(arrays.length);
  const sizes = arrays.map((a) => a.numel);
  const swap = indexing === 'xy' && arrays.length >= 2;
  const position = (k: number) => (swap && k < 2 ? 1 - k : k);
  const shape = sizes.map((_, p) => sizes[swap && p < 2 ? 1 - p : p]);
  return arrays.map((a, k) => {
    const lined = new NdArray(
      a.dtype,
      shape.map((s, p) => (p === position(k) ? s : 1)),
      shape.map((_, p) => (p === position(k) && a.ndim === 1 ? a.strides[0] : 0)),
      a.offset,
      a.data,
    );
    return expand(lined, shape);
  });
}

// ---------------------------------------------------------------------------------------------
// Joining

/** torch.cat with type promotion; 1-d empty tensors are skipped as PyTorch's legacy rule says. */
export function cat(arrays: NdArray[], dim: number, budget: Budget): NdArray {
  if (arrays.length === 0) {
    throw new TensorError('RuntimeError', 'torch.cat(): expected a non-empty list of Tensors');
  }
  arrays.forEach((a, k) => {
    if (a.ndim === 0) {
      throw new TensorError(
        'RuntimeError',
        `zero-dimensional tensor (at position ${k}) cannot be concatenated`,
      );
    }
  });
  const dtype = arrays.map((a) => a.dtype).reduce(promoteTypes);
  const parts = arrays.filter((a) => !(a.ndim === 1 && a.shape[0] === 0));
  if (parts.length === 0) return emptyArray([0], dtype, budget);
  const first = parts[0];
  const d = normalizeDim(dim, first.ndim);
  parts.forEach((a, k) => {
    if (a.ndim !== first.ndim) {
      throw new TensorError(
        'RuntimeError',
        `Tensors must have same number of dimensions: got ${first.ndim} and ${a.ndim}`,
      );
    }
    a.shape.forEach((s, j) => {
      if (j !== d && s !== first.shape[j]) {
        throw new TensorError(
          'RuntimeError',
          `Sizes of tensors must match except in dimension ${d}. Expected size ${first.shape[j]} but got size ${s} for tensor number ${k} in the list.`,
        );
      }
    });
  });
  const shape = first.shape.slice();
  shape[d] = parts.reduce((n, a) => n + a.shape[d], 0);
  const out = emptyArray(shape, dtype, budget);
  let at = 0;
  for (const a of parts) {
    const n = a.shape[d];
    copyInto(sliceDim(out, d, at, at + n, 1), a, budget);
    at += n;
  }
  return out;
}

export function stack(arrays: NdArray[], dim: number, budget: Budget): NdArray {
  if (arrays.length === 0)
    throw new TensorError('RuntimeError', 'stack expects a non-empty TensorList');
  const first = arrays[0];
  arrays.forEach((a, k) => {
    if (a.ndim !== first.ndim || a.shape.some((s, j) => s !== first.shape[j])) {
      throw new TensorError(
        'RuntimeError',
        `stack expects each tensor to be equal size, but got [${first.shape.join(', ')}] at entry 0 and [${a.shape.join(', ')}] at entry ${k}`,
      );
    }
  });
  const d = normalizeDim(dim, first.ndim + 1);
  return cat(
    arrays.map((a) => unsqueeze(a, d)),
    d,
    budget,
  );
}

// ---------------------------------------------------------------------------------------------
// Rearranging copies

function repeatCounts(repeats: number | NdArray, n: number, budget: Budget): number[] {
  if (typeof repeats === 'number') {
    if (repeats < 0) throw new TensorError('RuntimeError', 'repeats can not be negative');
    return new Array<number>(n).fill(repeats);
  }
  if (!isIntegral(repeats.dtype)) {
    throw new TensorError('RuntimeError', 'repeats has to be Long or Int tensor');
  }
  if (repeats.ndim > 1)
    throw new TensorError('RuntimeError', 'repeats must be 0-dim or 1-dim tensor');
  const values = Array.from(valuesOf(repeats, budget));
  if (values.length === 1) return new Array<number>(n).fill(values[0]).map((r) => checkRepeat(r));
  if (values.length !== n) {
    throw new TensorError(
      'RuntimeError',
      `repeats must have the same size as input along dim, but got repeats.size(0) = ${values.length} and input.size(0) = ${n}`,
    );
  }
  return values.map(checkRepeat);
}

function checkRepeat(r: number): number {
  if (r < 0) throw new TensorError('RuntimeError', 'repeats can not be negative');
  return r;
}

/** torch.repeat_interleave(input, repeats, dim): dim=null works on the flattened input. */
export function repeatInterleave(
  a: NdArray,
  repeats: number | NdArray,
  dim: number | null,
  budget: Budget,
): NdArray {
  const src = dim === null ? reshape(a, [-1], budget) : a;
  const d = dim === null ? 0 : normalizeDim(dim, a.ndim);
  const n = src.ndim === 0 ? 1 : src.shape[d];
  const counts = repeatCounts(repeats, n, budget);
  const total = counts.reduce((s, c) => s + c, 0);
  const index = allocate(total, budget);
  let at = 0;
  counts.forEach((c, i) => {
    index.fill(i, at, at + c);
    at += c;
  });
  return indexSelect(src, d, new NdArray('int64', [total], [1], 0, index), budget);
}

/** The one-argument form `torch.repeat_interleave(counts)`: 0,0,1,1,1,... in counts' dtype. */
export function repeatInterleaveCounts(counts: NdArray, budget: Budget): NdArray {
  if (counts.ndim !== 1 || !isIntegral(counts.dtype)) {
    throw new TensorError('RuntimeError', 'repeat_interleave only accept 1D vector as repeat');
  }
  const values = repeatCounts(counts, counts.shape[0], budget);
  const total = values.reduce((s, c) => s + c, 0);
  const out = emptyArray([total], counts.dtype, budget);
  let at = 0;
  values.forEach((c, i) => {
    out.data.fill(i, at, at + c);
    at += c;
  });
  return out;
}

/** Tensor.repeat(*sizes): tiles the tensor; read through an interleaved zero-stride alias. */
export function repeat(a: NdArray, sizes: number[], budget: Budget): NdArray {
  if (sizes.length < a.ndim) {
    throw new TensorError(
      'RuntimeError',
      'Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor',
    );
  }
  if (sizes.some((s) => !Number.isInteger(s) || s < 0)) {
    throw new TensorError(
      'RuntimeError',
      `Trying to create tensor with negative dimension: [${sizes.join(', ')}]`,
    );
  }
  const lead = sizes.length - a.ndim;
  const shape = sizes.map((_, d) => (d < lead ? 1 : a.shape[d - lead]));
  const strides = sizes.map((_, d) => (d < lead ? 0 : a.strides[d - lead]));
  const out = emptyArray(
    sizes.map((r, d) => r * shape[d]),
    a.dtype,
    budget,
  );
  const tiledShape = sizes.flatMap((r, d) => [r, shape[d]]);
  const tiledStrides = sizes.flatMap((_, d) => [0, strides[d]]);
  const data = a.data;
  walk(tiledShape, tiledStrides, a.offset, (i, o) => {
    out.data[i] = data[o];
  });
  return out;
}

export function flip(a: NdArray, dims: number[], budget: Budget): NdArray {
  const shape = a.shape.slice();
  const strides = a.strides.slice();
  let offset = a.offset;
  const seen = new Set<number>();
  for (const dim of dims) {
    const d = normalizeDim(dim, a.ndim);
    if (seen.has(d))
      throw new TensorError('RuntimeError', `dim ${d} appears multiple times in the list of dims`);
    seen.add(d);
    if (shape[d] > 0) offset += (shape[d] - 1) * strides[d];
    strides[d] = -strides[d];
  }
  return cloneArray(new NdArray(a.dtype, shape, strides, offset, a.data), budget);
}

export function roll(a: NdArray, shifts: number[], dims: number[], budget: Budget): NdArray {
  if (dims.length === 0) {
    if (shifts.length !== 1) {
      throw new TensorError(
        'RuntimeError',
        `shifts and dimensions must align. shifts: ${shifts.length}, dims:0`,
      );
    }
    const flat = reshape(a, [-1], budget);
    return reshape(roll(flat, shifts, [0], budget), a.shape, budget);
  }
  if (shifts.length !== dims.length) {
    throw new TensorError(
      'RuntimeError',
      `shifts and dimensions must align. shifts: ${shifts.length}, dims:${dims.length}`,
    );
  }
  let x = a;
  dims.forEach((dim, k) => {
    const d = normalizeDim(dim, x.ndim);
    const n = x.shape[d];
    if (n === 0) return;
    const s = ((shifts[k] % n) + n) % n;
    x = cat([sliceDim(x, d, n - s, n, 1), sliceDim(x, d, 0, n - s, 1)], d, budget);
  });
  return x === a ? cloneArray(a, budget) : x;
}

/** tril / triu over the last two dims: keep j - i <= k (tril) or >= k (triu). */
export function triangle(a: NdArray, k: number, upper: boolean, budget: Budget): NdArray {
  if (a.ndim < 2) {
    throw new TensorError(
      'RuntimeError',
      `${upper ? 'triu' : 'tril'}: input tensor must have at least 2 dimensions`,
    );
  }
  const out = cloneArray(a, budget);
  const m = a.shape[a.ndim - 2];
  const n = a.shape[a.ndim - 1];
  for (let f = 0; f < out.data.length; f++) {
    const j = f % n;
    const i = Math.floor(f / n) % m;
    if (upper ? j - i < k : j - i > k) out.data[f] = 0;
  }
  return out;
}

/** torch.diff: n-th forward difference along dim (xor for bools), after prepend / append. */
export function diff(
  a: NdArray,
  n: number,
  dim: number,
  prepend: NdArray | undefined,
  append: NdArray | undefined,
  budget: Budget,
): NdArray {
  if (a.ndim === 0) {
    throw new TensorError('RuntimeError', 'diff expects input to be at least one-dimensional');
  }
  const d = normalizeDim(dim, a.ndim);
  for (const extra of [prepend, append]) {
    if (extra && extra.ndim !== a.ndim) {
      throw new TensorError(
        'RuntimeError',
        'diff expects prepend or append to be the same dimension as input',
      );
    }
  }
  let x =
    prepend || append
      ? cat(
          [prepend, a, append].filter((t): t is NdArray => !!t),
          d,
          budget,
        )
      : a;
  for (let k = 0; k < n; k++) {
    const len = x.shape[d];
    if (len === 0) break;
    const later = sliceDim(x, d, 1, len, 1);
    const earlier = sliceDim(x, d, 0, len - 1, 1);
    x = binary(x.dtype === 'bool' ? 'bitwise_xor' : 'sub', later, earlier, budget);
  }
  return x === a ? cloneArray(a, budget) : x;
}

/** F.pad in constant mode: (left, right) pairs from the last dim backwards; negative crops. */
export function pad(a: NdArray, pads: number[], value: number, budget: Budget): NdArray {
  if (pads.length % 2 !== 0)
    throw new TensorError('RuntimeError', 'Padding length must be divisible by 2');
  if (pads.length / 2 > a.ndim) {
    throw new TensorError(
      'RuntimeError',
      `Padding length should be less than or equal to two times the input dimension but got padding length ${pads.length} and input of dimension ${a.ndim}`,
    );
  }
  const shape = a.shape.slice();
  let src = a;
  const ranges: { d: number; start: number; length: number }[] = [];
  for (let j = 0; j < pads.length / 2; j++) {
    const d = a.ndim - 1 - j;
    const left = pads[2 * j];
    const right = pads[2 * j + 1];
    const size = a.shape[d] + left + right;
    if (size < 0) {
      throw new TensorError(
        'RuntimeError',
        `The input size ${a.shape[d]}, plus negative padding ${left} and ${right} resulted in a negative output size, which is invalid. Check dimension ${d} of your input.`,
      );
    }
    shape[d] = size;
    const from = Math.max(0, -left);
    const to = Math.max(from, a.shape[d] - Math.max(0, -right));
    src = sliceDim(src, d, from, to, 1);
    ranges.push({ d, start: Math.max(0, left), length: to - from });
  }
  const out = full(shape, value, a.dtype, budget);
  let dst = out;
  for (const r of ranges) dst = sliceDim(dst, r.d, r.start, r.start + r.length, 1);
  if (shapeSize(dst.shape) > 0) copyInto(dst, src, budget);
  return out;
}
