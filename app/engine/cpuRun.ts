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

/** The CPU path handles sequences up to this length; past it, only the GPU path is practical. */
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

/** The CPU path's size limit, checked before inputs are allocated. */
export function checkFitsCpu(shape: AttentionShape): void {
  if (shape.Q > CPU_MAX_LENGTH || shape.KV > CPU_MAX_LENGTH) {
    throw new RangeError(
      `Without WebGPU, flexmask computes on the CPU, which handles Q_LEN and KV_LEN up to ${CPU_MAX_LENGTH} ` +
        `(asked: Q_LEN=${shape.Q}, KV_LEN=${shape.KV}). Use a browser with WebGPU for longer sequences.`,
    );
  }
}

/**
 * The whole check of a CPU run, before its inputs are drawn: the length limit, then every array
 * the reference makes against the worker's budget (CPU_RUN_BUDGET_BYTES).
 */
export function checkCpuRun(shape: AttentionShape, program: CompiledProgram): void {
  checkFitsCpu(shape);
  checkRunBudget(shape, program, { backend: 'cpu' });
}

/** The float64 reference run of one scenario: what the GPU path is checked against. */
export function runOnCpu(
  program: CompiledProgram,
  shape: AttentionShape,
  inputs: AttentionInputs,
  b: number,
  h: number,
): CpuRunOutput {
  checkCpuRun(shape, program);
  const mask = (bb: number, hh: number, q: number, kv: number) => program.mask(bb, hh, q, kv);
  const score = program.hasScoreMod
    ? (s: number, bb: number, hh: number, q: number, kv: number) => program.score(s, bb, hh, q, kv)
    : null;
  const sizes = maskSizes(shape, program.maskDeps);
  let t = performance.now();
  const blockMask = createBlockMask(
    mask,
    sizes.B,
    sizes.H,
    shape.Q,
    shape.KV,
    shape.blockQ,
    shape.blockKV,
  );
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
