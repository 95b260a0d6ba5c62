import type { AttentionInputs, AttentionShape, HeadPicture, PictureWindow } from '../problem';
import type { MaskFn, ScoreFn } from './types';

/**
 * Bound below which no score of the head can overflow to -inf in float32 (the GPU kernel's
 * arithmetic): 2^120 leaves a factor of 256 below float32's largest finite value, far more than
 * the rounding of a D-term dot product can add.
 */
const SAFE_SCORE_BOUND = 2 ** 120;

/**
 * Whether an allowed cell of the picture of `window` can hold a -inf score, so that -inf alone
 * does not say "masked" (docs/picture.md, the mask view). Only the mask writes -inf, unless
 *   - there is a score_mod: it may return -inf (any score_mod is taken to be able to), or
 *   - the q or k rows the picture samples are not small and finite: uploads (.npy, .safetensors)
 *     may hold infinities, NaN or values so large that q . k overflows in float32. Seeded random
 *     inputs never do, so for them this is a scan of the sampled rows that answers false.
 * The bound is |score| <= D * max|q| * max|k| * max(1, scale); NaN anywhere fails it.
 */
export function allowedMayBeNegInf(
  inputs: AttentionInputs,
  shape: AttentionShape,
  window: PictureWindow,
  hasScoreMod: boolean,
): boolean {
  if (hasScoreMod) return true;
  const { H, HKV, Q, KV, D } = shape;
  const hkv = Math.floor(window.h / (H / HKV));
  const largest = (data: Float32Array, base: number, rows: number, stride: number) => {
    let m = 0;
    for (let r = 0; r < rows; r++) {
      const at = base + r * stride * D;
      // Math.max keeps a NaN, so a NaN input fails the bound below.
      for (let d = 0; d < D; d++) m = Math.max(m, Math.abs(data[at + d]));
    }
    return m;
  };
  const maxQ = largest(inputs.q, (window.b * H + window.h) * Q * D, window.rows, window.rowStride);
  const maxK = largest(inputs.k, (window.b * HKV + hkv) * KV * D, window.cols, window.colStride);
  const scale = Math.abs(shape.scale ?? 1 / Math.sqrt(D));
  const bound = D * maxQ * maxK * Math.max(1, scale);
  return !(bound <= SAFE_SCORE_BOUND);
}

/**
 * The mask picture from the picture's scores, as both engines draw it: a cell whose score is not
 * -inf was written by the attention pass, which writes only allowed cells, so it is allowed (a
 * NaN or +inf from a score_mod included). A -inf cell is masked, unless `askMaskAtNegInf` (what
 * allowedMayBeNegInf above answers): then, and only at -inf cells, mask_mod is asked
 * (`maskAt(row, col)`).
 */
export function maskFromScores(
  scores: ArrayLike<number>,
  cols: number,
  askMaskAtNegInf: boolean,
  maskAt: (row: number, col: number) => boolean,
): Uint8Array {
  const mask = new Uint8Array(scores.length);
  for (let i = 0; i < scores.length; i++) {
    if (scores[i] !== -Infinity) mask[i] = 1;
    else if (askMaskAtNegInf && maskAt(Math.floor(i / cols), i % cols)) mask[i] = 1;
  }
  return mask;
}

/**
 * What the picture of one (b, h) is drawn from (docs/picture.md), full size (no
 * downsampling): the modified scores with -Infinity where masked, the probabilities
 * exp(score - lse) from the given lse (so they are the ones the forward pass normalised with),
 * and the mask, read from the scores by the rule the GPU follows (maskFromScores).
 *
 * The scores are masked densely here. That agrees with the block-sparse forward pass: an empty
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
  const window: PictureWindow = { b, h, rows: Q, cols: KV, rowStride: 1, colStride: 1 };
  const scale = shape.scale ?? 1 / Math.sqrt(D);
  const hkv = Math.floor(h / (H / HKV));
  const qBase = (b * H + h) * Q * D;
  const kBase = (b * HKV + hkv) * KV * D;
  const scores = new Float64Array(Q * KV);
  const probs = new Float64Array(Q * KV);
  for (let q = 0; q < Q; q++) {
    const rowLse = lse[(b * H + h) * Q + q];
    for (let kv = 0; kv < KV; kv++) {
      const i = q * KV + kv;
      let s = 0;
      for (let d = 0; d < D; d++) s += inputs.q[qBase + q * D + d] * inputs.k[kBase + kv * D + d];
      s *= scale;
      if (score) s = score(s, b, h, q, kv);
      if (mask(b, h, q, kv)) {
        scores[i] = s;
        probs[i] = rowLse === -Infinity ? 0 : Math.exp(s - rowLse);
      } else {
        scores[i] = -Infinity;
      }
    }
  }
  const ambiguous = allowedMayBeNegInf(inputs, shape, window, score !== null);
  return {
    ...window,
    scores,
    probs,
    mask: maskFromScores(scores, KV, ambiguous, (q, kv) => mask(b, h, q, kv)),
  };
}
