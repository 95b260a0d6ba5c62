import { blockStats, createBlockMask, flexAttention, headPicture } from '../reference';
import type { CompiledProgram } from '../mask/types';
import { checkRunBudget } from './memoryBudget';
import { maskSizes } from './shape';
import type {
  AttentionInputs,
  AttentionOutputs,
  AttentionShape,
  BlockMaskData,
  HeadPicture,
  ShapeKey,
} from '../problem';

/**
 * The CPU engine handles sequences up to this length; past it, only the GPU path is practical
 * (and the picture would need sampling, which the CPU engine does not do).
 */
export const CPU_MAX_LENGTH = 2048;

/** How far the CPU engine lowers the shape limits: it computes sequences up to CPU_MAX_LENGTH. */
export function cpuShapeLimits(): Partial<Record<ShapeKey, number>> {
  return { Q: CPU_MAX_LENGTH, KV: CPU_MAX_LENGTH };
}

export interface CpuRunOutput {
  blockMask: BlockMaskData;
  outputs: AttentionOutputs;
  picture: HeadPicture;
  ms: { blockMask: number; attention: number; picture: number };
}

/** Why the CPU engine cannot take this shape (its length limit), or null when it can. */
export function cpuRefusal(shape: AttentionShape): string | null {
  if (shape.Q <= CPU_MAX_LENGTH && shape.KV <= CPU_MAX_LENGTH) return null;
  return (
    `The CPU engine handles Q_LEN and KV_LEN up to ${CPU_MAX_LENGTH} ` +
    `(asked: Q_LEN=${shape.Q}, KV_LEN=${shape.KV}). Use the GPU engine (a browser with WebGPU) ` +
    'for longer sequences.'
  );
}

/**
 * The whole check of a CPU run, before its inputs are drawn: the length limit, then every array
 * the CPU engine makes, on the page and in each of its `workers`, against CPU_RUN_BUDGET_BYTES.
 */
export function checkCpuRun(
  shape: AttentionShape,
  program: CompiledProgram,
  workers: number,
): void {
  const refusal = cpuRefusal(shape);
  if (refusal !== null) throw new RangeError(refusal);
  checkRunBudget(shape, program, { backend: 'cpu', cpuWorkers: workers });
}

/** The BlockMask of `program` for `shape` (its own B and H), by the reference's counting. */
export function referenceBlockMask(program: CompiledProgram, shape: AttentionShape): BlockMaskData {
  const sizes = maskSizes(shape, program.maskDeps);
  return createBlockMask(
    (b, h, q, kv) => program.mask(b, h, q, kv),
    sizes.B,
    sizes.H,
    shape.Q,
    shape.KV,
    shape.blockQ,
    shape.blockKV,
  );
}

/**
 * The float64 reference run of one scenario (app/reference): the oracle both engines are checked
 * against, in unit tests and in the browser test page. No engine runs it.
 */
export function runOnCpu(
  program: CompiledProgram,
  shape: AttentionShape,
  inputs: AttentionInputs,
  b: number,
  h: number,
): CpuRunOutput {
  checkCpuRun(shape, program, 1);
  const mask = (bb: number, hh: number, q: number, kv: number) => program.mask(bb, hh, q, kv);
  const score = program.hasScoreMod
    ? (s: number, bb: number, hh: number, q: number, kv: number) => program.score(s, bb, hh, q, kv)
    : null;
  let t = performance.now();
  const blockMask = referenceBlockMask(program, shape);
  const tBlock = performance.now() - t;
  t = performance.now();
  const outputs = flexAttention(inputs, shape, mask, score, blockMask);
  const tAttention = performance.now() - t;
  t = performance.now();
  const picture = headPicture(inputs, shape, mask, score, outputs.lse, b, h);
  const tPicture = performance.now() - t;
  return {
    blockMask,
    outputs,
    picture,
    ms: { blockMask: tBlock, attention: tAttention, picture: tPicture },
  };
}

/** Sparsity and block counts over the whole problem, broadcasting the mask's own B and H. */
export function blockSummary(blockMask: BlockMaskData, shape: AttentionShape) {
  const stats = blockStats(blockMask);
  const repeat = (shape.B / blockMask.B) * (shape.H / blockMask.H);
  const totalBlocks = stats.totalBlocks * repeat;
  const computedBlocks = stats.computedBlocks * repeat;
  return {
    totalBlocks,
    computedBlocks,
    partialBlocks: stats.partialBlocks * repeat,
    fullBlocks: stats.fullBlocks * repeat,
    sparsity: totalBlocks === 0 ? 0 : 100 * (1 - computedBlocks / totalBlocks),
  };
}
