/**
 * A correctness check every bench run can afford: flex attention in float64 for a few query rows
 * of every head, straight from its definition (mask_mod at every key, no BlockMask), compared
 * with an engine's whole output on those rows. It makes a run of flexmask alone (`--only=flexmask`)
 * catch a kernel that is fast but wrong, which the peer agreement checks only do when peers run.
 */
import type { AttentionInputs, AttentionShape } from '../../app/problem';
import type { CompiledProgram } from '../../app/mask/types';

/** Rows checked per head: the first and last, and evenly spread ones between. */
export const SAMPLED_ROWS = 16;

/** `count` distinct query rows of Q, spread evenly and including both ends. */
export function sampledRows(Q: number, count = SAMPLED_ROWS): number[] {
  if (Q <= count) return Array.from({ length: Q }, (_, i) => i);
  const rows = new Set<number>();
  for (let i = 0; i < count; i++) rows.add(Math.round((i * (Q - 1)) / (count - 1)));
  return [...rows];
}

export interface SampledReference {
  rows: number[];
  /** [B, H, rows.length, DV], float64. */
  out: Float64Array;
}

/** The float64 output of the sampled rows: softmax(score_mod(q.k * scale)) over allowed keys. */
export function referenceRows(
  program: Pick<CompiledProgram, 'mask' | 'score' | 'hasScoreMod'>,
  shape: AttentionShape,
  inputs: AttentionInputs,
  rows: number[],
): SampledReference {
  const { B, H, HKV, KV, Q, D, DV } = shape;
  const scale = shape.scale ?? 1 / Math.sqrt(D);
  const out = new Float64Array(B * H * rows.length * DV);
  const scores = new Float64Array(KV);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      const hkv = Math.floor(h / (H / HKV));
      const kBase = (b * HKV + hkv) * KV * D;
      const vBase = (b * HKV + hkv) * KV * DV;
      for (const [r, q] of rows.entries()) {
        const qBase = ((b * H + h) * Q + q) * D;
        let max = -Infinity;
        for (let kv = 0; kv < KV; kv++) {
          let s = 0;
          for (let d = 0; d < D; d++) s += inputs.q[qBase + d] * inputs.k[kBase + kv * D + d];
          s *= scale;
          if (program.hasScoreMod) s = program.score(s, b, h, q, kv);
          if (!program.mask(b, h, q, kv)) s = -Infinity;
          scores[kv] = s;
          if (s > max) max = s;
        }
        // No allowed key: the output row is 0, as in PyTorch.
        if (max === -Infinity) continue;
        const outBase = ((b * H + h) * rows.length + r) * DV;
        let total = 0;
        for (let kv = 0; kv < KV; kv++) {
          const p = Math.exp(scores[kv] - max);
          if (p === 0) continue;
          total += p;
          for (let d = 0; d < DV; d++) out[outBase + d] += p * inputs.v[vBase + kv * DV + d];
        }
        for (let d = 0; d < DV; d++) out[outBase + d] /= total;
      }
    }
  }
  return { rows, out };
}

/**
 * max |engine - reference| over max |reference|, over the sampled rows of an engine's whole
 * [B, H, Q, DV] output. NaN in the engine's output counts as an infinite error.
 */
export function sampledError(
  output: ArrayLike<number>,
  reference: SampledReference,
  shape: Pick<AttentionShape, 'B' | 'H' | 'Q' | 'DV'>,
): number {
  const { B, H, Q, DV } = shape;
  if (output.length !== B * H * Q * DV) {
    throw new RangeError(`output has ${output.length} values, not B*H*Q*DV = ${B * H * Q * DV}`);
  }
  const n = reference.rows.length;
  let diff = 0;
  let size = 0;
  for (let bh = 0; bh < B * H; bh++) {
    for (const [r, q] of reference.rows.entries()) {
      for (let d = 0; d < DV; d++) {
        const want = reference.out[(bh * n + r) * DV + d];
        const delta = Math.abs(output[(bh * Q + q) * DV + d] - want);
        diff = Number.isNaN(delta) ? Number.POSITIVE_INFINITY : Math.max(diff, delta);
        size = Math.max(size, Math.abs(want));
      }
    }
  }
  return size > 0 ? diff / size : diff;
}
