import type { AttentionInputs, AttentionShape, BlockMaskData } from '../problem';
import type { MaskFn, ScoreFn } from './types';

/**
 * The float64 oracle for flex_attention's forward pass (docs/blockmask.md), written to follow the
 * kernel's visiting order literally rather than to be fast: per query block, the partial blocks
 * (score_mod, then mask_mod), then the full blocks (score_mod only); empty blocks are never
 * touched. The softmax is two-pass (max, then sum), which in float64 equals the kernel's online
 * one up to rounding and is easier to check.
 */
export function flexAttention(
  inputs: AttentionInputs,
  shape: AttentionShape,
  mask: MaskFn,
  score: ScoreFn | null,
  blockMask: BlockMaskData,
): { out: Float64Array; lse: Float64Array } {
  checkProblem(inputs, shape, blockMask);
  const { B, H, HKV, Q, KV, D, DV } = shape;
  const scale = shape.scale ?? 1 / Math.sqrt(D);
  const group = H / HKV;
  const out = new Float64Array(B * H * Q * DV);
  const lse = new Float64Array(B * H * Q);
  // One row's scores and the key index each came from, reused across rows.
  const rowScores = new Float64Array(KV);
  const rowKeys = new Int32Array(KV);

  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      const hkv = Math.floor(h / group);
      const kBase = (b * HKV + hkv) * KV * D;
      const vBase = (b * HKV + hkv) * KV * DV;
      for (let q = 0; q < Q; q++) {
        const qBase = ((b * H + h) * Q + q) * D;
        let count = 0;
        const visit = (kb: number, applyMask: boolean): void => {
          const end = Math.min(KV, (kb + 1) * blockMask.blockKV);
          for (let kv = kb * blockMask.blockKV; kv < end; kv++) {
            let s = 0;
            for (let d = 0; d < D; d++) s += inputs.q[qBase + d] * inputs.k[kBase + kv * D + d];
            s *= scale;
            if (score) s = score(s, b, h, q, kv);
            if (applyMask && !mask(b, h, q, kv)) s = -Infinity;
            rowScores[count] = s;
            rowKeys[count] = kv;
            count++;
          }
        };
        const row = blockRow(blockMask, b, h, Math.floor(q / blockMask.blockQ));
        for (let i = 0; i < blockMask.kvNumBlocks[row]; i++) {
          visit(blockMask.kvIndices[row * blockMask.nKV + i], true);
        }
        for (let i = 0; i < blockMask.fullKvNumBlocks[row]; i++) {
          visit(blockMask.fullKvIndices[row * blockMask.nKV + i], false);
        }

        const outBase = ((b * H + h) * Q + q) * DV;
        let max = -Infinity;
        for (let i = 0; i < count; i++) if (rowScores[i] > max) max = rowScores[i];
        if (max === -Infinity) {
          // No allowed key: PyTorch gives out 0 (already there) and lse -inf, never NaN.
          lse[(b * H + h) * Q + q] = -Infinity;
          continue;
        }
        let total = 0;
        for (let i = 0; i < count; i++) {
          const p = Math.exp(rowScores[i] - max);
          total += p;
          const vRow = vBase + rowKeys[i] * DV;
          for (let d = 0; d < DV; d++) out[outBase + d] += p * inputs.v[vRow + d];
        }
        for (let d = 0; d < DV; d++) out[outBase + d] /= total;
        lse[(b * H + h) * Q + q] = max + Math.log(total);
      }
    }
  }
  return { out, lse };
}

/** The row of the block mask's [B, H, nQ] arrays that query (b, h, qb) reads, broadcasting. */
export function blockRow(bm: BlockMaskData, b: number, h: number, qb: number): number {
  return ((b % bm.B) * bm.H + (h % bm.H)) * bm.nQ + qb;
}

/** What the kernel does per (b, h, query block); all arrays are [B, H, nQ] of the problem. */
export interface VisitCounts {
  B: number;
  H: number;
  nQ: number;
  /** Partial blocks visited (mask_mod applied). */
  partialBlocks: Int32Array;
  /** Full blocks visited (no mask_mod). */
  fullBlocks: Int32Array;
  /** partialBlocks + fullBlocks. */
  blocksVisited: Int32Array;
  /** mask_mod calls: the elements of the partial blocks that lie inside Q and KV. */
  maskCalls: Int32Array;
  /** score_mod calls: the elements of all visited blocks that lie inside Q and KV. */
  scoreCalls: Int32Array;
}

/**
 * How many blocks and mod calls the forward pass makes per (b, h, query block), derived from the
 * BlockMask alone. A debug kernel that counts what it really did must match this exactly.
 */
export function countVisits(shape: AttentionShape, blockMask: BlockMaskData): VisitCounts {
  checkBlockMask(shape, blockMask);
  const { B, H, Q, KV } = shape;
  const { nQ, nKV, blockQ, blockKV } = blockMask;
  const size = B * H * nQ;
  const counts: VisitCounts = {
    B,
    H,
    nQ,
    partialBlocks: new Int32Array(size),
    fullBlocks: new Int32Array(size),
    blocksVisited: new Int32Array(size),
    maskCalls: new Int32Array(size),
    scoreCalls: new Int32Array(size),
  };
  const width = (kb: number): number => Math.min(KV, (kb + 1) * blockKV) - kb * blockKV;
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      for (let qb = 0; qb < nQ; qb++) {
        const i = (b * H + h) * nQ + qb;
        const row = blockRow(blockMask, b, h, qb);
        const height = Math.min(Q, (qb + 1) * blockQ) - qb * blockQ;
        let partialElements = 0;
        let fullElements = 0;
        for (let j = 0; j < blockMask.kvNumBlocks[row]; j++) {
          partialElements += height * width(blockMask.kvIndices[row * nKV + j]);
        }
        for (let j = 0; j < blockMask.fullKvNumBlocks[row]; j++) {
          fullElements += height * width(blockMask.fullKvIndices[row * nKV + j]);
        }
        counts.partialBlocks[i] = blockMask.kvNumBlocks[row];
        counts.fullBlocks[i] = blockMask.fullKvNumBlocks[row];
        counts.blocksVisited[i] = counts.partialBlocks[i] + counts.fullBlocks[i];
        counts.maskCalls[i] = partialElements;
        counts.scoreCalls[i] = partialElements + fullElements;
      }
    }
  }
  return counts;
}

function checkProblem(
  inputs: AttentionInputs,
  shape: AttentionShape,
  blockMask: BlockMaskData,
): void {
  const { B, H, HKV, Q, KV, D, DV } = shape;
  if (!Number.isInteger(H / HKV)) {
    throw new RangeError(`flexAttention: H=${H} is not a multiple of HKV=${HKV}`);
  }
  const expect = (name: string, actual: number, wanted: number, dims: string): void => {
    if (actual !== wanted) {
      throw new RangeError(
        `flexAttention: ${name} holds ${actual} values, but ${dims} needs ${wanted}`,
      );
    }
  };
  expect('q', inputs.q.length, B * H * Q * D, `[B=${B}, H=${H}, Q=${Q}, D=${D}]`);
  expect('k', inputs.k.length, B * HKV * KV * D, `[B=${B}, HKV=${HKV}, KV=${KV}, D=${D}]`);
  expect('v', inputs.v.length, B * HKV * KV * DV, `[B=${B}, HKV=${HKV}, KV=${KV}, DV=${DV}]`);
  checkBlockMask(shape, blockMask);
}

function checkBlockMask(shape: AttentionShape, bm: BlockMaskData): void {
  if (bm.Q !== shape.Q || bm.KV !== shape.KV) {
    throw new RangeError(
      `flexAttention: the BlockMask was built for Q=${bm.Q}, KV=${bm.KV}, ` +
        `but the inputs have Q=${shape.Q}, KV=${shape.KV}`,
    );
  }
  if (shape.B % bm.B !== 0 || shape.H % bm.H !== 0) {
    throw new RangeError(
      `flexAttention: a BlockMask with B=${bm.B}, H=${bm.H} cannot broadcast to ` +
        `B=${shape.B}, H=${shape.H}`,
    );
  }
}
