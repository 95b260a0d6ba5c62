import { buildBlockMask, readBlockMask } from '../../gpu/blockMask';
import {
  prepareFlexAttention,
  rangesAround,
  readAttention,
  readCounters,
  readHeadAttention,
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
import { StageTimer, type MeasuredStage } from '../../gpu/timing';
import { runHeadPicture } from '../../gpu/headPicture';
import { GpuPicture, pictureLayout } from '../../gpu/pictureLayout';
import type { CompiledProgram } from '../mask/types';
import { throwIfAborted } from '../async/abort';
import { checkRunBudget } from './memoryBudget';
import { maskSizes } from './shape';
import type { RunOptions, Stage, StageTiming } from './types';

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
  /** Called once the (b, h) on screen is computed and drawn, before any other head is. */
  onHeadPicture?: (head: HeadPictureReady) => void;
}

/** What a run knows once the (b, h) on screen is done: all a page needs to draw it. */
export interface HeadPictureReady {
  blockMask: BlockMaskData;
  picture: HeadPicture;
  /** out [Q, DV] and lse [Q] of the (b, h) on screen. */
  headOutputs: AttentionOutputs;
}

/** Progress while attention runs: from 0.1 (none done) to 0.95 (all `total` (b, h) done). */
function attentionProgress(done: number, total: number): number {
  return 0.1 + (0.85 * done) / total;
}

/**
 * One timing per stage, in the order the stages ran. A stage run as several passes (attention,
 * one per range of heads, timed as 'attention', 'attention:<first>', ...) reports their sum.
 */
function stageTimings(measured: MeasuredStage[]): StageTiming[] {
  const timings: StageTiming[] = [];
  for (const t of measured) {
    const name = t.name.split(':')[0];
    const stage: Stage = name === 'blockMask' || name === 'attention' ? name : 'picture';
    const seen = timings.find((s) => s.stage === stage);
    if (seen) seen.ms += t.ms;
    else timings.push({ stage, ms: t.ms, source: t.source });
  }
  return timings;
}

/**
 * compile (done) -> BlockMask -> attention of the (b, h) on screen -> its picture -> attention of
 * the other heads, on the GPU, then everything read back. The picture needs only its own head, so
 * it is handed to `onHeadPicture` before the other heads are dispatched.
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
    // Read now, not at the end: the page draws the blocks view from it with the first picture.
    const blockMask = await readBlockMask(buffers, gpuMask);
    throwIfAborted(signal);
    const bhCount = shape.B * shape.H;
    onProgress?.(attentionProgress(0, bhCount), 'attention');
    // Block-sparse: the GPU holds the picture's cells of visited blocks only.
    const layout = pictureLayout(blockMask, onScreen);
    const attention = await prepareFlexAttention(
      buffers,
      program,
      shape,
      qkv,
      gpuMask,
      onScreen,
      layout,
      { debugCounts: options.debugCounts, tiles: options.tiles, unroll: options.unroll },
    );
    const onScreenBh = onScreen.b * shape.H + onScreen.h;
    await attention.dispatch(timer, { first: onScreenBh, count: 1 }, 'attention');
    throwIfAborted(signal);
    onProgress?.(attentionProgress(1, bhCount), 'picture');
    // The mask picture is the attention kernel's own: which cells it wrote as allowed.
    const held = await runHeadPicture(buffers, timer, shape, attention);
    throwIfAborted(signal);
    const others = rangesAround(onScreenBh, bhCount);
    const handOver = Boolean(options.onHeadPicture) && others.length > 0;
    // The head's out and lse are copied back while the page lays the picture's cells out. A
    // run that stops before awaiting them (aborted) must not leave their failure unhandled.
    const headOutputs = handOver ? readHeadAttention(buffers, attention, shape, onScreenBh) : null;
    headOutputs?.catch(() => undefined);
    const picture = new GpuPicture(blockMask, onScreen, layout, held.scoreBits, held.probs);

    if (options.onHeadPicture && headOutputs) {
      const outputs = await headOutputs;
      throwIfAborted(signal);
      options.onHeadPicture({ blockMask, picture, headOutputs: outputs });
    }
    let done = 1;
    for (const range of others) {
      throwIfAborted(signal);
      onProgress?.(attentionProgress(done, bhCount), 'attention');
      await attention.dispatch(timer, range, `attention:${range.first}`);
      done += range.count;
    }
    throwIfAborted(signal);
    const [outputs, counters] = await Promise.all([
      readAttention(buffers, attention, shape),
      options.debugCounts
        ? readCounters(buffers, attention, bhCount * gpuMask.nQ * attention.tilesPerBlock)
        : Promise.resolve(null),
    ]);
    const timings = stageTimings(await timer.results());
    onProgress?.(1, 'picture');
    return {
      blockMask,
      outputs,
      picture,
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
