import kernelSource from './headPicture.wgsl?raw';
import type { AttentionShape } from '../app/problem';
import type { GpuAttention } from './flexAttention';
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

/** The picture's cells as the GPU holds them (gpu/pictureLayout.ts), read back. */
export interface HeldPicture {
  /** Each held cell's score bits, PICTURE_MASKED_BITS where masked. */
  scoreBits: Uint32Array;
  /** Each held cell's probability, 0 where masked. */
  probs: Float32Array;
}

/** The picture kernel's parameters (`pp` in headPicture.wgsl), declared once for WGSL and host. */
export const PICTURE_PARAMS = uniformStruct('PictureParams', {
  q_len: 'u32',
  // The picture's b * H + h, its rows, and the query stride between its rows.
  bh: 'u32',
  rows: 'u32',
  row_stride: 'u32',
  // Where the lse starts in the attention result.
  lse_offset: 'u32',
  // The query blocks, whose header entries say where each row's cells are.
  block_q: 'u32',
  n_q: 'u32',
});

/** The kernel reads no program, but every kernel layout has a program group: the smallest one. */
const NO_PROGRAM: ProgramWords = {
  paramWords: new Uint32Array(4),
  tensorWords: new Uint32Array(1),
};

const F32 = 4;

/**
 * The picture of the (b, h) on screen, from what the attention kernel wrote (docs/picture.md):
 * the probabilities exp(score - lse) of the cells it holds, computed here, and the score bits it
 * wrote, both read back as held (pictureLayout's order; GpuPicture makes the whole picture).
 * The kernel takes no program: one pipeline per device serves every program.
 */
export async function runHeadPicture(
  buffers: BufferSet,
  timer: StageTimer,
  shape: AttentionShape,
  attention: GpuAttention,
): Promise<HeldPicture> {
  const { device } = buffers;
  const { onScreen, pictureLayout } = attention;
  // One workgroup per row (headPicture.wgsl).
  checkWorkgroups(device, 'The score picture', [onScreen.rows]);
  const layout = kernelLayout(device, 'headPicture', ['uniform', 'read', 'read', 'read_write']);
  const code = [PICTURE_PARAMS.wgsl, kernelSource].join('\n');
  const pipeline = await computePipeline(device, layout, 'headPicture.wgsl', code, 'picture_probs');
  const nQ = pictureLayout.header.length / 2;
  const params = PICTURE_PARAMS.pack({
    q_len: shape.Q,
    bh: onScreen.b * shape.H + onScreen.h,
    rows: onScreen.rows,
    row_stride: onScreen.rowStride,
    lse_offset: attention.lseOffset,
    block_q: shape.blockQ,
    n_q: nQ,
  });
  const heldBytes = F32 * pictureLayout.cells;
  const probs = buffers.output('probability picture', heldBytes);
  const group0 = bindGroup0(device, layout, [
    buffers.uniform('picture parameters', params),
    attention.result,
    attention.picture,
    probs,
  ]);
  const group1 = programBindGroup(buffers, layout, NO_PROGRAM);

  await timer.runStage('picture', [group0, group1], [{ pipeline, workgroups: [onScreen.rows] }]);
  if (heldBytes === 0) return { scoreBits: new Uint32Array(0), probs: new Float32Array(0) };
  const [scoreBits, p] = await Promise.all([
    buffers.read(attention.picture, heldBytes, pictureLayout.header.byteLength),
    buffers.read(probs, heldBytes),
  ]);
  return { scoreBits: new Uint32Array(scoreBits), probs: new Float32Array(p) };
}
