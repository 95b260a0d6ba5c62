/**
 * The picture: what is drawn of one (b, h) (docs/picture.md). "View" in flexmask means only
 * which picture is on screen (scores, probabilities, mask, blocks, output); the data drawn is a
 * picture.
 */
import type { AttentionShape } from './shape';

/** The picture is at most this many cells a side; longer sequences are sampled with a stride. */
export const MAX_PICTURE_SIDE = 2048;

/** Which cells of one (b, h) the picture holds: every `stride`-th token, at most a cap a side. */
export interface PictureWindow {
  b: number;
  h: number;
  /** Rows and columns actually held; smaller than Q, KV when the picture is sampled. */
  rows: number;
  cols: number;
  /** Tokens each row / column stands for (1 unless sampled). */
  rowStride: number;
  colStride: number;
}

/** What the picture of one (b, h) is drawn from. */
export interface HeadPicture extends PictureWindow {
  /** [rows, cols]: score after score_mod, -Infinity where masked. */
  scores: Float32Array | Float64Array;
  /** [rows, cols]: exp(score - lse), 0 where masked. */
  probs: Float32Array | Float64Array;
  /** [rows, cols]: 1 where mask_mod allows. */
  mask: Uint8Array;
}

/** Which cells of (b, h) the picture holds: all of them up to MAX_PICTURE_SIDE, else sampled. */
export function pictureWindow(shape: AttentionShape, b: number, h: number): PictureWindow {
  const rowStride = Math.ceil(shape.Q / MAX_PICTURE_SIDE);
  const colStride = Math.ceil(shape.KV / MAX_PICTURE_SIDE);
  return {
    b: Math.min(Math.max(0, b), shape.B - 1),
    h: Math.min(Math.max(0, h), shape.H - 1),
    rows: Math.ceil(shape.Q / rowStride),
    cols: Math.ceil(shape.KV / colStride),
    rowStride,
    colStride,
  };
}
