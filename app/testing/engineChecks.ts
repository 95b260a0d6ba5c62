/**
 * Engine checks for the browser tests: run a scenario on the GPU (optionally with the counting
 * kernel) and with the float64 reference on the same fresh inputs, and report the differences.
 */
import { getGpu } from '../../gpu/device';
import { runOnGpu } from '../engine/gpuRun';
import { runOnCpu } from '../engine/cpuRun';
import { viewWindow } from '../engine/shape';
import { countVisits } from '../reference';
import { randomInputs } from '../tensors/random';
import type { AttentionShape } from '../engine/types';
import type { CompiledProgram } from '../mask/types';
import { blockMaskDifference, relativeError, type ErrorReport } from './compare';
import { compile } from '../mask/compile';
import { randomScenario, type RandomScenario } from './randomScenario';
import { runScenario } from '../engine/run';
import type { Scenario } from '../state/scenario';

export interface EngineCase {
  shape: AttentionShape;
  seed: number;
  b: number;
  h: number;
  debugCounts?: boolean;
  /** false: the BlockMask kernel's path for adapters without subgroups. */
  subgroups?: boolean;
}

export interface EngineCaseReport {
  blockMask: string | null;
  out: ErrorReport;
  lse: ErrorReport;
  viewScores: ErrorReport;
  viewProbs: ErrorReport;
  viewMask: string | null;
  /** Largest |sum(row) - 1| over rows with an allowed key; rows without must sum to exactly 0. */
  probRowSumError: number;
  counts: string | null;
  gpuMs: Record<string, number>;
}

/** Runs one case both ways and compares every result the engine returns. */
export async function compareProgramWithReference(
  program: CompiledProgram,
  c: EngineCase,
): Promise<EngineCaseReport> {
  const gpu = await getGpu();
  if (gpu.kind === 'none') throw new Error(gpu.reason);
  const inputs = randomInputs(c.shape, c.seed);
  const view = viewWindow(c.shape, c.b, c.h);
  const run = await runOnGpu(gpu.context.device, program, c.shape, inputs, view, {
    debugCounts: c.debugCounts,
    subgroups: c.subgroups,
  });
  const ref = runOnCpu(program, c.shape, inputs, view.b, view.h);

  let viewMask: string | null = null;
  for (let i = 0; i < ref.view.mask.length; i++) {
    if (run.view.mask[i] !== ref.view.mask[i]) {
      viewMask = `mask picture cell ${i}: gpu ${run.view.mask[i]}, reference ${ref.view.mask[i]}`;
      break;
    }
  }

  let probRowSumError = 0;
  for (let r = 0; r < view.rows; r++) {
    let sum = 0;
    let allowed = 0;
    for (let col = 0; col < view.cols; col++) {
      sum += run.view.probs[r * view.cols + col];
      allowed += ref.view.mask[r * view.cols + col];
    }
    probRowSumError = Math.max(probRowSumError, allowed > 0 ? Math.abs(sum - 1) : Math.abs(sum));
  }

  let counts: string | null = null;
  if (c.debugCounts && run.counters) {
    counts = countsDifference(
      c.shape,
      ref.blockMask,
      run.counters,
      run.tilesPerBlock,
      run.tiles.TQ,
    );
  }
  const gpuMs: Record<string, number> = {};
  for (const t of run.timings) gpuMs[t.stage] = t.ms;
  return {
    blockMask: blockMaskDifference(run.blockMask, ref.blockMask),
    out: relativeError(run.outputs.out, ref.outputs.out),
    lse: relativeError(run.outputs.lse, ref.outputs.lse),
    viewScores: relativeError(run.view.scores, ref.view.scores),
    viewProbs: relativeError(run.view.probs, ref.view.probs),
    viewMask,
    probRowSumError,
    counts,
    gpuMs,
  };
}

/**
 * The counting kernel's tallies against what the BlockMask says the kernel must do: every tile
 * with rows visits exactly kv_num_blocks + full_kv_num_blocks blocks, and the tiles of a query
 * block together call mask_mod once per in-bounds element of its partial blocks.
 */
function countsDifference(
  shape: AttentionShape,
  blockMask: Parameters<typeof countVisits>[1],
  counters: Uint32Array,
  tilesPerBlock: number,
  rowsPerTile: number,
): string | null {
  const expected = countVisits(shape, blockMask);
  const nQ = blockMask.nQ;
  for (let bh = 0; bh < shape.B * shape.H; bh++) {
    for (let qb = 0; qb < nQ; qb++) {
      let maskCalls = 0;
      for (let t = 0; t < tilesPerBlock; t++) {
        const tile = qb * tilesPerBlock + t;
        const at = 2 * (bh * nQ * tilesPerBlock + tile);
        const firstRow = qb * shape.blockQ + t * rowsPerTile;
        const hasRows = firstRow < Math.min((qb + 1) * shape.blockQ, shape.Q);
        const want = hasRows ? expected.blocksVisited[bh * nQ + qb] : 0;
        if (counters[at] !== want) {
          return `(b*H+h=${bh}, q block ${qb}, tile ${t}): visited ${counters[at]} blocks, BlockMask lists ${want}`;
        }
        maskCalls += counters[at + 1];
      }
      if (maskCalls !== expected.maskCalls[bh * nQ + qb]) {
        return `(b*H+h=${bh}, q block ${qb}): ${maskCalls} mask_mod calls, partial elements ${expected.maskCalls[bh * nQ + qb]}`;
      }
    }
  }
  return null;
}

/** Compiles a program's text in the page and compares GPU with reference on one case. */
export async function compareWithReference(
  source: string,
  c: EngineCase,
): Promise<EngineCaseReport> {
  return compareProgramWithReference(compile(source), c);
}

/** One random scenario (see randomScenario.ts), run both ways, with the counting kernel. */
export async function compareRandomScenario(
  seed: number,
): Promise<{ scenario: RandomScenario; report: EngineCaseReport }> {
  const scenario = randomScenario(seed);
  const report = await compareWithReference(scenario.source, {
    shape: scenario.shape,
    seed,
    b: scenario.b,
    h: scenario.h,
    debugCounts: true,
    // Odd seeds take the BlockMask path for adapters without subgroups, so both are checked.
    subgroups: seed % 2 === 0,
  });
  return { scenario, report };
}

export interface RunSummary {
  backend: 'gpu' | 'cpu';
  sparsity: number;
  computedBlocks: number;
  totalBlocks: number;
  viewRows: number;
  viewCols: number;
  rowStride: number;
  colStride: number;
  outNaN: number;
  lseNaN: number;
  timings: { stage: string; ms: number; source: string }[];
  /** A few values to compare across runs: out and lse at fixed positions. */
  outSample: number[];
  lseSample: number[];
  blockMaskChecksum: number;
}

/** Runs a whole scenario through the engine's public entry (GPU or CPU, whichever the page has). */
export async function runScenarioSummary(
  scenario: Scenario,
): Promise<{ ok: true; summary: RunSummary } | { ok: false; message: string }> {
  let result;
  try {
    result = await runScenario(scenario, compile(scenario.code), null);
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  const countNaN = (a: ArrayLike<number>) => {
    let n = 0;
    for (let i = 0; i < a.length; i++) if (Number.isNaN(a[i])) n++;
    return n;
  };
  const sample = (a: ArrayLike<number>) =>
    Array.from({ length: 16 }, (_, i) => a[Math.floor((i * (a.length - 1)) / 15)]);
  let checksum = 0;
  const bm = result.blockMask;
  for (const field of [bm.kvNumBlocks, bm.kvIndices, bm.fullKvNumBlocks, bm.fullKvIndices]) {
    for (let i = 0; i < field.length; i++) checksum = (checksum * 31 + field[i] + 1) % 1000000007;
  }
  return {
    ok: true,
    summary: {
      backend: result.backend,
      sparsity: result.sparsity,
      computedBlocks: result.computedBlocks,
      totalBlocks: result.totalBlocks,
      viewRows: result.view.rows,
      viewCols: result.view.cols,
      rowStride: result.view.rowStride,
      colStride: result.view.colStride,
      outNaN: countNaN(result.outputs.out),
      lseNaN: countNaN(result.outputs.lse),
      timings: result.timings,
      outSample: sample(result.outputs.out),
      lseSample: sample(result.outputs.lse),
      blockMaskChecksum: checksum,
    },
  };
}

/**
 * Times one scenario's stages: the GPU (median of `repeats` runs after a warm-up, timestamp
 * queries) and the float64 reference on the CPU (one run). For notes and the bench, not tests.
 */
export async function timeStages(
  source: string,
  shape: AttentionShape,
  repeats: number,
  withReference: boolean,
  variant: { unroll?: boolean } = {},
): Promise<{ gpu: Record<string, number>; referenceMs: Record<string, number> | null }> {
  const gpu = await getGpu();
  if (gpu.kind === 'none') throw new Error(gpu.reason);
  const program = compile(source);
  const inputs = randomInputs(shape, 1);
  const view = viewWindow(shape, 0, 0);
  const runs: Record<string, number[]> = {};
  for (let i = 0; i <= repeats; i++) {
    const run = await runOnGpu(gpu.context.device, program, shape, inputs, view, variant);
    if (i === 0) continue; // warm-up: pipelines compile on the first run
    for (const t of run.timings) (runs[t.stage] ??= []).push(t.ms);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const gpuMs: Record<string, number> = {};
  for (const [stage, xs] of Object.entries(runs)) gpuMs[stage] = median(xs);
  const referenceMs = withReference ? runOnCpu(program, shape, inputs, 0, 0).ms : null;
  return { gpu: gpuMs, referenceMs };
}
