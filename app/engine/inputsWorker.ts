/// <reference lib="webworker" />
/**
 * Generates seeded random inputs off the main thread: a large scenario's Q, K, V are hundreds of
 * MiB and take seconds to draw. The buffers are transferred to the page, never copied.
 */
import { randomInput } from '../tensors/random';
import type { InputsRequest, InputsResponse } from './inputsProtocol';

self.onmessage = (event: MessageEvent<InputsRequest>) => {
  const { id, shape, seed, names } = event.data;
  const scope = self as unknown as Worker;
  try {
    const tensors: Partial<Record<string, Float32Array>> = {};
    const transfer: ArrayBuffer[] = [];
    for (const name of names) {
      const values = randomInput(name, shape, seed);
      tensors[name] = values;
      transfer.push(values.buffer as ArrayBuffer);
    }
    const response: InputsResponse = { id, ok: true, tensors };
    scope.postMessage(response, transfer);
  } catch (error) {
    const response: InputsResponse = {
      id,
      ok: false,
      message: error instanceof Error ? error.message : String(error),
    };
    scope.postMessage(response);
  }
};
