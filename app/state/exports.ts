/**
 * What the export buttons download, as bytes and text: .npy of the numbers on screen, the
 * BlockMask as JSON with PyTorch's field names and shapes, file names. Pure, so tests can read
 * a download back and compare it with these.
 */
import type { RunResult } from '../engine/types';
import type { BlockMaskData } from '../problem';
import { writeNpy } from '../tensors/npy';
import type { Tensor } from '../tensors/tensor';

export type NestedNumbers = number | NestedNumbers[];

/** A row-major array as nested lists of the given shape. */
export function nest(data: ArrayLike<number>, shape: readonly number[]): NestedNumbers[] {
  const build = (offset: number, depth: number): NestedNumbers[] => {
    const size = shape[depth];
    const stride = shape.slice(depth + 1).reduce((a, d) => a * d, 1);
    const out: NestedNumbers[] = [];
    for (let i = 0; i < size; i++) {
      out.push(
        depth === shape.length - 1 ? data[offset + i] : build(offset + i * stride, depth + 1),
      );
    }
    return out;
  };
  return shape.length === 0 ? [] : build(0, 0);
}

/** PyTorch's BlockMask fields (docs/blockmask.md), each as nested lists of its shape. */
export function blockMaskJson(bm: BlockMaskData) {
  const rows = [bm.B, bm.H, bm.nQ];
  const cols = [bm.B, bm.H, bm.nKV];
  return {
    kv_num_blocks: nest(bm.kvNumBlocks, rows),
    kv_indices: nest(bm.kvIndices, [...rows, bm.nKV]),
    full_kv_num_blocks: nest(bm.fullKvNumBlocks, rows),
    full_kv_indices: nest(bm.fullKvIndices, [...rows, bm.nKV]),
    q_num_blocks: nest(bm.qNumBlocks, cols),
    q_indices: nest(bm.qIndices, [...cols, bm.nQ]),
    full_q_num_blocks: nest(bm.fullQNumBlocks, cols),
    full_q_indices: nest(bm.fullQIndices, [...cols, bm.nQ]),
    BLOCK_SIZE: [bm.blockQ, bm.blockKV],
    seq_lengths: [bm.Q, bm.KV],
  };
}

export type ArrayExport = 'scores' | 'probs' | 'out' | 'lse';

export const ARRAY_EXPORT_TITLES: Record<ArrayExport, string> = {
  scores: 'scores',
  probs: 'probabilities',
  out: 'out',
  lse: 'lse',
};

function floatTensor(data: Float32Array | Float64Array, shape: number[]): Tensor {
  return { shape, dtype: data instanceof Float64Array ? '<f8' : '<f4', data };
}

/**
 * One result array as a tensor: scores and probabilities of the (b, h) on screen, [rows, cols]
 * (-inf where masked, as PyTorch's scores are); out [B, H, Q, Dv] and lse [B, H, Q] whole.
 */
export function resultTensor(result: RunResult, which: ArrayExport): Tensor {
  const { picture, shape, outputs } = result;
  switch (which) {
    case 'scores':
      return floatTensor(picture.scores, [picture.rows, picture.cols]);
    case 'probs':
      return floatTensor(picture.probs, [picture.rows, picture.cols]);
    case 'out':
      return floatTensor(outputs.out, [shape.B, shape.H, shape.Q, shape.DV]);
    case 'lse':
      return floatTensor(outputs.lse, [shape.B, shape.H, shape.Q]);
  }
}

export function resultNpy(result: RunResult, which: ArrayExport): Uint8Array {
  return writeNpy(resultTensor(result, which), exportFileName(result, which, 'npy'));
}

/** `flexmask_scores_b0_h0.npy`, `flexmask_out.npy`: the (b, h) is named where it matters. */
export function exportFileName(result: RunResult, what: string, extension: string): string {
  const perHead = what === 'scores' || what === 'probs' || what === 'figure';
  const suffix = perHead ? `_b${result.picture.b}_h${result.picture.h}` : '';
  return `flexmask_${what}${suffix}.${extension}`;
}
