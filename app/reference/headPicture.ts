import type { AttentionInputs, AttentionShape, HeadPicture } from '../problem';
import type { MaskFn, ScoreFn } from './types';

/**
 * What the picture of one (b, h) is drawn from (docs/picture.md), full size (no
 * downsampling): the modified scores with -Infinity where masked, the probabilities
 * exp(score - lse) from the given lse (so they are the ones the forward pass normalised with),
 * and the mask itself.
 *
 * The mask is evaluated densely here. That agrees with the block-sparse forward pass: an empty
 * block is all-masked and a full block all-allowed, so skipping or not masking them changes
 * nothing.
 */
export function headPicture(
  inputs: AttentionInputs,
  shape: AttentionShape,
  mask: MaskFn,
  score: ScoreFn | null,
  lse: Float32Array | Float64Array,
  b: number,
  h: number,
): HeadPicture {
  const { B, H, HKV, Q, KV, D } = shape;
  if (b < 0 || b >= B || h < 0 || h >= H || !Number.isInteger(b) || !Number.isInteger(h)) {
    throw new RangeError(`headPicture: (b, h) = (${b}, ${h}) is outside B=${B}, H=${H}`);
  }
  if (lse.length !== B * H * Q) {
    throw new RangeError(
      `headPicture: lse holds ${lse.length} values, but [B, H, Q] needs ${B * H * Q}`,
    );
  }
  const scale = shape.scale ?? 1 / Math.sqrt(D);
  const hkv = Math.floor(h / (H / HKV));
  const qBase = (b * H + h) * Q * D;
  const kBase = (b * HKV + hkv) * KV * D;
  const scores = new Float64Array(Q * KV);
  const probs = new Float64Array(Q * KV);
  const allowed = new Uint8Array(Q * KV);
  for (let q = 0; q < Q; q++) {
    const rowLse = lse[(b * H + h) * Q + q];
    for (let kv = 0; kv < KV; kv++) {
      const i = q * KV + kv;
      let s = 0;
      for (let d = 0; d < D; d++) s += inputs.q[qBase + q * D + d] * inputs.k[kBase + kv * D + d];
      s *= scale;
      if (score) s = score(s, b, h, q, kv);
      if (mask(b, h, q, kv)) {
        allowed[i] = 1;
        scores[i] = s;
        probs[i] = rowLse === -Infinity ? 0 : Math.exp(s - rowLse);
      } else {
        scores[i] = -Infinity;
      }
    }
  }
  return {
    b,
    h,
    rows: Q,
    cols: KV,
    rowStride: 1,
    colStride: 1,
    scores,
    probs,
    mask: allowed,
  };
}
