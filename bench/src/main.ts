/**
 * The bench page. It exposes `window.flexmaskBench`, which bench/run.mjs drives one case at a
 * time, so the driver can print progress, keep to its time budget, and keep every result even
 * when a later case fails.
 */
import { getGpu } from '../../gpu/device';
import { blockSummary, referenceBlockMask } from '../../app/engine/cpuRun';
import type { AttentionInputs, AttentionShape, BlockMaskData } from '../../app/problem';
import { compile } from '../../app/mask/compile';
import type { CompiledProgram } from '../../app/mask/types';
import { randomInputs } from '../../app/tensors/random';
import { additiveBias, type AdditiveBias } from './bias';
import {
  GPU_ENGINES,
  SEED,
  caseShape,
  maskSource,
  planCases,
  type EngineId,
  type MaskId,
  type PlanOptions,
} from './cases';
import { loadCpuEngine } from './cpuEngineLoader';
import { flexmaskCpuContender } from './flexmaskCpu';
import { FlexmaskBench } from './flexmaskRunner';
import { createOrtSession } from './ortPeer';
import { createOrtWasmSession } from './ortWasmPeer';
import {
  errorMessage,
  peerContender,
  runRounds,
  type Contender,
  type ContenderOutcome,
  type PeerSession,
} from './peer';
import { evaluateTargets, reportText } from './report';
import type {
  AdapterSummary,
  BenchReport,
  CaseResult,
  EngineResult,
  PageEnvironment,
} from './results';
import {
  referenceRows,
  sampledError,
  sampledRows,
  type SampledReference,
} from './sampledReference';
import { computedElements, denseElements, flopsPerElement, maxRelativeError } from './stats';
import { createTfjsSession } from './tfjsPeer';

/** The case's numbers that do not depend on any engine. */
export type CaseSummary = Omit<CaseResult, 'engines' | 'id'>;

/** The adapter, or null when the page has no WebGPU (the CPU engines still run). */
async function adapter(): Promise<AdapterSummary | null> {
  const gpu = await getGpu();
  if (gpu.kind === 'none') return null;
  const { info } = gpu.context;
  return {
    vendor: info.vendor,
    architecture: info.architecture,
    description: info.description,
    isFallbackAdapter: info.isFallbackAdapter,
    timestampQuery: info.features.has('timestamp-query'),
  };
}

/**
 * Idle time before each timed run, so no engine pays for what the previous one left running.
 * Back to back (CPU engines only, S = 2048), flexmask CPU's noop runs right after
 * onnxruntime-web's spread from 41 to 64 ms; with this pause, from 36 to 40 ms. ORT's thread
 * pool spinning on after its run is the likely cause; the pause is the same for every engine.
 */
const PAUSE_BEFORE_RUN_MS = 50;

/** What the CPU engines' threads depend on. */
function environment(): PageEnvironment {
  return {
    crossOriginIsolated: self.crossOriginIsolated,
    hardwareConcurrency: navigator.hardwareConcurrency,
  };
}

export interface CaseOptions {
  mask: MaskId;
  S: number;
  /** Engines to run; flexmask (GPU) runs whenever the page has WebGPU. */
  engines: EngineId[];
  minRuns: number;
  maxRuns: number;
  /** Timed runs past minRuns are added only while a phase has taken less than this. */
  extraRunsWithinMs: number;
}

type PeerId = Exclude<EngineId, 'flexmask' | 'flexmask-cpu'>;

const PEERS: Record<
  PeerId,
  (
    shape: AttentionShape,
    inputs: AttentionInputs,
    bias: AdditiveBias | null,
  ) => Promise<PeerSession>
> = { ort: createOrtSession, tfjs: createTfjsSession, 'ort-wasm': createOrtWasmSession };

function isPeer(engine: EngineId): engine is PeerId {
  return engine in PEERS;
}

function summarize(mask: MaskId, shape: AttentionShape, blockMask: BlockMaskData): CaseSummary {
  const blocks = blockSummary(blockMask, shape);
  const elements = computedElements(blockMask, shape);
  const perElement = flopsPerElement(shape);
  return {
    mask,
    S: shape.Q,
    B: shape.B,
    H: shape.H,
    D: shape.D,
    DV: shape.DV,
    block: shape.blockQ,
    computedBlocks: blocks.computedBlocks,
    totalBlocks: blocks.totalBlocks,
    density: blocks.computedBlocks / blocks.totalBlocks,
    computedElements: elements,
    flops: elements * perElement,
    denseFlops: denseElements(shape) * perElement,
  };
}

/** Times BlockMask builds: at least minRuns, more while the phase is short. */
async function timeBlockMask(bench: FlexmaskBench, options: CaseOptions) {
  const gpuMs: number[] = [];
  const wallMs: number[] = [];
  const start = performance.now();
  while (
    gpuMs.length < options.minRuns ||
    (gpuMs.length < options.maxRuns && performance.now() - start < options.extraRunsWithinMs)
  ) {
    const sample = await bench.buildBlockMask();
    gpuMs.push(sample.gpuMs);
    wallMs.push(sample.wallMs);
  }
  return { gpuMs, wallMs };
}

/** flexmask on the GPU, set up: its BlockMask built and kept, the build timed on its own. */
interface GpuSide {
  bench: FlexmaskBench;
  setupMs: number;
  blockMask: BlockMaskData;
  buildGpuMs: number[];
  buildWallMs: number[];
}

async function prepareGpu(
  device: GPUDevice,
  program: CompiledProgram,
  shape: AttentionShape,
  inputs: AttentionInputs,
  options: CaseOptions,
): Promise<GpuSide> {
  const bench = new FlexmaskBench(device, program, shape, inputs);
  try {
    const setupStart = performance.now();
    await bench.buildBlockMask(true);
    await bench.attention();
    const setupMs = performance.now() - setupStart;
    const blockMask = await bench.readBlockMask();
    const build = await timeBlockMask(bench, options);
    return { bench, setupMs, blockMask, buildGpuMs: build.gpuMs, buildWallMs: build.wallMs };
  } catch (error) {
    bench.destroy();
    throw error;
  }
}

function gpuContender(bench: FlexmaskBench): Contender {
  return {
    name: 'flexmask',
    prepare: async () => undefined,
    run: async () => {
      const sample = await bench.attention();
      return { wallMs: sample.wallMs, kernelMs: sample.gpuMs, out: sample.out };
    },
    release: async () => undefined,
  };
}

/** The output every other engine of a case is checked against, and whose it is. */
interface Reference {
  engine: EngineId;
  out: Float32Array;
}

/** One engine's timed outcome as the report keeps it; agreement is against `reference`. */
function engineResult(
  engine: EngineId,
  outcome: ContenderOutcome,
  reference: Reference | null,
  float64: SampledReference,
  shape: AttentionShape,
): EngineResult {
  if (outcome.error !== undefined && outcome.samples.length === 0) {
    return { engine, wallMs: [], error: outcome.error };
  }
  const timings = (pick: (s: ContenderOutcome['samples'][number]) => number | undefined) => {
    const values = outcome.samples.map(pick);
    return values.every((v) => v !== undefined) && values.length > 0
      ? values.map((v) => v ?? Number.NaN)
      : undefined;
  };
  const kernelMs = timings((s) => s.kernelMs);
  const blockMaskMs = timings((s) => s.blockMaskMs);
  const agreement =
    reference && outcome.last && reference.engine !== engine
      ? {
          maxRelError: maxRelativeError(outcome.last, reference.out),
          checkedAgainst: reference.engine,
        }
      : {};
  const exact = outcome.last ? { referenceError: sampledError(outcome.last, float64, shape) } : {};
  return {
    engine,
    wallMs: outcome.samples.map((s) => s.wallMs),
    ...(kernelMs ? { kernelMs } : {}),
    ...(blockMaskMs ? { blockMaskMs } : {}),
    ...(outcome.setupMs === undefined ? {} : { setupMs: outcome.setupMs }),
    ...(outcome.setup ? { threads: outcome.setup.threads, simd: outcome.setup.simd } : {}),
    ...(outcome.error === undefined ? {} : { error: outcome.error }),
    ...agreement,
    ...exact,
  };
}

/**
 * One case. flexmask on the GPU warms up and builds its BlockMask (kept for the attention runs),
 * the BlockMask build is timed on its own, then the GPU engines and then the CPU engines are
 * timed, each side in interleaved rounds of its own, on the same inputs, and each one's output is
 * checked against flexmask's (the GPU's, or the CPU engine's when the page has no WebGPU).
 */
async function runCase(
  options: CaseOptions,
): Promise<{ summary: CaseSummary; engines: EngineResult[] }> {
  const shape = caseShape(options.S);
  const source = maskSource(options.mask, options.S, shape.H);
  const program = compile(source);
  const inputs = randomInputs(shape, SEED);
  // A CPU-only run (--no-gpu) never asks for the adapter, so it also times a page without one.
  const wantsGpu = options.engines.some((e) => GPU_ENGINES.includes(e));
  const gpu = wantsGpu ? await getGpu() : null;
  const noGpu = gpu?.kind === 'none' ? `no WebGPU: ${gpu.reason}` : null;

  let gpuSide: GpuSide | null = null;
  let gpuError: string | null = noGpu;
  if (gpu?.kind === 'gpu' && options.engines.includes('flexmask')) {
    try {
      gpuSide = await prepareGpu(gpu.context.device, program, shape, inputs, options);
    } catch (error) {
      gpuError = errorMessage(error);
    }
  }
  try {
    const summary = summarize(
      options.mask,
      shape,
      // Without WebGPU the block counts come from the float64 reference's BlockMask.
      gpuSide ? gpuSide.blockMask : referenceBlockMask(program, shape),
    );

    // The peers get the mask as a dense additive bias (none for noop), made once per case.
    let bias: AdditiveBias | null = null;
    let biasError: string | null = null;
    if (options.mask !== 'noop' && options.engines.some(isPeer)) {
      try {
        bias = additiveBias(program, shape.H, shape.Q, shape.KV);
      } catch (error) {
        biasError = errorMessage(error);
      }
    }

    const timed: { engine: EngineId; contender: Contender }[] = [];
    const skipped: EngineResult[] = [];
    for (const engine of options.engines) {
      if (noGpu !== null && GPU_ENGINES.includes(engine)) {
        skipped.push({ engine, wallMs: [], error: noGpu });
      } else if (engine === 'flexmask') {
        if (gpuSide) timed.push({ engine, contender: gpuContender(gpuSide.bench) });
        else skipped.push({ engine, wallMs: [], error: gpuError ?? 'not run' });
      } else if (engine === 'flexmask-cpu') {
        const request = { source, shape, seed: SEED, b: 0, h: 0 };
        timed.push({ engine, contender: flexmaskCpuContender(loadCpuEngine, request, inputs) });
      } else {
        const create = PEERS[engine];
        timed.push({
          engine,
          contender: peerContender(engine, async () => {
            if (biasError !== null) throw new Error(`the mask as a bias: ${biasError}`);
            return create(shape, inputs, bias);
          }),
        });
      }
    }
    // Each engine is judged against its counterpart on its own side (GPU with GPU, CPU with
    // CPU), so each side is timed in rounds of its own: on a software adapter a GPU round takes
    // seconds and a CPU round tens of milliseconds, and shared rounds would stop the CPU engines
    // at minRuns samples, their first (least warmed-up) runs.
    const byEngine = new Map<EngineId, ContenderOutcome>();
    for (const onGpu of [true, false]) {
      const side = timed.filter((t) => GPU_ENGINES.includes(t.engine) === onGpu);
      if (side.length === 0) continue;
      const outcomes = await runRounds(
        side.map((t) => t.contender),
        {
          minRuns: options.minRuns,
          maxRuns: options.maxRuns,
          extraRoundsWithinMs: options.extraRunsWithinMs,
          pauseBeforeRunMs: PAUSE_BEFORE_RUN_MS,
        },
      );
      side.forEach((t, i) => byEngine.set(t.engine, outcomes[i]));
    }
    // flexmask on the GPU where it ran, else flexmask's CPU engine.
    let reference: Reference | null = null;
    for (const engine of ['flexmask', 'flexmask-cpu'] as const) {
      const out = byEngine.get(engine)?.last;
      if (!reference && out) reference = { engine, out };
    }
    const float64 = referenceRows(program, shape, inputs, sampledRows(shape.Q));
    const engines: EngineResult[] = [];
    for (const engine of options.engines) {
      const outcome = byEngine.get(engine);
      if (outcome) {
        const result = engineResult(engine, outcome, reference, float64, shape);
        if (engine === 'flexmask' && gpuSide) {
          Object.assign(result, {
            blockMaskMs: gpuSide.buildGpuMs,
            blockMaskWallMs: gpuSide.buildWallMs,
            setupMs: gpuSide.setupMs,
          });
        }
        engines.push(result);
      } else {
        const why = skipped.find((r) => r.engine === engine);
        if (why) engines.push(why);
      }
    }
    return { summary, engines };
  } finally {
    gpuSide?.bench.destroy();
  }
}

const flexmaskBench = {
  adapter,
  environment,
  plan: (options: PlanOptions) => planCases(options),
  runCase,
  reportText: (report: BenchReport) => reportText(report),
  targets: (report: BenchReport) => evaluateTargets(report.cases),
};

export type FlexmaskBenchApi = typeof flexmaskBench;

declare global {
  interface Window {
    flexmaskBench?: FlexmaskBenchApi;
  }
}

window.flexmaskBench = flexmaskBench;
document.body.dataset.ready = 'true';
