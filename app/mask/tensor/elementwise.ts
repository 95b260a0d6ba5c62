/**
 * Element-wise arithmetic with broadcasting and PyTorch's type promotion, including the "weak"
 * Python scalars (`int32_tensor + 1` stays int32, `int_tensor + 0.5` becomes float32), and the
 * in-place forms that write through strided aliases.
 */
import {
  CPP_NAME,
  TensorError,
  castValue,
  checkInt64,
  converter,
  isFloating,
  promoteTypes,
  type DType,
} from './dtype';
import {
  BITWISE_OPS,
  FLOAT_FUNCTIONS,
  FLOAT_ONLY_OPS,
  ROUNDING,
  floatKernel,
  intKernel,
  type BinaryOp,
  type UnaryOp,
} from './kernels';
import {
  NdArray,
  allocate,
  broadcastShapes,
  broadcastTo,
  contiguousStrides,
  scalarArray,
  walk,
  walkN,
  type Budget,
} from './ndarray';

export { erf, roundHalfEven, type BinaryOp, type UnaryOp } from './kernels';

/** A Python number operand: it takes part in promotion only by its kind (PyTorch's wrapped number). */
export interface Scalar {
  readonly scalar: number;
  readonly kind: 'bool' | 'int' | 'float';
}

export type Operand = NdArray | Scalar;

export function isScalar(x: Operand): x is Scalar {
  return !(x instanceof NdArray);
}

export function scalar(value: number, kind: Scalar['kind']): Scalar {
  return { scalar: value, kind };
}

function combineCategories(higher: DType | undefined, lower: DType | undefined): DType | undefined {
  if (higher === undefined) return lower;
  if (lower === undefined) return higher;
  if (isFloating(higher)) return higher;
  if (higher === 'bool' || isFloating(lower)) return promoteTypes(higher, lower);
  return higher;
}

/**
 * torch.result_type: tensors with dims decide, unless a 0-d tensor or a Python scalar is of a
 * higher category (bool < int < float); a Python float counts as float32 (the default dtype).
 */
export function resultType(...operands: Operand[]): DType {
  let dim: DType | undefined;
  let zero: DType | undefined;
  let wrapped: DType | undefined;
  const join = (a: DType | undefined, b: DType) => (a === undefined ? b : promoteTypes(a, b));
  for (const x of operands) {
    if (isScalar(x)) {
      wrapped = join(wrapped, x.kind === 'bool' ? 'bool' : x.kind === 'int' ? 'int64' : 'float32');
    } else if (x.ndim === 0) {
      zero = join(zero, x.dtype);
    } else {
      dim = join(dim, x.dtype);
    }
  }
  return combineCategories(dim, combineCategories(zero, wrapped)) ?? 'float32';
}

/** A tensor operand as is, a scalar as a 0-d array of the computation dtype. */
export function asArray(x: Operand, dtype: DType): NdArray {
  return isScalar(x) ? scalarArray(castValue(x.scalar, dtype), dtype) : x;
}

/** The value of a one-element operand (bounds of clamp, fill values). */
export function operandValue(x: Operand): number {
  if (isScalar(x)) return x.scalar;
  if (x.numel !== 1) {
    throw new TensorError(
      'RuntimeError',
      'a Tensor with more than one element cannot be converted to Scalar',
    );
  }
  return x.data[x.offset];
}

/** Applies f to two broadcast operands read as `compute`, writing `out` values (cast by caller f). */
function mapPair(
  a: NdArray,
  b: NdArray,
  compute: DType,
  outDType: DType,
  f: (x: number, y: number) => number,
  budget: Budget,
): NdArray {
  const shape = broadcastShapes(a.shape, b.shape);
  const n = shape.reduce((p, s) => p * s, 1);
  const out = allocate(n, budget);
  const va = broadcastTo(a, shape);
  const vb = broadcastTo(b, shape);
  const ca = converter(a.dtype, compute);
  const cb = converter(b.dtype, compute);
  const da = a.data;
  const db = b.data;
  if (n === 0) return new NdArray(outDType, shape, contiguousStrides(shape), 0, out);
  // rows of the last dim in a tight loop; the counters only move between rows
  const nd = shape.length;
  const inner = nd === 0 ? 1 : shape[nd - 1];
  const sa = nd === 0 ? 0 : va.strides[nd - 1];
  const sb = nd === 0 ? 0 : vb.strides[nd - 1];
  const rows = n / inner;
  const idx = new Array<number>(Math.max(nd - 1, 0)).fill(0);
  let oa = va.offset;
  let ob = vb.offset;
  let k = 0;
  for (let r = 0; r < rows; r++) {
    if (ca === undefined && cb === undefined) {
      for (let i = 0; i < inner; i++) out[k++] = f(da[oa + i * sa], db[ob + i * sb]);
    } else {
      for (let i = 0; i < inner; i++) {
        const x = da[oa + i * sa];
        const y = db[ob + i * sb];
        out[k++] = f(ca ? ca(x) : x, cb ? cb(y) : y);
      }
    }
    for (let d = nd - 2; d >= 0; d--) {
      idx[d]++;
      oa += va.strides[d];
      ob += vb.strides[d];
      if (idx[d] < shape[d]) break;
      oa -= va.strides[d] * shape[d];
      ob -= vb.strides[d] * shape[d];
      idx[d] = 0;
    }
  }
  return new NdArray(outDType, shape, contiguousStrides(shape), 0, out);
}

/** f followed by the cast to dtype, specialized so the common dtypes skip castValue's switch. */
function withCast(
  f: (x: number, y: number) => number,
  dtype: DType,
): (x: number, y: number) => number {
  switch (dtype) {
    case 'float64':
      return f;
    case 'float32':
      return (x, y) => Math.fround(f(x, y));
    case 'int32':
      // integer kernels give integers: `| 0` is exactly the wrap to 32 bits
      return (x, y) => f(x, y) | 0;
    case 'int64':
      return (x, y) => checkInt64(f(x, y));
    default:
      return (x, y) => castValue(f(x, y), dtype);
  }
}

/** A binary arithmetic op with broadcasting and promotion; `alpha` scales b for add and sub. */
export function binary(op: BinaryOp, a: Operand, b: Operand, budget: Budget, alpha = 1): NdArray {
  const t = resultType(a, b);
  if (BITWISE_OPS.has(op) && isFloating(t)) {
    throw new TensorError('RuntimeError', `"${op}_cpu" not implemented for '${CPP_NAME[t]}'`);
  }
  if (op === 'sub' && t === 'bool') {
    throw new TensorError(
      'RuntimeError',
      'Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logical_xor()` operator instead.',
    );
  }
  if (!isFloating(t) && !Number.isInteger(alpha)) {
    throw new TensorError(
      'RuntimeError',
      'For integral input tensors, argument alpha must not be a floating point number.',
    );
  }
  if (op === 'pow' && !isFloating(t) && isScalar(b) && b.scalar < 0) {
    throw new TensorError('RuntimeError', 'Integers to negative integer powers are not allowed.');
  }
  // true division (and the float-only functions) of integers computes in the default float type
  const compute = FLOAT_ONLY_OPS.has(op) && !isFloating(t) ? 'float32' : t;
  const kernel = isFloating(compute) ? floatKernel(op, alpha) : intKernel(op, compute, alpha);
  return mapPair(
    asArray(a, compute),
    asArray(b, compute),
    compute,
    compute,
    withCast(kernel, compute),
    budget,
  );
}

export type CompareOp = 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge';

/** Comparisons promote both sides first (int < 2.5 compares as float32), then give bools. */
export function compare(op: CompareOp, a: Operand, b: Operand, budget: Budget): NdArray {
  const t = resultType(a, b);
  const f: (x: number, y: number) => boolean =
    op === 'eq'
      ? (x, y) => x === y
      : op === 'ne'
        ? (x, y) => x !== y
        : op === 'lt'
          ? (x, y) => x < y
          : op === 'le'
            ? (x, y) => x <= y
            : op === 'gt'
              ? (x, y) => x > y
              : (x, y) => x >= y;
  return mapPair(asArray(a, t), asArray(b, t), t, 'bool', (x, y) => (f(x, y) ? 1 : 0), budget);
}

export type LogicalOp = 'logical_and' | 'logical_or' | 'logical_xor';

export function logical(op: LogicalOp, a: Operand, b: Operand, budget: Budget): NdArray {
  const t = resultType(a, b);
  const f: (x: boolean, y: boolean) => boolean =
    op === 'logical_and'
      ? (x, y) => x && y
      : op === 'logical_or'
        ? (x, y) => x || y
        : (x, y) => x !== y;
  return mapPair(
    asArray(a, t),
    asArray(b, t),
    t,
    'bool',
    (x, y) => (f(x !== 0, y !== 0) ? 1 : 0),
    budget,
  );
}

// ---------------------------------------------------------------------------------------------
// Unary

/** Maps every element through f into a new array of `outDType` (f's result is cast). */
export function mapUnary(
  a: NdArray,
  outDType: DType,
  f: (x: number) => number,
  budget: Budget,
  readAs: DType = a.dtype,
): NdArray {
  const out = allocate(a.numel, budget);
  const data = a.data;
  const conv = converter(a.dtype, readAs);
  walk(a.shape, a.strides, a.offset, (i, o) => {
    out[i] = castValue(f(conv ? conv(data[o]) : data[o]), outDType);
  });
  return new NdArray(outDType, a.shape.slice(), contiguousStrides(a.shape), 0, out);
}

/** A float function: integer and bool inputs give float32, as PyTorch's default dtype. */
export function mapFloat(a: NdArray, f: (x: number) => number, budget: Budget): NdArray {
  const out: DType = isFloating(a.dtype) ? a.dtype : 'float32';
  return mapUnary(a, out, f, budget, out);
}

export function unary(op: UnaryOp, a: NdArray, budget: Budget): NdArray {
  const floatFn = FLOAT_FUNCTIONS[op];
  if (floatFn) return mapFloat(a, floatFn, budget);
  const rounding = ROUNDING[op];
  if (rounding) {
    if (op === 'frac' && !isFloating(a.dtype)) {
      throw new TensorError(
        'RuntimeError',
        `"frac_cpu" not implemented for '${CPP_NAME[a.dtype]}'`,
      );
    }
    return mapUnary(a, a.dtype, isFloating(a.dtype) ? rounding : (x) => x, budget);
  }
  switch (op) {
    case 'neg':
      if (a.dtype === 'bool') {
        throw new TensorError(
          'RuntimeError',
          'Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.',
        );
      }
      return mapUnary(a, a.dtype, (x) => -x, budget);
    case 'abs':
      return mapUnary(a, a.dtype, Math.abs, budget);
    case 'sign':
      return mapUnary(a, a.dtype, (x) => (x > 0 ? 1 : x < 0 ? -1 : 0), budget);
    case 'square':
      return mapUnary(a, a.dtype === 'bool' ? 'int64' : a.dtype, (x) => x * x, budget);
    case 'relu':
      if (a.dtype === 'bool') {
        throw new TensorError('RuntimeError', `"clamp_min_cpu" not implemented for 'Bool'`);
      }
      return mapUnary(a, a.dtype, (x) => (x > 0 ? x : Number.isNaN(x) ? x : 0), budget);
    case 'logical_not':
      return mapUnary(a, 'bool', (x) => (x === 0 ? 1 : 0), budget);
    case 'bitwise_not':
      if (isFloating(a.dtype)) {
        throw new TensorError(
          'RuntimeError',
          `"bitwise_not_cpu" not implemented for '${CPP_NAME[a.dtype]}'`,
        );
      }
      if (a.dtype === 'bool') return mapUnary(a, 'bool', (x) => (x === 0 ? 1 : 0), budget);
      return mapUnary(a, a.dtype, (x) => -x - 1, budget);
    case 'isnan':
      return mapUnary(a, 'bool', (x) => (Number.isNaN(x) ? 1 : 0), budget);
    case 'isinf':
      return mapUnary(a, 'bool', (x) => (x === Infinity || x === -Infinity ? 1 : 0), budget);
    case 'isfinite':
      return mapUnary(a, 'bool', (x) => (Number.isFinite(x) ? 1 : 0), budget);
    default:
      throw new TensorError('RuntimeError', `unknown unary op ${op}`);
  }
}

// ---------------------------------------------------------------------------------------------
// where, clamp, masked_fill

function mapMany(
  operands: NdArray[],
  outDType: DType,
  f: (values: number[]) => number,
  budget: Budget,
): NdArray {
  const shape = broadcastShapes(...operands.map((x) => x.shape));
  const out = allocate(
    shape.reduce((p, s) => p * s, 1),
    budget,
  );
  const broadcast = operands.map((x) => broadcastTo(x, shape));
  const convs = operands.map((x) => converter(x.dtype, outDType));
  const values = new Array<number>(operands.length).fill(0);
  walkN(shape, broadcast, (i, offsets) => {
    for (let k = 0; k < broadcast.length; k++) {
      const v = broadcast[k].data[offsets[k]];
      const c = convs[k];
      values[k] = c ? c(v) : v;
    }
    out[i] = f(values);
  });
  return new NdArray(outDType, shape, contiguousStrides(shape), 0, out);
}

export function where(cond: NdArray, x: Operand, y: Operand, budget: Budget): NdArray {
  if (cond.dtype !== 'bool') {
    throw new TensorError(
      'RuntimeError',
      `where expected condition to be a boolean tensor, but got a tensor with dtype ${CPP_NAME[cond.dtype]}`,
    );
  }
  const t = resultType(x, y);
  // the condition is read as a float64 "value" and only tested against zero
  const c = new NdArray('float64', cond.shape, cond.strides, cond.offset, cond.data);
  return mapMany([c, asArray(x, t), asArray(y, t)], t, (v) => (v[0] !== 0 ? v[1] : v[2]), budget);
}

/** clamp with optional bounds; promotes like PyTorch (an int tensor clamped at 0.5 is float). */
export function clamp(
  a: NdArray,
  min: Operand | undefined,
  max: Operand | undefined,
  budget: Budget,
): NdArray {
  if (min === undefined && max === undefined) {
    throw new TensorError(
      'RuntimeError',
      "torch.clamp: At least one of 'min' or 'max' must not be None",
    );
  }
  if (a.dtype === 'bool') {
    throw new TensorError('RuntimeError', `"clamp_cpu" not implemented for 'Bool'`);
  }
  const bounds = [min, max].filter((x): x is Operand => x !== undefined);
  const t = resultType(a, ...bounds);
  const operands = [a, ...bounds.map((x) => asArray(x, t))];
  const hasMin = min !== undefined;
  const hasMax = max !== undefined;
  return mapMany(
    operands,
    t,
    (v) => {
      let r = v[0];
      if (Number.isNaN(r)) return r;
      // `!(r >= lo)` also lets a NaN bound through, as PyTorch does
      if (hasMin && !(r >= v[1])) r = v[1];
      const hi = hasMin ? v[2] : v[1];
      if (hasMax && !(r <= hi)) r = hi;
      return castValue(r, t);
    },
    budget,
  );
}

export function checkMask(mask: NdArray, name: string): void {
  if (mask.dtype !== 'bool') {
    throw new TensorError(
      'RuntimeError',
      `${name} only supports boolean masks, but got mask with dtype ${CPP_NAME[mask.dtype]}`,
    );
  }
}

export function fillValue(value: Operand, name: string): number {
  if (!isScalar(value) && value.ndim !== 0) {
    throw new TensorError(
      'RuntimeError',
      `${name} only supports a 0-dimensional value tensor, but got tensor with ${value.ndim} dimension(s).`,
    );
  }
  return operandValue(value);
}

/** Out-of-place masked_fill: self and mask broadcast together. */
export function maskedFill(a: NdArray, mask: NdArray, value: Operand, budget: Budget): NdArray {
  checkMask(mask, 'masked_fill_');
  const v = castValue(fillValue(value, 'masked_fill_'), a.dtype);
  const m = new NdArray(a.dtype, mask.shape, mask.strides, mask.offset, mask.data);
  return mapMany([a, m], a.dtype, (x) => (x[1] !== 0 ? v : x[0]), budget);
}

/** `.to(dtype)` (a copy even when the dtype is the same; the binding skips the copy then). */
export function astype(a: NdArray, dtype: DType, budget: Budget): NdArray {
  return mapUnary(a, dtype, (x) => x, budget);
}
