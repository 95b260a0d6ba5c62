import kernelSource from './headPicture.wgsl?raw';
import type { AttentionShape } from '../app/problem';
import type { GpuAttention } from './flexAttention';
import { BufferSet, bindGroup0, checkWorkgroups, computePipeline, kernelLayout } from './resources';
import type { StageTimer } from './timing';

export interface ScoreCells {
  scores: Float32Array;
  probs: Float32Array;
}

/**
 * The picture of the viewed (b, h): the scores the attention kernel computed (-inf where masked)
 * and their probabilities exp(score - lse) from the lse it wrote.
 */
export async function runHeadPicture(
  buffers: BufferSet,
  timer: StageTimer,
  shape: AttentionShape,
  attention: GpuAttention,
): Promise<ScoreCells> {
  const { device } = buffers;
  const { view } = attention;
  const groupsX = Math.ceil(view.cols / 8);
  const groupsY = Math.ceil(view.rows / 8);
  checkWorkgroups(device, 'The score picture', [groupsX, groupsY]);
  const layout = kernelLayout(device, 'headPicture', ['uniform', 'read', 'read', 'read_write']);
  const pipeline = await computePipeline(
    device,
    layout,
    'headPicture.wgsl',
    kernelSource,
    'view_probs',
  );
  const params = new Uint32Array([
    shape.Q,
    view.b * shape.H + view.h,
    view.rows,
    view.cols,
    view.rowStride,
    attention.lseOffset,
    0,
    0,
  ]);
  const cells = view.rows * view.cols;
  const probs = buffers.output('probability picture', 4 * cells);
  const group0 = bindGroup0(device, layout, [
    buffers.uniform('view parameters', params),
    attention.result,
    attention.picture,
    probs,
  ]);
  // The kernel has no program, but the shared layout has a group 1: bind an empty program.
  const group1 = device.createBindGroup({
    layout: layout.group1,
    entries: [
      { binding: 0, resource: { buffer: buffers.uniform('no parameters', new Uint32Array(4)) } },
      { binding: 1, resource: { buffer: buffers.storage('no tensors', new Uint32Array(1)) } },
    ],
  });

  await timer.runStage('view', [group0, group1], [{ pipeline, workgroups: [groupsX, groupsY] }]);
  const [scores, p] = await Promise.all([
    buffers.read(attention.picture, 4 * cells),
    buffers.read(probs, 4 * cells),
  ]);
  return { scores: new Float32Array(scores), probs: new Float32Array(p) };
}
