import kernelSource from './headPicture.wgsl?raw';
import type { AttentionShape } from '../app/problem';
import type { GpuAttention } from './flexAttention';
import type { KernelProgram } from './programTypes';
import {
  BufferSet,
  bindGroup0,
  checkWorkgroups,
  computePipeline,
  kernelLayout,
  programBindGroup,
  type ProgramWords,
} from './resources';
import type { StageTimer } from './timing';
import { uniformStruct } from './uniformStruct';

export interface PictureCells {
  scores: Float32Array;
  probs: Float32Array;
  /** 1 where allowed: read from the scores, mask_mod asked only where -inf is ambiguous. */
  mask: Uint8Array;
}

/** The picture kernel's parameters (`pp` in headPicture.wgsl), declared once for WGSL and host. */
export const PICTURE_PARAMS = uniformStruct('PictureParams', {
  q_len: 'u32',
  // The picture's b * H + h, its rows and columns, and the query stride between its rows.
  bh: 'u32',
  rows: 'u32',
  cols: 'u32',
  row_stride: 'u32',
  // Where the lse starts in the attention result.
  lse_offset: 'u32',
  // What mask_mod is asked at a -inf cell: the picture's b and h, and the key stride between its
  // columns (with row_stride above, a cell's token indices).
  b: 'u32',
  h: 'u32',
  col_stride: 'u32',
});

/**
 * The kernel's answer at a -inf cell, as two pipeline variants rather than a flag in
 * PictureParams. With a flag the kernel would always contain the program's mask_mod, so every
 * program would compile a picture pipeline of its own, even one that never asks mask_mod. As
 * variants, the usual case (no score_mod, bounded inputs) runs one pipeline with no program in it,
 * compiled once per device and shared by every such program; and that variant cannot evaluate
 * mask_mod at all.
 */
const MASKED_AT_NEG_INF = `// Only the mask writes -inf here: a -inf cell is masked.
fn allowed_at_neg_inf(b: i32, h: i32, q_idx: i32, kv_idx: i32) -> bool {
  return false;
}`;
const ASK_MASK_AT_NEG_INF = `// A score_mod or the inputs can make an allowed score -inf: mask_mod decides.
fn allowed_at_neg_inf(b: i32, h: i32, q_idx: i32, kv_idx: i32) -> bool {
  return mask_mod(b, h, q_idx, kv_idx);
}`;

/** What the variant without a program binds in the program group (the smallest valid buffers). */
const NO_PROGRAM: ProgramWords = {
  paramWords: new Uint32Array(4),
  tensorWords: new Uint32Array(1),
};

/**
 * The picture of the (b, h) on screen: the scores the attention kernel computed (-inf where masked
 * or skipped), their probabilities exp(score - lse) from the lse it wrote, and the mask read from
 * those scores (docs/picture.md). `allowedMayBeNegInf` says whether an allowed cell can hold -inf
 * (app/reference/headPicture.ts decides it, for both engines); only then does the kernel take
 * `program` and evaluate its mask_mod, and only at -inf cells.
 */
export async function runHeadPicture(
  buffers: BufferSet,
  timer: StageTimer,
  shape: AttentionShape,
  attention: GpuAttention,
  program: KernelProgram,
  allowedMayBeNegInf: boolean,
): Promise<PictureCells> {
  const { device } = buffers;
  const { onScreen } = attention;
  // One workgroup per row (headPicture.wgsl).
  checkWorkgroups(device, 'The score picture', [onScreen.rows]);
  const layout = kernelLayout(device, 'headPicture', [
    'uniform',
    'read',
    'read',
    'read_write',
    'read_write',
  ]);
  const code = [
    ...(allowedMayBeNegInf ? [program.wgsl, ASK_MASK_AT_NEG_INF] : [MASKED_AT_NEG_INF]),
    PICTURE_PARAMS.wgsl,
    kernelSource,
  ].join('\n');
  const pipeline = await computePipeline(device, layout, 'headPicture.wgsl', code, 'picture_probs');
  const params = PICTURE_PARAMS.pack({
    q_len: shape.Q,
    bh: onScreen.b * shape.H + onScreen.h,
    rows: onScreen.rows,
    cols: onScreen.cols,
    row_stride: onScreen.rowStride,
    lse_offset: attention.lseOffset,
    b: onScreen.b,
    h: onScreen.h,
    col_stride: onScreen.colStride,
  });
  const cells = onScreen.rows * onScreen.cols;
  const maskRowBytes = 4 * Math.ceil(onScreen.cols / 4);
  const probs = buffers.output('probability picture', 4 * cells);
  const mask = buffers.output('mask picture', maskRowBytes * onScreen.rows);
  const group0 = bindGroup0(device, layout, [
    buffers.uniform('picture parameters', params),
    attention.result,
    attention.picture,
    probs,
    mask,
  ]);
  // The layout always has a program group; the variant without mask_mod binds an empty program.
  const group1 = programBindGroup(buffers, layout, allowedMayBeNegInf ? program : NO_PROGRAM);

  await timer.runStage('picture', [group0, group1], [{ pipeline, workgroups: [onScreen.rows] }]);
  const [scores, p, maskBytes] = await Promise.all([
    buffers.read(attention.picture, 4 * cells),
    buffers.read(probs, 4 * cells),
    buffers.read(mask, maskRowBytes * onScreen.rows),
  ]);
  // Byte j of a mask word is cell 4w + j: WGSL puts a u32's bits 8j..8j+7 in its byte j.
  const allowed = unpadRows(new Uint8Array(maskBytes), onScreen.rows, onScreen.cols, maskRowBytes);
  return { scores: new Float32Array(scores), probs: new Float32Array(p), mask: allowed };
}

/** `rows` rows of `cols` bytes, out of rows that each take `rowBytes` (at least `cols`). */
export function unpadRows(
  padded: Uint8Array,
  rows: number,
  cols: number,
  rowBytes: number,
): Uint8Array {
  if (rowBytes === cols) return padded;
  const out = new Uint8Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    out.set(padded.subarray(r * rowBytes, r * rowBytes + cols), r * cols);
  }
  return out;
}
