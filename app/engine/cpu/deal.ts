/**
 * Deals a run's items to the CPU engine's workers and collects their results: each worker gets
 * ITEMS_IN_FLIGHT at the start and one more each time it returns one, so a worker given cheap
 * rows simply takes more of them, whatever the mask. Aborting, the deadline or any failure ends
 * the run at once and calls `onFailure` (the pool terminates every worker).
 */
import { abortError } from '../../async/abort';
import type { AttentionInputs, AttentionShape } from '../../problem';
import type { ItemResult } from './item';
import { yieldToPage } from '../../async/yieldToPage';
import { inputParts, missingInputs, type PoolWorker } from './pool';
import type { CpuEngineResponse } from './protocol';
import type { MaskGrid, WorkItem } from './work';

/** Items a worker holds at once: one running and one queued, so it never waits for the page. */
const ITEMS_IN_FLIGHT = 2;

export interface DealOptions {
  signal?: AbortSignal;
  /** Called once when the run fails or is aborted, before the promise rejects. */
  onFailure: () => void;
  deadlineMs: number;
}

let nextRun = 1;

export interface RunSetup {
  source: string;
  shape: AttentionShape;
  grid: MaskGrid;
  /** Sent to the workers that do not hold them; never part of `begin`. */
  inputs: AttentionInputs;
  pictureHead: { b: number; h: number } | null;
  relaxed: boolean;
}

/** Resolves when every item's result has been handed to `onResult`. */
export function dealItems(
  workers: PoolWorker[],
  setup: RunSetup,
  items: WorkItem[],
  onResult: (result: ItemResult, fraction: number) => void,
  options: DealOptions,
): Promise<void> {
  const { signal, deadlineMs } = options;
  const run = nextRun++;
  let next = 0;
  let done = 0;
  let settled = false;
  return new Promise<void>((resolve, reject) => {
    const finish = () => {
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', stop);
      for (const worker of workers) {
        worker.onmessage = null;
        worker.onerror = null;
      }
    };
    const fail = (error: Error) => {
      if (settled) return;
      finish();
      options.onFailure();
      reject(error);
    };
    const stop = () => fail(abortError('The run was cancelled.'));
    const timer = setTimeout(
      () =>
        fail(
          new Error(
            `The CPU run did not finish within its deadline of ${deadlineMs / 1000} s. ` +
              'Lower B, H, Q_LEN or KV_LEN, or use a browser with WebGPU.',
          ),
        ),
      deadlineMs,
    );
    signal?.addEventListener('abort', stop, { once: true });
    if (signal?.aborted) {
      stop();
      return;
    }
    const deal = (worker: PoolWorker) => {
      if (next < items.length) worker.post({ kind: 'item', run, item: items[next++] });
    };
    const onMessage = (worker: PoolWorker) => (event: MessageEvent<CpuEngineResponse>) => {
      const response = event.data;
      if (settled || response.run !== run) return;
      if (response.kind === 'error') {
        fail(new Error(response.message));
        return;
      }
      done++;
      try {
        onResult(response.result, done / items.length);
      } catch (error) {
        fail(error instanceof Error ? error : new Error(String(error)));
        return;
      }
      // onProgress may have aborted the run.
      if (settled) return;
      if (done === items.length) {
        finish();
        resolve();
        return;
      }
      deal(worker);
    };
    for (const worker of workers) {
      worker.onmessage = onMessage(worker);
      worker.onerror = (event) => fail(new Error(`The CPU worker failed: ${event.message}`));
    }
    // Each worker gets its missing inputs, part by part with the page's thread let go between
    // parts, then `begin` and its first items; it starts on them while the next worker's inputs
    // are still being sent.
    const { inputs, ...begin } = setup;
    const start = async () => {
      for (const worker of workers) {
        for (const name of missingInputs(worker, inputs)) {
          // Held by the worker only once every part is on its way: a run that ends while an
          // input is half sent (the other workers did every item) leaves it to be sent again.
          worker.held[name] = undefined;
          for (const part of inputParts(name, inputs[name])) {
            worker.post({ kind: 'input', run, ...part }, [part.values.buffer]);
            await yieldToPage();
            if (settled) return;
          }
          worker.held[name] = inputs[name];
        }
        worker.post({ kind: 'begin', run, ...begin });
        for (let i = 0; i < ITEMS_IN_FLIGHT; i++) deal(worker);
      }
      if (items.length === 0) {
        finish();
        resolve();
      }
    };
    start().catch((error: unknown) =>
      fail(error instanceof Error ? error : new Error(String(error))),
    );
  });
}
