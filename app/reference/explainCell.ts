import type { AttentionInputs, AttentionShape, BlockMaskData } from '../problem';
import { blockRow } from './attention';
import type { MaskFn, ScoreFn } from './types';

/**
 * Everything about one cell (b, h, q_idx, kv_idx) that a learner asks: the score before and after
 * score_mod, whether mask_mod allows it, the probability, the block it falls in, that block's
 * state in the BlockMask the kernel read, and so what the kernel did there. Scores are float64
 * from the real inputs; the probability uses the lse the engine wrote, as the picture does.
 */

export type BlockKind = 'empty' | 'partial' | 'full';

/** What the kernel did at this cell's block. */
export type KernelAction = 'skipped' | 'masked' | 'unmasked';

export interface CellExplanation {
  b: number;
  h: number;
  q: number;
  kv: number;
  /** The key/value head the query head reads (GQA). */
  hkv: number;
  /** (q . k) * scale. */
  rawScore: number;
  /** After score_mod (equal to rawScore without one). */
  modifiedScore: number;
  /** mask_mod's answer. */
  allowed: boolean;
  /** The logit the softmax saw: modifiedScore, or -inf when masked or never visited. */
  finalScore: number;
  /** The row's log-sum-exp as the engine wrote it. */
  lse: number;
  /** exp(finalScore - lse); 0 where the cell did not count. */
  probability: number;
  block: {
    qBlock: number;
    kvBlock: number;
    /** The state the BlockMask lists for this block (what the kernel read). */
    state: BlockKind;
    /** mask_mod counted over the block's in-bounds elements: how the state came about. */
    allowedElements: number;
    inBoundsElements: number;
    /** blockQ * blockKV: the padded size a full block must fill. */
    capacity: number;
    /** The state the count gives (docs/blockmask.md); equals `state` when all is well. */
    countedState: BlockKind;
  };
  kernel: KernelAction;
}

export interface CellProblem {
  inputs: AttentionInputs;
  shape: AttentionShape;
  mask: MaskFn;
  score: ScoreFn | null;
  blockMask: BlockMaskData;
  /** [B, H, Q] as the engine wrote it. */
  lse: ArrayLike<number>;
}

export function explainCell(
  problem: CellProblem,
  b: number,
  h: number,
  q: number,
  kv: number,
): CellExplanation {
  const { inputs, shape, mask, score, blockMask: bm, lse } = problem;
  const { H, HKV, Q, KV, D } = shape;
  const inside = (name: string, v: number, n: number) => {
    if (!Number.isInteger(v) || v < 0 || v >= n) {
      throw new RangeError(`explainCell: ${name}=${v} is outside [0, ${n})`);
    }
  };
  inside('b', b, shape.B);
  inside('h', h, H);
  inside('q', q, Q);
  inside('kv', kv, KV);
  const hkv = Math.floor(h / (H / HKV));
  const scale = shape.scale ?? 1 / Math.sqrt(D);
  const qBase = ((b * H + h) * Q + q) * D;
  const kBase = ((b * HKV + hkv) * KV + kv) * D;
  let raw = 0;
  for (let d = 0; d < D; d++) raw += inputs.q[qBase + d] * inputs.k[kBase + d];
  raw *= scale;
  const modified = score ? score(raw, b, h, q, kv) : raw;
  const allowed = mask(b, h, q, kv);

  const qBlock = Math.floor(q / bm.blockQ);
  const kvBlock = Math.floor(kv / bm.blockKV);
  const state = listedState(bm, b, h, qBlock, kvBlock);
  let allowedElements = 0;
  const qEnd = Math.min(Q, (qBlock + 1) * bm.blockQ);
  const kvEnd = Math.min(KV, (kvBlock + 1) * bm.blockKV);
  for (let i = qBlock * bm.blockQ; i < qEnd; i++) {
    for (let j = kvBlock * bm.blockKV; j < kvEnd; j++) if (mask(b, h, i, j)) allowedElements++;
  }
  const capacity = bm.blockQ * bm.blockKV;
  const countedState: BlockKind =
    allowedElements === 0 ? 'empty' : allowedElements === capacity ? 'full' : 'partial';

  const kernel: KernelAction =
    state === 'empty' ? 'skipped' : state === 'partial' ? 'masked' : 'unmasked';
  // A full block applies no mask: the score counts whatever mask_mod says (it says True there).
  const counts = kernel === 'unmasked' || (kernel === 'masked' && allowed);
  const finalScore = counts ? modified : -Infinity;
  const rowLse = lse[(b * H + h) * Q + q];
  const probability =
    finalScore === -Infinity || rowLse === -Infinity ? 0 : Math.exp(finalScore - rowLse);
  return {
    b,
    h,
    q,
    kv,
    hkv,
    rawScore: raw,
    modifiedScore: modified,
    allowed,
    finalScore,
    lse: rowLse,
    probability,
    block: {
      qBlock,
      kvBlock,
      state,
      allowedElements,
      inBoundsElements: (qEnd - qBlock * bm.blockQ) * (kvEnd - kvBlock * bm.blockKV),
      capacity,
      countedState,
    },
    kernel,
  };
}

/** The block's state as the BlockMask lists it for (b, h), broadcasting its own B and H. */
export function listedState(
  bm: BlockMaskData,
  b: number,
  h: number,
  qBlock: number,
  kvBlock: number,
): BlockKind {
  const row = blockRow(bm, b, h, qBlock);
  for (let i = 0; i < bm.kvNumBlocks[row]; i++) {
    if (bm.kvIndices[row * bm.nKV + i] === kvBlock) return 'partial';
  }
  for (let i = 0; i < bm.fullKvNumBlocks[row]; i++) {
    if (bm.fullKvIndices[row * bm.nKV + i] === kvBlock) return 'full';
  }
  return 'empty';
}
