import { clipForMessage } from './bounded';
import { parsePyLiteral, PyLiteralError, type PyValue } from './pyliteral';
import {
  decodeElements,
  DTYPE_NAME,
  elementCount,
  encodeElements,
  formatDims,
  ITEM_SIZE,
  TensorFileError,
  type DType,
  type Tensor,
} from './tensor';

/**
 * NumPy's .npy format, versions 1.0, 2.0 and 3.0
 * (https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html):
 * magic "\x93NUMPY", major and minor version bytes, a little-endian header length (2 bytes in
 * 1.0, 4 bytes in 2.0 and 3.0), a Python dict literal {'descr', 'fortran_order', 'shape'}
 * (latin-1; UTF-8 in 3.0) padded with spaces and a newline, then the raw data in C order.
 */

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
/**
 * Longest header read. NumPy's own reader refuses longer ones by default (`max_header_size`,
 * numpy.lib.format._MAX_HEADER_SIZE), and a plain array's header is under 2 KB even with 64
 * dimensions, so a longer one is hostile or a structured dtype (which flexmask refuses anyway).
 */
export const MAX_NPY_HEADER_BYTES = 10_000;
const SUPPORTED = '<f4, <f8, <f2, <i4, <i8, |b1, |u1';
/** The descr spellings NumPy writes, per dtype; one-byte types may carry any order mark. */
const DESCR: Record<string, DType> = {
  '<f4': '<f4',
  '<f8': '<f8',
  '<f2': '<f2',
  '<i4': '<i4',
  '<i8': '<i8',
  '|b1': '|b1',
  '<b1': '|b1',
  '>b1': '|b1',
  '|u1': '|u1',
  '<u1': '|u1',
  '>u1': '|u1',
};

/** Reads a .npy file. `name` (the file name) starts every error message. */
export function parseNpy(bytes: Uint8Array, name = 'array.npy'): Tensor {
  const fail = (message: string): never => {
    throw new TensorFileError(`${name}: ${message}`);
  };
  if (bytes.length < 10) {
    fail(`not a .npy file: ${bytes.length} bytes is too short for the NumPy preamble`);
  }
  if (!MAGIC.every((b, i) => bytes[i] === b)) {
    fail('not a .npy file: it does not start with the NumPy magic string \\x93NUMPY');
  }
  const major = bytes[6];
  const minor = bytes[7];
  if (!((major === 1 || major === 2 || major === 3) && minor === 0)) {
    fail(`NumPy format version ${major}.${minor} is not supported (1.0, 2.0 and 3.0 are)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const preamble = major === 1 ? 10 : 12;
  if (bytes.length < preamble) {
    fail(`not a .npy file: ${bytes.length} bytes is too short for the NumPy preamble`);
  }
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  if (headerLength > MAX_NPY_HEADER_BYTES) {
    fail(
      `the header is ${headerLength} bytes long; flexmask reads .npy headers of up to ` +
        `${MAX_NPY_HEADER_BYTES} bytes, as NumPy does (a plain array's header is far shorter)`,
    );
  }
  const dataStart = preamble + headerLength;
  if (dataStart > bytes.length) {
    fail(
      `the header is cut short: the preamble promises ${headerLength} header bytes, ` +
        `the file has ${bytes.length - preamble} after the preamble`,
    );
  }
  const headerBytes = bytes.subarray(preamble, dataStart);
  const headerText = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(headerBytes);
  const header = readHeader(headerText, fail);

  const dtype = header.dtype;
  const count = elementCount(header.shape);
  const needed = count * ITEM_SIZE[dtype];
  const available = bytes.length - dataStart;
  if (needed > available) {
    fail(
      `data is truncated: the header promises ${formatDims(header.shape)} ${DTYPE_NAME[dtype]} ` +
        `= ${needed} bytes, the file has ${available} after its ${dataStart}-byte header`,
    );
  }
  return { shape: header.shape, dtype, data: decodeElements(bytes, dataStart, count, dtype) };
}

interface NpyHeader {
  dtype: DType;
  shape: number[];
}

function readHeader(text: string, fail: (message: string) => never): NpyHeader {
  let value: PyValue;
  try {
    value = parsePyLiteral(text);
  } catch (error) {
    if (error instanceof PyLiteralError) {
      return fail(
        `the header is not a valid Python dict literal: ${clipForMessage(error.message)}`,
      );
    }
    throw error;
  }
  if (value === null || typeof value !== 'object' || value.kind !== 'dict') {
    return fail(`the header must be a Python dict, found ${describePy(value)}`);
  }
  const { entries } = value;
  for (const key of ['descr', 'fortran_order', 'shape']) {
    if (!entries.has(key)) fail(`the header has no '${key}' key`);
  }
  const extra = [...entries.keys()].filter((k) => !['descr', 'fortran_order', 'shape'].includes(k));
  if (extra.length > 0) {
    const named = extra.slice(0, 5).map((k) => `'${clipForMessage(k, 40)}'`);
    const more = extra.length > 5 ? `, and ${extra.length - 5} more` : '';
    fail(`the header has unexpected keys: ${named.join(', ')}${more}`);
  }

  const descr = entries.get('descr');
  if (typeof descr !== 'string') {
    return fail(
      descr !== null && typeof descr === 'object' && descr.kind === 'list'
        ? 'structured dtypes (a list descr) are not supported; save a plain numeric array'
        : `'descr' must be a dtype string like '<f4', found ${describePy(descr ?? null)}`,
    );
  }
  const dtype = Object.hasOwn(DESCR, descr) ? DESCR[descr] : undefined;
  if (dtype === undefined) {
    if (descr.startsWith('>') && Object.hasOwn(DESCR, `<${descr.slice(1)}`)) {
      return fail(
        `dtype '${descr}' is big-endian; only little-endian data is supported ` +
          `(save with a.astype('<${descr.slice(1)}'))`,
      );
    }
    return fail(`dtype '${clipForMessage(descr, 40)}' is not supported; use one of ${SUPPORTED}`);
  }

  const fortran = entries.get('fortran_order');
  if (typeof fortran !== 'boolean') {
    return fail(`'fortran_order' must be True or False, found ${describePy(fortran ?? null)}`);
  }
  if (fortran) {
    return fail(
      'fortran_order is True (column-major data) and is not supported; ' +
        'save np.ascontiguousarray(a) instead',
    );
  }

  const shapeValue = entries.get('shape');
  const shape =
    shapeValue !== null && typeof shapeValue === 'object' && shapeValue.kind === 'tuple'
      ? shapeValue.items
      : null;
  if (
    shape === null ||
    !shape.every((d): d is number => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0)
  ) {
    return fail(
      `'shape' must be a tuple of non-negative integers, found ${describePy(shapeValue ?? null)}`,
    );
  }
  return { dtype, shape };
}

/** A short Python-like rendering of a parsed value, for messages (at most ~200 characters). */
function describePy(value: PyValue): string {
  return clipForMessage(renderPy(value));
}

/** The whole rendering; recursion is bounded by the literal parser's depth cap (32). */
function renderPy(value: PyValue): string {
  if (value === null) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return `'${clipForMessage(value)}'`;
  if (value.kind === 'dict') return 'a dict';
  const inner = value.items.map(renderPy).join(', ');
  if (value.kind === 'list') return `[${inner}]`;
  return value.items.length === 1 ? `(${inner},)` : `(${inner})`;
}

/** NumPy pads the preamble plus header to a multiple of 64 bytes so the data is aligned. */
const ALIGN = 64;

/** Writes a .npy file (version 1.0, or 2.0 when the header would not fit in 65535 bytes). */
export function writeNpy(tensor: Tensor, name = 'array.npy'): Uint8Array {
  if (tensor.dtype === 'bf16') {
    throw new TensorFileError(
      `${name}: NumPy has no bfloat16; convert the tensor to '<f4' before writing .npy`,
    );
  }
  for (const d of tensor.shape) {
    if (!Number.isSafeInteger(d) || d < 0) {
      throw new TensorFileError(`${name}: shape must hold non-negative integers, got ${d}`);
    }
  }
  const dims = tensor.shape.join(', ');
  const shapeText = tensor.shape.length === 1 ? `(${dims},)` : `(${dims})`;
  const dict = `{'descr': '${tensor.dtype}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const data = encodeElements(tensor, name);

  let major = 1;
  let preamble = 10;
  let total = padTo(preamble + dict.length + 1, ALIGN);
  if (total - preamble > 0xffff) {
    major = 2;
    preamble = 12;
    total = padTo(preamble + dict.length + 1, ALIGN);
  }
  const headerLength = total - preamble;
  const header = dict + ' '.repeat(headerLength - dict.length - 1) + '\n';

  const out = new Uint8Array(total + data.length);
  out.set(MAGIC, 0);
  out[6] = major;
  out[7] = 0;
  const view = new DataView(out.buffer);
  if (major === 1) view.setUint16(8, headerLength, true);
  else view.setUint32(8, headerLength, true);
  for (let i = 0; i < header.length; i++) out[preamble + i] = header.charCodeAt(i);
  out.set(data, total);
  return out;
}

function padTo(n: number, multiple: number): number {
  return Math.ceil(n / multiple) * multiple;
}
