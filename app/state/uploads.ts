/**
 * Uploaded Q, K, V: reading a file (.npy, .safetensors or JSON) into a tensor, refusing what
 * cannot be attention inputs, and fitting it to the scenario's shape under a layout. Every
 * refusal is a sentence that names the file and says what is wrong.
 */
import {
  inputBytes,
  inputDims,
  type AttentionInputs,
  type InputName,
  type InputSizes,
  type Scenario,
} from '../problem';
import { clipForMessage, describeJson, formatBytes, jsonTooDeep } from '../tensors/bounded';
import {
  inferLayout,
  layoutLabel,
  layoutProblem,
  LAYOUTS,
  toBHSD,
  type Layout,
} from '../tensors/layout';
import { parseNpy } from '../tensors/npy';
import { readSafetensorsIndex } from '../tensors/safetensors';
import { DTYPE_NAME, formatShape, TensorFileError, type Tensor } from '../tensors/tensor';
import type { PlaygroundState, UploadedFile, UploadLayout } from './store';

/** Larger files are refused before they are read: the page holds everything in memory. */
export const MAX_UPLOAD_BYTES = 256 * 1024 * 1024;

/**
 * Larger JSON files are refused before they are parsed: JSON.parse holds every number of the
 * text as a JavaScript value (several times the bytes of the text), where .npy and .safetensors
 * are decoded straight into a typed array.
 */
export const MAX_JSON_UPLOAD_BYTES = 64 * 1024 * 1024;

/**
 * Deepest nesting read in a JSON tensor. Q, K and V have at most 4 dimensions; the cap is
 * generous, and is checked on the text before JSON.parse so no walk after it goes deeper.
 */
export const MAX_JSON_TENSOR_DEPTH = 32;

/**
 * The CPU-side budget of expanded inputs: the most bytes the [B, H, S, D] float32 arrays that
 * uploads are expanded to may take for one run, all uploaded inputs together. An [S, D] upload is
 * repeated over every batch item and head, so a 0.5 MiB file can ask for 256 MiB; the sizes are
 * checked against this (inputBytes in app/problem, expandedBudgetProblem) before anything is allocated.
 * Why 128 MiB: the copies are built and held on the page's main thread beside the files
 * themselves, and 128 MiB is the storage binding every WebGPU device guarantees (the default
 * maxStorageBufferBindingSize), so uploads within it run on any device. The engine's whole-run
 * budget (app/engine) still checks every buffer of the run, inputs included.
 */
export const MAX_EXPANDED_INPUT_BYTES = 128 * 1024 * 1024;

const FLOAT_DTYPES = new Set(['<f4', '<f8', '<f2', 'bf16']);

/** Names a .safetensors tensor may have for each input, tried in order. */
const TENSOR_NAMES: Record<InputName, string[]> = {
  q: ['q', 'query', 'Q', 'queries'],
  k: ['k', 'key', 'K', 'keys'],
  v: ['v', 'value', 'V', 'values'],
};

export const INPUT_TITLES: Record<InputName, string> = { q: 'Q', k: 'K', v: 'V' };

function refuseNonFloat<T extends Pick<Tensor, 'dtype'>>(tensor: T, fileName: string): T {
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
  const deep = jsonTooDeep(text, MAX_JSON_TENSOR_DEPTH);
  if (deep !== null) {
    throw new TensorFileError(
      `${fileName}: the JSON nests more than ${MAX_JSON_TENSOR_DEPTH} levels deep (at character ` +
        `${deep.offset}); Q, K and V have at most 4 dimensions.`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new TensorFileError(`${fileName}: not valid JSON (${clipForMessage(reason)}).`);
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
    const flat = readNumbers(data, null, fileName);
    const count = dims.reduce((a, d) => a * d, 1);
    if (flat.length !== count) {
      throw new TensorFileError(
        `${fileName}: "shape" ${clipForMessage(formatShape(dims))} needs ${count} values, ` +
          `"data" has ${flat.length}.`,
      );
    }
    return { shape: dims, dtype: '<f8', data: flat };
  }
  const shape: number[] = [];
  for (let level: unknown = value; Array.isArray(level); level = level[0]) {
    shape.push(level.length);
    if (level.length === 0) break;
  }
  return { shape, dtype: '<f8', data: readNumbers(value, shape, fileName) };
}

/**
 * The finite numbers of nested arrays, in order, as a Float64Array. With a `shape`, the arrays
 * must be rectangular with exactly those sizes. Walks with an explicit stack (the depth is
 * already capped by MAX_JSON_TENSOR_DEPTH), twice: once to check and count, so that nothing is
 * allocated for a ragged file, then to copy.
 */
function readNumbers(value: unknown, shape: readonly number[] | null, fileName: string) {
  const visit = (leaf: (x: number) => void) => {
    const stack: { items: unknown[]; next: number }[] = [];
    const enter = (v: unknown) => {
      const depth = stack.length;
      if (Array.isArray(v)) {
        if (shape !== null && (depth >= shape.length || v.length !== shape[depth])) {
          throw new TensorFileError(
            depth >= shape.length
              ? `${fileName}: the nested lists are not rectangular.`
              : `${fileName}: the nested lists are not rectangular (expected ${shape[depth]} ` +
                  `items at depth ${depth + 1}).`,
          );
        }
        stack.push({ items: v, next: 0 });
      } else if (typeof v === 'number' && Number.isFinite(v)) {
        if (shape !== null && depth !== shape.length) {
          throw new TensorFileError(
            `${fileName}: the nested lists are not rectangular (expected ${shape[depth]} items ` +
              `at depth ${depth + 1}).`,
          );
        }
        leaf(v);
      } else {
        throw new TensorFileError(
          `${fileName}: found ${describeJson(v)} where a finite number was expected.`,
        );
      }
    };
    enter(value);
    for (let top = stack.at(-1); top !== undefined; top = stack.at(-1)) {
      if (top.next < top.items.length) enter(top.items[top.next++]);
      else stack.pop();
    }
  };
  let count = 0;
  visit(() => count++);
  const out = new Float64Array(count);
  let at = 0;
  visit((x) => (out[at++] = x));
  return out;
}

/** A file name as messages start with it: at most a couple of hundred characters. */
export function fileLabel(fileName: string): string {
  return clipForMessage(fileName);
}

/** Refuses a file too large to hold, before it is read. */
export function checkUploadSize(byteLength: number, fileName: string): void {
  if (byteLength > MAX_UPLOAD_BYTES) {
    throw new TensorFileError(
      `${fileLabel(fileName)}: ${(byteLength / 2 ** 20).toFixed(1)} MiB is too large; the limit ` +
        `is ${MAX_UPLOAD_BYTES / 2 ** 20} MiB.`,
    );
  }
}

/**
 * Reads one uploaded file as the given input. Throws TensorFileError with a clear message. The
 * page runs this in a worker (uploadClient.ts); it is plain code, so tests call it directly.
 */
export function readTensorFile(bytes: Uint8Array, fileName: string, input: InputName): Tensor {
  checkUploadSize(bytes.length, fileName);
  const label = fileLabel(fileName);
  const lower = fileName.toLowerCase();
  if (lower.endsWith('.npy')) return refuseNonFloat(parseNpy(bytes, label), label);
  if (lower.endsWith('.safetensors')) {
    const index = readSafetensorsIndex(bytes, label);
    const names = index.entries.map((e) => e.name);
    const wanted = TENSOR_NAMES[input].find((n) => names.includes(n));
    const chosen = wanted ?? (names.length === 1 ? names[0] : undefined);
    const entry = index.entries.find((e) => e.name === chosen);
    if (!entry) {
      const listed = names.slice(0, 5).map((n) => clipForMessage(n, 40));
      if (names.length > 5) listed.push(`and ${names.length - 5} more`);
      throw new TensorFileError(
        `${label}: holds ${names.length} tensors (${listed.join(', ') || 'none'}); name one ` +
          `${TENSOR_NAMES[input].slice(0, 2).join(' or ')} to use it as ${INPUT_TITLES[input]}.`,
      );
    }
    // Only the chosen tensor is decoded, and only once its dtype is known to be usable.
    refuseNonFloat(entry, label);
    return index.decode(entry.name);
  }
  if (lower.endsWith('.json')) {
    if (bytes.length > MAX_JSON_UPLOAD_BYTES) {
      throw new TensorFileError(
        `${label}: ${(bytes.length / 2 ** 20).toFixed(1)} MiB of JSON is too large to read; the ` +
          `limit for JSON is ${MAX_JSON_UPLOAD_BYTES / 2 ** 20} MiB (save larger tensors as .npy ` +
          'or .safetensors).',
      );
    }
    return parseJsonTensor(new TextDecoder().decode(bytes), label);
  }
  throw new TensorFileError(
    `${label}: unknown file type; upload a .npy, .safetensors or .json file.`,
  );
}

/** The sizes an input's expansion multiplies, as a message names them ("B=8, H=64, Q=..."). */
function sizesOf(input: InputName, s: InputSizes): string {
  if (input === 'q') return `B=${s.B}, H=${s.H}, Q=${s.Q}, D=${s.D}`;
  return `B=${s.B}, HKV=${s.HKV}, KV=${s.KV}, ${input === 'k' ? `D=${s.D}` : `DV=${s.DV}`}`;
}

/**
 * Why expanding these uploaded inputs would pass MAX_EXPANDED_INPUT_BYTES, or null when it fits.
 * The message names the bytes, the budget and what to change.
 */
export function expandedBudgetProblem(
  s: InputSizes,
  inputs: readonly InputName[],
  budget: number = MAX_EXPANDED_INPUT_BYTES,
): string | null {
  const bytes = inputBytes(s, inputs);
  if (bytes <= budget) return null;
  const titles = inputs.map((input) => INPUT_TITLES[input]);
  const which =
    inputs.length === 1
      ? `The uploaded ${titles[0]} expands`
      : `The uploaded ${titles.slice(0, -1).join(', ')} and ${titles.at(-1)} expand`;
  const sizes = inputs.map((input) => `${INPUT_TITLES[input]}: ${sizesOf(input, s)}`).join('; ');
  return (
    `${which} to [B, H, S, D] float32 arrays of ${formatBytes(bytes)} for this scenario ` +
    `(${sizes}), over the budget of ${formatBytes(budget)} for uploaded inputs. ` +
    'Make the batch, heads, sequence or head dimension smaller, or upload fewer inputs.'
  );
}

export type UploadCheck = { ok: true; layout: Layout } | { ok: false; error: string };

export type FittedUpload =
  { ok: true; layout: (typeof LAYOUTS)[number]; data: Float32Array } | { ok: false; error: string };

/**
 * Whether an upload fits the scenario, without expanding it: the chosen layout (or the first
 * that matches the sizes), and its expansion within the budget. Cheap enough for every render.
 */
export function checkUpload(input: InputName, upload: UploadedFile, s: Scenario): UploadCheck {
  const expected = inputDims(input, s);
  const name = `${INPUT_TITLES[input]} (${fileLabel(upload.fileName)})`;
  let layout: UploadLayout = upload.layout;
  if (layout === 'auto') {
    const fits = inferLayout(upload.tensor.shape, expected);
    if (fits.length === 0) {
      const wants = LAYOUTS.map((l) => `${layoutLabel(l)}`).join(', ');
      const sizes = `B=${expected.B}, H=${expected.H}, S=${expected.S}, D=${expected.D}`;
      return {
        ok: false,
        error:
          `${name} has shape ${clipForMessage(formatShape(upload.tensor.shape))}, which fits none ` +
          `of the layouts ${wants} for this scenario (${sizes}). Change the shape or upload ` +
          'another file.',
      };
    }
    layout = fits[0];
  }
  const problem =
    layoutProblem(upload.tensor.shape, layout, expected, name) ?? expandedBudgetProblem(s, [input]);
  return problem === null ? { ok: true, layout } : { ok: false, error: problem };
}

/** Fits an upload to the scenario: checkUpload, then the [B, H, S, D] copy it allows. */
export function fitUpload(input: InputName, upload: UploadedFile, s: Scenario): FittedUpload {
  const checked = checkUpload(input, upload, s);
  if (!checked.ok) return checked;
  const name = `${INPUT_TITLES[input]} (${fileLabel(upload.fileName)})`;
  const data = toBHSD(upload.tensor, checked.layout, inputDims(input, s), name);
  return { ok: true, layout: checked.layout, data };
}

/**
 * The runner's view of the uploads: [B, H, S, D] tensors, or an error naming the bad one. Every
 * upload is checked, and their expansions' total against MAX_EXPANDED_INPUT_BYTES, before any
 * is expanded.
 */
export function prepareInputs(state: PlaygroundState): Partial<AttentionInputs> | null {
  const uploaded = (['q', 'k', 'v'] as const).filter((input) => state.uploads[input] !== null);
  const layouts: Partial<Record<InputName, Layout>> = {};
  for (const input of uploaded) {
    const upload = state.uploads[input];
    if (!upload) continue;
    const checked = checkUpload(input, upload, state.scenario);
    if (!checked.ok) throw new TensorFileError(checked.error);
    layouts[input] = checked.layout;
  }
  const overBudget = expandedBudgetProblem(state.scenario, uploaded);
  if (overBudget !== null) throw new TensorFileError(overBudget);
  const inputs: Partial<AttentionInputs> = {};
  for (const input of uploaded) {
    const upload = state.uploads[input];
    const layout = layouts[input];
    if (!upload || !layout) continue;
    const name = `${INPUT_TITLES[input]} (${fileLabel(upload.fileName)})`;
    inputs[input] = toBHSD(upload.tensor, layout, inputDims(input, state.scenario), name);
  }
  return uploaded.length > 0 ? inputs : null;
}
