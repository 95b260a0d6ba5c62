import { describeAdapter, getGpu, type GpuAvailability, type GpuContext } from '../../gpu/device';
import type { CompiledProgram } from '../mask/types';
import {
  shapeOf,
  type Scenario,
  pictureWindow,
  type AttentionInputs,
  type AttentionShape,
  type PictureWindow,
} from '../problem';
import { throwIfAborted } from '../async/abort';
import { blockSummary, checkCpuRun, cpuRefusal } from './cpuRun';
import { calibrateEngines } from './calibration';
import { decideEngine, type EngineDecision, type EnginePreference } from './engineChoice';
import { describeCpuEngine, runOnCpuEngine } from './cpuEngine';
import { cpuWorkerCount } from './cpu/pool';
import { runOnGpu } from './gpuRun';
import { runInputs } from './inputs';
import { checkRunBudget } from './memoryBudget';
import { checkShape } from './shape';
import type { RunOptions, RunResult } from './types';

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

/** The engine for this run (engineChoice.ts), calibrating first on a software adapter. */
async function chooseEngine(
  gpu: GpuAvailability,
  shape: AttentionShape,
  preference: EnginePreference,
): Promise<EngineDecision> {
  const cpuRefuses = cpuRefusal(shape);
  if (gpu.kind === 'none') {
    return decideEngine({ gpu, preference, calibration: null, cpuRefuses });
  }
  const adapter = describeAdapter(gpu.context.info);
  const software = gpu.context.info.isFallbackAdapter;
  // Only an automatic choice on a software adapter needs to know which engine is faster.
  const calibration =
    software && preference === 'auto' && cpuRefuses === null
      ? await calibrateEngines(gpu.context, adapter)
      : null;
  return decideEngine({
    gpu: { kind: 'gpu', adapter, software },
    preference,
    calibration,
    cpuRefuses,
  });
}

/**
 * Runs one scenario: BlockMask, attention and the picture of the chosen (b, h), on the GPU engine
 * or on the CPU engine (cpuEngine.ts: WebAssembly in workers), whichever `chooseEngine` picks.
 * Same result either way. The run's memory is checked (memoryBudget.ts) before any input is drawn
 * or buffer created, and random inputs are drawn off the main thread.
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
  const decision = await chooseEngine(gpu, shape, options.engine ?? 'auto');
  throwIfAborted(options.signal);
  const onScreen = pictureWindow(shape, scenario.b, scenario.h);
  if (decision.engine === 'gpu' && gpu.kind === 'gpu') {
    // Sizes are checked before any input is drawn: a huge shape fails fast with a clear message.
    checkRunBudget(shape, program, { backend: 'gpu', limits: gpu.context.device.limits });
    checkUploaded(shape, uploaded);
    return runGpuEngine(gpu.context, program, shape, uploaded, scenario.seed, onScreen, {
      ...options,
      engineReason: decision.reason,
    });
  }
  checkCpuRun(shape, program, cpuWorkerCount());
  checkUploaded(shape, uploaded);
  const cpu = await runOnCpuEngine(
    {
      source: program.source,
      program,
      shape,
      uploaded: uploaded ?? {},
      seed: scenario.seed,
      b: onScreen.b,
      h: onScreen.h,
    },
    options,
  );
  if (!cpu.picture) throw new Error('The CPU engine returned no picture.');
  options.onProgress?.(1, 'picture');
  return {
    backend: 'cpu',
    backendDetail: describeCpuEngine(cpu.workers, cpu.relaxedSimd),
    engineReason: decision.reason,
    shape,
    blockMask: cpu.blockMask,
    inputs: cpu.inputs,
    outputs: cpu.outputs,
    picture: cpu.picture,
    timings: [
      { stage: 'blockMask', ms: cpu.ms.blockMask, source: 'wall' },
      { stage: 'attention', ms: cpu.ms.attention, source: 'wall' },
      { stage: 'picture', ms: cpu.ms.picture, source: 'wall' },
    ],
    ...blockSummary(cpu.blockMask, shape),
  };
}

async function runGpuEngine(
  context: GpuContext,
  program: CompiledProgram,
  shape: AttentionShape,
  uploaded: Partial<AttentionInputs> | null,
  seed: number,
  onScreen: PictureWindow,
  options: RunOptions & { engineReason: string },
): Promise<RunResult> {
  const inputs = await runInputs(shape, seed, uploaded, options.signal);
  throwIfAborted(options.signal);
  const backendDetail = describeAdapter(context.info);
  const { onPicture, engineReason } = options;
  const run = await runOnGpu(context.device, program, shape, inputs, onScreen, {
    ...options,
    // The head on screen is drawn while the other heads are computed.
    onHeadPicture: onPicture
      ? (head) =>
          onPicture({
            backend: 'gpu',
            backendDetail,
            engineReason,
            shape,
            ...head,
            ...blockSummary(head.blockMask, shape),
          })
      : undefined,
  });
  return {
    backend: 'gpu',
    backendDetail,
    engineReason,
    shape,
    blockMask: run.blockMask,
    inputs,
    outputs: run.outputs,
    picture: run.picture,
    timings: run.timings,
    ...blockSummary(run.blockMask, shape),
  };
}
