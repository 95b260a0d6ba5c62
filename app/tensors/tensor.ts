/**
 * The in-memory tensor that .npy and .safetensors files read into and are written from.
 */

/** The NumPy dtypes flexmask reads and writes (docs/tensor-files.md). */
export type DType = '<f4' | '<f8' | '<f2' | '<i4' | '<i8' | '|b1' | '|u1';

/**
 * What a file stored: a NumPy dtype, or 'bf16' (safetensors BF16; NumPy has no bfloat16).
 * The data is always held decoded, as the table below says.
 */
export type StoredDType = DType | 'bf16';

/**
 * How each stored dtype is held in memory:
 * - '<f4' Float32Array; '<f2' and 'bf16' Float32Array (both convert exactly to float32);
 * - '<f8' Float64Array;
 * - '<i4' Int32Array;
 * - '<i8' Float64Array: exact for |x| <= 2^53, rounded to the nearest double beyond that;
 * - '|b1' Uint8Array of 0/1; '|u1' Uint8Array.
 */
export type TensorData = Float32Array | Float64Array | Int32Array | Uint8Array;

export interface Tensor {
  /** Row-major (C order) shape; [] for a 0-d array. */
  shape: number[];
  dtype: StoredDType;
  data: TensorData;
}

/** A bad file or a tensor that does not fit; the message says what is wrong and where. */
export class TensorFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TensorFileError';
  }
}

/** Bytes per element as stored in a file. */
export const ITEM_SIZE: Record<StoredDType, number> = {
  '<f4': 4,
  '<f8': 8,
  '<f2': 2,
  '<i4': 4,
  '<i8': 8,
  '|b1': 1,
  '|u1': 1,
  bf16: 2,
};

/** Readable names for messages ("4x10x8 float32 = 1280 bytes"). */
export const DTYPE_NAME: Record<StoredDType, string> = {
  '<f4': 'float32',
  '<f8': 'float64',
  '<f2': 'float16',
  '<i4': 'int32',
  '<i8': 'int64',
  '|b1': 'bool',
  '|u1': 'uint8',
  bf16: 'bfloat16',
};

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((n, d) => n * d, 1);
}

/** "4x10x8" ("scalar" for a 0-d shape). */
export function formatDims(shape: readonly number[]): string {
  return shape.length === 0 ? 'scalar' : shape.join('x');
}

/** "[4, 10, 8]" */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/**
 * Decodes `count` little-endian elements of `dtype` from `bytes` at `offset` (any alignment;
 * DataView reads are explicit about byte order, so this is right on any host).
 */
export function decodeElements(
  bytes: Uint8Array,
  offset: number,
  count: number,
  dtype: StoredDType,
): TensorData {
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, count * ITEM_SIZE[dtype]);
  switch (dtype) {
    case '<f4': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(i * 4, true);
      return out;
    }
    case '<f8': {
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(i * 8, true);
      return out;
    }
    case '<f2': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = halfToFloat(view.getUint16(i * 2, true));
      return out;
    }
    case 'bf16': {
      const out = new Float32Array(count);
      const word = new DataView(new ArrayBuffer(4));
      for (let i = 0; i < count; i++) {
        word.setUint32(0, view.getUint16(i * 2, true) << 16);
        out[i] = word.getFloat32(0);
      }
      return out;
    }
    case '<i4': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt32(i * 4, true);
      return out;
    }
    case '<i8': {
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) out[i] = Number(view.getBigInt64(i * 8, true));
      return out;
    }
    case '|b1': {
      const out = new Uint8Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getUint8(i) === 0 ? 0 : 1;
      return out;
    }
    case '|u1':
      // A copy as a plain Uint8Array (slice() of a Node Buffer would give a Buffer).
      return new Uint8Array(bytes.subarray(offset, offset + count));
  }
}

/** Encodes a tensor's data as little-endian bytes of its stored dtype. */
export function encodeElements(tensor: Tensor, where: string): Uint8Array {
  const { data, dtype } = tensor;
  const count = elementCount(tensor.shape);
  if (data.length !== count) {
    throw new TensorFileError(
      `${where}: shape ${formatShape(tensor.shape)} needs ${count} values, the data holds ${data.length}`,
    );
  }
  const bytes = new Uint8Array(count * ITEM_SIZE[dtype]);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < count; i++) {
    const x = data[i];
    switch (dtype) {
      case '<f4':
        view.setFloat32(i * 4, x, true);
        break;
      case '<f8':
        view.setFloat64(i * 8, x, true);
        break;
      case '<f2':
        view.setUint16(i * 2, floatToHalf(x), true);
        break;
      case 'bf16':
        view.setUint16(i * 2, floatToBfloat16(x), true);
        break;
      case '<i4':
        view.setInt32(i * 4, x, true);
        break;
      case '<i8':
        if (!Number.isInteger(x)) {
          throw new TensorFileError(`${where}: int64 data holds ${x}, which is not an integer`);
        }
        view.setBigInt64(i * 8, BigInt(x), true);
        break;
      case '|b1':
        view.setUint8(i, x === 0 ? 0 : 1);
        break;
      case '|u1':
        view.setUint8(i, x);
        break;
    }
  }
  return bytes;
}

/** IEEE 754 binary16 bits to a number (exact). */
export function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/** A number to binary16 bits, rounding to nearest even (as NumPy's astype(float16) does). */
export function floatToHalf(value: number): number {
  if (Number.isNaN(value)) return 0x7e00;
  const sign = value < 0 || Object.is(value, -0) ? 0x8000 : 0;
  const magnitude = Math.abs(value);
  // 65520 is halfway between the largest half (65504) and 2^16; it and above round to infinity.
  if (magnitude >= 65520) return sign | 0x7c00;
  if (magnitude < 2 ** -14) {
    // Subnormal: units of 2^-24, rounded half to even.
    return sign | roundHalfEven(magnitude / 2 ** -24);
  }
  let exponent = Math.floor(Math.log2(magnitude));
  // Math.log2 can be off by one right at powers of two; fix the exponent exactly.
  if (2 ** exponent > magnitude) exponent--;
  if (2 ** (exponent + 1) <= magnitude) exponent++;
  const mantissa = roundHalfEven((magnitude / 2 ** exponent - 1) * 1024);
  // A mantissa that rounds up to 1024 carries into the exponent; adding keeps the bits right.
  return sign | (((exponent + 15) << 10) + mantissa);
}

/** A number to bfloat16 bits: float32 rounded to nearest even in its top 16 bits. */
export function floatToBfloat16(value: number): number {
  const word = new DataView(new ArrayBuffer(4));
  word.setFloat32(0, value);
  const bits = word.getUint32(0);
  if (Number.isNaN(value)) return (bits >>> 16) | 0x40;
  return (bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16;
}

function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const rest = x - floor;
  if (rest > 0.5) return floor + 1;
  if (rest < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}
