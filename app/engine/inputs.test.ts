import { afterEach, describe, expect, it, vi } from 'vitest';
import { randomInput, randomInputs } from '../tensors/random';
import {
  MAIN_THREAD_MAX_VALUES,
  clearInputCache,
  randomInputsOffThread,
  runInputs,
  type InputsWorker,
} from './inputs';
import type { InputsRequest, InputsResponse } from './inputsProtocol';
import type { AttentionShape } from '../problem';

const SMALL: AttentionShape = {
  B: 1,
  H: 2,
  HKV: 1,
  Q: 5,
  KV: 7,
  D: 3,
  DV: 4,
  blockQ: 4,
  blockKV: 4,
};
/** Over MAIN_THREAD_MAX_VALUES, so drawn in the worker. */
const LARGE: AttentionShape = { ...SMALL, H: 4, HKV: 4, Q: 512, KV: 512, D: 128, DV: 128 };

/** A worker that answers as app/engine/inputsWorker.ts does (or never, when `silent`). */
function fakeWorkers(silent = false) {
  const made: { requests: InputsRequest[]; terminated: boolean }[] = [];
  const spawn = (): InputsWorker => {
    const record = { requests: [] as InputsRequest[], terminated: false };
    made.push(record);
    const worker: InputsWorker = {
      onmessage: null,
      onerror: null,
      postMessage(request) {
        record.requests.push(request);
        if (silent) return;
        queueMicrotask(() => {
          const tensors = Object.fromEntries(
            request.names.map((n) => [n, randomInput(n, request.shape, request.seed)]),
          );
          const response: InputsResponse = { id: request.id, ok: true, tensors };
          worker.onmessage?.({ data: response } as MessageEvent<InputsResponse>);
        });
      },
      terminate() {
        record.terminated = true;
      },
    };
    return worker;
  };
  return { spawn, made };
}

afterEach(() => {
  clearInputCache();
  vi.useRealTimers();
});

describe('runInputs', () => {
  it('draws small inputs on the page, equal to randomInputs with the same seed', async () => {
    expect(SMALL.H * SMALL.Q * SMALL.D).toBeLessThan(MAIN_THREAD_MAX_VALUES);
    const workers = fakeWorkers();
    const got = await runInputs(SMALL, 9, null, undefined, workers.spawn);
    const want = randomInputs(SMALL, 9);
    expect(Array.from(got.q)).toEqual(Array.from(want.q));
    expect(Array.from(got.v)).toEqual(Array.from(want.v));
    expect(workers.made).toHaveLength(0);
  });

  it('draws large inputs in the worker, the same values, and terminates it', async () => {
    const workers = fakeWorkers();
    const got = await runInputs(LARGE, 3, null, undefined, workers.spawn);
    expect(workers.made).toHaveLength(1);
    expect(workers.made[0].requests[0].names).toEqual(['q', 'k', 'v']);
    expect(workers.made[0].terminated).toBe(true);
    expect(got.k).toEqual(randomInput('k', LARGE, 3));
  });

  it('reuses the inputs of the last run when the shape and seed are unchanged', async () => {
    const workers = fakeWorkers();
    const first = await runInputs(LARGE, 3, null, undefined, workers.spawn);
    const second = await runInputs(LARGE, 3, null, undefined, workers.spawn);
    expect(second.q).toBe(first.q);
    expect(workers.made).toHaveLength(1);
    // A new KV keeps q and draws only k and v.
    await runInputs({ ...LARGE, KV: 1024 }, 3, null, undefined, workers.spawn);
    expect(workers.made[1].requests[0].names).toEqual(['k', 'v']);
  });

  it('uses uploaded tensors as given and draws only the others', async () => {
    const workers = fakeWorkers();
    const q = new Float32Array(LARGE.B * LARGE.H * LARGE.Q * LARGE.D).fill(1);
    const got = await runInputs(LARGE, 3, { q }, undefined, workers.spawn);
    expect(got.q).toBe(q);
    expect(workers.made[0].requests[0].names).toEqual(['k', 'v']);
  });
});

describe('randomInputsOffThread', () => {
  it('fails with a message naming the deadline, and terminates the worker', async () => {
    vi.useFakeTimers();
    const workers = fakeWorkers(true);
    const run = randomInputsOffThread(LARGE, 1, ['q'], undefined, workers.spawn, 30_000);
    vi.advanceTimersByTime(30_001);
    await expect(run).rejects.toThrow(/did not finish within its deadline of 30 s/);
    expect(workers.made[0].terminated).toBe(true);
  });

  it('an abort rejects with an AbortError and terminates the worker', async () => {
    const workers = fakeWorkers(true);
    const control = new AbortController();
    const run = randomInputsOffThread(LARGE, 1, ['q'], control.signal, workers.spawn);
    control.abort();
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(workers.made[0].terminated).toBe(true);
  });
});
