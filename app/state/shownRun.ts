/**
 * What the figure shows: the picture of the run in flight once its (b, h) on screen is done, else
 * the last finished run. The figure, its caption, the hover readout and the block summary read
 * the run through here, so they always describe the same picture.
 */
import type { PicturePreview, RunResult } from '../engine/types';
import type { AttentionOutputs, Scenario } from '../problem';
import type { PlaygroundState } from './store';

export type ShownRun = RunResult | PicturePreview;

export function shownRun(state: PlaygroundState): ShownRun | null {
  return state.preview?.run ?? state.result;
}

export function shownScenario(state: PlaygroundState): Scenario | null {
  return state.preview?.scenario ?? state.resultScenario;
}

/** The generation of the run that produced the picture shown (0 before the first). */
export function shownGeneration(state: PlaygroundState): number {
  return state.preview?.generation ?? state.resultGeneration;
}

/** out [Q, DV] and lse [Q] of the picture's (b, h): a preview holds only these. */
export function headOutputs(run: ShownRun): AttentionOutputs {
  if ('headOutputs' in run) return run.headOutputs;
  const { Q, DV, H } = run.shape;
  const bh = run.picture.b * H + run.picture.h;
  return {
    out: run.outputs.out.subarray(bh * Q * DV, (bh + 1) * Q * DV),
    lse: run.outputs.lse.subarray(bh * Q, (bh + 1) * Q),
  };
}
