/**
 * Checks of the head-first GPU run (app/engine/gpuRun.ts): the (b, h) on screen is computed and
 * its picture handed over before any other head is dispatched, and the finished run is the same
 * as computing every head in one dispatch, and as the float64 reference.
 *
 * Which work reached the GPU, and when, is read by wrapping the compute pass's
 * dispatchWorkgroups for the length of one run: each dispatch is logged with its pass's label
 * (the stage) and its workgroup counts, and the picture's hand-over is logged in the same list.
 */
import { getGpu } from '../../gpu/device';
import { runOnGpu, type HeadPictureReady } from '../../app/engine/gpuRun';
import { maskSizes } from '../../app/engine/shape';
import { compile } from '../../app/mask/compile';
import type { CompiledProgram } from '../../app/mask/types';
import { isAbortError } from '../../app/async/abort';
import { pictureWindow, type AttentionInputs, type AttentionShape } from '../../app/problem';
import { createBlockMask, flexAttention, headPicture } from '../../app/reference';
import { randomInputs } from '../../app/tensors/random';
import { buildBlockMask, readBlockMask } from '../../gpu/blockMask';
import { pictureLayout } from '../../gpu/pictureLayout';
import { readAttention, runFlexAttention } from '../../gpu/flexAttention';
import { BufferSet } from '../../gpu/resources';
import { exclusive, withErrorScopes } from '../../gpu/runScope';
import { StageTimer } from '../../gpu/timing';
import { relativeError, type ErrorReport } from './compare';

export interface HeadFirstCase {
  source: string;
  shape: AttentionShape;
  seed: number;
  b: number;
  h: number;
  /** Abort the run from inside the picture's hand-over (between the first and second dispatch). */
  abortAtPicture?: boolean;
}

export interface HeadFirstReport {
  /** In order: 'dispatch <stage> <x>x<y>' for each dispatch, and 'picture' at the hand-over. */
  events: string[];
  /** How the run ended: 'done', 'aborted' (an AbortError) or the error's message. */
  ending: string;
  /** The first difference between the handed-over picture and head outputs and the run's. */
  previewDifference: string | null;
  /** The first difference between the run's outputs and one dispatch of every head. */
  oneDispatchDifference: string | null;
  /** The run's outputs and picture against the float64 reference. */
  reference: { out: ErrorReport; lse: ErrorReport; scores: ErrorReport; probs: ErrorReport } | null;
}

/** The first index where two arrays differ bit for bit (NaN equals NaN), as text, or null. */
function firstDifference(name: string, a: ArrayLike<number>, b: ArrayLike<number>): string | null {
  if (a.length !== b.length) return `${name}: length ${a.length} vs ${b.length}`;
  for (let i = 0; i < a.length; i++) {
    if (!Object.is(a[i], b[i])) return `${name}[${i}]: ${a[i]} vs ${b[i]}`;
  }
  return null;
}

/** Logs every dispatch while `body` runs, into `events`. */
async function loggingDispatches<T>(events: string[], body: () => Promise<T>): Promise<T> {
  const proto = GPUComputePassEncoder.prototype;
  const original = proto.dispatchWorkgroups;
  proto.dispatchWorkgroups = function (this: GPUComputePassEncoder, x: number, y = 1, z = 1) {
    events.push(`dispatch ${this.label} ${x}x${y}`);
    original.call(this, x, y, z);
  };
  try {
    return await body();
  } finally {
    proto.dispatchWorkgroups = original;
  }
}

/** Every head in one dispatch on a BlockMask of its own: out and lse, as the kernel wrote them. */
async function oneDispatch(
  device: GPUDevice,
  program: CompiledProgram,
  shape: AttentionShape,
  inputs: AttentionInputs,
  b: number,
  h: number,
) {
  return exclusive(device, () =>
    withErrorScopes(device, undefined, async () => {
      const buffers = new BufferSet(device);
      const timer = new StageTimer(device);
      try {
        const qkv = {
          q: buffers.storage('q', inputs.q),
          k: buffers.storage('k', inputs.k),
          v: buffers.storage('v', inputs.v),
        };
        await buffers.uploadProgram(program);
        const sizes = { ...maskSizes(shape, program.maskDeps), Q: shape.Q, KV: shape.KV };
        const mask = await buildBlockMask(buffers, timer, program, {
          ...sizes,
          blockQ: shape.blockQ,
          blockKV: shape.blockKV,
        });
        const onScreen = pictureWindow(shape, b, h);
        const layout = pictureLayout(await readBlockMask(buffers, mask), onScreen);
        const attention = await runFlexAttention(
          buffers,
          timer,
          program,
          shape,
          qkv,
          mask,
          onScreen,
          layout,
        );
        return await readAttention(buffers, attention, shape);
      } finally {
        buffers.destroy();
        timer.destroy();
      }
    }),
  );
}

export async function headFirstRun(c: HeadFirstCase): Promise<HeadFirstReport> {
  const gpu = await getGpu();
  if (gpu.kind === 'none') throw new Error(gpu.reason);
  const device = gpu.context.device;
  const program = compile(c.source);
  const inputs = randomInputs(c.shape, c.seed);
  const onScreen = pictureWindow(c.shape, c.b, c.h);
  const events: string[] = [];
  const control = new AbortController();
  let handed: HeadPictureReady | null = null;
  let ending = 'done';
  const run = await loggingDispatches(events, () =>
    runOnGpu(device, program, c.shape, inputs, onScreen, {
      signal: control.signal,
      onHeadPicture: (head) => {
        events.push('picture');
        handed = head;
        if (c.abortAtPicture) control.abort();
      },
    }).catch((error: unknown) => {
      ending = isAbortError(error) ? 'aborted' : String(error);
      return null;
    }),
  );
  const report: HeadFirstReport = {
    events,
    ending,
    previewDifference: null,
    oneDispatchDifference: null,
    reference: null,
  };
  if (!run) return report;

  const { Q, DV, H } = c.shape;
  const bh = onScreen.b * H + onScreen.h;
  const preview = handed as HeadPictureReady | null;
  if (preview) {
    report.previewDifference =
      firstDifference('scores', preview.picture.scores, run.picture.scores) ??
      firstDifference('probs', preview.picture.probs, run.picture.probs) ??
      firstDifference('mask', preview.picture.mask, run.picture.mask) ??
      firstDifference(
        'head out',
        preview.headOutputs.out,
        run.outputs.out.subarray(bh * Q * DV, (bh + 1) * Q * DV),
      ) ??
      firstDifference(
        'head lse',
        preview.headOutputs.lse,
        run.outputs.lse.subarray(bh * Q, (bh + 1) * Q),
      );
  }
  const whole = await oneDispatch(device, program, c.shape, inputs, c.b, c.h);
  report.oneDispatchDifference =
    firstDifference('out', run.outputs.out, whole.out) ??
    firstDifference('lse', run.outputs.lse, whole.lse);

  const mask = (b: number, h: number, q: number, kv: number) => program.mask(b, h, q, kv);
  const score = program.hasScoreMod
    ? (s: number, b: number, h: number, q: number, kv: number) => program.score(s, b, h, q, kv)
    : null;
  const sizes = maskSizes(c.shape, program.maskDeps);
  const { blockQ, blockKV, KV } = c.shape;
  const refMask = createBlockMask(mask, sizes.B, sizes.H, Q, KV, blockQ, blockKV);
  const refOut = flexAttention(inputs, c.shape, mask, score, refMask);
  const refPicture = headPicture(inputs, c.shape, mask, score, refOut.lse, onScreen.b, onScreen.h);
  report.reference = {
    out: relativeError(run.outputs.out, refOut.out),
    lse: relativeError(run.outputs.lse, refOut.lse),
    scores: relativeError(run.picture.scores, refPicture.scores),
    probs: relativeError(run.picture.probs, refPicture.probs),
  };
  return report;
}
