import { describe, expect, test } from 'vitest';
import { writeNpy, parseNpy } from '../tensors/npy';
import { writeSafetensors } from '../tensors/safetensors';
import { createRandom } from '../tensors/random';
import type { Tensor } from '../tensors/tensor';
import { DEFAULT_SCENARIO, type Scenario } from '../problem';
import { createPlaygroundStore, setUpload } from './store';
import {
  checkUploadSize,
  fitUpload,
  MAX_UPLOAD_BYTES,
  parseJsonTensor,
  prepareInputs,
  readTensorFile,
} from './uploads';
import { blockMaskJson, nest, resultTensor } from './exports';
import { createBlockMask } from '../reference';
import type { RunResult } from '../engine/types';

const SCENARIO: Scenario = { ...DEFAULT_SCENARIO, B: 2, H: 4, HKV: 2, Q: 5, KV: 6, D: 3, DV: 2 };

function randomTensor(shape: number[], seed: number): Tensor {
  const rng = createRandom(seed);
  const n = shape.reduce((a, d) => a * d, 1);
  return { shape, dtype: '<f4', data: Float32Array.from({ length: n }, () => rng.nextNormal()) };
}

describe('readTensorFile', () => {
  test('reads .npy, .safetensors (by name) and JSON', () => {
    const q = randomTensor([2, 4, 5, 3], 1);
    const k = randomTensor([2, 2, 6, 3], 2);
    expect(readTensorFile(writeNpy(q), 'q.npy', 'q').data).toEqual(q.data);
    const file = writeSafetensors({ query: q, key: k });
    expect(readTensorFile(file, 'qk.safetensors', 'k').shape).toEqual([2, 2, 6, 3]);
    expect(readTensorFile(file, 'qk.safetensors', 'q').shape).toEqual([2, 4, 5, 3]);
    const json = new TextEncoder().encode(
      JSON.stringify([
        [1, 2],
        [3, 4.5],
      ]),
    );
    const t = readTensorFile(json, 'v.json', 'v');
    expect(t.shape).toEqual([2, 2]);
    expect(Array.from(t.data)).toEqual([1, 2, 3, 4.5]);
  });

  test('refuses what cannot be Q, K or V, each with its reason', () => {
    const ints: Tensor = { shape: [2, 2], dtype: '<i4', data: Int32Array.from([1, 2, 3, 4]) };
    expect(() => readTensorFile(writeNpy(ints), 'ints.npy', 'q')).toThrow(/int32.*floating point/);
    const npy = writeNpy(randomTensor([4, 4], 3));
    expect(() => readTensorFile(npy.slice(0, npy.length - 5), 'cut.npy', 'q')).toThrow(/cut\.npy/);
    expect(() => readTensorFile(new Uint8Array([1, 2, 3]), 'junk.npy', 'q')).toThrow(/not a \.npy/);
    const two = writeSafetensors({ a: randomTensor([2], 1), b: randomTensor([2], 2) });
    expect(() => readTensorFile(two, 'two.safetensors', 'v')).toThrow(/holds 2 tensors \(a, b\)/);
    expect(() => readTensorFile(new Uint8Array(4), 'q.txt', 'q')).toThrow(/unknown file type/);
    const bad = new TextEncoder().encode('[[1, 2], [3]]');
    expect(() => readTensorFile(bad, 'ragged.json', 'q')).toThrow(/not rectangular/);
    expect(() => parseJsonTensor('[1, "x"]', 'strings.json')).toThrow(/finite number/);
    expect(() => parseJsonTensor('{', 'broken.json')).toThrow(/not valid JSON/);
    expect(() => checkUploadSize(MAX_UPLOAD_BYTES + 1, 'huge.npy')).toThrow(/huge\.npy.*too large/);
    expect(() => checkUploadSize(MAX_UPLOAD_BYTES, 'ok.npy')).not.toThrow();
  });
});

describe('fitUpload', () => {
  test('infers [B,S,H,D] and transposes to [B,H,S,D]', () => {
    const bshd = randomTensor([2, 5, 4, 3], 7);
    const fitted = fitUpload('q', { fileName: 'q.npy', tensor: bshd, layout: 'auto' }, SCENARIO);
    if (!fitted.ok) throw new Error(fitted.error);
    expect(fitted.layout).toBe('BSHD');
    // Element (b=1, h=2, s=3, d=1) of [B,H,S,D] is element (1, 3, 2, 1) of [B,S,H,D].
    expect(fitted.data[((1 * 4 + 2) * 5 + 3) * 3 + 1]).toBe(
      bshd.data[((1 * 5 + 3) * 4 + 2) * 3 + 1],
    );
  });

  test('a shape that fits no layout names the file, its shape and the scenario', () => {
    const wrong = randomTensor([2, 4, 7, 3], 1);
    const fitted = fitUpload('q', { fileName: 'q.npy', tensor: wrong, layout: 'auto' }, SCENARIO);
    expect(fitted.ok).toBe(false);
    if (!fitted.ok) expect(fitted.error).toMatch(/Q \(q\.npy\) has shape \[2, 4, 7, 3\].*S=5/);
    const forced = fitUpload('k', { fileName: 'k.npy', tensor: wrong, layout: 'BHSD' }, SCENARIO);
    expect(forced.ok).toBe(false);
  });

  test('prepareInputs gives [B,H,S,D] tensors, or throws with the bad input named', () => {
    const store = createPlaygroundStore(SCENARIO);
    expect(prepareInputs(store.getState())).toBeNull();
    setUpload('v', { fileName: 'v.npy', tensor: randomTensor([6, 2], 4), layout: 'auto' }, store);
    const inputs = prepareInputs(store.getState());
    expect(inputs?.v?.length).toBe(2 * 2 * 6 * 2);
    expect(inputs?.q).toBeUndefined();
    setUpload('k', { fileName: 'k.npy', tensor: randomTensor([3], 4), layout: 'auto' }, store);
    expect(() => prepareInputs(store.getState())).toThrow(/K \(k\.npy\)/);
  });
});

describe('exports', () => {
  test('nest builds nested lists of the shape, row-major', () => {
    expect(nest([0, 1, 2, 3, 4, 5], [2, 3])).toEqual([
      [0, 1, 2],
      [3, 4, 5],
    ]);
    expect(nest([0, 1, 2, 3], [1, 2, 2])).toEqual([
      [
        [0, 1],
        [2, 3],
      ],
    ]);
  });

  test("blockMaskJson has PyTorch's fields in PyTorch's shapes", () => {
    const bm = createBlockMask((b, _h, q, kv) => q >= kv + b, 2, 3, 9, 7, 4, 2);
    const json = blockMaskJson(bm);
    const shape = (x: unknown): number[] =>
      Array.isArray(x) ? [x.length, ...(x.length ? shape(x[0]) : [])] : [];
    expect(shape(json.kv_num_blocks)).toEqual([2, 3, 3]);
    expect(shape(json.kv_indices)).toEqual([2, 3, 3, 4]);
    expect(shape(json.full_kv_num_blocks)).toEqual([2, 3, 3]);
    expect(shape(json.full_kv_indices)).toEqual([2, 3, 3, 4]);
    expect(shape(json.q_num_blocks)).toEqual([2, 3, 4]);
    expect(shape(json.q_indices)).toEqual([2, 3, 4, 3]);
    expect(shape(json.full_q_num_blocks)).toEqual([2, 3, 4]);
    expect(shape(json.full_q_indices)).toEqual([2, 3, 4, 3]);
    expect(json.BLOCK_SIZE).toEqual([4, 2]);
    expect(json.seq_lengths).toEqual([9, 7]);
    expect((json.kv_indices as number[][][][])[1][2][0]).toEqual(
      Array.from(bm.kvIndices.slice((1 * 3 + 2) * 3 * 4, (1 * 3 + 2) * 3 * 4 + 4)),
    );
  });

  test('result arrays round-trip through .npy with their shapes', () => {
    const out = Float32Array.from({ length: 2 * 3 * 4 * 5 }, (_, i) => i / 7);
    const lse = Float64Array.from({ length: 2 * 3 * 4 }, (_, i) => (i === 3 ? -Infinity : i));
    const scores = Float64Array.from({ length: 12 }, (_, i) => (i % 5 === 0 ? -Infinity : i * 0.5));
    const result = {
      shape: { B: 2, H: 3, HKV: 3, Q: 4, KV: 3, D: 5, DV: 5, blockQ: 2, blockKV: 2 },
      outputs: { out, lse },
      picture: {
        b: 1,
        h: 2,
        rows: 4,
        cols: 3,
        rowStride: 1,
        colStride: 1,
        scores,
        probs: scores,
        mask: new Uint8Array(12),
      },
    } as unknown as RunResult;
    const back = (which: 'scores' | 'out' | 'lse') =>
      parseNpy(writeNpy(resultTensor(result, which)));
    expect(back('out').shape).toEqual([2, 3, 4, 5]);
    expect(back('out').data).toEqual(out);
    expect(back('lse').shape).toEqual([2, 3, 4]);
    expect(back('lse').data[3]).toBe(-Infinity);
    expect(back('scores').shape).toEqual([4, 3]);
    expect(back('scores').data).toEqual(scores);
  });
});
