import kernelSource from './flexAttention.wgsl?raw';
import type { AttentionShape, PictureWindow } from '../app/problem';
import { BLOCK_GRID_FIELDS, blockGridValues, type GpuBlockMask } from './blockMask';
import type { PictureLayout } from './pictureLayout';
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

/** How the kernel tiles a query block and the keys (see flexAttention.wgsl). */
export interface AttentionTiles {
  /** Query rows per workgroup. */
  TQ: number;
  /** Query rows per invocation (a divisor of TQ): the workgroup has TQ / RQ invocations. */
  RQ: number;
  /** Keys per chunk staged in workgroup memory; at most 32 (a row's allowed keys are one u32). */
  TK: number;
}

const F32 = 4;
/** The IEEE-754 bits of -Infinity as f32. */
export const NEG_INF_BITS = 0xff800000;

function workgroupBytes(t: AttentionTiles, D: number, DV: number): number {
  return 16 * t.TK * (Math.ceil(D / 4) + Math.ceil(DV / 4)) + 8;
}

/**
 * Most query rows per invocation, and the most vec4s of q and accumulator one invocation may hold
 * (RQ x (D4 + DV4)). Measured on SwiftShader at D = DV = 64 (bench/NOTES.md, v6): RQ = 4 beat 2
 * and 8.
 */
const MAX_ROWS_PER_INVOCATION = 4;
const MAX_ROW_VEC4S = 128;

/**
 * Picks the tile from the adapter's limits: up to 64 rows (never more than a query block holds,
 * rounded up to whole invocations, since a tile never straddles two blocks), RQ of them per
 * invocation while q and the accumulator stay small, and as many staged keys as workgroup
 * memory allows.
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
  const maxInvocations = Math.min(
    limits.maxComputeInvocationsPerWorkgroup,
    limits.maxComputeWorkgroupSizeX,
  );
  const vec4sPerKey = Math.ceil(shape.D / 4) + Math.ceil(shape.DV / 4);
  const wanted = Math.min(64, shape.blockQ);
  let RQ = MAX_ROWS_PER_INVOCATION;
  while (RQ > 1 && (RQ * vec4sPerKey > MAX_ROW_VEC4S || RQ > wanted)) RQ /= 2;
  const rows = Math.min(wanted, maxInvocations * RQ);
  const tiles: AttentionTiles = {
    TQ: RQ * Math.ceil(rows / RQ),
    RQ,
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

/** The trip counts of the kernel's unrolled loops, by the name of their bound. */
export type LoopCounts = Record<'D4' | 'DV4' | 'RQ', number>;

export function loopCounts(
  tiles: AttentionTiles,
  shape: Pick<AttentionShape, 'D' | 'DV'>,
): LoopCounts {
  return { D4: Math.ceil(shape.D / 4), DV4: Math.ceil(shape.DV / 4), RQ: tiles.RQ };
}

/** Index just past the `}` that closes the block whose body starts at `from`. */
function blockEnd(text: string, from: number): number {
  let depth = 1;
  for (let at = from; at < text.length; at++) {
    if (text[at] === '{') depth++;
    else if (text[at] === '}' && --depth === 0) return at + 1;
  }
  throw new Error('flexAttention.wgsl: unbalanced braces in an unrolled loop');
}

/**
 * Unrolls the kernel's loops `for (var x = 0u; x < N; x++) { body }` whose bound N is one of
 * `counts`' names (inner loops first): each copy of the body becomes its own block with `x`
 * replaced by the constant, so that the indices into q_reg and acc are constants: registers
 * instead of indexed private memory (a gather per access on CPU adapters such as SwiftShader).
 * The text is the kernel's own, never a user's; only numbers the host computed are substituted.
 */
export function unrollLoops(source: string, counts: LoopCounts): string {
  const head = /for \(var (\w+) = 0u; \1 < (\w+); \1\+\+\) \{/g;
  const bounds: Record<string, number> = counts;
  let out = '';
  let copied = 0;
  for (let match = head.exec(source); match; match = head.exec(source)) {
    const [loop, variable, bound] = match;
    if (!Object.hasOwn(bounds, bound)) continue;
    const trips = bounds[bound];
    const end = blockEnd(source, match.index + loop.length);
    const body = unrollLoops(source.slice(match.index + loop.length, end - 1), counts);
    const name = new RegExp(`\\b${variable}\\b`, 'g');
    out += source.slice(copied, match.index);
    out += Array.from({ length: trips }, (_, k) => `{${body.replace(name, `${k}u`)}}`).join(' ');
    copied = end;
    head.lastIndex = end;
  }
  return out + source.slice(copied);
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
  // The picture: which b * H + h, and the token stride of its rows and of its columns.
  picture_bh: 'u32',
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
    u('RQ', tiles.RQ),
    u('WG', tiles.TQ / tiles.RQ),
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
  /**
   * The picture of the (b, h) on screen, block-sparse: the layout's header, then the bits of
   * the score the kernel computed at each cell of a visited block, PICTURE_MASKED_BITS where
   * masked (gpu/pictureLayout.ts).
   */
  picture: GPUBuffer;
  /** Which cells of that (b, h) the picture stands for, and where the GPU holds them. */
  onScreen: PictureWindow;
  pictureLayout: PictureLayout;
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
  heads?: HeadRange;
}

/** The (b, h) pairs b * H + h in [first, first + count). */
export interface HeadRange {
  first: number;
  count: number;
}

/**
 * Attention made ready to run: pipeline, result and picture buffers, and everything a dispatch
 * binds but its uniforms. A run dispatches it for ranges of (b, h), in any order and each range
 * once, so that the head on screen can be computed (and drawn) before the others.
 */
export interface PreparedAttention extends GpuAttention {
  /** Computes the (b, h) of `heads` as one timed stage named `stage`; resolves once it is done. */
  dispatch(timer: StageTimer, heads: HeadRange, stage: string): Promise<void>;
}

/**
 * The ranges to compute after the head at `first`: those before it, then those after it, each
 * one dispatch (none when empty). With the head itself, every one of `count` pairs is covered once.
 */
export function rangesAround(first: number, count: number): HeadRange[] {
  return [
    { first: 0, count: first },
    { first: first + 1, count: count - first - 1 },
  ].filter((range) => range.count > 0);
}

export async function prepareFlexAttention(
  buffers: BufferSet,
  program: KernelProgram,
  shape: AttentionShape,
  qkv: { q: GPUBuffer; k: GPUBuffer; v: GPUBuffer },
  blockMask: GpuBlockMask,
  onScreen: PictureWindow,
  pictureLayout: PictureLayout,
  options: AttentionOptions = {},
): Promise<PreparedAttention> {
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
    (options.unroll ?? true) ? unrollLoops(kernelSource, loopCounts(tiles, shape)) : kernelSource;
  const code = [program.wgsl, constants(tiles, shape, debug), ATTENTION_PARAMS.wgsl, unrolled].join(
    '\n',
  );
  const pipeline = await computePipeline(device, layout, 'flexAttention.wgsl', code, 'attend');

  const outLength = bh * shape.Q * shape.DV;
  const result = buffers.output('attention output and lse', F32 * (outLength + bh * shape.Q));
  const counters = buffers.output('debug counters', debug ? F32 * 2 * nTiles * bh : 4);
  // The kernel writes every cell the picture holds; the host writes the header only.
  const { header } = pictureLayout;
  const picture = buffers.output('score picture', header.byteLength + F32 * pictureLayout.cells);
  device.queue.writeBuffer(picture, 0, header);
  const o = blockMask.offsets;
  const params = {
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
    picture_row_stride: onScreen.rowStride,
    picture_col_stride: onScreen.colStride,
  };
  const group1 = programBindGroup(buffers, layout, program);

  const dispatch = async (timer: StageTimer, heads: HeadRange, stage: string) => {
    if (!Number.isInteger(heads.first) || heads.first < 0 || heads.first + heads.count > bh) {
      throw new RangeError(
        `Heads [${heads.first}, ${heads.first + heads.count}) outside [0, ${bh}).`,
      );
    }
    // first_bh is a uniform, so each range needs a uniform buffer (and bind group) of its own.
    const uniform = buffers.uniform(
      `attention parameters from b*H+h = ${heads.first}`,
      ATTENTION_PARAMS.pack({ ...params, first_bh: heads.first }),
    );
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
    await timer.runStage(
      stage,
      [group0, group1],
      [{ pipeline, workgroups: [nTiles, heads.count] }],
    );
  };

  return {
    result,
    lseOffset: outLength,
    picture,
    onScreen,
    pictureLayout,
    counters: debug ? counters : null,
    tiles,
    tilesPerBlock,
    dispatch,
  };
}

/** Attention for every (b, h), or for `options.heads`, in one dispatch. */
export async function runFlexAttention(
  buffers: BufferSet,
  timer: StageTimer,
  program: KernelProgram,
  shape: AttentionShape,
  qkv: { q: GPUBuffer; k: GPUBuffer; v: GPUBuffer },
  blockMask: GpuBlockMask,
  onScreen: PictureWindow,
  pictureLayout: PictureLayout,
  options: AttentionOptions = {},
): Promise<GpuAttention> {
  const prepared = await prepareFlexAttention(
    buffers,
    program,
    shape,
    qkv,
    blockMask,
    onScreen,
    pictureLayout,
    options,
  );
  const heads = options.heads ?? { first: 0, count: shape.B * shape.H };
  await prepared.dispatch(timer, heads, 'attention');
  return prepared;
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

/** Reads out [Q, DV] and lse [Q] of one b * H + h back, as soon as that pair is computed. */
export async function readHeadAttention(
  buffers: BufferSet,
  attention: GpuAttention,
  shape: AttentionShape,
  bh: number,
): Promise<{ out: Float32Array; lse: Float32Array }> {
  const outValues = shape.Q * shape.DV;
  const [out, lse] = await Promise.all([
    buffers.read(attention.result, F32 * outValues, F32 * bh * outValues),
    buffers.read(attention.result, F32 * shape.Q, F32 * (attention.lseOffset + bh * shape.Q)),
  ]);
  return { out: new Float32Array(out), lse: new Float32Array(lse) };
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
