import { clipForMessage, describeJson, jsonTooDeep } from './bounded';
import {
  decodeElements,
  DTYPE_NAME,
  elementCount,
  encodeElements,
  formatShape,
  ITEM_SIZE,
  TensorFileError,
  type StoredDType,
  type Tensor,
} from './tensor';

/**
 * The .safetensors format (https://huggingface.co/docs/safetensors): an 8-byte little-endian
 * header length N, N bytes of JSON {name: {dtype, shape, data_offsets: [begin, end]}, with an
 * optional "__metadata__" entry of strings}, then the data; offsets count from the first byte
 * after the header.
 */

const FROM_SAFETENSORS: Record<string, StoredDType> = {
  F32: '<f4',
  F16: '<f2',
  BF16: 'bf16',
  F64: '<f8',
  I32: '<i4',
  I64: '<i8',
  BOOL: '|b1',
  U8: '|u1',
};
const TO_SAFETENSORS: Record<StoredDType, string> = {
  '<f4': 'F32',
  '<f2': 'F16',
  bf16: 'BF16',
  '<f8': 'F64',
  '<i4': 'I32',
  '<i8': 'I64',
  '|b1': 'BOOL',
  '|u1': 'U8',
};
const SUPPORTED = Object.keys(FROM_SAFETENSORS).join(', ');

/**
 * Longest header read. A header lists each tensor in about 100 bytes, so a whole model's
 * thousands of tensors fit in a megabyte; flexmask wants Q, K and V. (The reference reader allows
 * 100 MB; a header that large only costs time and memory here.)
 */
export const MAX_SAFETENSORS_HEADER_BYTES = 16 * 2 ** 20;

/**
 * Deepest JSON nesting read in a header: {name: {shape: [..]}} nests 3 levels, __metadata__ 2.
 * Checked before JSON.parse, so nothing after it walks deeper.
 */
export const MAX_SAFETENSORS_HEADER_DEPTH = 8;

interface Entry {
  name: string;
  dtype: StoredDType;
  shape: number[];
  begin: number;
  end: number;
}

/** One tensor of a file, located but not yet decoded. */
export interface SafetensorsEntry {
  name: string;
  dtype: StoredDType;
  shape: number[];
}

/** A checked header: the tensors in header order, and a decoder for any one of them. */
export interface SafetensorsIndex {
  entries: SafetensorsEntry[];
  /** Decodes the named tensor's data; only what is asked for is ever decoded. */
  decode: (name: string) => Tensor;
}

/** Reads every tensor of a .safetensors file, in header order. `name` starts every error. */
export function parseSafetensors(
  bytes: Uint8Array,
  name = 'model.safetensors',
): Map<string, Tensor> {
  const index = readSafetensorsIndex(bytes, name);
  return new Map(index.entries.map((e) => [e.name, index.decode(e.name)]));
}

/**
 * Reads and checks a .safetensors header (its length, nesting, every entry's dtype, shape and
 * offsets, and that no two tensors overlap) without decoding any data.
 */
export function readSafetensorsIndex(
  bytes: Uint8Array,
  name = 'model.safetensors',
): SafetensorsIndex {
  const fail = (message: string): never => {
    throw new TensorFileError(`${name}: ${message}`);
  };
  if (bytes.length < 8) {
    fail(
      `not a .safetensors file: ${bytes.length} bytes is too short for the 8-byte header length`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getBigUint64(0, true);
  if (headerLength > BigInt(bytes.length - 8)) {
    fail(
      `the header length ${headerLength} goes beyond the file ` +
        `(${bytes.length - 8} bytes after the length)`,
    );
  }
  if (headerLength > BigInt(MAX_SAFETENSORS_HEADER_BYTES)) {
    fail(
      `the header is ${headerLength} bytes long; flexmask reads headers of up to ` +
        `${MAX_SAFETENSORS_HEADER_BYTES} bytes (save Q, K and V in a file of their own)`,
    );
  }
  const dataStart = 8 + Number(headerLength);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, dataStart));
  } catch {
    // Expected for a header that is not UTF-8 (the format requires it).
    return fail('the header is not valid JSON: it is not UTF-8 text');
  }
  const deep = jsonTooDeep(text, MAX_SAFETENSORS_HEADER_DEPTH);
  if (deep !== null) {
    return fail(
      `the header nests more than ${MAX_SAFETENSORS_HEADER_DEPTH} levels deep (at character ` +
        `${deep.offset}); a safetensors header nests 3 ({name: {shape: [...]}})`,
    );
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return fail(`the header is not valid JSON: ${clipForMessage(reason)}`);
  }
  if (!isRecord(header)) {
    return fail('the header must be a JSON object of tensors');
  }

  const dataLength = bytes.length - dataStart;
  const entries: Entry[] = [];
  for (const [key, value] of Object.entries(header)) {
    if (key === '__metadata__') continue;
    entries.push(readEntry(key, value, dataLength, fail));
  }
  const byOffset = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  for (let i = 1; i < byOffset.length; i++) {
    const a = byOffset[i - 1];
    const b = byOffset[i];
    if (b.begin < a.end) {
      fail(
        `tensors ${quoteName(a.name)} and ${quoteName(b.name)} overlap: ` +
          `data_offsets [${a.begin}, ${a.end}] and [${b.begin}, ${b.end}]`,
      );
    }
  }
  const byName = new Map(entries.map((e) => [e.name, e]));
  return {
    entries: entries.map(({ name: tensorName, dtype, shape }) => ({
      name: tensorName,
      dtype,
      shape,
    })),
    decode: (tensorName) => {
      const e = byName.get(tensorName);
      if (e === undefined) return fail(`holds no tensor named ${quoteName(tensorName)}`);
      return {
        shape: e.shape,
        dtype: e.dtype,
        data: decodeElements(bytes, dataStart + e.begin, elementCount(e.shape), e.dtype),
      };
    },
  };
}

/** A tensor name as messages quote it: 'q', or the first 200 characters of a long one. */
export function quoteName(name: string): string {
  return `'${clipForMessage(name)}'`;
}

function readEntry(
  key: string,
  value: unknown,
  dataLength: number,
  fail: (message: string) => never,
): Entry {
  const where = `tensor ${quoteName(key)}`;
  if (!isRecord(value)) {
    return fail(`${where}: expected {dtype, shape, data_offsets}, found ${describeJson(value)}`);
  }
  const { dtype, shape, data_offsets: offsets } = value;
  if (typeof dtype !== 'string') return fail(`${where}: has no dtype string`);
  const stored = Object.hasOwn(FROM_SAFETENSORS, dtype) ? FROM_SAFETENSORS[dtype] : undefined;
  if (stored === undefined) {
    return fail(
      `${where}: dtype '${clipForMessage(dtype, 40)}' is not supported; use one of ${SUPPORTED}`,
    );
  }
  if (!isIntegerList(shape)) {
    return fail(
      `${where}: shape must be a list of non-negative integers, found ${describeJson(shape)}`,
    );
  }
  if (!isIntegerList(offsets) || offsets.length !== 2) {
    return fail(
      `${where}: data_offsets must be [begin, end] with non-negative integers, ` +
        `found ${describeJson(offsets)}`,
    );
  }
  const [begin, end] = offsets;
  if (end < begin) return fail(`${where}: data_offsets [${begin}, ${end}] end before they begin`);
  if (end > dataLength) {
    return fail(
      `${where}: data_offsets [${begin}, ${end}] go past the end of the data (${dataLength} bytes)`,
    );
  }
  const needed = elementCount(shape) * ITEM_SIZE[stored];
  if (end - begin !== needed) {
    return fail(
      `${where}: data_offsets [${begin}, ${end}] span ${end - begin} bytes, but ` +
        `${dtype} ${clipForMessage(formatShape(shape))} (${DTYPE_NAME[stored]}) needs ${needed}`,
    );
  }
  return { name: key, dtype: stored, shape: shape, begin, end };
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return x !== null && typeof x === 'object' && !Array.isArray(x);
}

/** A JSON list of non-negative integers. */
function isIntegerList(x: unknown): x is number[] {
  return (
    Array.isArray(x) &&
    x.every((d: unknown) => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0)
  );
}

/**
 * Writes a .safetensors file with the tensors packed in the order given. The header is padded
 * with spaces to a multiple of 8 bytes, as the reference writer does, so the data is aligned.
 */
export function writeSafetensors(
  tensors: Map<string, Tensor> | Record<string, Tensor>,
  metadata?: Record<string, string>,
): Uint8Array {
  const list = tensors instanceof Map ? [...tensors] : Object.entries(tensors);
  const header: Record<string, unknown> = {};
  if (metadata) header.__metadata__ = metadata;
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const [key, tensor] of list) {
    if (key === '__metadata__') {
      throw new TensorFileError(`'__metadata__' is reserved and cannot name a tensor`);
    }
    const data = encodeElements(tensor, `tensor '${key}'`);
    header[key] = {
      dtype: TO_SAFETENSORS[tensor.dtype],
      shape: tensor.shape,
      data_offsets: [offset, offset + data.length],
    };
    chunks.push(data);
    offset += data.length;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded !== json.length) {
    const withSpaces = new Uint8Array(padded).fill(0x20);
    withSpaces.set(json);
    json = withSpaces;
  }
  const out = new Uint8Array(8 + json.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let at = 8 + json.length;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}
