/// <reference lib="webworker" />
/**
 * The CPU path in a Web Worker, so the page stays responsive while the float64 reference runs.
 * It receives the program's text (a compiled program holds functions and cannot be posted) and
 * compiles it again here; compiling is pure and fast. It checks the run's memory budget, then
 * draws the random inputs itself, and transfers every result buffer back (no copy on the page).
 */
import { compile } from '../mask/compile';
import { randomInput } from '../tensors/random';
import { checkCpuRun, runOnCpu } from './cpuRun';
import type { CpuRequest, CpuResponse } from './cpuProtocol';
import type { AttentionInputs } from '../problem';

self.onmessage = (event: MessageEvent<CpuRequest>) => {
  const { source, shape, uploaded, seed, b, h } = event.data;
  const scope = self as unknown as Worker;
  try {
    const program = compile(source);
    checkCpuRun(shape, program);
    const inputs: AttentionInputs = {
      q: uploaded.q ?? randomInput('q', shape, seed),
      k: uploaded.k ?? randomInput('k', shape, seed),
      v: uploaded.v ?? randomInput('v', shape, seed),
    };
    const result = runOnCpu(program, shape, inputs, b, h);
    const response: CpuResponse = { ok: true, result, inputs };
    scope.postMessage(response, transferables(response));
  } catch (error) {
    const response: CpuResponse = {
      ok: false,
      message: error instanceof Error ? error.message : String(error),
    };
    scope.postMessage(response);
  }
};

/** Every distinct buffer under the response's typed arrays (each may be listed only once). */
function transferables(value: unknown, found = new Set<ArrayBuffer>()): ArrayBuffer[] {
  if (ArrayBuffer.isView(value)) {
    if (value.buffer instanceof ArrayBuffer) found.add(value.buffer);
  } else if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) transferables(child, found);
  }
  return [...found];
}
