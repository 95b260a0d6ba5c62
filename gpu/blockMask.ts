import kernelSource from './blockMask.wgsl?raw';
import type { BlockMaskData } from '../app/problem';
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
import { uniformStruct, type StructFields, type StructValues } from './uniformStruct';

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
}

const LAYOUT_KEY = 'blockMask';

/**
 * The BlockMask's grid as the kernels read it: sequence lengths, block sizes, block counts and the
 * mask's own batch and heads. The BlockMask kernels build the lists on it and the attention kernel
 * walks them by it, so both parameter structs hold these fields.
 */
export const BLOCK_GRID_FIELDS = {
  q_len: 'u32',
  kv_len: 'u32',
  block_q: 'u32',
  block_kv: 'u32',
  n_q: 'u32',
  n_kv: 'u32',
  // The mask's batch and heads (1 where it ignores b or h).
  mask_b: 'u32',
  mask_h: 'u32',
} as const satisfies StructFields;

/** The values of BLOCK_GRID_FIELDS for the grid `mask` was (or is being) built on. */
export function blockGridValues(
  mask: Pick<GpuBlockMask, 'sizes' | 'nQ' | 'nKV'>,
): StructValues<typeof BLOCK_GRID_FIELDS> {
  const { sizes } = mask;
  return {
    q_len: sizes.Q,
    kv_len: sizes.KV,
    block_q: sizes.blockQ,
    block_kv: sizes.blockKV,
    n_q: mask.nQ,
    n_kv: mask.nKV,
    mask_b: sizes.B,
    mask_h: sizes.H,
  };
}

/**
 * The BlockMask kernels' parameters (`bp` in blockMask.wgsl), declared once: the WGSL struct and
 * the packing both come from here. Uniforms, not `override` constants, so that the pipelines of a
 * program serve every shape.
 */
export const BLOCK_MASK_PARAMS = uniformStruct('BlockMaskParams', {
  ...BLOCK_GRID_FIELDS,
  // Offsets, in i32 words, of the eight regions of `lists` (PyTorch's field order).
  off_kv_num: 'u32',
  off_kv_idx: 'u32',
  off_full_kv_num: 'u32',
  off_full_kv_idx: 'u32',
  off_q_num: 'u32',
  off_q_idx: 'u32',
  off_full_q_num: 'u32',
  off_full_q_idx: 'u32',
});

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
 * Classifies every block and writes PyTorch's layout. One compute pass (one timed stage) with three
 * dispatches in order. (The mask picture is what the attention kernel decides at the cells it
 * visits afterwards: gpu/pictureLayout.ts.)
 */
export async function buildBlockMask(
  buffers: BufferSet,
  timer: StageTimer,
  program: BlockMaskProgram,
  sizes: BlockMaskSizes,
  options: { subgroups?: boolean } = {},
): Promise<GpuBlockMask> {
  const { device } = buffers;
  const nQ = Math.ceil(sizes.Q / sizes.blockQ);
  const nKV = Math.ceil(sizes.KV / sizes.blockKV);
  const bh = sizes.B * sizes.H;
  checkWorkgroups(device, 'Classifying blocks', [nKV, nQ, bh]);
  const offsets = listOffsets(sizes);

  const layout = kernelLayout(device, LAYOUT_KEY, ['uniform', 'read_write', 'read_write']);
  // Subgroups where the device has them, unless the caller asks for the path without.
  const prelude = subgroupPrelude(device.features.has('subgroups') && options.subgroups !== false);
  const code = [
    prelude.enable,
    program.wgsl,
    program.wgslBounds,
    prelude.functions,
    BLOCK_MASK_PARAMS.wgsl,
    kernelSource,
  ].join('\n');
  const [classify, kvLayout, qLayout] = await Promise.all(
    ['classify', 'kv_layout', 'q_layout'].map((entry) =>
      computePipeline(device, layout, 'blockMask.wgsl', code, entry),
    ),
  );

  const params = BLOCK_MASK_PARAMS.pack({
    ...blockGridValues({ sizes, nQ, nKV }),
    off_kv_num: offsets.kvNum,
    off_kv_idx: offsets.kvIdx,
    off_full_kv_num: offsets.fullKvNum,
    off_full_kv_idx: offsets.fullKvIdx,
    off_q_num: offsets.qNum,
    off_q_idx: offsets.qIdx,
    off_full_q_num: offsets.fullQNum,
    off_full_q_idx: offsets.fullQIdx,
  });
  const uniform = buffers.uniform('blockMask parameters', params);
  const classes = buffers.output('block classes', bh * nQ * nKV * 4);
  const lists = buffers.output('BlockMask lists', offsets.total * 4);
  const group0 = bindGroup0(device, layout, [uniform, classes, lists]);
  const group1 = programBindGroup(buffers, layout, program);

  await timer.runStage(
    'blockMask',
    [group0, group1],
    [
      { pipeline: classify, workgroups: [nKV, nQ, bh] },
      { pipeline: kvLayout, workgroups: [Math.ceil((bh * nQ) / 64)] },
      { pipeline: qLayout, workgroups: [Math.ceil((bh * nKV) / 64)] },
    ],
  );
  return { sizes, nQ, nKV, offsets, lists };
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
