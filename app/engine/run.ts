import { describeAdapter, getGpu } from '../../gpu/device';
import type { CompiledProgram } from '../mask/types';
import {
  shapeOf,
  type Scenario,
  pictureWindow,
  type AttentionInputs,
  type AttentionShape,
} from '../problem';
import { throwIfAborted } from '../async/abort';
import { blockSummary, checkCpuRun } from './cpuRun';
import type { CpuRequest, CpuResponse } from './cpuProtocol';
import { runOnGpu } from './gpuRun';
import { runInputs } from './inputs';
import { checkRunBudget } from './memoryBudget';
import { checkShape } from './shape';
import type { RunOptions, RunResult } from './types';

/**
 * Wall time the page waits for the CPU worker. The reference is float64 JavaScript: the largest
 * run the CPU budget admits takes tens of seconds; past this something is wrong, and the page
 * says so instead of waiting forever.
 */
export const CPU_DEADLINE_MS = 120_000;

function checkUploaded(shape: AttentionShape, uploaded: Partial<AttentionInputs> | null): void {
  const expect = (name: string, got: Float32Array | undefined, dims: number[]) => {
    if (!got) return;
    const want = dims.reduce((a, d) => a * d, 1);
    if (got.length !== want) {
      throw new RangeError(
        `${name} holds ${got.length} values, but the shape [${dims.join(', ')}] needs ${want}.`,
      );
    }
  };
  expect('q', uploaded?.q, [shape.B, shape.H, shape.Q, shape.D]);
  expect('k', uploaded?.k, [shape.B, shape.HKV, shape.KV, shape.D]);
  expect('v', uploaded?.v, [shape.B, shape.HKV, shape.KV, shape.DV]);
}

/**
 * Runs one scenario: BlockMask, attention and the picture of the chosen (b, h), on the GPU when
 * WebGPU gives a device, else with the float64 reference in a Web Worker. Same result either way.
 * The run's memory is checked (memoryBudget.ts) before any input is drawn or buffer created, and
 * random inputs are drawn off the main thread.
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
  // Sizes are checked before any input is drawn: a huge shape fails fast with a clear message.
  if (gpu.kind === 'gpu') {
    checkRunBudget(shape, program, { backend: 'gpu', limits: gpu.context.device.limits });
  } else {
    checkCpuRun(shape, program);
  }
  checkUploaded(shape, uploaded);
  const onScreen = pictureWindow(shape, scenario.b, scenario.h);

  if (gpu.kind === 'gpu') {
    const inputs = await runInputs(shape, scenario.seed, uploaded, options.signal);
    throwIfAborted(options.signal);
    const run = await runOnGpu(gpu.context.device, program, shape, inputs, onScreen, options);
    return {
      backend: 'gpu',
      backendDetail: describeAdapter(gpu.context.info),
      shape,
      blockMask: run.blockMask,
      inputs,
      outputs: run.outputs,
      picture: run.picture,
      timings: run.timings,
      ...blockSummary(run.blockMask, shape),
    };
  }

  options.onProgress?.(0.05, 'blockMask');
  const cpu = await runInWorker(
    {
      source: program.source,
      shape,
      uploaded: uploaded ?? {},
      seed: scenario.seed,
      b: onScreen.b,
      h: onScreen.h,
    },
    options.signal,
  );
  options.onProgress?.(1, 'picture');
  return {
    backend: 'cpu',
    backendDetail: gpu.reason,
    shape,
    blockMask: cpu.result.blockMask,
    inputs: cpu.inputs,
    outputs: cpu.result.outputs,
    picture: cpu.result.picture,
    timings: [
      { stage: 'blockMask', ms: cpu.result.ms.blockMask, source: 'wall' },
      { stage: 'attention', ms: cpu.result.ms.attention, source: 'wall' },
      { stage: 'picture', ms: cpu.result.ms.picture, source: 'wall' },
    ],
    ...blockSummary(cpu.result.blockMask, shape),
  };
}

/** Runs the reference in a fresh worker; aborting, or the deadline, terminates it at once. */
function runInWorker(request: CpuRequest, signal: AbortSignal | undefined) {
  return new Promise<Extract<CpuResponse, { ok: true }>>((resolve, reject) => {
    const worker = new Worker(new URL('./cpuWorker.ts', import.meta.url), { type: 'module' });
    const finish = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', stop);
      worker.terminate();
    };
    const stop = () => {
      finish();
      reject(new DOMException('The run was cancelled.', 'AbortError'));
    };
    const timer = setTimeout(() => {
      finish();
      reject(
        new Error(
          `The CPU run did not finish within its deadline of ${CPU_DEADLINE_MS / 1000} s. ` +
            'Lower B, H, Q_LEN or KV_LEN, or use a browser with WebGPU.',
        ),
      );
    }, CPU_DEADLINE_MS);
    signal?.addEventListener('abort', stop, { once: true });
    worker.onmessage = (event: MessageEvent<CpuResponse>) => {
      finish();
      if (event.data.ok) resolve(event.data);
      else reject(new Error(event.data.message));
    };
    worker.onerror = (event) => {
      event.preventDefault();
      finish();
      reject(new Error(`The CPU worker failed: ${event.message}`));
    };
    worker.postMessage(request);
  });
}
