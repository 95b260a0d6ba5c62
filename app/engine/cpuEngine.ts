/**
 * The CPU engine: block-sparse flash attention and the BlockMask in WebAssembly SIMD (cpu/), spread
 * over a pool of workers (app/engine/cpu/pool.ts) by BlockMask row. The page checks the run's
 * memory, gets the inputs, deals the rows to the workers as they become idle, and assembles the
 * BlockMask, out, lse and the picture of the (b, h) on screen from their results.
 */
import { hasRelaxedSimd } from '../../cpu/flashKernel';
import { throwIfAborted } from '../async/abort';
import { compile } from '../mask/compile';
import type { CompiledProgram } from '../mask/types';
import {
  pictureWindow,
  type AttentionInputs,
  type AttentionOutputs,
  type AttentionShape,
  type BlockMaskData,
  type HeadPicture,
} from '../problem';
import { createAssembly } from './cpu/assemble';
import { dealItems } from './cpu/deal';
import { cpuWorkerCount, dropPool, poolWorkers } from './cpu/pool';
import { workItems, type MaskGrid } from './cpu/work';
import { checkCpuRun } from './cpuRun';
import { runInputs } from './inputs';
import { maskSizes } from './shape';
import type { Stage } from './types';

/**
 * Wall time the page waits for a CPU run. The largest run the CPU budget admits takes seconds on
 * the engine; past this something is wrong, and the page says so instead of waiting forever.
 */
export const CPU_DEADLINE_MS = 120_000;

export interface CpuEngineRequest {
  source: string;
  shape: AttentionShape;
  uploaded: Partial<AttentionInputs>;
  seed: number;
  b: number;
  h: number;
  /** false skips the picture (the bench); default true. */
  picture?: boolean;
  /** The program compiled from `source`, when the caller has it (saves compiling it again). */
  program?: CompiledProgram;
}

export interface CpuEngineOptions {
  signal?: AbortSignal;
  onProgress?: (fraction: number, stage: Stage) => void;
}

export interface CpuEngineResult {
  blockMask: BlockMaskData;
  outputs: AttentionOutputs;
  picture: HeadPicture | null;
  inputs: AttentionInputs;
  /**
   * Wall time of the run's parallel phase, split by what the workers spent on it (their times
   * summed over items and divided by the workers): the BlockMask rows, attention, picture rows.
   */
  ms: { blockMask: number; attention: number; picture: number };
  workers: number;
  relaxedSimd: boolean;
}

/** What the header says of the engine: "CPU engine: WebAssembly SIMD (relaxed FMA), 2 workers". */
export function describeCpuEngine(workers: number, relaxedSimd: boolean): string {
  const simd = relaxedSimd ? 'WebAssembly SIMD (relaxed FMA)' : 'WebAssembly SIMD';
  return `CPU engine: ${simd}, ${workers} worker${workers === 1 ? '' : 's'}`;
}

/**
 * The last program this thread compiled for a run, by its text. Compiling is deterministic, so a
 * rerun of the same text (new inputs, seed or shape; the bench's repeated calls) reuses it instead
 * of compiling again on the page's thread: 8 ms for attention-gym's document mask at S = 2048.
 */
let lastCompiled: { source: string; program: CompiledProgram } | null = null;

function compiledProgram(source: string): CompiledProgram {
  if (lastCompiled?.source !== source) lastCompiled = { source, program: compile(source) };
  return lastCompiled.program;
}

export async function runOnCpuEngine(
  request: CpuEngineRequest,
  options: CpuEngineOptions = {},
): Promise<CpuEngineResult> {
  const { shape } = request;
  const { signal } = options;
  throwIfAborted(signal);
  const program = request.program ?? compiledProgram(request.source);
  const workerCount = cpuWorkerCount();
  // Sizes are checked before any input is drawn: a huge shape fails fast with a clear message.
  checkCpuRun(shape, program, workerCount);
  const inputs = await runInputs(shape, request.seed, request.uploaded, signal);
  throwIfAborted(signal);

  const grid: MaskGrid = {
    ...maskSizes(shape, program.maskDeps),
    nQ: Math.ceil(shape.Q / shape.blockQ),
  };
  const window = request.picture === false ? null : pictureWindow(shape, request.b, request.h);
  if (window && (window.rowStride !== 1 || window.colStride !== 1)) {
    throw new RangeError('The CPU engine draws pictures of sequences up to the picture size only.');
  }
  const assembly = createAssembly(shape, grid, window);
  const relaxedSimd = hasRelaxedSimd();
  const totals = { blockMask: 0, picture: 0 };
  const start = performance.now();
  options.onProgress?.(0.05, 'blockMask');
  await dealItems(
    poolWorkers(),
    {
      source: request.source,
      shape,
      grid,
      inputs,
      pictureHead: window ? { b: window.b, h: window.h } : null,
      relaxed: relaxedSimd,
    },
    workItems(grid),
    (result, fraction) => {
      assembly.add(result);
      totals.blockMask += result.ms.blockMask;
      totals.picture += result.ms.picture;
      options.onProgress?.(0.05 + 0.95 * fraction, 'attention');
    },
    { signal, onFailure: dropPool, deadlineMs: CPU_DEADLINE_MS },
  );
  const wall = performance.now() - start;
  const { blockMask, out, lse } = assembly.finish();
  const blockMaskMs = totals.blockMask / workerCount;
  const pictureMs = totals.picture / workerCount;
  return {
    blockMask,
    outputs: { out, lse },
    picture: assembly.picture(),
    inputs,
    ms: {
      blockMask: blockMaskMs,
      attention: Math.max(0, wall - blockMaskMs - pictureMs),
      picture: pictureMs,
    },
    workers: workerCount,
    relaxedSimd,
  };
}
