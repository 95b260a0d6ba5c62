/**
 * The page's side of a CPU run: it gathers the workers' item results into one BlockMask (in
 * PyTorch's layout, as createBlockMask builds it), one out and one lse, and the picture of the
 * (b, h) on screen. Each item owns disjoint rows, so results can land in any order.
 */
import type { BlockMaskData, HeadPicture, PictureWindow } from '../../problem';
import type { AttentionShape } from '../../problem';
import type { ItemResult } from './item';
import { FULL, PARTIAL } from './maskRow';
import { headsOf, type MaskGrid } from './work';

export interface Assembly {
  add(result: ItemResult): void;
  finish(): { blockMask: BlockMaskData; out: Float32Array; lse: Float32Array };
  picture(): HeadPicture | null;
}

export function createAssembly(
  shape: AttentionShape,
  grid: MaskGrid,
  window: PictureWindow | null,
): Assembly {
  const { H, Q, KV, DV, blockQ, blockKV } = shape;
  const nQ = grid.nQ;
  const nKV = Math.ceil(KV / blockKV);
  // Per mask (b, h): [nQ, nKV] kinds, from which both the row and the column lists are built.
  const kinds = new Uint8Array(grid.B * grid.H * nQ * nKV);
  const out = new Float32Array(shape.B * H * Q * DV);
  const lse = new Float32Array(shape.B * H * Q);
  const pictureScores = window ? new Float32Array(Q * KV) : null;
  const pictureProbs = window ? new Float32Array(Q * KV) : null;
  const pictureMask = window ? new Uint8Array(Q * KV) : null;
  let pictureRows = 0;

  return {
    add(result) {
      const { item } = result;
      const maskRow = (item.maskB * grid.H + item.maskH) * nQ + item.qb;
      kinds.set(result.kinds, maskRow * nKV);
      const qLo = item.qb * blockQ;
      const rows = Math.min(Q, qLo + blockQ) - qLo;
      headsOf(item, grid, shape).forEach(({ b, h }, index) => {
        const rowStart = (b * H + h) * Q + qLo;
        out.set(result.out.subarray(index * rows * DV, (index + 1) * rows * DV), rowStart * DV);
        lse.set(result.lse.subarray(index * rows, (index + 1) * rows), rowStart);
      });
      if (result.picture && pictureScores && pictureProbs && pictureMask) {
        pictureScores.set(result.picture.scores, qLo * KV);
        pictureProbs.set(result.picture.probs, qLo * KV);
        pictureMask.set(result.picture.mask, qLo * KV);
        pictureRows += rows;
      }
    },
    finish() {
      return { blockMask: blockMaskOf(kinds, shape, grid), out, lse };
    },
    picture() {
      if (!window || !pictureScores || !pictureProbs || !pictureMask) return null;
      if (pictureRows !== Q) throw new Error('The CPU engine lost rows of the picture.');
      return { ...window, scores: pictureScores, probs: pictureProbs, mask: pictureMask };
    },
  };
}

/**
 * The BlockMask from each block's kind: per row the present blocks ascending then the absent
 * ones (a stable descending argsort of the 0/1 flags, as PyTorch builds it), and the same per
 * column for the transposed lists.
 */
export function blockMaskOf(
  kinds: Uint8Array,
  shape: Pick<AttentionShape, 'Q' | 'KV' | 'blockQ' | 'blockKV'>,
  grid: MaskGrid,
): BlockMaskData {
  const { Q, KV, blockQ, blockKV } = shape;
  const { B, H, nQ } = grid;
  const nKV = Math.ceil(KV / blockKV);
  const rows = B * H * nQ;
  const cols = B * H * nKV;
  const data: BlockMaskData = {
    B,
    H,
    Q,
    KV,
    blockQ,
    blockKV,
    nQ,
    nKV,
    kvNumBlocks: new Int32Array(rows),
    kvIndices: new Int32Array(rows * nKV),
    fullKvNumBlocks: new Int32Array(rows),
    fullKvIndices: new Int32Array(rows * nKV),
    qNumBlocks: new Int32Array(cols),
    qIndices: new Int32Array(cols * nQ),
    fullQNumBlocks: new Int32Array(cols),
    fullQIndices: new Int32Array(cols * nQ),
  };
  for (let bh = 0; bh < B * H; bh++) {
    const base = bh * nQ * nKV;
    for (let qb = 0; qb < nQ; qb++) {
      const row = bh * nQ + qb;
      const start = base + qb * nKV;
      data.kvNumBlocks[row] = ordered(kinds, PARTIAL, start, 1, nKV, data.kvIndices, row * nKV);
      data.fullKvNumBlocks[row] = ordered(
        kinds,
        FULL,
        start,
        1,
        nKV,
        data.fullKvIndices,
        row * nKV,
      );
    }
    for (let kb = 0; kb < nKV; kb++) {
      const col = bh * nKV + kb;
      const start = base + kb;
      data.qNumBlocks[col] = ordered(kinds, PARTIAL, start, nKV, nQ, data.qIndices, col * nQ);
      data.fullQNumBlocks[col] = ordered(kinds, FULL, start, nKV, nQ, data.fullQIndices, col * nQ);
    }
  }
  return data;
}

/** Positions whose kind is `kind`, ascending, then the others ascending; returns the count. */
function ordered(
  kinds: Uint8Array,
  kind: number,
  start: number,
  step: number,
  length: number,
  into: Int32Array,
  at: number,
): number {
  let present = 0;
  for (let i = 0; i < length; i++) if (kinds[start + i * step] === kind) into[at + present++] = i;
  let next = at + present;
  for (let i = 0; i < length; i++) if (kinds[start + i * step] !== kind) into[next++] = i;
  return present;
}
