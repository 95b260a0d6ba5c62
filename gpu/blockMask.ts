import kernelSource from './blockMask.wgsl?raw';
import type { BlockMaskData, PictureWindow } from '../app/problem';
import type { BlockMaskProgram } from './programTypes';
import {
  BufferSet,
  bindGroup0,
  checkWorkgroups,
  computePipeline,
  kernelLayout,
  programBindGroup,
} from './resources';
import type { StageTimer } from './timing';

/** The sizes of a BlockMask build. `B`, `H` are the mask's (1 where it ignores b or h). */
export interface BlockMaskSizes {
  B: number;
  H: number;
  Q: number;
  KV: number;
  blockQ: number;
  blockKV: number;
}

/** The eight int32 regions of the block-list buffer, in PyTorch's field order. */
export interface ListOffsets {
  kvNum: number;
  kvIdx: number;
  fullKvNum: number;
  fullKvIdx: number;
  qNum: number;
  qIdx: number;
  fullQNum: number;
  fullQIdx: number;
  total: number;
}

export function listOffsets(s: BlockMaskSizes): ListOffsets {
  const nQ = Math.ceil(s.Q / s.blockQ);
  const nKV = Math.ceil(s.KV / s.blockKV);
  const rows = s.B * s.H * nQ;
  const cols = s.B * s.H * nKV;
  const kvNum = 0;
  const kvIdx = kvNum + rows;
  const fullKvNum = kvIdx + rows * nKV;
  const fullKvIdx = fullKvNum + rows;
  const qNum = fullKvIdx + rows * nKV;
  const qIdx = qNum + cols;
  const fullQNum = qIdx + cols * nQ;
  const fullQIdx = fullQNum + cols;
  const total = fullQIdx + cols * nQ;
  return { kvNum, kvIdx, fullKvNum, fullKvIdx, qNum, qIdx, fullQNum, fullQIdx, total };
}

/** The block lists left on the GPU for the attention kernel, and how to read them back. */
export interface GpuBlockMask {
  sizes: BlockMaskSizes;
  nQ: number;
  nKV: number;
  offsets: ListOffsets;
  lists: GPUBuffer;
  dense: GPUBuffer;
  view: PictureWindow;
}

const LAYOUT_KEY = 'blockMask';

/**
 * `fm_subgroup_any` for the classify kernel: a subgroup-wide OR where the adapter has subgroups
 * (never assuming a subgroup size), the identity where it has not. The `enable` directive must
 * open the module, before the program's declarations.
 */
export function subgroupPrelude(useSubgroups: boolean): { enable: string; functions: string } {
  return useSubgroups
    ? {
        enable: 'enable subgroups;',
        functions: 'fn fm_subgroup_any(x: bool) -> bool {\n  return subgroupAny(x);\n}',
      }
    : { enable: '', functions: 'fn fm_subgroup_any(x: bool) -> bool {\n  return x;\n}' };
}

/**
 * Classifies every block and writes PyTorch's layout, then samples the dense mask of the viewed
 * (b, h). One compute pass (one timed stage) with four dispatches in order.
 */
export async function buildBlockMask(
  buffers: BufferSet,
  timer: StageTimer,
  program: BlockMaskProgram,
  sizes: BlockMaskSizes,
  view: PictureWindow,
  options: { subgroups?: boolean } = {},
): Promise<GpuBlockMask> {
  const { device } = buffers;
  const nQ = Math.ceil(sizes.Q / sizes.blockQ);
  const nKV = Math.ceil(sizes.KV / sizes.blockKV);
  const bh = sizes.B * sizes.H;
  checkWorkgroups(device, 'Classifying blocks', [nKV, nQ, bh]);
  checkWorkgroups(device, 'The mask picture', [Math.ceil(view.cols / 8), Math.ceil(view.rows / 8)]);
  const offsets = listOffsets(sizes);

  const layout = kernelLayout(device, LAYOUT_KEY, [
    'uniform',
    'read_write',
    'read_write',
    'read_write',
  ]);
  // Subgroups where the device has them, unless the caller asks for the path without.
  const prelude = subgroupPrelude(device.features.has('subgroups') && options.subgroups !== false);
  const code = [
    prelude.enable,
    program.wgsl,
    program.wgslBounds,
    prelude.functions,
    kernelSource,
  ].join('\n');
  const [classify, kvLayout, qLayout, denseView] = await Promise.all(
    ['classify', 'kv_layout', 'q_layout', 'dense_view'].map((entry) =>
      computePipeline(device, layout, 'blockMask.wgsl', code, entry),
    ),
  );

  const params = new Uint32Array([
    sizes.Q,
    sizes.KV,
    sizes.blockQ,
    sizes.blockKV,
    nQ,
    nKV,
    sizes.B,
    sizes.H,
    offsets.kvNum,
    offsets.kvIdx,
    offsets.fullKvNum,
    offsets.fullKvIdx,
    offsets.qNum,
    offsets.qIdx,
    offsets.fullQNum,
    offsets.fullQIdx,
    view.b,
    view.h,
    view.rows,
    view.cols,
    view.rowStride,
    view.colStride,
    0,
    0,
  ]);
  const uniform = buffers.uniform('blockMask parameters', params);
  const classes = buffers.output('block classes', bh * nQ * nKV * 4);
  const lists = buffers.output('BlockMask lists', offsets.total * 4);
  const dense = buffers.output('mask picture', view.rows * view.cols * 4);
  const group0 = bindGroup0(device, layout, [uniform, classes, lists, dense]);
  const group1 = programBindGroup(buffers, layout, program);

  await timer.runStage(
    'blockMask',
    [group0, group1],
    [
      { pipeline: classify, workgroups: [nKV, nQ, bh] },
      { pipeline: kvLayout, workgroups: [Math.ceil((bh * nQ) / 64)] },
      { pipeline: qLayout, workgroups: [Math.ceil((bh * nKV) / 64)] },
      { pipeline: denseView, workgroups: [Math.ceil(view.cols / 8), Math.ceil(view.rows / 8)] },
    ],
  );
  return { sizes, nQ, nKV, offsets, lists, dense, view };
}

/** Reads the block lists back into PyTorch's fields. */
export async function readBlockMask(buffers: BufferSet, gpu: GpuBlockMask): Promise<BlockMaskData> {
  const all = new Int32Array(await buffers.read(gpu.lists, gpu.offsets.total * 4));
  const { offsets: o, sizes: s, nQ, nKV } = gpu;
  const region = (start: number, end: number) => all.slice(start, end);
  return {
    B: s.B,
    H: s.H,
    Q: s.Q,
    KV: s.KV,
    blockQ: s.blockQ,
    blockKV: s.blockKV,
    nQ,
    nKV,
    kvNumBlocks: region(o.kvNum, o.kvIdx),
    kvIndices: region(o.kvIdx, o.fullKvNum),
    fullKvNumBlocks: region(o.fullKvNum, o.fullKvIdx),
    fullKvIndices: region(o.fullKvIdx, o.qNum),
    qNumBlocks: region(o.qNum, o.qIdx),
    qIndices: region(o.qIdx, o.fullQNum),
    fullQNumBlocks: region(o.fullQNum, o.fullQIdx),
    fullQIndices: region(o.fullQIdx, o.total),
  };
}

/** Reads the sampled 0/1 mask of the viewed (b, h). */
export async function readDenseMask(buffers: BufferSet, gpu: GpuBlockMask): Promise<Uint8Array> {
  const words = new Uint32Array(await buffers.read(gpu.dense, gpu.view.rows * gpu.view.cols * 4));
  // set() converts in one native loop; Uint8Array.from would iterate 4M cells in script.
  const mask = new Uint8Array(words.length);
  mask.set(words);
  return mask;
}
