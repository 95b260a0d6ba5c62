/**
 * The Q, K, V of a run: uploaded ones as given, the rest seeded random, drawn off the main thread.
 * A large scenario's inputs are hundreds of MiB and take seconds to draw, which would freeze the
 * page; the input worker draws them under a deadline and transfers the buffers. The last inputs
 * drawn are kept, so a run that changes only the program or a parameter reuses them.
 */
import { randomInput } from '../tensors/random';
import type { InputsRequest, InputsResponse } from './inputsProtocol';
import {
  inputDims,
  inputLength,
  type AttentionInputs,
  type AttentionShape,
  type InputName,
} from '../problem';

/** Wall time the page waits for the input worker before it gives up and says so. */
export const INPUTS_DEADLINE_MS = 30_000;

/**
 * Up to this many values in all (about 5 ms of drawing) the page draws them itself: cheaper than
 * starting a worker, and far below the 50 ms a task may take.
 */
export const MAIN_THREAD_MAX_VALUES = 1 << 18;

const NAMES: InputName[] = ['q', 'k', 'v'];

/** The part of a Worker the client uses (tests pass a fake). */
export interface InputsWorker {
  onmessage: ((event: MessageEvent<InputsResponse>) => void) | null;
  onerror: ((event: ErrorEvent) => void) | null;
  postMessage(message: InputsRequest): void;
  terminate(): void;
}

export type SpawnInputsWorker = () => InputsWorker;

const spawnWorker: SpawnInputsWorker = () =>
  new Worker(new URL('./inputsWorker.ts', import.meta.url), { type: 'module' });

const cache = new Map<InputName, { key: string; values: Float32Array }>();
let nextId = 1;

function cacheKey(name: InputName, shape: AttentionShape, seed: number): string {
  const { B, H, S, D } = inputDims(name, shape);
  return `${seed >>> 0}:${B}x${H}x${S}x${D}`;
}

function abortError(): DOMException {
  return new DOMException('The run was cancelled.', 'AbortError');
}

/**
 * Draws `names` in a fresh worker. Rejects with an AbortError when `signal` aborts and with a
 * message naming the deadline when the worker takes longer than INPUTS_DEADLINE_MS; either way
 * the worker is terminated at once.
 */
export function randomInputsOffThread(
  shape: AttentionShape,
  seed: number,
  names: InputName[],
  signal?: AbortSignal,
  spawn: SpawnInputsWorker = spawnWorker,
  deadlineMs = INPUTS_DEADLINE_MS,
): Promise<Partial<Record<InputName, Float32Array>>> {
  if (signal?.aborted) return Promise.reject(abortError());
  return new Promise((resolve, reject) => {
    const worker = spawn();
    const id = nextId++;
    const finish = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', stop);
      worker.terminate();
    };
    const stop = () => {
      finish();
      reject(abortError());
    };
    const timer = setTimeout(() => {
      finish();
      reject(
        new Error(
          `Drawing the random inputs did not finish within its deadline of ${deadlineMs / 1000} s. ` +
            'Lower B, H, Q_LEN, KV_LEN, D or Dv.',
        ),
      );
    }, deadlineMs);
    signal?.addEventListener('abort', stop, { once: true });
    worker.onmessage = (event) => {
      if (event.data.id !== id) return;
      finish();
      if (event.data.ok) resolve(event.data.tensors);
      else reject(new Error(`The random inputs could not be drawn: ${event.data.message}`));
    };
    worker.onerror = (event) => {
      event.preventDefault();
      finish();
      reject(new Error(`The input worker failed: ${event.message || 'unknown error'}`));
    };
    worker.postMessage({ id, shape, seed, names });
  });
}

/**
 * The inputs of a run: each uploaded tensor as given, the others seeded random (the same values
 * in the page, in a worker and in the tests: `randomInputs` of app/tensors/random.ts).
 */
export async function runInputs(
  shape: AttentionShape,
  seed: number,
  uploaded: Partial<AttentionInputs> | null,
  signal?: AbortSignal,
  spawn: SpawnInputsWorker = spawnWorker,
): Promise<AttentionInputs> {
  const found: Partial<AttentionInputs> = {};
  const missing: InputName[] = [];
  for (const name of NAMES) {
    const given = uploaded?.[name];
    const cached = cache.get(name);
    if (given) found[name] = given;
    else if (cached?.key === cacheKey(name, shape, seed)) found[name] = cached.values;
    else missing.push(name);
  }
  if (missing.length > 0) {
    const total = missing.reduce((sum, name) => sum + inputLength(name, shape), 0);
    const drawn =
      total <= MAIN_THREAD_MAX_VALUES
        ? Object.fromEntries(missing.map((name) => [name, randomInput(name, shape, seed)]))
        : await randomInputsOffThread(shape, seed, missing, signal, spawn);
    for (const name of missing) {
      const values = drawn[name];
      if (!(values instanceof Float32Array) || values.length !== inputLength(name, shape)) {
        throw new Error(`The input worker returned no ${name} of the right size.`);
      }
      cache.set(name, { key: cacheKey(name, shape, seed), values });
      found[name] = values;
    }
  }
  const { q, k, v } = found;
  if (!q || !k || !v) throw new Error('A run needs q, k and v.');
  return { q, k, v };
}

/** Forgets the inputs kept from earlier runs (tests; or to free memory). */
export function clearInputCache(): void {
  cache.clear();
}
