/**
 * The head on screen first: a run's preview (the picture of its (b, h) on screen, handed over
 * before the other heads are computed) is shown while the run goes on, replaced by the finished
 * result, and dropped when the run is stopped or fails, so no part of a stopped run stays shown.
 */
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import type { PicturePreview, RunOptions, RunResult } from '../engine/types';
import { DEFAULT_SCENARIO, pictureWindow, shapeOf, type AttentionShape } from '../problem';
import type { CompiledProgram } from '../mask/types';
import { startRunner } from './runner';
import { headOutputs, shownGeneration, shownRun, shownScenario } from './shownRun';
import { createPlaygroundStore, setCode, type PlaygroundStore } from './store';
import { buildFigure } from './figure';

const SHAPE: AttentionShape = { ...shapeOf(DEFAULT_SCENARIO), B: 2, H: 3, HKV: 3, Q: 4, KV: 4 };

/** A finished run whose every value is different, on SHAPE, picturing (b, h) = (1, 2). */
function fakeResult(seed: number): RunResult {
  const { B, H, Q, DV } = SHAPE;
  const window = pictureWindow(SHAPE, 1, 2);
  const cells = window.rows * window.cols;
  return {
    backend: 'gpu',
    backendDetail: 'fake',
    engineReason: 'a test',
    shape: SHAPE,
    blockMask: { nQ: 1, nKV: 1 } as RunResult['blockMask'],
    inputs: {} as RunResult['inputs'],
    outputs: {
      out: Float32Array.from({ length: B * H * Q * DV }, (_, i) => seed + i),
      lse: Float32Array.from({ length: B * H * Q }, (_, i) => seed - i),
    },
    picture: {
      ...window,
      scores: Float32Array.from({ length: cells }, (_, i) => seed + i / 10),
      probs: new Float32Array(cells).fill(1 / window.cols),
      mask: new Uint8Array(cells).fill(1),
    },
    timings: [],
    sparsity: seed,
    computedBlocks: 1,
    totalBlocks: 1,
    partialBlocks: 0,
    fullBlocks: 1,
  };
}

/** What the engine hands over once the head on screen is done: the result's own parts. */
function previewOf(result: RunResult): PicturePreview {
  return {
    backend: result.backend,
    backendDetail: result.backendDetail,
    engineReason: result.engineReason,
    shape: result.shape,
    blockMask: result.blockMask,
    picture: result.picture,
    sparsity: result.sparsity,
    computedBlocks: result.computedBlocks,
    totalBlocks: result.totalBlocks,
    partialBlocks: result.partialBlocks,
    fullBlocks: result.fullBlocks,
    headOutputs: headOutputs(result),
  };
}

function setup() {
  const store = createPlaygroundStore(DEFAULT_SCENARIO);
  const calls: { options: RunOptions; resolve: (r: RunResult) => void }[] = [];
  const stop = startRunner(store, {
    compile: (source) => ({ source }) as unknown as CompiledProgram,
    runScenario: (_scenario, _program, _uploaded, options) =>
      new Promise<RunResult>((resolve) => calls.push({ options, resolve })),
    prepareInputs: () => null,
    debounceMs: 150,
  });
  return { store, calls, stop };
}

async function finishFirstRun(store: PlaygroundStore, calls: ReturnType<typeof setup>['calls']) {
  calls[0].resolve(fakeResult(1));
  await vi.runAllTimersAsync();
  expect(store.getState().status).toBe('done');
}

describe('the head on screen first', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  test('the preview is shown while the run goes on, then the result replaces it', async () => {
    const { store, calls, stop } = setup();
    await finishFirstRun(store, calls);
    const before = shownGeneration(store.getState());
    setCode(`${DEFAULT_SCENARIO.code}\n# edited\n`, store);
    await vi.runAllTimersAsync();
    expect(calls).toHaveLength(2);

    const final = fakeResult(2);
    const onPicture = calls[1].options.onPicture;
    expect(onPicture).toBeDefined();
    onPicture?.(previewOf(final));
    const during = store.getState();
    expect(during.status).toBe('running');
    expect(shownRun(during)).toBe(during.preview?.run);
    expect(shownScenario(during)?.code).toContain('# edited');
    expect(shownGeneration(during)).toBeGreaterThan(before);
    // The old result is still the last finished one (exports and teaching read it).
    expect(during.result?.sparsity).toBe(1);

    calls[1].resolve(final);
    await vi.runAllTimersAsync();
    const after = store.getState();
    expect(after.status).toBe('done');
    expect(after.preview).toBeNull();
    expect(shownRun(after)).toBe(final);
    // The finished run keeps the generation its preview was drawn with: one run, one picture.
    expect(shownGeneration(after)).toBe(shownGeneration(during));
    stop();
  });

  test('an edit after the preview drops it: the last finished result is shown again', async () => {
    const { store, calls, stop } = setup();
    await finishFirstRun(store, calls);
    const first = store.getState().result;
    setCode(`${DEFAULT_SCENARIO.code}\n# edited\n`, store);
    await vi.runAllTimersAsync();
    calls[1].options.onPicture?.(previewOf(fakeResult(2)));
    expect(store.getState().preview).not.toBeNull();

    // Stopped between the head on screen and the others.
    setCode(`${DEFAULT_SCENARIO.code}\n# edited again\n`, store);
    expect(calls[1].options.signal?.aborted).toBe(true);
    const stopped = store.getState();
    expect(stopped.preview).toBeNull();
    expect(shownRun(stopped)).toBe(first);
    expect(shownScenario(stopped)?.code).toBe(DEFAULT_SCENARIO.code);

    // A late picture from the stopped run is not shown.
    calls[1].options.onPicture?.(previewOf(fakeResult(3)));
    expect(store.getState().preview).toBeNull();
    stop();
  });

  test('a run that fails after its preview leaves no preview behind', async () => {
    const store = createPlaygroundStore(DEFAULT_SCENARIO);
    let options: RunOptions = {};
    const stop = startRunner(store, {
      compile: (source) => ({ source }) as unknown as CompiledProgram,
      runScenario: (_s, _p, _u, given) => {
        options = given;
        return new Promise<RunResult>((_resolve, reject) => {
          given.onPicture?.(previewOf(fakeResult(4)));
          setTimeout(() => reject(new Error('device lost')), 10);
        });
      },
      prepareInputs: () => null,
    });
    expect(store.getState().preview).not.toBeNull();
    await vi.runAllTimersAsync();
    expect(options.signal?.aborted).toBe(false);
    expect(store.getState().status).toBe('error');
    expect(store.getState().preview).toBeNull();
    expect(shownRun(store.getState())).toBeNull();
    stop();
  });

  test('every view of a preview is the same figure as of its finished run', () => {
    const result = fakeResult(5);
    const preview = previewOf(result);
    for (const view of ['scores', 'probs', 'mask', 'output'] as const) {
      const inputs = { view, name: 'p', hasMask: true, hasScoreMod: true };
      const fromResult = buildFigure({ ...inputs, result });
      const fromPreview = buildFigure({ ...inputs, result: preview });
      expect(Array.from(fromPreview.values), view).toEqual(Array.from(fromResult.values));
      expect(fromPreview.domain, view).toEqual(fromResult.domain);
    }
  });

  test("headOutputs reads the picture's (b, h) out of [B, H, Q, DV]", () => {
    const result = fakeResult(0);
    const { Q, DV, H } = SHAPE;
    const bh = 1 * H + 2;
    const head = headOutputs(result);
    expect(Array.from(head.out)).toEqual(Array.from({ length: Q * DV }, (_, i) => bh * Q * DV + i));
    expect(Array.from(head.lse)).toEqual(Array.from({ length: Q }, (_, i) => -(bh * Q + i)));
  });
});
