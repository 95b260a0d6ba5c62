/**
 * Small real runs for app/teaching's tests: a program compiled from its text, run on seeded inputs
 * by the CPU engine (the reference's createBlockMask and flexAttention), in the parts of a
 * RunResult the teaching code reads. Test support: no product code imports it.
 */
import { runOnCpu } from '../app/engine/cpuRun';
import { compile } from '../app/mask/compile';
import { presetById } from '../app/mask/presets';
import type { CompiledProgram } from '../app/mask/types';
import type { AttentionShape } from '../app/problem';
import type { CellProblem } from '../app/reference/explainCell';
import { randomInputs } from '../app/tensors/random';
import type { TeachingRun } from '../app/teaching/teachingClient';

/** The causal preset's text: q_idx >= kv_idx. */
export const CAUSAL = presetSource('causal');

/** A mask and a score_mod that read b and h, so a head cut from the wrong place shows. */
export const HEAD_DEPENDENT = [
  'def mask_mod(b, h, q_idx, kv_idx):',
  '    return (q_idx >= kv_idx + b) | (h == 1)',
  '',
  'def score_mod(score, b, h, q_idx, kv_idx):',
  '    return score + b - 0.5 * h',
  '',
].join('\n');

export const SMALL_SHAPE: AttentionShape = {
  B: 1,
  H: 1,
  HKV: 1,
  Q: 12,
  KV: 12,
  D: 2,
  DV: 3,
  blockQ: 4,
  blockKV: 4,
};

/** Two batch items, four query heads over two key/value heads, blocks that do not divide. */
export const GQA_SHAPE: AttentionShape = {
  B: 2,
  H: 4,
  HKV: 2,
  Q: 7,
  KV: 9,
  D: 3,
  DV: 2,
  blockQ: 3,
  blockKV: 4,
};

export interface SmallRun extends TeachingRun {
  program: CompiledProgram;
}

/** The run the CPU engine makes of `source` at `shape` (its BlockMask by createBlockMask). */
export function smallRun(
  source: string,
  shape: AttentionShape,
  picture: { b: number; h: number } = { b: 0, h: 0 },
  seed = 7,
): SmallRun {
  const program = compile(source);
  const inputs = randomInputs(shape, seed);
  const { blockMask, outputs } = runOnCpu(program, shape, inputs, picture.b, picture.h);
  return { program, result: { shape, inputs, outputs, blockMask, picture } };
}

/** The whole run as the reference reads it (every (b, h)), to compare a head's answers with. */
export function wholeProblem({ program, result }: SmallRun): CellProblem {
  return {
    inputs: result.inputs,
    shape: result.shape,
    mask: (b, h, q, kv) => program.mask(b, h, q, kv),
    score: program.hasScoreMod ? (s, b, h, q, kv) => program.score(s, b, h, q, kv) : null,
    blockMask: result.blockMask,
    lse: result.outputs.lse,
  };
}

function presetSource(id: string): string {
  const preset = presetById(id);
  if (!preset) throw new Error(`no preset ${id}`);
  return preset.source;
}
