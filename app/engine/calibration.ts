/**
 * The once-per-session calibration behind the engine choice on a software GPU adapter: the same
 * small run (causal mask, S = 1024, two heads, D = 64) on the GPU engine and on the CPU engine,
 * each after a warm-up run (pipelines compiled, workers started), timed by wall clock from the
 * call to the result, as a user's run is. The faster one runs (engineChoice.ts). The answer is
 * kept in sessionStorage per adapter, so a reload does not measure again; a failure on either
 * side gives no calibration (and the GPU, which the page had before, keeps running).
 */
import type { GpuContext } from '../../gpu/device';
import { compileOffThread } from '../mask/compileClient';
import type { AttentionShape, PictureWindow } from '../problem';
import { runOnCpuEngine } from './cpuEngine';
import type { Calibration } from './engineChoice';
import { runOnGpu } from './gpuRun';
import { runInputs } from './inputs';

const CALIBRATION_SOURCE = 'def mask_mod(b, h, q_idx, kv_idx):\n    return q_idx >= kv_idx\n';
export const CALIBRATION_SHAPE: AttentionShape = {
  B: 1,
  H: 2,
  HKV: 2,
  Q: 1024,
  KV: 1024,
  D: 64,
  DV: 64,
  blockQ: 128,
  blockKV: 128,
};
const SEED = 1;
/** The picture of query 0 and key 0 alone: one row and one column, each standing for all. */
const ONE_CELL: PictureWindow = {
  b: 0,
  h: 0,
  rows: 1,
  cols: 1,
  rowStride: CALIBRATION_SHAPE.Q,
  colStride: CALIBRATION_SHAPE.KV,
};
/** Timed runs per engine after the warm-up; the fastest counts (noise only ever adds time). */
const TIMED_RUNS = 2;
const STORAGE_KEY = 'flexmask.calibration.v1';

async function fastest(run: () => Promise<unknown>): Promise<number> {
  await run();
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < TIMED_RUNS; i++) {
    const start = performance.now();
    await run();
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

async function measure(context: GpuContext): Promise<Calibration> {
  const shape = CALIBRATION_SHAPE;
  const program = await compileOffThread(CALIBRATION_SOURCE);
  const inputs = await runInputs(shape, SEED, null);
  // BlockMask and attention are what differ between the engines; the picture is one cell, so
  // the calibration reads back and converts almost nothing on the page's main thread.
  const gpuMs = await fastest(() => runOnGpu(context.device, program, shape, inputs, ONE_CELL));
  const cpuMs = await fastest(() =>
    runOnCpuEngine({
      source: CALIBRATION_SOURCE,
      // The program compiled off the page's thread above, so the page does not compile it again.
      program,
      shape,
      uploaded: inputs,
      seed: SEED,
      b: 0,
      h: 0,
      picture: false,
    }),
  );
  return { gpuMs, cpuMs };
}

function stored(adapter: string): Calibration | null {
  try {
    const text = sessionStorage.getItem(`${STORAGE_KEY}:${adapter}`);
    if (text === null) return null;
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null) return null;
    const { gpuMs, cpuMs } = value as Record<string, unknown>;
    if (typeof gpuMs !== 'number' || typeof cpuMs !== 'number') return null;
    if (!(gpuMs > 0 && cpuMs > 0)) return null;
    return { gpuMs, cpuMs };
  } catch {
    return null;
  }
}

function store(adapter: string, calibration: Calibration): void {
  try {
    sessionStorage.setItem(`${STORAGE_KEY}:${adapter}`, JSON.stringify(calibration));
  } catch {
    // Storage may be full or denied (a sandboxed embed): the calibration then lasts this page.
  }
}

let pending: Promise<Calibration | null> | null = null;

/** This session's calibration on this adapter: measured once, then read back. */
export function calibrateEngines(
  context: GpuContext,
  adapter: string,
): Promise<Calibration | null> {
  pending ??= (async () => {
    const known = stored(adapter);
    if (known) return known;
    try {
      const measured = await measure(context);
      store(adapter, measured);
      return measured;
    } catch {
      return null;
    }
  })();
  return pending;
}
