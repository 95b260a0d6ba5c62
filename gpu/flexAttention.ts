import kernelSource from './flexAttention.wgsl?raw';
import type { AttentionShape } from '../app/engine/types';
import type { GpuBlockMask } from './blockMask';
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

/** Rows per workgroup, lanes per row, keys per staged chunk. */
export interface AttentionTiles {
  TQ: number;
  TC: number;
  TK: number;
}

const F32 = 4;
/** The IEEE-754 bits of -Infinity as f32. */
export const NEG_INF_BITS = 0xff800000;

function workgroupBytes(t: AttentionTiles, D: number, DV: number): number {
  return F32 * (t.TQ * D + t.TK * D + t.TK * DV + 2 * t.TQ * t.TK) + 8;
}

/**
 * Picks the tile from the adapter's limits: as many rows and keys as fit in workgroup memory,
 * never more than a block holds (a tile never straddles two query blocks).
 */
export function chooseTiles(
  limits: Pick<
    GPUSupportedLimits,
    'maxComputeWorkgroupStorageSize' | 'maxComputeInvocationsPerWorkgroup'
  >,
  shape: Pick<AttentionShape, 'D' | 'DV' | 'blockQ' | 'blockKV'>,
): AttentionTiles {
  const tiles: AttentionTiles = {
    TC: 8,
    TQ: Math.min(16, shape.blockQ),
    TK: Math.min(32, shape.blockKV),
  };
  while (tiles.TQ * tiles.TC > limits.maxComputeInvocationsPerWorkgroup && tiles.TC > 1) {
    tiles.TC /= 2;
  }
  while (workgroupBytes(tiles, shape.D, shape.DV) > limits.maxComputeWorkgroupStorageSize) {
    if (tiles.TK > 4) tiles.TK = Math.ceil(tiles.TK / 2);
    else if (tiles.TQ > 1) tiles.TQ = Math.ceil(tiles.TQ / 2);
    else {
      throw new GpuLimitError(
        `Head dimensions D=${shape.D}, DV=${shape.DV} need ${workgroupBytes(tiles, shape.D, shape.DV)} ` +
          `bytes of workgroup memory even with the smallest tile, but this GPU's ` +
          `maxComputeWorkgroupStorageSize is ${limits.maxComputeWorkgroupStorageSize}.`,
      );
    }
  }
  return tiles;
}

/** The kernel's compile-time constants, written by the host from validated integers. */
function constants(tiles: AttentionTiles, shape: AttentionShape, debug: boolean): string {
  const u = (name: string, value: number) => `const ${name}: u32 = ${Math.trunc(value)}u;`;
  return [
    u('TQ', tiles.TQ),
    u('TC', tiles.TC),
    u('TK', tiles.TK),
    u('HEAD_DIM', shape.D),
    u('VALUE_DIM', shape.DV),
    u('DV_PER_LANE', Math.ceil(shape.DV / tiles.TC)),
    `const DEBUG_COUNTS: bool = ${debug ? 'true' : 'false'};`,
  ].join('\n');
}

export interface GpuAttention {
  /** out [B, H, Q, DV] then lse [B, H, Q], f32. */
  result: GPUBuffer;
  lseOffset: number;
  /** Debug build only: per (b*h, tile) [blocks visited, mask_mod calls]. */
  counters: GPUBuffer | null;
  tiles: AttentionTiles;
  tilesPerBlock: number;
}

export interface AttentionOptions {
  /** Build the counting variant of the kernel (for tests that prove skipping). */
  debugCounts?: boolean;
  tiles?: AttentionTiles;
}

export async function runFlexAttention(
  buffers: BufferSet,
  timer: StageTimer,
  program: KernelProgram,
  shape: AttentionShape,
  qkv: { q: GPUBuffer; k: GPUBuffer; v: GPUBuffer },
  blockMask: GpuBlockMask,
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
  ]);
  const code = `${program.wgsl}\n${constants(tiles, shape, debug)}\n${kernelSource}`;
  const pipeline = await computePipeline(device, layout, 'flexAttention.wgsl', code, 'attend');

  const outLength = bh * shape.Q * shape.DV;
  const result = buffers.output('attention output and lse', F32 * (outLength + bh * shape.Q));
  const counters = buffers.output('debug counters', debug ? F32 * 2 * nTiles * bh : 4);
  const params = new ArrayBuffer(80);
  const words = new Uint32Array(params);
  const o = blockMask.offsets;
  words.set([
    shape.B,
    shape.H,
    shape.HKV,
    shape.Q,
    shape.KV,
    shape.blockQ,
    shape.blockKV,
    blockMask.nQ,
    blockMask.nKV,
    blockMask.sizes.B,
    blockMask.sizes.H,
    tilesPerBlock,
    o.kvNum,
    o.kvIdx,
    o.fullKvNum,
    o.fullKvIdx,
  ]);
  new Float32Array(params, 16 * 4, 1)[0] = shape.scale ?? 1 / Math.sqrt(shape.D);
  words[17] = outLength;
  words[18] = NEG_INF_BITS;
  const uniform = buffers.uniform('attention parameters', words);
  const group0 = bindGroup0(device, layout, [
    uniform,
    qkv.q,
    qkv.k,
    qkv.v,
    blockMask.lists,
    result,
    counters,
  ]);
  const group1 = programBindGroup(buffers, layout, program);

  const encoder = device.createCommandEncoder({ label: 'flexAttention' });
  const pass = encoder.beginComputePass(timer.passDescriptor('attention'));
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, group0);
  pass.setBindGroup(1, group1);
  pass.dispatchWorkgroups(nTiles, bh);
  pass.end();
  await timer.submit('attention', encoder.finish());
  return { result, lseOffset: outLength, counters: debug ? counters : null, tiles, tilesPerBlock };
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
  return { out: all.slice(0, attention.lseOffset), lse: all.slice(attention.lseOffset) };
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
