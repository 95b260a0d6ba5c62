/**
 * The CPU engine's workers: W = clamp(navigator.hardwareConcurrency, 1, 8) module workers, made
 * on the first run and kept for the next ones (a worker's start, its compile of the kernel and the
 * inputs it holds are reused). An abort, the deadline or a failure terminates all of them; the next
 * run makes new ones.
 */
import type { AttentionInputs, InputName } from '../../problem';
import { INPUT_PART_VALUES, type CpuEngineRequest, type CpuEngineResponse } from './protocol';

/** More workers than this gain nothing on a page, and each holds a copy of the inputs. */
export const MAX_CPU_WORKERS = 8;

export function cpuWorkerCount(): number {
  const cores = typeof navigator === 'undefined' ? 1 : navigator.hardwareConcurrency;
  return Math.min(MAX_CPU_WORKERS, Math.max(1, Number.isInteger(cores) ? cores : 1));
}

export interface PoolWorker {
  /** Posts a request; the buffers in `transfer` move to the worker. */
  post(request: CpuEngineRequest, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent<CpuEngineResponse>) => void) | null;
  onerror: ((event: ErrorEvent) => void) | null;
  /** The inputs this worker holds in full, by identity: an input is sent again only when it changed. */
  held: Partial<Record<InputName, Float32Array>>;
}

let pool: { workers: PoolWorker[]; terminate: () => void } | null = null;

function spawn(): { worker: PoolWorker; terminate: () => void } {
  const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
  const wrapped: PoolWorker = {
    post: (request, transfer = []) => worker.postMessage(request, transfer),
    onmessage: null,
    onerror: null,
    held: {},
  };
  worker.onmessage = (event: MessageEvent<CpuEngineResponse>) => wrapped.onmessage?.(event);
  worker.onerror = (event) => {
    event.preventDefault();
    wrapped.onerror?.(event);
  };
  return { worker: wrapped, terminate: () => worker.terminate() };
}

/** The pool's workers, made now if there are none. */
export function poolWorkers(): PoolWorker[] {
  if (!pool) {
    const spawned = Array.from({ length: cpuWorkerCount() }, spawn);
    pool = {
      workers: spawned.map((s) => s.worker),
      terminate: () => spawned.forEach((s) => s.terminate()),
    };
  }
  return pool.workers;
}

/** Terminates every worker at once (abort, deadline, failure); the next run makes new ones. */
export function dropPool(): void {
  pool?.terminate();
  pool = null;
}

/** The inputs a worker lacks: those that are not the very arrays it was last sent in full. */
export function missingInputs(worker: PoolWorker, inputs: AttentionInputs): InputName[] {
  return (['q', 'k', 'v'] as const).filter((name) => worker.held[name] !== inputs[name]);
}

export interface InputPart {
  name: InputName;
  length: number;
  offset: number;
  /** A copy of values [offset, offset + values.length), to transfer. */
  values: Float32Array;
}

/** The parts an input travels in, each a fresh copy of at most INPUT_PART_VALUES values. */
export function* inputParts(name: InputName, values: Float32Array): Generator<InputPart> {
  // An empty input still sends its one (empty) part, which makes the worker's array.
  for (let offset = 0; offset === 0 || offset < values.length; offset += INPUT_PART_VALUES) {
    const end = Math.min(values.length, offset + INPUT_PART_VALUES);
    yield { name, length: values.length, offset, values: values.slice(offset, end) };
  }
}
