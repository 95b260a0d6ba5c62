import { describe, expect, it } from 'vitest';
import { MAX_QUOTED_CHARS } from '../tensors/bounded';
import { writeNpy } from '../tensors/npy';
import { TensorFileError, type Tensor } from '../tensors/tensor';
import { DEFAULT_SCENARIO, inputBytes, type Scenario } from '../problem';
import { createPlaygroundStore, setUpload } from './store';
import {
  checkUpload,
  expandedBudgetProblem,
  MAX_EXPANDED_INPUT_BYTES,
  MAX_JSON_UPLOAD_BYTES,
  parseJsonTensor,
  prepareInputs,
  readTensorFile,
} from './uploads';

// Hostile uploads (issue 12): deep or huge JSON, long names, and small files that would expand
// to hundreds of megabytes. Each ends in a clear message, quickly, before anything large exists.

const TIME_LIMIT_MS = 2000;
const MAX_MESSAGE_CHARS = 4 * MAX_QUOTED_CHARS + 300;

function refusal(read: () => unknown): string {
  const started = performance.now();
  let caught: unknown = null;
  try {
    read();
  } catch (error) {
    caught = error;
  }
  expect(performance.now() - started).toBeLessThan(TIME_LIMIT_MS);
  expect(caught).toBeInstanceOf(TensorFileError);
  const message = caught instanceof Error ? caught.message : '';
  expect(message.length, message.slice(0, 300)).toBeLessThan(MAX_MESSAGE_CHARS);
  return message;
}

const utf8 = (text: string) => new TextEncoder().encode(text);

describe('hostile JSON tensors', () => {
  it('refuses nesting 100,000 deep with the depth named, not a stack overflow', () => {
    const deep = `${'['.repeat(100_000)}1${']'.repeat(100_000)}`;
    expect(refusal(() => parseJsonTensor(deep, 'deep.json'))).toBe(
      'deep.json: the JSON nests more than 32 levels deep (at character 32); Q, K and V have at ' +
        'most 4 dimensions.',
    );
    const deepObject = `{"shape": [1], "data": ${'['.repeat(100_000)}1${']'.repeat(100_000)}}`;
    expect(refusal(() => parseJsonTensor(deepObject, 'deep.json'))).toMatch(/nests more than 32/);
  });

  it('quotes a 1.7 MB string or key in at most 200 characters', () => {
    const long = 'x'.repeat(1_700_000);
    expect(refusal(() => parseJsonTensor(`[["${long}"]]`, 'strings.json'))).toBe(
      `strings.json: found "${'x'.repeat(200)}…" where a finite number was expected.`,
    );
    expect(refusal(() => parseJsonTensor(`{"${long}": 1}`, 'key.json'))).toBe(
      'key.json: a JSON object needs "shape" and "data" arrays; or give nested arrays.',
    );
    expect(refusal(() => parseJsonTensor(`[1, {"${long}": [2]}]`, 'object.json'))).toMatch(
      /^object\.json: found \{"x{198}… where a finite number was expected\.$/,
    );
    expect(refusal(() => parseJsonTensor(`[1, ${long}`, 'broken.json'))).toMatch(
      /^broken\.json: not valid JSON \(.*\)\.$/,
    );
  });

  it('a long file name is quoted in at most 200 characters', () => {
    const name = `${'n'.repeat(1_700_000)}.json`;
    expect(refusal(() => readTensorFile(utf8('[[1, 2], [3]]'), name, 'q'))).toBe(
      `${'n'.repeat(200)}…: the nested lists are not rectangular (expected 2 items at depth 2).`,
    );
  });

  it('reads a million numbers, and refuses ragged ones without allocating for them', () => {
    const wide = `[${'0.5,'.repeat(1_000_000)}1]`;
    let started = performance.now();
    const tensor = parseJsonTensor(wide, 'wide.json');
    expect(performance.now() - started).toBeLessThan(TIME_LIMIT_MS);
    expect(tensor.shape).toEqual([1_000_001]);
    // The first row says 1,000,000 columns, and 1,000,000 rows follow: 10^12 numbers if it were
    // rectangular. It is not, and the message comes before anything is sized from those numbers.
    const ragged = `[[${'0,'.repeat(999_999)}0]${',[]'.repeat(999_999)}]`;
    started = performance.now();
    expect(refusal(() => parseJsonTensor(ragged, 'ragged.json'))).toBe(
      'ragged.json: the nested lists are not rectangular (expected 1000000 items at depth 2).',
    );
  });

  it('refuses JSON over its own size cap before parsing it', () => {
    const bytes = new Uint8Array(MAX_JSON_UPLOAD_BYTES + 1);
    expect(refusal(() => readTensorFile(bytes, 'big.json', 'q'))).toBe(
      'big.json: 64.0 MiB of JSON is too large to read; the limit for JSON is 64 MiB (save ' +
        'larger tensors as .npy or .safetensors).',
    );
  });

  it('lists at most five tensor names of a safetensors file, each clipped', () => {
    const header: Record<string, unknown> = {};
    for (let i = 0; i < 1000; i++) {
      header[`${'t'.repeat(5000)}${i}`] = { dtype: 'F32', shape: [0], data_offsets: [0, 0] };
    }
    const json = utf8(JSON.stringify(header));
    const file = new Uint8Array(8 + json.length);
    new DataView(file.buffer).setBigUint64(0, BigInt(json.length), true);
    file.set(json, 8);
    const message = refusal(() => readTensorFile(file, 'many.safetensors', 'q'));
    expect(message).toMatch(/^many\.safetensors: holds 1000 tensors \(t{40}…, .*, and 995 more\)/);
  });
});

describe('uploads are checked before they are expanded', () => {
  const sd = (S: number, D: number): Tensor => ({
    shape: [S, D],
    dtype: '<f4',
    data: new Float32Array(S * D),
  });
  // The issue's case: a 0.5 MiB [S, D] file that [B, H, S, D] repeats 512 times (256 MiB).
  const BIG: Scenario = {
    ...DEFAULT_SCENARIO,
    B: 8,
    H: 64,
    HKV: 8,
    Q: 2048,
    KV: 2048,
    D: 64,
    DV: 64,
  };

  it('inputBytes sizes [B, H, S, D] float32 from the shape alone', () => {
    expect(inputBytes(BIG, ['q'])).toBe(8 * 64 * 2048 * 64 * 4);
    expect(inputBytes(BIG, ['k', 'v'])).toBe(2 * 8 * 8 * 2048 * 64 * 4);
    expect(inputBytes(BIG)).toBe(inputBytes(BIG, ['q']) + inputBytes(BIG, ['k', 'v']));
    expect(inputBytes(BIG, [])).toBe(0);
  });

  it('refuses a 0.5 MiB [S, D] upload that would expand to 256 MiB, naming bytes and budget', () => {
    const upload = { fileName: 'q_sd.npy', tensor: sd(2048, 64), layout: 'auto' as const };
    const checked = checkUpload('q', upload, BIG);
    const expected =
      'The uploaded Q expands to [B, H, S, D] float32 arrays of 268,435,456 bytes (256.0 MiB) ' +
      'for this scenario (Q: B=8, H=64, Q=2048, D=64), over the budget of 134,217,728 bytes ' +
      '(128.0 MiB) for uploaded inputs. Make the batch, heads, sequence or head dimension ' +
      'smaller, or upload fewer inputs.';
    expect(checked).toEqual({ ok: false, error: expected });
    const store = createPlaygroundStore(BIG);
    setUpload('q', upload, store);
    const started = performance.now();
    expect(() => prepareInputs(store.getState())).toThrow(expected);
    expect(performance.now() - started).toBeLessThan(50);
  });

  it('checks the total of all uploaded inputs before expanding any', () => {
    // Each input alone fits the budget; together they do not.
    const s: Scenario = {
      ...DEFAULT_SCENARIO,
      B: 1,
      H: 32,
      HKV: 32,
      Q: 4096,
      KV: 4096,
      D: 128,
      DV: 128,
    };
    expect(inputBytes(s, ['q'])).toBeLessThanOrEqual(MAX_EXPANDED_INPUT_BYTES);
    expect(inputBytes(s)).toBeGreaterThan(MAX_EXPANDED_INPUT_BYTES);
    const store = createPlaygroundStore(s);
    for (const input of ['q', 'k', 'v'] as const) {
      const upload = { fileName: `${input}.npy`, tensor: sd(4096, 128), layout: 'auto' as const };
      expect(checkUpload(input, upload, s).ok).toBe(true);
      setUpload(input, upload, store);
    }
    expect(() => prepareInputs(store.getState())).toThrow(
      /^The uploaded Q, K and V expand to \[B, H, S, D\] float32 arrays of 201,326,592 bytes \(192\.0 MiB\) for this scenario \(Q: B=1, H=32, Q=4096, D=128; K: B=1, HKV=32, KV=4096, D=128; V: B=1, HKV=32, KV=4096, DV=128\), over the budget of 134,217,728 bytes/,
    );
    expect(expandedBudgetProblem(s, ['q'])).toBeNull();
  });

  it('still refuses a shape mismatch before the budget, naming the file', () => {
    const store = createPlaygroundStore(BIG);
    const npy = readTensorFile(writeNpy(sd(3, 5)), 'small.npy', 'k');
    setUpload('k', { fileName: 'small.npy', tensor: npy, layout: 'auto' }, store);
    expect(() => prepareInputs(store.getState())).toThrow(/^K \(small\.npy\) has shape \[3, 5\]/);
  });
});
