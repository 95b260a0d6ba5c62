import { describe, expect, it } from 'vitest';
// Here, not beside gpu/pictureLayout.ts: gpu/ may not import the reference, whose exact
// BlockMask these tests lay the picture out on.
import type { BlockMaskData, PictureWindow } from '../problem';
import { createBlockMask } from '../reference';
import type { MaskFn } from '../reference/types';
import {
  GpuPicture,
  pictureLayout,
  PICTURE_MASKED_BITS,
  type PictureLayout,
} from '../../gpu/pictureLayout';

/** A window of (b, h) with the given strides over Q x KV tokens. */
function window(Q: number, KV: number, rowStride = 1, colStride = 1, b = 0, h = 0): PictureWindow {
  return {
    b,
    h,
    rows: Math.ceil(Q / rowStride),
    cols: Math.ceil(KV / colStride),
    rowStride,
    colStride,
  };
}

/**
 * What the attention kernel writes, by its own indexing (flexAttention.wgsl): for the picture
 * row r of query block qb, the cell of key kv in visited block kb sits at
 * header[2 qb] + (r - first row of qb) * header[2 qb + 1] + (cells of the blocks visited before
 * kb) + (kv / colStride - first column of kb). Each cell holds the score's bits where `allowed`,
 * PICTURE_MASKED_BITS where not; probabilities are the score plus 1000, to tell them apart.
 */
function kernelWrites(
  mask: BlockMaskData,
  win: PictureWindow,
  layout: PictureLayout,
  allowed: MaskFn,
  score: (q: number, kv: number) => number,
) {
  const bits = new Uint32Array(layout.cells).fill(0xdeadbeef);
  const values = new Float32Array(bits.buffer);
  const probs = new Float32Array(layout.cells).fill(-1);
  const row = ((win.b % mask.B) * mask.H + (win.h % mask.H)) * mask.nQ;
  for (let qb = 0; qb < mask.nQ; qb++) {
    const firstRow = Math.ceil((qb * mask.blockQ) / win.rowStride);
    const list = (num: Int32Array, idx: Int32Array) =>
      Array.from(idx.subarray((row + qb) * mask.nKV, (row + qb) * mask.nKV + num[row + qb]));
    const visited = [
      ...list(mask.kvNumBlocks, mask.kvIndices),
      ...list(mask.fullKvNumBlocks, mask.fullKvIndices),
    ];
    for (let q = qb * mask.blockQ; q < Math.min((qb + 1) * mask.blockQ, mask.Q); q++) {
      if (q % win.rowStride !== 0) continue;
      let before = 0;
      for (const kb of visited) {
        const first = kb * mask.blockKV;
        const stop = Math.min(first + mask.blockKV, mask.KV);
        const firstColumn = Math.ceil(first / win.colStride);
        for (let kv = first; kv < stop; kv++) {
          if (kv % win.colStride !== 0) continue;
          const at =
            layout.header[2 * qb] +
            (q / win.rowStride - firstRow) * layout.header[2 * qb + 1] +
            before +
            (kv / win.colStride - firstColumn);
          if (allowed(win.b, win.h, q, kv)) {
            values[at] = score(q, kv);
            probs[at] = score(q, kv) + 1000;
          } else {
            bits[at] = PICTURE_MASKED_BITS;
            probs[at] = 0;
          }
        }
        before += Math.ceil(stop / win.colStride) - firstColumn;
      }
    }
  }
  return { bits, probs };
}

const causal: MaskFn = (_b, _h, q, kv) => q >= kv;
const windowed: MaskFn = (_b, h, q, kv) => q >= kv && q - kv < 7 + h;
const score = (q: number, kv: number) => q * 0.25 - kv;

describe('the block-sparse picture', () => {
  it('holds the cells of visited blocks only, each written once, and expands to the whole picture', async () => {
    for (const [fn, B, H, Q, KV, bq, bkv, rs, cs, h] of [
      [causal, 1, 1, 37, 41, 8, 16, 1, 1, 0],
      [windowed, 1, 2, 37, 41, 8, 16, 1, 1, 1],
      [windowed, 1, 2, 100, 90, 16, 8, 2, 3, 1],
      [causal, 1, 1, 64, 64, 1, 1, 1, 1, 0],
      [windowed, 1, 1, 50, 60, 4, 4, 3, 5, 0],
    ] as const) {
      const mask = createBlockMask(fn, B, H, Q, KV, bq, bkv);
      const win = window(Q, KV, rs, cs, 0, h);
      const layout = pictureLayout(mask, win);
      const { bits, probs } = kernelWrites(mask, win, layout, fn, score);
      const where = `Q=${Q} KV=${KV} blocks ${bq}x${bkv} strides ${rs}x${cs}`;
      // Every held cell is written (none keeps the fill), so the layout has no gaps or overlaps.
      expect(
        Array.from(probs).filter((p) => p < 0),
        where,
      ).toEqual([]);
      const picture = new GpuPicture(mask, win, layout, bits, probs);
      for (let r = 0; r < win.rows; r++) {
        for (let c = 0; c < win.cols; c++) {
          const [q, kv] = [r * rs, c * cs];
          const cell = r * win.cols + c;
          const ok = fn(0, h, q, kv);
          expect(
            [picture.mask[cell], picture.scores[cell], picture.probs[cell]],
            `${where} (${q}, ${kv})`,
          ).toEqual(
            ok
              ? [1, Math.fround(score(q, kv)), Math.fround(score(q, kv) + 1000)]
              : [0, -Infinity, 0],
          );
        }
      }
    }
  });

  it('holds as many cells as the visited blocks have, far fewer than the picture for a window', () => {
    const mask = createBlockMask(windowed, 1, 1, 2048, 2048, 128, 128);
    const layout = pictureLayout(mask, window(2048, 2048));
    // Each query block visits its own block and the one before it (the first block: one).
    expect(layout.cells).toBe(128 * 128 * (2 * 16 - 1));
    expect(layout.cells / 2048 ** 2).toBeLessThan(0.125);
    const empty = createBlockMask(() => false, 1, 1, 300, 300, 128, 128);
    expect(pictureLayout(empty, window(300, 300)).cells).toBe(0);
  });

  it('reads the lists of the (b, h) on screen, broadcasting a mask without a head dimension', () => {
    // Head h's window reaches 8 h + 3 keys back: head 2 visits more blocks than head 0.
    const widening: MaskFn = (_b, h, q, kv) => q >= kv && q - kv < 4 + 8 * h;
    const perHead = createBlockMask(widening, 1, 3, 64, 64, 8, 8);
    const shared = createBlockMask(causal, 1, 1, 64, 64, 8, 8);
    const cellsOf = (mask: BlockMaskData, h: number) =>
      pictureLayout(mask, window(64, 64, 1, 1, 0, h)).cells;
    expect(cellsOf(perHead, 2)).toBeGreaterThan(cellsOf(perHead, 0));
    expect(cellsOf(shared, 2)).toBe(cellsOf(shared, 0));
    // Causal: query block k visits k + 1 blocks of 8 x 8 cells.
    expect(cellsOf(shared, 0)).toBe(64 * (1 + 2 + 3 + 4 + 5 + 6 + 7 + 8));
  });

  it('keeps an allowed NaN score apart from a masked cell', async () => {
    const mask = createBlockMask(causal, 1, 1, 4, 4, 4, 4);
    const win = window(4, 4);
    const layout = pictureLayout(mask, win);
    const { bits, probs } = kernelWrites(mask, win, layout, causal, () => NaN);
    const picture = new GpuPicture(mask, win, layout, bits, probs);
    expect(Array.from(picture.mask)).toEqual([1, 0, 0, 0, 1, 1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 1]);
    expect(Number.isNaN(picture.scores[0])).toBe(true);
    expect(picture.scores[1]).toBe(-Infinity);
  });

  it('refuses a window whose rows and columns are not what its strides give', () => {
    const mask = createBlockMask(causal, 1, 1, 64, 64, 8, 8);
    const oneCell = { b: 0, h: 0, rows: 1, cols: 1, rowStride: 1, colStride: 1 };
    expect(() => pictureLayout(mask, oneCell)).toThrow(/does not cover 64 x 64 tokens/);
    const layout = pictureLayout(mask, { ...oneCell, rowStride: 64, colStride: 64 });
    expect(layout.cells).toBe(1);
  });

  it('makes each array once: every read gives the same array (figures key their work on it)', () => {
    const mask = createBlockMask(causal, 1, 1, 40, 40, 8, 8);
    const win = window(40, 40);
    const layout = pictureLayout(mask, win);
    const { bits, probs } = kernelWrites(mask, win, layout, causal, score);
    const picture = new GpuPicture(mask, win, layout, bits, probs);
    expect(picture.mask).toBe(picture.mask);
    expect(picture.scores).toBe(picture.scores);
    expect(picture.probs).toBe(picture.probs);
    expect([picture.b, picture.h, picture.rows, picture.cols]).toEqual([0, 0, 40, 40]);
  });
});
