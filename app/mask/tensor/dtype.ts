/**
 * Tensor element types and PyTorch's type promotion.
 *
 * Every dtype is stored in one Float64Array: bools as 0/1, ints as exact integers, float32 values
 * already rounded with Math.fround. int64 is exact only up to 2**53, so an int64 result outside
 * the safe integers raises instead of silently losing digits (PyTorch would keep 64 bits).
 */

export type DType = 'bool' | 'uint8' | 'int32' | 'int64' | 'float32' | 'float64';

/** A Python exception raised by the tensor library: the binding re-raises it as `cls(message)`. */
export class TensorError extends Error {
  constructor(
    readonly cls: string,
    message: string,
  ) {
    super(message);
    this.name = cls;
  }
  /** The Python class, under the name the brief of this module gave it. */
  get pythonClass(): string {
    return this.cls;
  }
}

export const INT64_OVERFLOW = 'integer overflow: flexmask keeps int64 tensors exact up to 2**53';

/** The most dims a tensor may have: real mask code needs 4 or 5, and loops stay small. */
export const MAX_RANK = 8;

/** Ranks for promotion: within a category the later one wins, and categories are ordered too. */
const ORDER: Record<DType, number> = {
  bool: 0,
  uint8: 1,
  int32: 2,
  int64: 3,
  float32: 4,
  float64: 5,
};

export function isFloating(d: DType): boolean {
  return d === 'float32' || d === 'float64';
}

export function isIntegral(d: DType): boolean {
  return d === 'uint8' || d === 'int32' || d === 'int64';
}

/**
 * torch.promote_types for the dtypes flexmask has. Without int8/int16 the order above is enough:
 * uint8 with int32 gives int32, int64 with float32 gives float32, as in PyTorch.
 */
export function promoteTypes(a: DType, b: DType): DType {
  return ORDER[a] >= ORDER[b] ? a : b;
}

/** torch.can_cast: what an in-place op may write (no float into int, no number into bool). */
export function canCast(from: DType, to: DType): boolean {
  if (isFloating(from) && !isFloating(to)) return false;
  if (from !== 'bool' && to === 'bool') return false;
  return true;
}

/** PyTorch's C++ names, used in its messages ("result type Float can't be cast to ... Long"). */
export const CPP_NAME: Record<DType, string> = {
  bool: 'Bool',
  uint8: 'Byte',
  int32: 'Int',
  int64: 'Long',
  float32: 'Float',
  float64: 'Double',
};

/** Bytes per element (`Tensor.itemsize`). */
export const ELEMENT_SIZE: Record<DType, number> = {
  bool: 1,
  uint8: 1,
  int32: 4,
  int64: 8,
  float32: 4,
  float64: 8,
};

/** Converts a value to a dtype as `tensor.to(dtype)` does (truncating floats, wrapping ints). */
export function castValue(v: number, d: DType): number {
  switch (d) {
    case 'float64':
      return v;
    case 'float32':
      return Math.fround(v);
    case 'bool':
      return v !== 0 ? 1 : 0;
    case 'int32':
      // ToInt32 is exactly a wrap modulo 2**32 of the truncated value (NaN gives 0).
      return Math.trunc(v) | 0;
    case 'uint8': {
      if (!Number.isFinite(v)) return 0;
      const t = Math.trunc(v) % 256;
      return t < 0 ? t + 256 : t + 0;
    }
    case 'int64': {
      const t = Math.trunc(v);
      if (!Number.isSafeInteger(t)) throw new TensorError('RuntimeError', INT64_OVERFLOW);
      return t + 0; // no negative zero
    }
  }
}

/**
 * A converter from one stored dtype to another, or undefined when the stored value can be used
 * as it is (same dtype, or a widening that is exact in a double).
 */
export function converter(from: DType, to: DType): ((v: number) => number) | undefined {
  if (from === to) return undefined;
  if (to === 'float64') return undefined;
  if (to === 'int64' && (from === 'bool' || from === 'uint8' || from === 'int32')) return undefined;
  if (to === 'int32' && (from === 'bool' || from === 'uint8')) return undefined;
  if (to === 'float32' && (from === 'bool' || from === 'uint8')) return undefined;
  if (to === 'uint8' && from === 'bool') return undefined;
  return (v) => castValue(v, to);
}

/** Checks an int64 result and normalizes negative zero. */
export function checkInt64(v: number): number {
  if (!Number.isSafeInteger(v)) throw new TensorError('RuntimeError', INT64_OVERFLOW);
  return v + 0;
}
