import { describeAdapter, getGpu } from '../../gpu/device';
import type { CompiledProgram } from '../mask/types';
import type { Scenario } from '../state/scenario';
import { randomInputs } from '../tensors/random';
import { throwIfAborted } from './abort';
import { blockSummary, checkFitsCpu } from './cpuRun';
import { checkFitsDevice } from './fits';
import type { CpuRequest, CpuResponse } from './cpuProtocol';
import { runOnGpu } from './gpuRun';
import { checkShape, shapeOf, viewWindow } from './shape';
import type { AttentionInputs, AttentionShape, RunOptions, RunResult } from './types';

/** Seeded random Q, K, V with any uploaded tensor put in its place. */
export function scenarioInputs(
  shape: AttentionShape,
  seed: number,
  uploaded: Partial<AttentionInputs> | null,
): AttentionInputs {
  const random = randomInputs(shape, seed);
  return {
    q: uploaded?.q ?? random.q,
    k: uploaded?.k ?? random.k,
    v: uploaded?.v ?? random.v,
  };
}

function checkInputs(shape: AttentionShape, inputs: AttentionInputs): void {
  const expect = (name: string, got: number, dims: number[]) => {
    const want = dims.reduce((a, d) => a * d, 1);
    if (got !== want) {
      throw new RangeError(
        `${name} holds ${got} values, but the shape [${dims.join(', ')}] needs ${want}.`,
      );
    }
  };
  expect('q', inputs.q.length, [shape.B, shape.H, shape.Q, shape.D]);
  expect('k', inputs.k.length, [shape.B, shape.HKV, shape.KV, shape.D]);
  expect('v', inputs.v.length, [shape.B, shape.HKV, shape.KV, shape.DV]);
}

/**
 * Runs one scenario: BlockMask, attention and the picture of the chosen (b, h), on the GPU when
 * WebGPU gives a device, else with the float64 reference in a Web Worker. Same result either way.
 */
export async function runScenario(
  scenario: Scenario,
  program: CompiledProgram,
  uploaded: Partial<AttentionInputs> | null,
  options: RunOptions = {},
): Promise<RunResult> {
  const shape = shapeOf(scenario);
  checkShape(shape);
  const gpu = await getGpu();
  throwIfAborted(options.signal);
  // Sizes are checked before any input is allocated: a huge shape fails fast with a clear message.
  if (gpu.kind === 'gpu') checkFitsDevice(shape, program.maskDeps, gpu.context.device.limits);
  else checkFitsCpu(shape);
  const inputs = scenarioInputs(shape, scenario.seed, uploaded);
  checkInputs(shape, inputs);
  const view = viewWindow(shape, scenario.b, scenario.h);

  if (gpu.kind === 'gpu') {
    const run = await runOnGpu(gpu.context.device, program, shape, inputs, view, options);
    return {
      backend: 'gpu',
      backendDetail: describeAdapter(gpu.context.info),
      shape,
      blockMask: run.blockMask,
      inputs,
      outputs: run.outputs,
      view: run.view,
      timings: run.timings,
      ...blockSummary(run.blockMask, shape),
    };
  }

  options.onProgress?.(0.05, 'blockMask');
  const cpu = await runInWorker(
    { source: program.source, shape, inputs, b: view.b, h: view.h },
    options.signal,
  );
  options.onProgress?.(1, 'view');
  return {
    backend: 'cpu',
    backendDetail: gpu.reason,
    shape,
    blockMask: cpu.blockMask,
    inputs,
    outputs: cpu.outputs,
    view: cpu.view,
    timings: [
      { stage: 'blockMask', ms: cpu.ms.blockMask, source: 'wall' },
      { stage: 'attention', ms: cpu.ms.attention, source: 'wall' },
      { stage: 'view', ms: cpu.ms.view, source: 'wall' },
    ],
    ...blockSummary(cpu.blockMask, shape),
  };
}

/** Runs the reference in a fresh worker; aborting terminates it at once. */
function runInWorker(request: CpuRequest, signal: AbortSignal | undefined) {
  return new Promise<Extract<CpuResponse, { ok: true }>['result']>((resolve, reject) => {
    const worker = new Worker(new URL('./cpuWorker.ts', import.meta.url), { type: 'module' });
    const stop = () => {
      worker.terminate();
      reject(new DOMException('The run was cancelled.', 'AbortError'));
    };
    signal?.addEventListener('abort', stop, { once: true });
    worker.onmessage = (event: MessageEvent<CpuResponse>) => {
      signal?.removeEventListener('abort', stop);
      worker.terminate();
      if (event.data.ok) resolve(event.data.result);
      else reject(new Error(event.data.message));
    };
    worker.onerror = (event) => {
      signal?.removeEventListener('abort', stop);
      worker.terminate();
      reject(new Error(`The CPU worker failed: ${event.message}`));
    };
    worker.postMessage(request);
  });
}
