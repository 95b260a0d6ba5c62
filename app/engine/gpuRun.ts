import { buildBlockMask, readBlockMask } from '../../gpu/blockMask';
import {
  readAttention,
  readCounters,
  runFlexAttention,
  type AttentionTiles,
} from '../../gpu/flexAttention';
import type {
  PictureWindow,
  AttentionInputs,
  AttentionOutputs,
  AttentionShape,
  BlockMaskData,
  HeadPicture,
} from '../problem';
import { BufferSet } from '../../gpu/resources';
import { exclusive, withErrorScopes } from '../../gpu/runScope';
import { StageTimer } from '../../gpu/timing';
import { runHeadPicture } from '../../gpu/headPicture';
import { allowedMayBeNegInf } from '../reference/headPicture';
import type { CompiledProgram } from '../mask/types';
import { throwIfAborted } from '../async/abort';
import { checkRunBudget } from './memoryBudget';
import { maskSizes } from './shape';
import type { RunOptions, StageTiming } from './types';

export interface GpuRunOutput {
  blockMask: BlockMaskData;
  outputs: AttentionOutputs;
  picture: HeadPicture;
  timings: StageTiming[];
  /** Debug runs only: per (b*h, query tile) [blocks visited, mask_mod calls], and the tiling. */
  counters: Uint32Array | null;
  tiles: AttentionTiles;
  tilesPerBlock: number;
}

export interface GpuRunOptions extends RunOptions {
  debugCounts?: boolean;
  tiles?: AttentionTiles;
  /** false: keep the kernel's vec4 column loops rolled (to compare kernel versions in a bench). */
  unroll?: boolean;
  /** false: build the BlockMask without subgroup operations even where the device has them. */
  subgroups?: boolean;
}

/**
 * compile (done) -> BlockMask -> attention -> picture, on the GPU, then everything read back.
 * The run's buffers are checked against the device and the budget before any is created; runs on
 * one device take turns, and each runs inside error scopes, so that a dispatch the GPU rejected
 * (or a lost device) fails the run with a GpuRunError rather than returning zeros.
 */
export async function runOnGpu(
  device: GPUDevice,
  program: CompiledProgram,
  shape: AttentionShape,
  inputs: AttentionInputs,
  onScreen: PictureWindow,
  options: GpuRunOptions = {},
): Promise<GpuRunOutput> {
  checkRunBudget(shape, program, {
    backend: 'gpu',
    limits: device.limits,
    debugCounts: options.debugCounts,
    tileRows: options.tiles?.TQ,
  });
  return exclusive(device, () => {
    throwIfAborted(options.signal);
    return withErrorScopes(device, options.signal, () =>
      runStages(device, program, shape, inputs, onScreen, options),
    );
  });
}

async function runStages(
  device: GPUDevice,
  program: CompiledProgram,
  shape: AttentionShape,
  inputs: AttentionInputs,
  onScreen: PictureWindow,
  options: GpuRunOptions,
): Promise<GpuRunOutput> {
  const { signal, onProgress } = options;
  const buffers = new BufferSet(device);
  const timer = new StageTimer(device);
  try {
    // Inputs can be hundreds of MiB: uploaded in slices, so the page stays responsive.
    const qkv = {
      q: await buffers.storageSliced('q', inputs.q),
      k: await buffers.storageSliced('k', inputs.k),
      v: await buffers.storageSliced('v', inputs.v),
    };
    await buffers.uploadProgram(program);
    throwIfAborted(signal);
    onProgress?.(0.05, 'blockMask');
    const sizes = { ...maskSizes(shape, program.maskDeps), Q: shape.Q, KV: shape.KV };
    const gpuMask = await buildBlockMask(
      buffers,
      timer,
      program,
      { ...sizes, blockQ: shape.blockQ, blockKV: shape.blockKV },
      { subgroups: options.subgroups },
    );
    throwIfAborted(signal);
    onProgress?.(0.3, 'attention');
    const attention = await runFlexAttention(
      buffers,
      timer,
      program,
      shape,
      qkv,
      gpuMask,
      onScreen,
      {
        debugCounts: options.debugCounts,
        tiles: options.tiles,
        unroll: options.unroll,
      },
    );
    throwIfAborted(signal);
    onProgress?.(0.8, 'picture');
    // The mask picture comes from the scores; mask_mod only where a -inf may not mean masked.
    const negInf = allowedMayBeNegInf(inputs, shape, onScreen, program.hasScoreMod);
    const cells = await runHeadPicture(buffers, timer, shape, attention, program, negInf);
    throwIfAborted(signal);
    const [blockMask, outputs, counters] = await Promise.all([
      readBlockMask(buffers, gpuMask),
      readAttention(buffers, attention, shape),
      options.debugCounts
        ? readCounters(buffers, attention, shape.B * shape.H * gpuMask.nQ * attention.tilesPerBlock)
        : Promise.resolve(null),
    ]);
    const timings: StageTiming[] = (await timer.results()).map((t) => ({
      stage: t.name === 'blockMask' || t.name === 'attention' ? t.name : 'picture',
      ms: t.ms,
      source: t.source,
    }));
    onProgress?.(1, 'picture');
    return {
      blockMask,
      outputs,
      picture: { ...onScreen, scores: cells.scores, probs: cells.probs, mask: cells.mask },
      timings,
      counters,
      tiles: attention.tiles,
      tilesPerBlock: attention.tilesPerBlock,
    };
  } finally {
    buffers.destroy();
    timer.destroy();
  }
}
