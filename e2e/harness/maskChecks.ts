import { getGpu } from '../../gpu/device';
import {
  buildBoundsProbe,
  buildMaskProbe,
  runBoundsProbe,
  runMaskProbe,
  type BuiltProbe,
  type ProbeGrid,
  type ProbePipeline,
} from './kernels/programProbe';
import { checkSource, compile } from '../../app/mask/compile';
import { MaskCompileError } from '../../app/mask/errors';
import type { CompiledProgram } from '../../app/mask/types';
import { boundsOf } from '../../app/mask/bounds';

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
  /**
   * The CPU back end's mask and scores for the same cells, computed in the page from the same
   * compile (the test compares the two; the compiler runs in the browser, where it ships).
   */
  cpuMask: number[];
  cpuScores: number[];
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
  return probed.map(({ compileError, compileMessages, result }, k) => {
    const cpu = result ? cpuValues(compile(sources[k]), grid, inputs) : { mask: [], scores: [] };
    return {
      compileError,
      compileMessages,
      mask: result ? Array.from(result.mask) : [],
      inputs: result ? Array.from(inputs) : [],
      scores: result ? Array.from(result.scores) : [],
      cpuMask: cpu.mask,
      cpuScores: cpu.scores,
    };
  });
}

/** The CPU back end over the grid, cell by cell in [B, H, Q, KV] order. */
function cpuValues(
  program: CompiledProgram,
  grid: ProbeGrid,
  inputs: Float32Array,
): { mask: number[]; scores: number[] } {
  const mask: number[] = [];
  const scores: number[] = [];
  let cell = 0;
  for (let b = 0; b < grid.B; b += 1)
    for (let h = 0; h < grid.H; h += 1)
      for (let q = 0; q < grid.Q; q += 1)
        for (let kv = 0; kv < grid.KV; kv += 1, cell += 1) {
          mask.push(program.mask(b, h, q, kv) ? 1 : 0);
          scores.push(program.score(inputs[cell], b, h, q, kv));
        }
  return { mask, scores };
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
  /** boundsOf on the CPU per box, computed in the page. */
  cpuBounds: number[];
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
  return probed.map(({ compileError, compileMessages, result }, k) => {
    const checked = result ? checkSource(sources[k]) : undefined;
    return {
      compileError,
      compileMessages,
      bounds: result ? Array.from(result) : [],
      cpuBounds: checked
        ? boxes.map(([b, h, qLo, qHi, kvLo, kvHi]) => boundsOf(checked, b, h, qLo, qHi, kvLo, kvHi))
        : [],
    };
  });
}
