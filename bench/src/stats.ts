/** The arithmetic of the bench: medians, work counts, agreement between outputs. */
import type { AttentionShape, BlockMaskData } from '../../app/problem';

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** How many (q, kv) elements of one block lie inside Q_LEN x KV_LEN (edge blocks hold fewer). */
function blockElements(mask: BlockMaskData, qBlock: number, kvBlock: number): number {
  const rows = Math.min(mask.blockQ, mask.Q - qBlock * mask.blockQ);
  const cols = Math.min(mask.blockKV, mask.KV - kvBlock * mask.blockKV);
  return Math.max(0, rows) * Math.max(0, cols);
}

/**
 * Elements of the computed (partial or full) blocks that lie inside Q, KV, summed over every
 * batch item and head of `shape` (a mask with B or H of 1 is broadcast, as the kernel does).
 */
export function computedElements(mask: BlockMaskData, shape: AttentionShape): number {
  let elements = 0;
  const lists: [Int32Array, Int32Array][] = [
    [mask.kvNumBlocks, mask.kvIndices],
    [mask.fullKvNumBlocks, mask.fullKvIndices],
  ];
  for (let row = 0; row < mask.B * mask.H * mask.nQ; row++) {
    const qBlock = row % mask.nQ;
    for (const [nums, indices] of lists) {
      for (let i = 0; i < nums[row]; i++) {
        elements += blockElements(mask, qBlock, indices[row * mask.nKV + i]);
      }
    }
  }
  return elements * (shape.B / mask.B) * (shape.H / mask.H);
}

/** Flops of one element: q.k (D multiplies and D adds) and p*v into the output (DV of each). */
export function flopsPerElement(shape: Pick<AttentionShape, 'D' | 'DV'>): number {
  return 2 * shape.D + 2 * shape.DV;
}

/** Every (q, kv) element of every batch item and head: what a dense kernel computes. */
export function denseElements(shape: AttentionShape): number {
  return shape.B * shape.H * shape.Q * shape.KV;
}

export function gflopsPerSecond(flops: number, ms: number): number {
  return ms > 0 ? flops / (ms * 1e6) : Number.NaN;
}

/** max |a - b| over max |b|: the error of `a` relative to the scale of the reference `b`. */
export function maxRelativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) {
    throw new RangeError(`outputs differ in length: ${a.length} vs ${b.length}`);
  }
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    // NaN must not hide behind max(): it is an infinite error.
    diff = Number.isNaN(d) ? Number.POSITIVE_INFINITY : Math.max(diff, d);
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return scale > 0 ? diff / scale : diff;
}

/** [B, H, S, D] -> [B, S, H * D]: PyTorch's attention layout to the packed one ONNX ops take. */
export function headsToPacked(x: Float32Array, B: number, H: number, S: number, D: number) {
  const out = new Float32Array(x.length);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      for (let s = 0; s < S; s++) {
        const from = ((b * H + h) * S + s) * D;
        out.set(x.subarray(from, from + D), ((b * S + s) * H + h) * D);
      }
    }
  }
  return out;
}

/** [B, S, H * D] -> [B, H, S, D], the inverse of headsToPacked. */
export function packedToHeads(x: Float32Array, B: number, H: number, S: number, D: number) {
  const out = new Float32Array(x.length);
  for (let b = 0; b < B; b++) {
    for (let s = 0; s < S; s++) {
      for (let h = 0; h < H; h++) {
        const from = ((b * S + s) * H + h) * D;
        out.set(x.subarray(from, from + D), ((b * H + h) * S + s) * D);
      }
    }
  }
  return out;
}
