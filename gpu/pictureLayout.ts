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
 * Calls `visit` with each kv block the attention kernel visits for query block `q` of the (b, h)
 * on screen, in its order: the partial blocks, then the full ones (a mask without a batch or
 * head dimension serves every b or h).
 */
function forEachVisited(
  mask: BlockMaskData,
  window: PictureWindow,
  q: number,
  visit: (kv: number) => void,
): void {
  const row = ((window.b % mask.B) * mask.H + (window.h % mask.H)) * mask.nQ + q;
  const at = row * mask.nKV;
  for (let i = 0; i < mask.kvNumBlocks[row]; i++) visit(mask.kvIndices[at + i]);
  for (let i = 0; i < mask.fullKvNumBlocks[row]; i++) visit(mask.fullKvIndices[at + i]);
}

/** A window whose rows and columns are not what its strides give cannot be laid out. */
function checkWindow(mask: BlockMaskData, window: PictureWindow): void {
  const rows = ceilDiv(mask.Q, window.rowStride);
  const cols = ceilDiv(mask.KV, window.colStride);
  if (window.rows !== rows || window.cols !== cols) {
    throw new RangeError(
      `A picture of ${window.rows} x ${window.cols} cells with strides ${window.rowStride} x ${window.colStride} does not cover ${mask.Q} x ${mask.KV} tokens (it would be ${rows} x ${cols})`,
    );
  }
}

export function pictureLayout(mask: BlockMaskData, window: PictureWindow): PictureLayout {
  checkWindow(mask, window);
  const header = new Uint32Array(2 * mask.nQ);
  let cells = 0;
  for (let q = 0; q < mask.nQ; q++) {
    let width = 0;
    forEachVisited(mask, window, q, (kv) => {
      width += blockColumns(mask, window, kv).count;
    });
    header[2 * q] = cells;
    header[2 * q + 1] = width;
    cells += blockRows(mask, window, q).count * width;
  }
  return { header, cells };
}

/** The bits of a float32 -inf. */
const NEG_INF_BITS = 0xff800000;

/** Runs shorter than this are copied cell by cell: a view per run would cost more. */
const VIEW_COPY_CELLS = 32;

/**
 * Where each query block's held cells go in a picture row: runs of columns, in held order, each
 * [first column, count]; adjacent blocks (a full list walks its blocks in ascending order)
 * merge into one run. Query blocks with no picture row have none.
 */
interface ColumnRuns {
  /** [first column, count] pairs. */
  runs: Int32Array;
  /** Query block q's runs are pairs runStart[q] to runStart[q + 1]. */
  runStart: Int32Array;
}

function columnRuns(mask: BlockMaskData, window: PictureWindow): ColumnRuns {
  let most = 0;
  for (let q = 0; q < mask.nQ; q++) {
    if (blockRows(mask, window, q).count > 0) forEachVisited(mask, window, q, () => most++);
  }
  const runs = new Int32Array(2 * most);
  const runStart = new Int32Array(mask.nQ + 1);
  let n = 0;
  for (let q = 0; q < mask.nQ; q++) {
    runStart[q] = n;
    if (blockRows(mask, window, q).count === 0) continue;
    forEachVisited(mask, window, q, (kv) => {
      const { first, count } = blockColumns(mask, window, kv);
      if (count === 0) return;
      const last = n - 1;
      if (n > runStart[q] && runs[2 * last] + runs[2 * last + 1] === first) {
        runs[2 * last + 1] += count;
      } else {
        runs[2 * n] = first;
        runs[2 * n + 1] = count;
        n++;
      }
    });
  }
  runStart[mask.nQ] = n;
  return { runs: runs.subarray(0, 2 * n), runStart };
}

/**
 * The whole picture of the (b, h) on screen, from the cells the GPU holds (`scoreBits`,
 * `probs`, laid out by pictureLayout): a held cell is allowed unless it holds
 * PICTURE_MASKED_BITS; every other cell is masked, with score -inf and probability 0.
 *
 * Each array is made the first time it is read: the view on screen needs one or two of them
 * (the mask alone, for a program without a score_mod), and at 2048 x 2048 the scores are 16 MB
 * that must all be written (-inf where masked), 10-20 ms of the time to the first picture.
 * Probabilities are copied a run at a time (the kernel wrote 0 where masked); scores are
 * written on their bits, -inf where masked: a float fill or a per-cell float copy of that
 * size costs tens of milliseconds.
 */
export class GpuPicture implements HeadPicture {
  readonly b: number;
  readonly h: number;
  readonly rows: number;
  readonly cols: number;
  readonly rowStride: number;
  readonly colStride: number;
  private readonly firstRow: Int32Array;
  private readonly heldAt: Uint32Array;
  private readonly columns: ColumnRuns;
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
    checkWindow(mask, window);
    ({
      b: this.b,
      h: this.h,
      rows: this.rows,
      cols: this.cols,
      rowStride: this.rowStride,
      colStride: this.colStride,
    } = window);
    this.columns = columnRuns(mask, window);
    this.firstRow = Int32Array.from({ length: mask.nQ + 1 }, (_, q) =>
      q < mask.nQ ? blockRows(mask, window, q).first : this.rows,
    );
    this.heldAt = layout.header;
  }

  /**
   * Calls `copy(cell, held, count)` for each run of held cells, in held order: `count` cells
   * from held cell `held` go to the whole picture's cell `cell` on.
   */
  private forEachRun(copy: (cell: number, held: number, count: number) => void): void {
    const { runs, runStart } = this.columns;
    for (let q = 0; q + 1 < this.firstRow.length; q++) {
      let held = this.heldAt[2 * q];
      for (let r = this.firstRow[q]; r < this.firstRow[q + 1]; r++) {
        for (let i = runStart[q]; i < runStart[q + 1]; i++) {
          const count = runs[2 * i + 1];
          copy(r * this.cols + runs[2 * i], held, count);
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
    this.probsMade ??= this.makeProbs();
    return this.probsMade;
  }

  get mask(): Uint8Array {
    this.maskMade ??= this.makeMask();
    return this.maskMade;
  }

  private makeProbs(): Float32Array {
    const probs = new Float32Array(this.rows * this.cols);
    const held = this.heldProbs;
    this.forEachRun((cell, from, count) => {
      if (count >= VIEW_COPY_CELLS) probs.set(held.subarray(from, from + count), cell);
      else for (let c = 0; c < count; c++) probs[cell + c] = held[from + c];
    });
    return probs;
  }

  private makeMask(): Uint8Array {
    const allowed = new Uint8Array(this.rows * this.cols);
    const bits = this.scoreBits;
    this.forEachRun((cell, from, count) => {
      for (let c = 0; c < count; c++) {
        if (bits[from + c] !== PICTURE_MASKED_BITS) allowed[cell + c] = 1;
      }
    });
    return allowed;
  }

  private makeScores(): Float32Array {
    const { rows, cols } = this;
    const scores = new Float32Array(rows * cols);
    const words = new Uint32Array(scores.buffer);
    // -inf everywhere, a row at a time (a copy, not a float fill), then the held cells.
    const masked = new Uint32Array(cols).fill(NEG_INF_BITS);
    for (let r = 0; r < rows; r++) words.set(masked, r * cols);
    const bits = this.scoreBits;
    this.forEachRun((cell, from, count) => {
      for (let c = 0; c < count; c++) {
        const value = bits[from + c];
        words[cell + c] = value === PICTURE_MASKED_BITS ? NEG_INF_BITS : value;
      }
    });
    return scores;
  }
}
