import { getGpu } from '../../gpu/device';
import {
  buildBoundsProbe,
  buildMaskProbe,
  runBoundsProbe,
  runMaskProbe,
  type BuiltProbe,
  type ProbeGrid,
  type ProbePipeline,
} from '../../gpu/programProbe';
import { compile, MaskCompileError, type CompiledProgram } from '../mask';

export interface ProgramGpuResult {
  /** The compile error's formatted text, when the program did not compile (then nothing ran). */
  compileError?: string;
  /** WGSL compilation and pipeline messages ("error: ...", "warning: ..."). */
  compileMessages: string[];
  /** 0/1 per cell of [B, H, Q, KV], row-major. */
  mask: number[];
  /** The score each cell's score_mod was given. */
  inputs: number[];
  /** score_mod on the GPU, per cell. */
  scores: number[];
}

/** The deterministic pseudo-random score cell i is given (an f32 in [-6, 6)). */
export function probeInputScore(i: number): number {
  return Math.fround(((Math.imul(i + 1, 2654435761) >>> 0) % 12000) / 1000 - 6);
}

type Compiled =
  { program: CompiledProgram; error?: undefined } | { program?: undefined; error: string };

function compileAll(sources: string[]): Compiled[] {
  return sources.map((source) => {
    try {
      return { program: compile(source) };
    } catch (error) {
      return { error: error instanceof MaskCompileError ? error.formatted : String(error) };
    }
  });
}

/**
 * Compiles every program, builds every probe first and concurrently (shader compilation
 * dominates on a software adapter), then runs the built ones one after another.
 */
async function probeAll<T>(
  sources: string[],
  build: (device: GPUDevice, program: CompiledProgram) => Promise<ProbePipeline>,
  run: (device: GPUDevice, probe: BuiltProbe, program: CompiledProgram) => Promise<T>,
): Promise<{ compileError?: string; compileMessages: string[]; result?: T }[]> {
  const gpu = await getGpu();
  if (gpu.kind === 'none') throw new Error(gpu.reason);
  const device = gpu.context.device;
  const compiled = compileAll(sources);
  const probes = await Promise.all(
    compiled.map((c) => (c.program ? build(device, c.program) : undefined)),
  );
  const results: { compileError?: string; compileMessages: string[]; result?: T }[] = [];
  for (let k = 0; k < sources.length; k += 1) {
    const { program, error } = compiled[k];
    const probe = probes[k];
    if (program === undefined || probe === undefined) {
      results.push({ compileError: error, compileMessages: [] });
    } else if (probe.pipeline === undefined) {
      results.push({ compileMessages: probe.messages });
    } else {
      const built: BuiltProbe = { ...probe, pipeline: probe.pipeline };
      results.push({ compileMessages: probe.messages, result: await run(device, built, program) });
    }
  }
  return results;
}

/**
 * Compiles each program with compile(), runs its WGSL mask_mod and score_mod on the GPU over the
 * grid, and returns what the GPU computed. Several programs per call keep the browser tests quick.
 */
export async function evaluateProgramsOnGpu(
  sources: string[],
  grid: ProbeGrid,
): Promise<ProgramGpuResult[]> {
  const cells = grid.B * grid.H * grid.Q * grid.KV;
  const inputs = Float32Array.from({ length: cells }, (_, i) => probeInputScore(i));
  const probed = await probeAll(sources, buildMaskProbe, (device, probe, program) =>
    runMaskProbe(device, probe, program, grid, inputs),
  );
  return probed.map(({ compileError, compileMessages, result }) => ({
    compileError,
    compileMessages,
    mask: result ? Array.from(result.mask) : [],
    inputs: result ? Array.from(inputs) : [],
    scores: result ? Array.from(result.scores) : [],
  }));
}

/** One program (see evaluateProgramsOnGpu). */
export async function evaluateProgramOnGpu(
  source: string,
  grid: ProbeGrid,
): Promise<ProgramGpuResult> {
  const [result] = await evaluateProgramsOnGpu([source], grid);
  return result;
}

export interface BoundsGpuResult {
  /** The compile error's formatted text, when the program did not compile (then nothing ran). */
  compileError?: string;
  /** WGSL compilation and pipeline messages for program WGSL + bounds WGSL + the probe kernel. */
  compileMessages: string[];
  /** mask_mod_bounds per box: 0, 1 or 2. */
  bounds: number[];
}

/**
 * Compiles each program's WGSL with its bounds WGSL appended (the way a kernel uses them) and runs
 * mask_mod_bounds on every box [b, h, q_lo, q_hi, kv_lo, kv_hi], so a test can compare it with the
 * CPU's boundsOf.
 */
export async function evaluateBoundsOnGpu(
  sources: string[],
  boxes: number[][],
): Promise<BoundsGpuResult[]> {
  const boxWords = Int32Array.from(boxes.flat());
  const probed = await probeAll(sources, buildBoundsProbe, (device, probe, program) =>
    runBoundsProbe(device, probe, program, boxWords),
  );
  return probed.map(({ compileError, compileMessages, result }) => ({
    compileError,
    compileMessages,
    bounds: result ? Array.from(result) : [],
  }));
}
