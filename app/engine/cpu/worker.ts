/// <reference lib="webworker" />
/**
 * One CPU engine worker (its state and answers are in workerState.ts): it runs the items it is
 * dealt with the WebAssembly kernel (cpu/) and posts each item's rows back, buffers transferred.
 */
import type { CpuEngineRequest } from './protocol';
import { resultBuffers, WorkerState } from './workerState';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const state = new WorkerState();

scope.onmessage = (event: MessageEvent<CpuEngineRequest>) => {
  const response = state.handle(event.data);
  if (response) scope.postMessage(response, resultBuffers(response));
};
