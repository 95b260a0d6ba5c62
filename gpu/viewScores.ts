import kernelSource from './viewScores.wgsl?raw';
import type { AttentionShape } from '../app/engine/types';
import { NEG_INF_BITS, type GpuAttention } from './flexAttention';
import type { KernelProgram, ViewWindow } from './programTypes';
import {
  BufferSet,
  bindGroup0,
  checkWorkgroups,
  computePipeline,
  kernelLayout,
  programBindGroup,
} from './resources';
import type { StageTimer } from './timing';

export interface ScoreCells {
  scores: Float32Array;
  probs: Float32Array;
}

/** Scores and probabilities of the viewed (b, h), from the lse the attention kernel wrote. */
export async function runViewScores(
  buffers: BufferSet,
  timer: StageTimer,
  program: KernelProgram,
  shape: AttentionShape,
  qk: { q: GPUBuffer; k: GPUBuffer },
  attention: GpuAttention,
  view: ViewWindow,
): Promise<ScoreCells> {
  const { device } = buffers;
  const groupsX = Math.ceil(view.cols / 8);
  const groupsY = Math.ceil(view.rows / 8);
  checkWorkgroups(device, 'The score picture', [groupsX, groupsY]);
  const layout = kernelLayout(device, 'viewScores', [
    'uniform',
    'read',
    'read',
    'read',
    'read_write',
    'read_write',
  ]);
  const code = `${program.wgsl}\nconst HEAD_DIM: u32 = ${Math.trunc(shape.D)}u;\n${kernelSource}`;
  const pipeline = await computePipeline(device, layout, 'viewScores.wgsl', code, 'view_scores');

  const params = new ArrayBuffer(64);
  const words = new Uint32Array(params);
  words.set([
    shape.H,
    shape.HKV,
    shape.Q,
    shape.KV,
    view.b,
    view.h,
    view.rows,
    view.cols,
    view.rowStride,
    view.colStride,
    attention.lseOffset,
  ]);
  new Float32Array(params, 11 * 4, 1)[0] = shape.scale ?? 1 / Math.sqrt(shape.D);
  words[12] = NEG_INF_BITS;
  const cells = view.rows * view.cols;
  const scores = buffers.output('score picture', 4 * cells);
  const probs = buffers.output('probability picture', 4 * cells);
  const group0 = bindGroup0(device, layout, [
    buffers.uniform('view parameters', words),
    qk.q,
    qk.k,
    attention.result,
    scores,
    probs,
  ]);
  const group1 = programBindGroup(buffers, layout, program);

  const encoder = device.createCommandEncoder({ label: 'viewScores' });
  const pass = encoder.beginComputePass(timer.passDescriptor('view'));
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, group0);
  pass.setBindGroup(1, group1);
  pass.dispatchWorkgroups(groupsX, groupsY);
  pass.end();
  await timer.submit('view', encoder.finish());
  const [s, p] = await Promise.all([
    buffers.read(scores, 4 * cells),
    buffers.read(probs, 4 * cells),
  ]);
  return { scores: new Float32Array(s), probs: new Float32Array(p) };
}
