/// <reference lib="webworker" />
/**
 * The CPU path in a Web Worker, so the page stays responsive while the float64 reference runs.
 * It receives the program's text (a compiled program holds functions and cannot be posted) and
 * compiles it again here; compiling is pure and fast.
 */
import { compile } from '../mask/compile';
import { runOnCpu } from './cpuRun';
import type { CpuRequest, CpuResponse } from './cpuProtocol';

self.onmessage = (event: MessageEvent<CpuRequest>) => {
  const { source, shape, inputs, b, h } = event.data;
  let response: CpuResponse;
  try {
    const program = compile(source);
    response = { ok: true, result: runOnCpu(program, shape, inputs, b, h) };
  } catch (error) {
    response = { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  (self as unknown as Worker).postMessage(response);
};
