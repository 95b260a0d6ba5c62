/**
 * The block-sparse picture (docs/picture.md): the GPU holds the cells of the (b, h) on screen
 * only where the attention kernel visits blocks, so the picture's cost on the GPU, in the
 * read-back and on the host follows the mask's density as attention's does. A skipped block is
 * all masked (the BlockMask is exact), so its cells need no storage: the host fills them in.
 *
 * Layout, for each query block in order, for each picture row in it: the row's sampled columns
 * of each visited kv block, in the order the attention kernel walks them (the partial list, then
 * the full list). Every row of a query block has the same cells, so the header holds, per query
 * block, where its first row starts and how many cells each of its rows has.
 */
import type { BlockMaskData, HeadPicture, PictureWindow } from '../app/problem';

/** A cell of a visited block that the mask disallows (a NaN pattern an allowed score never has). */
export const PICTURE_MASKED_BITS = 0xffffffff;

export interface PictureLayout {
  /** Per query block: [first cell of its first row, cells per row]; the kernels read it. */
  header: Uint32Array;
  /** Cells the GPU holds, over every visited block of every picture row. */
  cells: number;
}

/** ceil(a / b) for non-negative integers. */
function ceilDiv(a: number, b: number): number {
  return Math.floor((a + b - 1) / b);
}

/** The picture columns of kv block `kv` (each column stands for every colStride-th key). */
function blockColumns(mask: BlockMaskData, window: PictureWindow, kv: number) {
  const first = ceilDiv(kv * mask.blockKV, window.colStride);
  const stop = ceilDiv(Math.min((kv + 1) * mask.blockKV, mask.KV), window.colStride);
  return { first, count: stop - first };
}

/** The picture rows of query block `q`. */
function blockRows(mask: BlockMaskData, window: PictureWindow, q: number) {
  const first = ceilDiv(q * mask.blockQ, window.rowStride);
  const stop = ceilDiv(Math.min((q + 1) * mask.blockQ, mask.Q), window.rowStride);
  return { first, count: stop - first };
}

/**
 * The kv blocks the attention kernel visits for query block `q` of the (b, h) on screen, in its
 * order: the partial blocks, then the full ones (a mask without a batch or head dimension serves
 * every b or h).
 */
function visitedBlocks(mask: BlockMaskData, window: PictureWindow, q: number): number[] {
  const row = ((window.b % mask.B) * mask.H + (window.h % mask.H)) * mask.nQ + q;
  const at = row * mask.nKV;
  return [
    ...mask.kvIndices.subarray(at, at + mask.kvNumBlocks[row]),
    ...mask.fullKvIndices.subarray(at, at + mask.fullKvNumBlocks[row]),
  ];
}

export function pictureLayout(mask: BlockMaskData, window: PictureWindow): PictureLayout {
  const header = new Uint32Array(2 * mask.nQ);
  let cells = 0;
  for (let q = 0; q < mask.nQ; q++) {
    let width = 0;
    for (const kv of visitedBlocks(mask, window, q)) width += blockColumns(mask, window, kv).count;
    header[2 * q] = cells;
    header[2 * q + 1] = width;
    cells += blockRows(mask, window, q).count * width;
  }
  return { header, cells };
}

/** The bits of a float32 -inf. */
const NEG_INF_BITS = 0xff800000;

/** Where a run of held cells goes in the whole picture. */
interface Segment {
  /** The first cell, in the whole picture. */
  cell: number;
  /** The first held cell. */
  held: number;
  count: number;
}

/**
 * The whole picture of the (b, h) on screen, from the cells the GPU holds (`scoreBits`,
 * `probs`, laid out by pictureLayout): a held cell is allowed unless it holds
 * PICTURE_MASKED_BITS; every other cell is masked, with score -inf and probability 0.
 *
 * Each array is made the first time it is read: the view on screen needs one or two of them
 * (the mask alone, for a program without a score_mod), and at 2048 x 2048 the scores are 16 MB
 * that must all be written (-inf where masked), 10-20 ms of the time to the first picture.
 * A held row segment is copied whole (the kernel wrote probability 0 where masked) and only
 * its masked scores are then set to -inf, on the bits: a float fill or a per-cell float copy
 * of that size costs tens of milliseconds.
 */
export class GpuPicture implements HeadPicture {
  readonly b: number;
  readonly h: number;
  readonly rows: number;
  readonly cols: number;
  readonly rowStride: number;
  readonly colStride: number;
  private readonly segments: Segment[] = [];
  private scoresMade: Float32Array | null = null;
  private probsMade: Float32Array | null = null;
  private maskMade: Uint8Array | null = null;

  constructor(
    mask: BlockMaskData,
    window: PictureWindow,
    layout: PictureLayout,
    private readonly scoreBits: Uint32Array,
    private readonly heldProbs: Float32Array,
  ) {
    ({
      b: this.b,
      h: this.h,
      rows: this.rows,
      cols: this.cols,
      rowStride: this.rowStride,
      colStride: this.colStride,
    } = window);
    for (let q = 0; q < mask.nQ; q++) {
      const rows = blockRows(mask, window, q);
      const columns = visitedBlocks(mask, window, q).map((kv) => blockColumns(mask, window, kv));
      let held = layout.header[2 * q];
      for (let r = rows.first; r < rows.first + rows.count; r++) {
        for (const { first, count } of columns) {
          if (count > 0) this.segments.push({ cell: r * window.cols + first, held, count });
          held += count;
        }
      }
    }
  }

  get scores(): Float32Array {
    this.scoresMade ??= this.makeScores();
    return this.scoresMade;
  }

  get probs(): Float32Array {
    if (!this.probsMade) {
      const probs = new Float32Array(this.rows * this.cols);
      for (const { cell, held, count } of this.segments) {
        probs.set(this.heldProbs.subarray(held, held + count), cell);
      }
      this.probsMade = probs;
    }
    return this.probsMade;
  }

  get mask(): Uint8Array {
    if (!this.maskMade) {
      const allowed = new Uint8Array(this.rows * this.cols);
      const bits = this.scoreBits;
      for (const { cell, held, count } of this.segments) {
        for (let c = 0; c < count; c++) {
          if (bits[held + c] !== PICTURE_MASKED_BITS) allowed[cell + c] = 1;
        }
      }
      this.maskMade = allowed;
    }
    return this.maskMade;
  }

  private makeScores(): Float32Array {
    const { rows, cols } = this;
    const scores = new Float32Array(rows * cols);
    const words = new Uint32Array(scores.buffer);
    // -inf everywhere, a row at a time (a copy, not a float fill), then the held cells.
    const masked = new Uint32Array(cols).fill(NEG_INF_BITS);
    for (let r = 0; r < rows; r++) words.set(masked, r * cols);
    const bits = this.scoreBits;
    for (const { cell, held, count } of this.segments) {
      words.set(bits.subarray(held, held + count), cell);
      for (let c = 0; c < count; c++) {
        if (bits[held + c] === PICTURE_MASKED_BITS) words[cell + c] = NEG_INF_BITS;
      }
    }
    return scores;
  }
}
