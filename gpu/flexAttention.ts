import kernelSource from './flexAttention.wgsl?raw';
import type { AttentionShape, PictureWindow } from '../app/problem';
import { BLOCK_GRID_FIELDS, blockGridValues, type GpuBlockMask } from './blockMask';
import type { KernelProgram } from './programTypes';
import {
  BufferSet,
  GpuLimitError,
  bindGroup0,
  checkWorkgroups,
  computePipeline,
  kernelLayout,
  programBindGroup,
} from './resources';
import type { StageTimer } from './timing';
import { uniformStruct } from './uniformStruct';

/** Query rows per workgroup (one invocation each) and keys per chunk staged in workgroup memory. */
export interface AttentionTiles {
  TQ: number;
  TK: number;
}

const F32 = 4;
/** The IEEE-754 bits of -Infinity as f32. */
export const NEG_INF_BITS = 0xff800000;

function workgroupBytes(t: AttentionTiles, D: number, DV: number): number {
  return 16 * t.TK * (Math.ceil(D / 4) + Math.ceil(DV / 4)) + 8;
}

/**
 * Picks the tile from the adapter's limits: up to 64 rows (never more than a query block holds,
 * since a tile never straddles two blocks) and as many staged keys as workgroup memory allows.
 */
export function chooseTiles(
  limits: Pick<
    GPUSupportedLimits,
    | 'maxComputeWorkgroupStorageSize'
    | 'maxComputeInvocationsPerWorkgroup'
    | 'maxComputeWorkgroupSizeX'
  >,
  shape: Pick<AttentionShape, 'D' | 'DV' | 'blockQ' | 'blockKV'>,
): AttentionTiles {
  const maxRows = Math.min(
    limits.maxComputeInvocationsPerWorkgroup,
    limits.maxComputeWorkgroupSizeX,
  );
  const tiles: AttentionTiles = {
    TQ: Math.min(64, shape.blockQ, maxRows),
    TK: Math.min(32, shape.blockKV),
  };
  while (workgroupBytes(tiles, shape.D, shape.DV) > limits.maxComputeWorkgroupStorageSize) {
    if (tiles.TK === 1) {
      throw new GpuLimitError(
        `Head dimensions D=${shape.D}, DV=${shape.DV} need ${workgroupBytes(tiles, shape.D, shape.DV)} ` +
          `bytes of workgroup memory even for one staged key, but this GPU's ` +
          `maxComputeWorkgroupStorageSize is ${limits.maxComputeWorkgroupStorageSize}.`,
      );
    }
    tiles.TK = Math.ceil(tiles.TK / 2);
  }
  return tiles;
}

/**
 * Unrolls the kernel's short loops over vec4 columns (`for (var c = 0u; c < D4; c++) { one
 * statement }`), so that `c` becomes a constant and the q registers and the accumulator can stay
 * in registers instead of being indexed dynamically. The text is the kernel's own, never a
 * user's; only numbers the host computed are substituted.
 */
export function unrollColumnLoops(source: string, counts: Record<'D4' | 'DV4', number>): string {
  const loop = /for \(var c = 0u; c < (D4|DV4); c\+\+\) \{\n(\s*)([^\n]*;)\n\s*\}/g;
  return source.replace(loop, (_match, bound: 'D4' | 'DV4', indent: string, body: string) =>
    Array.from({ length: counts[bound] }, (_, k) => body.replace(/\bc\b/g, `${k}u`)).join(
      `\n${indent}`,
    ),
  );
}

/**
 * The kernel's run-time parameters (`ap` in flexAttention.wgsl), declared once: the WGSL struct
 * and the packing both come from here. They stay uniforms rather than `override` constants so
 * that a pipeline built for a program serves every sequence length, batch and picture window.
 */
export const ATTENTION_PARAMS = uniformStruct('AttentionParams', {
  batch: 'u32',
  heads: 'u32',
  kv_heads: 'u32',
  ...BLOCK_GRID_FIELDS,
  tiles_per_block: 'u32',
  // Offsets, in i32 words, of the kv-side regions of the BlockMask lists.
  off_kv_num: 'u32',
  off_kv_idx: 'u32',
  off_full_num: 'u32',
  off_full_idx: 'u32',
  scale: 'f32',
  lse_offset: 'u32',
  // The bits of -inf, passed at run time: a constant -inf does not compile in WGSL.
  neg_inf_bits: 'u32',
  // The picture: which b * H + h, its rows and columns, and the token stride of each.
  picture_bh: 'u32',
  picture_rows: 'u32',
  picture_cols: 'u32',
  picture_row_stride: 'u32',
  picture_col_stride: 'u32',
  // The first b * H + h of this dispatch: a run may dispatch the head on screen, then the rest.
  first_bh: 'u32',
});

/** The kernel's compile-time constants, written by the host from validated integers. */
function constants(tiles: AttentionTiles, shape: AttentionShape, debug: boolean): string {
  const u = (name: string, value: number) => `const ${name}: u32 = ${Math.trunc(value)}u;`;
  return [
    u('TQ', tiles.TQ),
    u('TK', tiles.TK),
    u('HEAD_DIM', shape.D),
    u('VALUE_DIM', shape.DV),
    u('D4', Math.ceil(shape.D / 4)),
    u('DV4', Math.ceil(shape.DV / 4)),
    `const DEBUG_COUNTS: bool = ${debug ? 'true' : 'false'};`,
  ].join('\n');
}

export interface GpuAttention {
  /** out [B, H, Q, DV] then lse [B, H, Q], f32. */
  result: GPUBuffer;
  lseOffset: number;
  /** The scores of the (b, h) on screen the kernel computed, -inf where masked or skipped. */
  picture: GPUBuffer;
  /** Which cells of that (b, h) the picture holds. */
  onScreen: PictureWindow;
  /** Debug build only: per (b*h, tile) [blocks visited, mask_mod calls]. */
  counters: GPUBuffer | null;
  tiles: AttentionTiles;
  tilesPerBlock: number;
}

export interface AttentionOptions {
  /** Build the counting variant of the kernel (for tests that prove skipping). */
  debugCounts?: boolean;
  tiles?: AttentionTiles;
  /** false: keep the kernel's vec4 column loops rolled (to compare kernel versions in a bench). */
  unroll?: boolean;
  /** Which b * H + h to compute, as [first, first + count); every one when absent. */
  heads?: { first: number; count: number };
}

export async function runFlexAttention(
  buffers: BufferSet,
  timer: StageTimer,
  program: KernelProgram,
  shape: AttentionShape,
  qkv: { q: GPUBuffer; k: GPUBuffer; v: GPUBuffer },
  blockMask: GpuBlockMask,
  onScreen: PictureWindow,
  options: AttentionOptions = {},
): Promise<GpuAttention> {
  const { device } = buffers;
  const debug = options.debugCounts ?? false;
  const tiles = options.tiles ?? chooseTiles(device.limits, shape);
  const tilesPerBlock = Math.ceil(shape.blockQ / tiles.TQ);
  const nTiles = blockMask.nQ * tilesPerBlock;
  const bh = shape.B * shape.H;
  checkWorkgroups(device, 'Attention', [nTiles, bh]);

  const layout = kernelLayout(device, 'flexAttention', [
    'uniform',
    'read',
    'read',
    'read',
    'read',
    'read_write',
    'read_write',
    'read_write',
  ]);
  const unrolled =
    (options.unroll ?? true)
      ? unrollColumnLoops(kernelSource, {
          D4: Math.ceil(shape.D / 4),
          DV4: Math.ceil(shape.DV / 4),
        })
      : kernelSource;
  const code = [program.wgsl, constants(tiles, shape, debug), ATTENTION_PARAMS.wgsl, unrolled].join(
    '\n',
  );
  const pipeline = await computePipeline(device, layout, 'flexAttention.wgsl', code, 'attend');

  const outLength = bh * shape.Q * shape.DV;
  const result = buffers.output('attention output and lse', F32 * (outLength + bh * shape.Q));
  const counters = buffers.output('debug counters', debug ? F32 * 2 * nTiles * bh : 4);
  const cells = onScreen.rows * onScreen.cols;
  // Skipped blocks are all masked, so the picture starts as -inf and the kernel fills the rest.
  const picture = await buffers.storageSliced(
    'score picture',
    new Float32Array(cells).fill(-Infinity),
    GPUBufferUsage.COPY_SRC,
  );
  const o = blockMask.offsets;
  const params = ATTENTION_PARAMS.pack({
    batch: shape.B,
    heads: shape.H,
    kv_heads: shape.HKV,
    // The grid the lists were built on: the same lengths and block sizes as `shape`.
    ...blockGridValues(blockMask),
    tiles_per_block: tilesPerBlock,
    off_kv_num: o.kvNum,
    off_kv_idx: o.kvIdx,
    off_full_num: o.fullKvNum,
    off_full_idx: o.fullKvIdx,
    scale: shape.scale ?? 1 / Math.sqrt(shape.D),
    lse_offset: outLength,
    neg_inf_bits: NEG_INF_BITS,
    picture_bh: onScreen.b * shape.H + onScreen.h,
    picture_rows: onScreen.rows,
    picture_cols: onScreen.cols,
    picture_row_stride: onScreen.rowStride,
    picture_col_stride: onScreen.colStride,
    first_bh: 0,
  });
  const uniform = buffers.uniform('attention parameters', params);
  const group0 = bindGroup0(device, layout, [
    uniform,
    qkv.q,
    qkv.k,
    qkv.v,
    blockMask.lists,
    result,
    picture,
    counters,
  ]);
  const group1 = programBindGroup(buffers, layout, program);

  await timer.runStage('attention', [group0, group1], [{ pipeline, workgroups: [nTiles, bh] }]);
  return {
    result,
    lseOffset: outLength,
    picture,
    onScreen,
    counters: debug ? counters : null,
    tiles,
    tilesPerBlock,
  };
}

/** Reads out and lse back as f32. */
export async function readAttention(
  buffers: BufferSet,
  attention: GpuAttention,
  shape: AttentionShape,
): Promise<{ out: Float32Array; lse: Float32Array }> {
  const bh = shape.B * shape.H;
  const all = new Float32Array(
    await buffers.read(attention.result, F32 * (attention.lseOffset + bh * shape.Q)),
  );
  // out is a view, not a copy: it can be hundreds of MiB. lse is small and gets its own buffer.
  return { out: all.subarray(0, attention.lseOffset), lse: all.slice(attention.lseOffset) };
}

/** Debug build only: per (b*h, tile) the blocks visited and the mask_mod calls made. */
export async function readCounters(
  buffers: BufferSet,
  attention: GpuAttention,
  tileCount: number,
): Promise<Uint32Array> {
  if (!attention.counters) throw new Error('The kernel was not built with debug counters.');
  return new Uint32Array(await buffers.read(attention.counters, 8 * tileCount));
}
