/**
 * Uploaded Q, K, V: reading a file (.npy, .safetensors or JSON) into a tensor, refusing what
 * cannot be attention inputs, and fitting it to the scenario's shape under a layout. Every
 * refusal is a sentence that names the file and says what is wrong.
 */
import type { AttentionInputs } from '../engine/types';
import { inferLayout, layoutLabel, LAYOUTS, toBHSD, type ExpectedShape } from '../tensors/layout';
import { parseNpy } from '../tensors/npy';
import { parseSafetensors } from '../tensors/safetensors';
import { DTYPE_NAME, formatShape, TensorFileError, type Tensor } from '../tensors/tensor';
import type { Scenario } from './scenario';
import type { InputName, PlaygroundState, UploadedFile, UploadLayout } from './store';

/** Larger files are refused before they are read: the page holds everything in memory. */
export const MAX_UPLOAD_BYTES = 256 * 1024 * 1024;

const FLOAT_DTYPES = new Set(['<f4', '<f8', '<f2', 'bf16']);

/** Names a .safetensors tensor may have for each input, tried in order. */
const TENSOR_NAMES: Record<InputName, string[]> = {
  q: ['q', 'query', 'Q', 'queries'],
  k: ['k', 'key', 'K', 'keys'],
  v: ['v', 'value', 'V', 'values'],
};

export const INPUT_TITLES: Record<InputName, string> = { q: 'Q', k: 'K', v: 'V' };

function refuseNonFloat(tensor: Tensor, fileName: string): Tensor {
  if (!FLOAT_DTYPES.has(tensor.dtype)) {
    throw new TensorFileError(
      `${fileName}: holds ${DTYPE_NAME[tensor.dtype]} values; Q, K and V must be floating point ` +
        '(float16, bfloat16, float32 or float64).',
    );
  }
  return tensor;
}

/** Nested JSON arrays of numbers (or `{ "shape": [...], "data": [...] }`) as a float64 tensor. */
export function parseJsonTensor(text: string, fileName: string): Tensor {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new TensorFileError(`${fileName}: not valid JSON (${reason}).`);
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const shape: unknown = 'shape' in value ? value.shape : undefined;
    const data: unknown = 'data' in value ? value.data : undefined;
    if (!Array.isArray(shape) || !Array.isArray(data)) {
      throw new TensorFileError(
        `${fileName}: a JSON object needs "shape" and "data" arrays; or give nested arrays.`,
      );
    }
    const dims = shape.filter((d): d is number => Number.isInteger(d) && d >= 0);
    if (dims.length !== shape.length) {
      throw new TensorFileError(`${fileName}: "shape" must be a list of whole numbers.`);
    }
    const flat = flattenNumbers(data, fileName);
    const count = dims.reduce((a, d) => a * d, 1);
    if (flat.length !== count) {
      throw new TensorFileError(
        `${fileName}: "shape" ${formatShape(dims)} needs ${count} values, "data" has ${flat.length}.`,
      );
    }
    return { shape: dims, dtype: '<f8', data: Float64Array.from(flat) };
  }
  const shape: number[] = [];
  for (let level: unknown = value; Array.isArray(level); level = level[0]) {
    shape.push(level.length);
    if (level.length === 0) break;
  }
  const flat = flattenNumbers(value, fileName);
  checkRectangular(value, shape, 0, fileName);
  return { shape, dtype: '<f8', data: Float64Array.from(flat) };
}

function flattenNumbers(value: unknown, fileName: string): number[] {
  const out: number[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) {
      for (const item of v) walk(item);
    } else if (typeof v === 'number' && Number.isFinite(v)) {
      out.push(v);
    } else {
      throw new TensorFileError(
        `${fileName}: found ${JSON.stringify(v) ?? String(v)} where a finite number was expected.`,
      );
    }
  };
  walk(value);
  return out;
}

function checkRectangular(value: unknown, shape: number[], depth: number, fileName: string) {
  if (depth === shape.length) {
    if (Array.isArray(value)) {
      throw new TensorFileError(`${fileName}: the nested lists are not rectangular.`);
    }
    return;
  }
  if (!Array.isArray(value) || value.length !== shape[depth]) {
    throw new TensorFileError(
      `${fileName}: the nested lists are not rectangular (expected ${shape[depth]} items at depth ${depth + 1}).`,
    );
  }
  for (const item of value) checkRectangular(item, shape, depth + 1, fileName);
}

/** Refuses a file too large to hold, before it is read. */
export function checkUploadSize(byteLength: number, fileName: string): void {
  if (byteLength > MAX_UPLOAD_BYTES) {
    throw new TensorFileError(
      `${fileName}: ${(byteLength / 2 ** 20).toFixed(1)} MiB is too large; the limit is ` +
        `${MAX_UPLOAD_BYTES / 2 ** 20} MiB.`,
    );
  }
}

/** Reads one uploaded file as the given input. Throws TensorFileError with a clear message. */
export function readTensorFile(bytes: Uint8Array, fileName: string, input: InputName): Tensor {
  checkUploadSize(bytes.length, fileName);
  const lower = fileName.toLowerCase();
  if (lower.endsWith('.npy')) return refuseNonFloat(parseNpy(bytes, fileName), fileName);
  if (lower.endsWith('.safetensors')) {
    const tensors = parseSafetensors(bytes, fileName);
    const names = [...tensors.keys()];
    const wanted = TENSOR_NAMES[input].find((n) => tensors.has(n));
    const chosen = wanted ?? (names.length === 1 ? names[0] : undefined);
    const tensor = chosen === undefined ? undefined : tensors.get(chosen);
    if (!tensor) {
      throw new TensorFileError(
        `${fileName}: holds ${names.length} tensors (${names.join(', ') || 'none'}); name one ` +
          `${TENSOR_NAMES[input].slice(0, 2).join(' or ')} to use it as ${INPUT_TITLES[input]}.`,
      );
    }
    return refuseNonFloat(tensor, fileName);
  }
  if (lower.endsWith('.json')) {
    return parseJsonTensor(new TextDecoder().decode(bytes), fileName);
  }
  throw new TensorFileError(
    `${fileName}: unknown file type; upload a .npy, .safetensors or .json file.`,
  );
}

/** The [B, H, S, D] sizes the scenario wants for an input. */
export function expectedShape(input: InputName, s: Scenario): ExpectedShape {
  if (input === 'q') return { B: s.B, H: s.H, S: s.Q, D: s.D };
  if (input === 'k') return { B: s.B, H: s.HKV, S: s.KV, D: s.D };
  return { B: s.B, H: s.HKV, S: s.KV, D: s.DV };
}

export type FittedUpload =
  { ok: true; layout: (typeof LAYOUTS)[number]; data: Float32Array } | { ok: false; error: string };

/** Fits an upload to the scenario: the chosen layout, or the first that matches the sizes. */
export function fitUpload(input: InputName, upload: UploadedFile, s: Scenario): FittedUpload {
  const expected = expectedShape(input, s);
  const name = `${INPUT_TITLES[input]} (${upload.fileName})`;
  let layout: UploadLayout = upload.layout;
  if (layout === 'auto') {
    const fits = inferLayout(upload.tensor.shape, expected);
    if (fits.length === 0) {
      const wants = LAYOUTS.map((l) => `${layoutLabel(l)}`).join(', ');
      const sizes = `B=${expected.B}, H=${expected.H}, S=${expected.S}, D=${expected.D}`;
      return {
        ok: false,
        error:
          `${name} has shape ${formatShape(upload.tensor.shape)}, which fits none of the ` +
          `layouts ${wants} for this scenario (${sizes}). Change the shape or upload another file.`,
      };
    }
    layout = fits[0];
  }
  try {
    return { ok: true, layout, data: toBHSD(upload.tensor, layout, expected, name) };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

/** The runner's view of the uploads: [B, H, S, D] tensors, or an error naming the bad one. */
export function prepareInputs(state: PlaygroundState): Partial<AttentionInputs> | null {
  const inputs: Partial<AttentionInputs> = {};
  let any = false;
  for (const input of ['q', 'k', 'v'] as const) {
    const upload = state.uploads[input];
    if (!upload) continue;
    const fitted = fitUpload(input, upload, state.scenario);
    if (!fitted.ok) throw new TensorFileError(fitted.error);
    inputs[input] = fitted.data;
    any = true;
  }
  return any ? inputs : null;
}
