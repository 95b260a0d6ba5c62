/**
 * What the peers get instead of a BlockMask: the mask (and an additive score_mod such as ALiBi)
 * written out as a dense additive bias, the way transformers.js-style models pass masks.
 */
import type { CompiledProgram } from '../../app/mask/types';

/** Added where the mask forbids a key. Finite so no peer's softmax can meet -inf - -inf. */
export const MASKED_BIAS = -1e9;

export interface AdditiveBias {
  /** [1, heads, S_q, S_kv], row-major. */
  values: Float32Array;
  /** 1 when the bias is the same for every head (it then broadcasts), else H. */
  heads: number;
}

/**
 * The bias `score_mod(0)` where the mask allows and MASKED_BIAS elsewhere, for batch item 0.
 * A score_mod the bench uses is additive (`score + f(b, h, q, kv)`), so `score_mod(0)` is the
 * term the peers must add; the bench checks the peers' outputs against flexmask's, which would
 * expose a score_mod that is not.
 */
export function additiveBias(
  program: Pick<CompiledProgram, 'mask' | 'score' | 'hasScoreMod' | 'maskDeps' | 'scoreDeps'>,
  H: number,
  Q: number,
  KV: number,
): AdditiveBias {
  if (program.maskDeps.b || program.scoreDeps.b) {
    throw new RangeError('the bench runs B = 1: a mask that reads b needs a [B, ...] bias');
  }
  const perHead = program.maskDeps.h || (program.hasScoreMod && program.scoreDeps.h);
  const heads = perHead ? H : 1;
  const values = new Float32Array(heads * Q * KV);
  for (let h = 0; h < heads; h++) {
    for (let q = 0; q < Q; q++) {
      const row = (h * Q + q) * KV;
      for (let kv = 0; kv < KV; kv++) {
        values[row + kv] = program.mask(0, h, q, kv)
          ? program.hasScoreMod
            ? program.score(0, 0, h, q, kv)
            : 0
          : MASKED_BIAS;
      }
    }
  }
  return { values, heads };
}
