import { getGpu } from '../../gpu/device';
import { buildProbePipeline, dispatchProbe, type ProbeGrid } from '../../gpu/programProbe';
import { compile, MaskCompileError } from '../mask';

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

/**
 * Compiles each program with compile(), runs its WGSL mask_mod and score_mod on the GPU over the
 * grid, and returns what the GPU computed. Several programs per call keep the browser tests quick.
 */
export async function evaluateProgramsOnGpu(
  sources: string[],
  grid: ProbeGrid,
): Promise<ProgramGpuResult[]> {
  const gpu = await getGpu();
  if (gpu.kind === 'none') throw new Error(gpu.reason);
  const cells = grid.B * grid.H * grid.Q * grid.KV;
  const inputs = Float32Array.from({ length: cells }, (_, i) => probeInputScore(i));
  const device = gpu.context.device;
  const compiled = sources.map((source) => {
    try {
      return { program: compile(source) };
    } catch (error) {
      return { error: error instanceof MaskCompileError ? error.formatted : String(error) };
    }
  });
  // Build every pipeline first, concurrently: shader compilation dominates on a software adapter.
  const pipelines = await Promise.all(
    compiled.map((c) => (c.program ? buildProbePipeline(device, c.program.wgsl) : undefined)),
  );
  const results: ProgramGpuResult[] = [];
  for (let k = 0; k < sources.length; k += 1) {
    const { program, error } = compiled[k];
    const built = pipelines[k];
    if (program === undefined || built === undefined) {
      results.push({ compileError: error, compileMessages: [], mask: [], inputs: [], scores: [] });
      continue;
    }
    if (built.pipeline === undefined) {
      results.push({ compileMessages: built.messages, mask: [], inputs: [], scores: [] });
      continue;
    }
    const out = await dispatchProbe(
      device,
      built.pipeline,
      built.layouts,
      program,
      grid,
      inputs,
      built.messages,
    );
    results.push({
      compileMessages: out.messages,
      mask: Array.from(out.mask),
      inputs: Array.from(inputs),
      scores: Array.from(out.scores),
    });
  }
  return results;
}

/** One program (see evaluateProgramsOnGpu). */
export async function evaluateProgramOnGpu(
  source: string,
  grid: ProbeGrid,
): Promise<ProgramGpuResult> {
  const [result] = await evaluateProgramsOnGpu([source], grid);
  return result;
}
