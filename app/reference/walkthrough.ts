import type { AttentionInputs, AttentionShape, BlockMaskData } from '../problem';
import { blockRow } from './attention';
import type { MaskFn, ScoreFn } from './types';

/**
 * The forward pass of one query block, step by step, as the kernel takes it (docs/blockmask.md):
 * the partial blocks in the BlockMask's list order (score_mod, then mask_mod), then the full
 * blocks (score_mod only); empty blocks are never visited. For one query row it keeps the online
 * softmax state after every step: the running max m, the running sum l of exp(s - m) and the
 * output accumulator, rescaled by exp(m_old - m_new) whenever the max grows. Computed in float64
 * from the real inputs, so its final row equals the reference's out and lse.
 */

export interface WalkthroughProblem {
  inputs: AttentionInputs;
  shape: AttentionShape;
  mask: MaskFn;
  score: ScoreFn | null;
  blockMask: BlockMaskData;
}

export interface WalkthroughTarget {
  b: number;
  h: number;
  /** The query block the kernel program works on. */
  queryBlock: number;
  /** The query row followed through the steps (an absolute q_idx inside that block). */
  row: number;
}

export type StepKind = 'partial' | 'full';

export interface WalkStep {
  /** Position in the visiting order, from 0. */
  index: number;
  kind: StepKind;
  /** The key block visited and the keys inside the sequence that it covers, [kvStart, kvEnd). */
  kvBlock: number;
  kvStart: number;
  kvEnd: number;
  /** For the followed row: keys whose score entered the softmax. */
  computed: number;
  /** For the followed row: keys mask_mod removed (partial blocks only). */
  masked: number;
  /** Key slots of the block past KV_LEN (an edge block), forced to -inf. */
  padding: number;
  /** For the followed row: the scores after score_mod, -inf where masked; one per key. */
  scores: number[];
  /** For the whole query block: elements mask_mod allowed / removed (partial blocks only). */
  blockComputed: number;
  blockMasked: number;
  /** The online softmax state of the followed row after this step. */
  runningMax: number;
  runningSum: number;
  /** ||acc / l||: the norm of the output the row would have if the kernel stopped here. */
  outNorm: number;
}

export interface Walkthrough {
  target: WalkthroughTarget;
  /** Query rows of the block inside the sequence, [qStart, qEnd). */
  qStart: number;
  qEnd: number;
  /** Every key block in the kernel's order: the partial list, then the full list. */
  steps: WalkStep[];
  /** Key blocks never visited for this query block (empty), ascending. */
  skipped: number[];
  /** The followed row's output and log-sum-exp: what the kernel writes. */
  out: Float64Array;
  lse: number;
}

/** One key block the kernel visits, in its place in the visiting order. */
export interface VisitedBlock {
  kvBlock: number;
  kind: StepKind;
}

export interface VisitOrder {
  /** The partial list, then the full list, as the BlockMask gives them for this query block. */
  order: VisitedBlock[];
  /** Key blocks on neither list (empty), ascending. */
  skipped: number[];
}

/**
 * The key blocks the kernel visits for one query block of (b, h), and those it skips. Read from
 * the BlockMask alone (no scores), so it is cheap enough to draw before the walk's numbers exist.
 */
export function visitOrder(
  bm: BlockMaskData,
  b: number,
  h: number,
  queryBlock: number,
): VisitOrder {
  const listRow = blockRow(bm, b, h, queryBlock);
  const order: VisitedBlock[] = [];
  for (let i = 0; i < bm.kvNumBlocks[listRow]; i++) {
    order.push({ kvBlock: bm.kvIndices[listRow * bm.nKV + i], kind: 'partial' });
  }
  for (let i = 0; i < bm.fullKvNumBlocks[listRow]; i++) {
    order.push({ kvBlock: bm.fullKvIndices[listRow * bm.nKV + i], kind: 'full' });
  }
  const visited = new Set(order.map((o) => o.kvBlock));
  const skipped: number[] = [];
  for (let kb = 0; kb < bm.nKV; kb++) if (!visited.has(kb)) skipped.push(kb);
  return { order, skipped };
}

/** Runs one query block of the forward pass and records every step. */
export function walkthrough(problem: WalkthroughProblem, target: WalkthroughTarget): Walkthrough {
  const { inputs, shape, mask, score, blockMask: bm } = problem;
  const { H, HKV, Q, KV, D, DV } = shape;
  const { b, h, queryBlock, row } = target;
  checkTarget(shape, bm, target);
  const scale = shape.scale ?? 1 / Math.sqrt(D);
  const hkv = Math.floor(h / (H / HKV));
  const qBase = ((b * H + h) * Q + row) * D;
  const kBase = (b * HKV + hkv) * KV * D;
  const vBase = (b * HKV + hkv) * KV * DV;
  const qStart = queryBlock * bm.blockQ;
  const qEnd = Math.min(Q, qStart + bm.blockQ);
  const { order, skipped } = visitOrder(bm, b, h, queryBlock);

  let m = -Infinity;
  let l = 0;
  const acc = new Float64Array(DV);
  const steps: WalkStep[] = order.map(({ kvBlock, kind }, index) => {
    const kvStart = kvBlock * bm.blockKV;
    const kvEnd = Math.min(KV, kvStart + bm.blockKV);
    const scores: number[] = [];
    let masked = 0;
    for (let kv = kvStart; kv < kvEnd; kv++) {
      let s = 0;
      for (let d = 0; d < D; d++) s += inputs.q[qBase + d] * inputs.k[kBase + kv * D + d];
      s *= scale;
      if (score) s = score(s, b, h, row, kv);
      if (kind === 'partial' && !mask(b, h, row, kv)) {
        s = -Infinity;
        masked++;
      }
      scores.push(s);
    }
    let blockMasked = 0;
    if (kind === 'partial') {
      for (let q = qStart; q < qEnd; q++) {
        for (let kv = kvStart; kv < kvEnd; kv++) if (!mask(b, h, q, kv)) blockMasked++;
      }
    }
    // The online softmax update, as the kernel does it for this block.
    let blockMax = -Infinity;
    for (const s of scores) if (s > blockMax) blockMax = s;
    const mNew = Math.max(m, blockMax);
    if (mNew !== -Infinity) {
      const alpha = m === -Infinity ? 0 : Math.exp(m - mNew);
      l *= alpha;
      for (let d = 0; d < DV; d++) acc[d] *= alpha;
      scores.forEach((s, i) => {
        if (s === -Infinity) return;
        const p = Math.exp(s - mNew);
        l += p;
        const vRow = vBase + (kvStart + i) * DV;
        for (let d = 0; d < DV; d++) acc[d] += p * inputs.v[vRow + d];
      });
      m = mNew;
    }
    let norm = 0;
    if (l > 0) {
      for (let d = 0; d < DV; d++) norm += (acc[d] / l) ** 2;
      norm = Math.sqrt(norm);
    }
    const elements = (qEnd - qStart) * (kvEnd - kvStart);
    return {
      index,
      kind,
      kvBlock,
      kvStart,
      kvEnd,
      computed: kvEnd - kvStart - masked,
      masked,
      padding: bm.blockKV - (kvEnd - kvStart),
      scores,
      blockComputed: elements - blockMasked,
      blockMasked,
      runningMax: m,
      runningSum: l,
      outNorm: norm,
    };
  });

  // A row with no allowed key: out 0 and lse -inf, as PyTorch gives.
  const out = new Float64Array(DV);
  if (l > 0) for (let d = 0; d < DV; d++) out[d] = acc[d] / l;
  const lse = l > 0 ? m + Math.log(l) : -Infinity;
  return { target, qStart, qEnd, steps, skipped, out, lse };
}

function checkTarget(shape: AttentionShape, bm: BlockMaskData, t: WalkthroughTarget): void {
  const inside = (name: string, value: number, size: number) => {
    if (!Number.isInteger(value) || value < 0 || value >= size) {
      throw new RangeError(`walkthrough: ${name}=${value} is outside [0, ${size})`);
    }
  };
  inside('b', t.b, shape.B);
  inside('h', t.h, shape.H);
  inside('queryBlock', t.queryBlock, bm.nQ);
  inside('row', t.row, shape.Q);
  if (Math.floor(t.row / bm.blockQ) !== t.queryBlock) {
    throw new RangeError(`walkthrough: row ${t.row} is not in query block ${t.queryBlock}`);
  }
  if (bm.Q !== shape.Q || bm.KV !== shape.KV) {
    throw new RangeError('walkthrough: the BlockMask was built for other lengths');
  }
}
