/**
 * Engine checks for the browser tests: run a scenario on the GPU (optionally with the counting
 * kernel) and with the float64 reference on the same fresh inputs, and report the differences.
 */
import { getGpu } from '../../gpu/device';
import { runOnGpu } from '../../app/engine/gpuRun';
import { runOnCpu } from '../../app/engine/cpuRun';
import {
  pictureWindow,
  type AttentionShape,
  DEFAULT_SCENARIO,
  type HeadPicture,
  type Scenario,
} from '../../app/problem';
import { countVisits } from '../../app/reference';
import { randomInputs } from '../../app/tensors/random';
import type { CompiledProgram } from '../../app/mask/types';
import { blockMaskDifference, relativeError, type ErrorReport } from './compare';
import { compile } from '../../app/mask/compile';
import { randomScenario, type RandomScenario } from './randomScenario';
import { runScenario } from '../../app/engine/run';
import { onGpuFault, type GpuFault } from '../../app/engine/gpuStatus';
import {
  PIPELINE_CACHE_SIZE,
  cachedPipelineCount,
  computePipeline,
  kernelLayout,
} from '../../gpu/resources';
import { CPU_MAX_LENGTH } from '../../app/engine/cpuRun';

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
  headPicture: ErrorReport;
  pictureProbs: ErrorReport;
  pictureMask: string | null;
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
  const onScreen = pictureWindow(c.shape, c.b, c.h);
  const run = await runOnGpu(gpu.context.device, program, c.shape, inputs, onScreen, {
    debugCounts: c.debugCounts,
    subgroups: c.subgroups,
  });
  const ref = runOnCpu(program, c.shape, inputs, onScreen.b, onScreen.h);

  let pictureMask: string | null = null;
  for (let i = 0; i < ref.picture.mask.length; i++) {
    if (run.picture.mask[i] !== ref.picture.mask[i]) {
      pictureMask = `mask picture cell ${i}: gpu ${run.picture.mask[i]}, reference ${ref.picture.mask[i]}`;
      break;
    }
  }

  let probRowSumError = 0;
  for (let r = 0; r < onScreen.rows; r++) {
    let sum = 0;
    let allowed = 0;
    for (let col = 0; col < onScreen.cols; col++) {
      sum += run.picture.probs[r * onScreen.cols + col];
      allowed += ref.picture.mask[r * onScreen.cols + col];
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
    headPicture: relativeError(run.picture.scores, ref.picture.scores),
    pictureProbs: relativeError(run.picture.probs, ref.picture.probs),
    pictureMask,
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

/** Runs a whole scenario through the engine's public entry, on the GPU engine. */
export async function runScenarioSummary(
  scenario: Scenario,
): Promise<{ ok: true; summary: RunSummary } | { ok: false; message: string }> {
  let result;
  try {
    // The GPU engine, as the page's own tests choose it (engine.spec.ts checks its limits).
    result = await runScenario(scenario, compile(scenario.code), null, { engine: 'gpu' });
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
      viewRows: result.picture.rows,
      viewCols: result.picture.cols,
      rowStride: result.picture.rowStride,
      colStride: result.picture.colStride,
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
  const view = pictureWindow(shape, 0, 0);
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

// ---------------------------------------------------------------------------------------------
// GPU faults, pipeline cache bound and main-thread work (e2e/gpu-faults.spec.ts,
// e2e/memory-budget.spec.ts).

const CAUSAL = 'def mask_mod(b, h, q_idx, kv_idx):\n    return q_idx >= kv_idx\n';
const SMALL_SHAPE: AttentionShape = {
  B: 1,
  H: 2,
  HKV: 2,
  Q: 64,
  KV: 64,
  D: 16,
  DV: 16,
  blockQ: 32,
  blockKV: 32,
};

type Outcome = { ok: true; allZero: boolean } | { ok: false; name: string; message: string };

async function outcomeOf(run: () => Promise<{ outputs: { out: ArrayLike<number> } }>) {
  try {
    const result = await run();
    const out = result.outputs.out;
    let allZero = true;
    for (let i = 0; i < out.length && allZero; i++) allZero = out[i] === 0;
    return { ok: true, allZero } satisfies Outcome;
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    return { ok: false, name: e.name, message: e.message } satisfies Outcome;
  }
}

/**
 * A run whose program binds a parameter buffer smaller than its WGSL declares: every dispatch is
 * invalid, which used to read back as zeros. It must fail with a clear message instead.
 */
export async function runWithInvalidDispatch(): Promise<Outcome> {
  const gpu = await getGpu();
  if (gpu.kind === 'none') throw new Error(gpu.reason);
  const source = `A = 1\nB2 = 2\nC = 3\nD4 = 4\nE = 5\nF = 6\nG = 7\nH8 = 8\n\ndef mask_mod(b, h, q_idx, kv_idx):\n    return q_idx + A + B2 + C + D4 + E + F + G + H8 >= kv_idx\n`;
  const program = compile(source);
  if (program.paramWords.length < 8) throw new Error('the program should have 8 parameters');
  const broken = { ...program, paramWords: new Uint32Array(4) };
  return outcomeOf(() =>
    runOnGpu(
      gpu.context.device,
      broken,
      SMALL_SHAPE,
      randomInputs(SMALL_SHAPE, 1),
      pictureWindow(SMALL_SHAPE, 0, 0),
    ),
  );
}

/** A run whose kernel WGSL does not build (as if the emitter had a bug). */
export async function runWithBrokenWgsl(): Promise<Outcome> {
  const gpu = await getGpu();
  if (gpu.kind === 'none') throw new Error(gpu.reason);
  const program = compile(CAUSAL);
  const broken = { ...program, wgsl: `${program.wgsl}\nfn fm_broken( -> {\n` };
  return outcomeOf(() =>
    runOnGpu(
      gpu.context.device,
      broken,
      SMALL_SHAPE,
      randomInputs(SMALL_SHAPE, 1),
      pictureWindow(SMALL_SHAPE, 0, 0),
    ),
  );
}

function smallScenario(seed: number): Scenario {
  return { ...DEFAULT_SCENARIO, code: CAUSAL, ...SMALL_SHAPE, seed };
}

/**
 * An invalid call outside any run (an uncaptured error): the fault is reported to subscribers,
 * and the next run asks for, and works on, a fresh device.
 */
export async function uncapturedErrorThenRun(): Promise<{
  faults: GpuFault[];
  newDevice: boolean;
  next: Outcome;
}> {
  const first = await getGpu();
  if (first.kind === 'none') throw new Error(first.reason);
  const faults: GpuFault[] = [];
  const unsubscribe = onGpuFault((fault) => faults.push(fault));
  try {
    // MAP_READ may only be combined with COPY_DST: a validation error nobody captures.
    first.context.device.createBuffer({
      size: 16,
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.STORAGE,
    });
    // Chromium delivers the event once the device has been ticked: wait for the queue first.
    await first.context.device.queue.onSubmittedWorkDone();
    const deadline = performance.now() + 10_000;
    while (faults.length === 0 && performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const second = await getGpu();
    const newDevice = second.kind === 'gpu' && second.context.device !== first.context.device;
    // The GPU engine, whichever engine this adapter would choose: the fault is the GPU's.
    const next = await outcomeOf(() =>
      runScenario(smallScenario(3), compile(CAUSAL), null, { engine: 'gpu' }),
    );
    return { faults, newDevice, next };
  } finally {
    unsubscribe();
  }
}

/**
 * The device is destroyed while a run is at its attention stage: that run fails saying the
 * device was lost (not an all-zero result, not a silent cancel), and the next run works on a new
 * device.
 */
export async function deviceLostDuringRun(): Promise<{ during: Outcome; after: Outcome }> {
  const gpu = await getGpu();
  if (gpu.kind === 'none') throw new Error(gpu.reason);
  const device = gpu.context.device;
  const program = compile(CAUSAL);
  const during = await outcomeOf(() =>
    runScenario(smallScenario(4), program, null, {
      // The GPU engine, whichever engine this adapter would choose: the loss is the GPU's.
      engine: 'gpu',
      onProgress: (_fraction, stage) => {
        if (stage === 'attention') device.destroy();
      },
    }),
  );
  const after = await outcomeOf(() =>
    runScenario(smallScenario(4), program, null, { engine: 'gpu' }),
  );
  return { during, after };
}

/** Compiles `count` distinct small pipelines and reports how many the device's cache holds. */
export async function pipelineCacheAfter(
  count: number,
): Promise<{ cached: number; bound: number }> {
  const gpu = await getGpu();
  if (gpu.kind === 'none') throw new Error(gpu.reason);
  const device = gpu.context.device;
  const layout = kernelLayout(device, 'cacheProbe', ['read_write']);
  for (let i = 0; i < count; i++) {
    const code = `@group(0) @binding(0) var<storage, read_write> out: array<u32>;\n@compute @workgroup_size(1) fn main() { out[0] = ${i}u; }\n`;
    await computePipeline(device, layout, 'cacheProbe.wgsl', code, 'main');
  }
  return { cached: cachedPipelineCount(device), bound: PIPELINE_CACHE_SIZE };
}

export interface TimedRun {
  ok: boolean;
  message: string;
  backend: string;
  ms: number;
  /** Main-thread tasks over 50 ms while the run was prepared and ran (Long Tasks API). */
  longTasks: number[];
  outNaN: number;
}

/**
 * Runs a scenario through the engine's public entry and measures, with the Long Tasks API, every
 * main-thread task over 50 ms from the call until the result is back.
 */
export async function timeScenario(scenario: Scenario): Promise<TimedRun> {
  // The harness compiles on its own main thread (the page compiles in a worker): not measured.
  const program = compile(scenario.code);
  const longTasks: number[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) longTasks.push(Math.round(entry.duration));
  });
  observer.observe({ type: 'longtask' });
  const start = performance.now();
  let outcome: Omit<TimedRun, 'longTasks' | 'ms'>;
  try {
    const result = await runScenario(scenario, program, null, { engine: 'gpu' });
    outcome = { ok: true, message: '', backend: result.backend, outNaN: -1 };
    // Let the observer hear about the last task before it is disconnected.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const ms = performance.now() - start;
    observer.disconnect();
    let nan = 0;
    const out = result.outputs.out;
    for (let i = 0; i < out.length; i += 97) if (Number.isNaN(out[i])) nan++;
    return { ...outcome, outNaN: nan, ms, longTasks };
  } catch (error) {
    const ms = performance.now() - start;
    await new Promise((resolve) => setTimeout(resolve, 100));
    observer.disconnect();
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, message, backend: '', outNaN: 0, ms, longTasks };
  }
}

// ---------------------------------------------------------------------------------------------
// The mask picture read from the scores (docs/picture.md, e2e/picture-mask.spec.ts).

export interface MaskPictureReport {
  engine: 'gpu' | 'cpu';
  rows: number;
  cols: number;
  rowStride: number;
  colStride: number;
  /** The first cell whose mask differs from mask_mod (the program's CPU back end), or null. */
  maskMismatch: string | null;
  /** Allowed cells (by mask_mod) whose score is -inf. */
  negInfAllowed: number;
  /** Cells whose score is -inf. */
  negInfCells: number;
}

/** The picture's mask against mask_mod itself, cell by cell, at the picture's sampled tokens. */
function maskPictureReport(
  engine: 'gpu' | 'cpu',
  program: CompiledProgram,
  picture: HeadPicture,
): MaskPictureReport {
  let maskMismatch: string | null = null;
  let negInfAllowed = 0;
  let negInfCells = 0;
  for (let r = 0; r < picture.rows; r++) {
    for (let c = 0; c < picture.cols; c++) {
      const i = r * picture.cols + c;
      const q = r * picture.rowStride;
      const kv = c * picture.colStride;
      const allowed = program.mask(picture.b, picture.h, q, kv) ? 1 : 0;
      const negInf = picture.scores[i] === -Infinity;
      if (negInf) negInfCells++;
      if (negInf && allowed) negInfAllowed++;
      if (maskMismatch === null && picture.mask[i] !== allowed) {
        maskMismatch = `(q ${q}, kv ${kv}): picture ${picture.mask[i]}, mask_mod ${allowed}`;
      }
    }
  }
  const { rows, cols, rowStride, colStride } = picture;
  return { engine, rows, cols, rowStride, colStride, maskMismatch, negInfAllowed, negInfCells };
}

/**
 * Runs `source` on the GPU and, when the lengths allow, on the CPU, and checks each picture's mask
 * against mask_mod. With `infiniteQueryRow`, that query row of the viewed head starts with +inf
 * (as an uploaded .npy may), so scores there are +-inf or NaN whether or not the mask allows them.
 */
export async function maskPictureAgainstMaskMod(
  source: string,
  c: EngineCase & { infiniteQueryRow?: number },
): Promise<MaskPictureReport[]> {
  const gpu = await getGpu();
  if (gpu.kind === 'none') throw new Error(gpu.reason);
  const program = compile(source);
  const inputs = randomInputs(c.shape, c.seed);
  if (c.infiniteQueryRow !== undefined) {
    inputs.q[((c.b * c.shape.H + c.h) * c.shape.Q + c.infiniteQueryRow) * c.shape.D] = Infinity;
  }
  const onScreen = pictureWindow(c.shape, c.b, c.h);
  const run = await runOnGpu(gpu.context.device, program, c.shape, inputs, onScreen);
  const reports = [maskPictureReport('gpu', program, run.picture)];
  if (Math.max(c.shape.Q, c.shape.KV) <= CPU_MAX_LENGTH) {
    const ref = runOnCpu(program, c.shape, inputs, onScreen.b, onScreen.h);
    reports.push(maskPictureReport('cpu', program, ref.picture));
  }
  return reports;
}
