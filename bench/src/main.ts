/**
 * The bench page. It exposes `window.flexmaskBench`, which bench/run.mjs drives one case at a
 * time, so the driver can print progress, keep to its time budget, and keep every result even
 * when a later case fails.
 */
import { getGpu } from '../../gpu/device';
import { blockSummary } from '../../app/engine/cpuRun';
import type { AttentionInputs, AttentionShape } from '../../app/problem';
import { compile } from '../../app/mask/compile';
import { randomInputs } from '../../app/tensors/random';
import { additiveBias, type AdditiveBias } from './bias';
import {
  SEED,
  caseShape,
  maskSource,
  planCases,
  type EngineId,
  type MaskId,
  type PlanOptions,
} from './cases';
import { FlexmaskBench } from './flexmaskRunner';
import { createOrtSession } from './ortPeer';
import { errorMessage, peerContender, runRounds, type Contender, type PeerSession } from './peer';
import { evaluateTargets, reportText } from './report';
import type { AdapterSummary, BenchReport, CaseResult, EngineResult } from './results';
import { computedElements, denseElements, flopsPerElement, maxRelativeError } from './stats';
import { createTfjsSession } from './tfjsPeer';

async function device(): Promise<GPUDevice> {
  const gpu = await getGpu();
  if (gpu.kind === 'none') throw new Error(gpu.reason);
  return gpu.context.device;
}

/** The case's numbers that do not depend on any engine. */
export type CaseSummary = Omit<CaseResult, 'engines' | 'id'>;

async function adapter(): Promise<AdapterSummary> {
  const gpu = await getGpu();
  if (gpu.kind === 'none') throw new Error(`no WebGPU: ${gpu.reason}`);
  const { info } = gpu.context;
  return {
    vendor: info.vendor,
    architecture: info.architecture,
    description: info.description,
    isFallbackAdapter: info.isFallbackAdapter,
    timestampQuery: info.features.has('timestamp-query'),
  };
}

export interface CaseOptions {
  mask: MaskId;
  S: number;
  /** Engines to run besides flexmask, which always runs. */
  peers: PeerId[];
  minRuns: number;
  maxRuns: number;
  /** Timed runs past minRuns are added only while a phase has taken less than this. */
  extraRunsWithinMs: number;
}

type PeerId = Exclude<EngineId, 'flexmask'>;

const PEERS: Record<
  PeerId,
  (
    shape: AttentionShape,
    inputs: AttentionInputs,
    bias: AdditiveBias | null,
  ) => Promise<PeerSession>
> = { ort: createOrtSession, tfjs: createTfjsSession };

function summarize(
  mask: MaskId,
  shape: AttentionShape,
  blockMask: Awaited<ReturnType<FlexmaskBench['readBlockMask']>>,
): CaseSummary {
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

/**
 * One case: flexmask warms up and builds its BlockMask (kept for the attention runs), the
 * BlockMask build is timed on its own, then flexmask and the peers are timed in interleaved
 * rounds on the same inputs, and each peer's output is checked against flexmask's.
 */
async function runCase(
  options: CaseOptions,
): Promise<{ summary: CaseSummary; engines: EngineResult[] }> {
  const shape = caseShape(options.S);
  const program = compile(maskSource(options.mask, options.S, shape.H));
  const inputs = randomInputs(shape, SEED);
  const bench = new FlexmaskBench(await device(), program, shape, inputs);
  try {
    const setupStart = performance.now();
    await bench.buildBlockMask(true);
    await bench.attention();
    const setupMs = performance.now() - setupStart;
    const summary = summarize(options.mask, shape, await bench.readBlockMask());
    const blockMask = await timeBlockMask(bench, options);

    // The peers get the mask as a dense additive bias (none for noop), made once per case.
    let bias: AdditiveBias | null = null;
    let biasError: string | null = null;
    if (options.mask !== 'noop' && options.peers.length > 0) {
      try {
        bias = additiveBias(program, shape.H, shape.Q, shape.KV);
      } catch (error) {
        biasError = errorMessage(error);
      }
    }
    const flexContender: Contender = {
      name: 'flexmask',
      prepare: async () => undefined,
      run: async () => {
        const sample = await bench.attention();
        return { wallMs: sample.wallMs, kernelMs: sample.gpuMs, out: sample.out };
      },
      release: async () => undefined,
    };
    const peerContenders = options.peers.map((peer) =>
      peerContender(peer, async () => {
        if (biasError !== null) throw new Error(`the mask as a bias: ${biasError}`);
        return PEERS[peer](shape, inputs, bias);
      }),
    );
    const outcomes = await runRounds([flexContender, ...peerContenders], {
      minRuns: options.minRuns,
      maxRuns: options.maxRuns,
      extraRoundsWithinMs: options.extraRunsWithinMs,
    });

    const [flex, ...peers] = outcomes;
    const reference = flex.last;
    const engines: EngineResult[] = [
      {
        engine: 'flexmask',
        wallMs: flex.samples.map((s) => s.wallMs),
        kernelMs: flex.samples.map((s) => s.kernelMs ?? Number.NaN),
        blockMaskMs: blockMask.gpuMs,
        blockMaskWallMs: blockMask.wallMs,
        setupMs,
        ...(flex.error === undefined ? {} : { error: flex.error }),
      },
      ...peers.map((p, i): EngineResult => {
        const engine = options.peers[i];
        if (p.error !== undefined) return { engine, wallMs: [], error: p.error };
        return {
          engine,
          wallMs: p.samples.map((s) => s.wallMs),
          setupMs: p.setupMs,
          ...(p.last && reference ? { maxRelError: maxRelativeError(p.last, reference) } : {}),
        };
      }),
    ];
    return { summary, engines };
  } finally {
    bench.destroy();
  }
}

const flexmaskBench = {
  adapter,
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
