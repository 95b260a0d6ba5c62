import kernelSource from './headPicture.wgsl?raw';
import type { AttentionShape } from '../app/problem';
import type { GpuAttention } from './flexAttention';
import { BufferSet, bindGroup0, checkWorkgroups, computePipeline, kernelLayout } from './resources';
import type { StageTimer } from './timing';
import { uniformStruct } from './uniformStruct';

export interface ScoreCells {
  scores: Float32Array;
  probs: Float32Array;
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
});

/**
 * The picture of the (b, h) on screen: the scores the attention kernel computed (-inf where masked)
 * and their probabilities exp(score - lse) from the lse it wrote.
 */
export async function runHeadPicture(
  buffers: BufferSet,
  timer: StageTimer,
  shape: AttentionShape,
  attention: GpuAttention,
): Promise<ScoreCells> {
  const { device } = buffers;
  const { onScreen } = attention;
  const groupsX = Math.ceil(onScreen.cols / 8);
  const groupsY = Math.ceil(onScreen.rows / 8);
  checkWorkgroups(device, 'The score picture', [groupsX, groupsY]);
  const layout = kernelLayout(device, 'headPicture', ['uniform', 'read', 'read', 'read_write']);
  const pipeline = await computePipeline(
    device,
    layout,
    'headPicture.wgsl',
    `${PICTURE_PARAMS.wgsl}\n${kernelSource}`,
    'picture_probs',
  );
  const params = PICTURE_PARAMS.pack({
    q_len: shape.Q,
    bh: onScreen.b * shape.H + onScreen.h,
    rows: onScreen.rows,
    cols: onScreen.cols,
    row_stride: onScreen.rowStride,
    lse_offset: attention.lseOffset,
  });
  const cells = onScreen.rows * onScreen.cols;
  const probs = buffers.output('probability picture', 4 * cells);
  const group0 = bindGroup0(device, layout, [
    buffers.uniform('picture parameters', params),
    attention.result,
    attention.picture,
    probs,
  ]);
  // The kernel has no program, but the shared layout has a program group: bind an empty program.
  const group1 = device.createBindGroup({
    layout: layout.group1,
    entries: [
      { binding: 0, resource: { buffer: buffers.uniform('no parameters', new Uint32Array(4)) } },
      { binding: 1, resource: { buffer: buffers.storage('no tensors', new Uint32Array(1)) } },
    ],
  });

  await timer.runStage('picture', [group0, group1], [{ pipeline, workgroups: [groupsX, groupsY] }]);
  const [scores, p] = await Promise.all([
    buffers.read(attention.picture, 4 * cells),
    buffers.read(probs, 4 * cells),
  ]);
  return { scores: new Float32Array(scores), probs: new Float32Array(p) };
}
