/** Small products: matmul (with batch broadcasting), mm, bmm, dot and outer. */
import { TensorError, castValue, checkInt64, type DType } from './dtype';
import { binary } from './elementwise';
import {
  NdArray,
  allocate,
  broadcastShapes,
  broadcastTo,
  contiguousStrides,
  shapeSize,
  valuesOf,
  type Budget,
} from './ndarray';
import { squeeze, unsqueeze } from './strided';

/** The C type names PyTorch's matmul messages use. */
const C_NAME: Record<DType, string> = {
  bool: 'bool',
  uint8: 'unsigned char',
  int32: 'int',
  int64: 'long int',
  float32: 'float',
  float64: 'double',
};

function checkDTypes(a: NdArray, b: NdArray): void {
  if (a.dtype !== b.dtype) {
    throw new TensorError(
      'RuntimeError',
      `expected m1 and m2 to have the same dtype, but got: ${C_NAME[a.dtype]} != ${C_NAME[b.dtype]}`,
    );
  }
  if (a.dtype === 'bool') {
    throw new TensorError('RuntimeError', `"addmm_impl_cpu_" not implemented for 'Bool'`);
  }
}

/** Sum of products with the dtype's arithmetic (int32 wraps, int64 stays exact or raises). */
function dotRun(
  va: Float64Array,
  ia: number,
  sa: number,
  vb: Float64Array,
  ib: number,
  sb: number,
  k: number,
  dtype: DType,
): number {
  let s = 0;
  if (dtype === 'int32') {
    for (let j = 0; j < k; j++) s = (s + Math.imul(va[ia + j * sa], vb[ib + j * sb])) | 0;
    return s;
  }
  const exact = dtype === 'int64' || dtype === 'uint8';
  for (let j = 0; j < k; j++) {
    s += va[ia + j * sa] * vb[ib + j * sb];
    if (exact) checkInt64(s);
  }
  return castValue(s, dtype);
}

export function matmul(a: NdArray, b: NdArray, budget: Budget): NdArray {
  if (a.ndim === 0 || b.ndim === 0) {
    throw new TensorError(
      'RuntimeError',
      `both arguments to matmul need to be at least 1D, but they are ${a.ndim}D and ${b.ndim}D`,
    );
  }
  checkDTypes(a, b);
  if (a.ndim === 1 && b.ndim === 1) return dot(a, b, budget);
  const a2 = a.ndim === 1 ? unsqueeze(a, 0) : a;
  const b2 = b.ndim === 1 ? unsqueeze(b, 1) : b;
  const [n, k] = a2.shape.slice(-2);
  const [k2, m] = b2.shape.slice(-2);
  if (k !== k2) {
    throw new TensorError(
      'RuntimeError',
      `mat1 and mat2 shapes cannot be multiplied (${n}x${k} and ${k2}x${m})`,
    );
  }
  const batch = broadcastShapes(a2.shape.slice(0, -2), b2.shape.slice(0, -2));
  const nb = shapeSize(batch);
  const out = allocate(nb * n * m, budget);
  const va = valuesOf(broadcastTo(a2, [...batch, n, k]), budget);
  const vb = valuesOf(broadcastTo(b2, [...batch, k, m]), budget);
  for (let p = 0; p < nb; p++) {
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < m; j++) {
        out[(p * n + i) * m + j] = dotRun(va, (p * n + i) * k, 1, vb, p * k * m + j, m, k, a.dtype);
      }
    }
  }
  const shape = [...batch, n, m];
  const result = new NdArray(a.dtype, shape, contiguousStrides(shape), 0, out);
  if (a.ndim === 1) return squeeze(result, [-2]);
  if (b.ndim === 1) return squeeze(result, [-1]);
  return result;
}

export function mm(a: NdArray, b: NdArray, budget: Budget): NdArray {
  if (a.ndim !== 2 || b.ndim !== 2) {
    throw new TensorError('RuntimeError', `${a.ndim !== 2 ? 'self' : 'mat2'} must be a matrix`);
  }
  return matmul(a, b, budget);
}

export function bmm(a: NdArray, b: NdArray, budget: Budget): NdArray {
  if (a.ndim !== 3 || b.ndim !== 3) {
    throw new TensorError('RuntimeError', `batch1 must be a 3D tensor`);
  }
  if (a.shape[0] !== b.shape[0]) {
    throw new TensorError('RuntimeError', 'batch1 and batch2 must have same number of batches');
  }
  return matmul(a, b, budget);
}

export function dot(a: NdArray, b: NdArray, budget: Budget): NdArray {
  if (a.ndim !== 1 || b.ndim !== 1) {
    throw new TensorError(
      'RuntimeError',
      `1D tensors expected, but got ${a.ndim}D and ${b.ndim}D tensors`,
    );
  }
  if (a.dtype !== b.dtype) {
    throw new TensorError(
      'RuntimeError',
      `dot : expected both vectors to have same dtype, but found ${a.dtype} and ${b.dtype}`,
    );
  }
  checkDTypes(a, b);
  if (a.shape[0] !== b.shape[0]) {
    throw new TensorError(
      'RuntimeError',
      `inconsistent tensor size, expected tensor [${a.shape[0]}] and src [${b.shape[0]}] to have the same number of elements, but got ${a.shape[0]} and ${b.shape[0]} elements respectively`,
    );
  }
  const out = allocate(1, budget);
  out[0] = dotRun(
    a.data,
    a.offset,
    a.strides[0],
    b.data,
    b.offset,
    b.strides[0],
    a.shape[0],
    a.dtype,
  );
  return new NdArray(a.dtype, [], [], 0, out);
}

export function outer(a: NdArray, b: NdArray, budget: Budget): NdArray {
  if (a.ndim !== 1 || b.ndim !== 1) {
    throw new TensorError('RuntimeError', `outer: Expected 1-D argument self, but got ${a.ndim}-D`);
  }
  return binary('mul', unsqueeze(a, 1), unsqueeze(b, 0), budget);
}
