import { describe, expect, test } from 'vitest';
import type { RunResult } from '../engine/types';
import type { CompiledProgram } from '../mask/types';
import { DEFAULT_SCENARIO, MAX_CODE_CHARS } from '../problem';
import {
  compileFailed,
  createPlaygroundStore,
  runSucceeded,
  setCode,
  setBatchHead,
  setHover,
  setShape,
  setUpload,
  setUploadError,
  setZoom,
} from './store';

const result = (rows: number, cols: number) =>
  ({ picture: { rows, cols } }) as unknown as RunResult;
const PROGRAM = { source: DEFAULT_SCENARIO.code } as unknown as CompiledProgram;

describe('store', () => {
  test('setCode refuses a program longer than a link can carry, and changes nothing', () => {
    const store = createPlaygroundStore();
    expect(setCode('x'.repeat(MAX_CODE_CHARS), store)).toBe(true);
    expect(setCode('y'.repeat(MAX_CODE_CHARS + 1), store)).toBe(false);
    expect(store.getState().scenario.code).toBe('x'.repeat(MAX_CODE_CHARS));
  });

  test('shape changes keep the shown batch item and head inside the sizes', () => {
    const store = createPlaygroundStore({ ...DEFAULT_SCENARIO, B: 4, H: 8, b: 3, h: 7 });
    setShape({ B: 2, H: 4, HKV: 4 }, store);
    expect(store.getState().scenario).toMatchObject({ B: 2, H: 4, b: 1, h: 3 });
    setBatchHead(9, -2, store);
    expect(store.getState().scenario).toMatchObject({ b: 1, h: 0 });
  });

  test('a result of a new size resets the zoom; the same size keeps it', () => {
    const store = createPlaygroundStore();
    runSucceeded(result(10, 10), DEFAULT_SCENARIO, PROGRAM, store);
    setZoom({ k: 4, x: -10, y: -20 }, store);
    runSucceeded(result(10, 10), DEFAULT_SCENARIO, PROGRAM, store);
    expect(store.getState().zoom.k).toBe(4);
    runSucceeded(result(12, 10), DEFAULT_SCENARIO, PROGRAM, store);
    expect(store.getState().zoom).toEqual({ k: 1, x: 0, y: 0 });
    expect(store.getState().status).toBe('done');
  });

  test('a compile error keeps the result and sets the error state', () => {
    const store = createPlaygroundStore();
    runSucceeded(result(10, 10), DEFAULT_SCENARIO, PROGRAM, store);
    compileFailed(
      { message: 'm', formatted: 'f', span: { start: 0, end: 1 }, line: 1, column: 1 },
      store,
    );
    expect(store.getState().status).toBe('error');
    expect(store.getState().result).not.toBeNull();
  });

  test('setHover ignores the same cell (no re-render while the pointer stays in a cell)', () => {
    const store = createPlaygroundStore();
    let updates = 0;
    store.subscribe(() => (updates += 1));
    setHover({ row: 1, col: 2 }, store);
    setHover({ row: 1, col: 2 }, store);
    setHover(null, store);
    setHover(null, store);
    expect(updates).toBe(2);
  });

  test('an upload error clears that upload; a new upload clears the error', () => {
    const store = createPlaygroundStore();
    const tensor = { shape: [1], dtype: '<f4' as const, data: new Float32Array(1) };
    setUpload('q', { fileName: 'q.npy', tensor, layout: 'auto' }, store);
    setUploadError('q', 'bad', store);
    expect(store.getState().uploads.q).toBeNull();
    expect(store.getState().uploadErrors.q).toBe('bad');
    setUpload('q', { fileName: 'q.npy', tensor, layout: 'auto' }, store);
    expect(store.getState().uploadErrors.q).toBeNull();
  });
});
