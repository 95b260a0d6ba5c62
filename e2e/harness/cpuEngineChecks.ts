/**
 * The CPU engine's checks in the test page (the nogpu specs): the real engine, with its real
 * workers and WebAssembly kernel, against the float64 reference on fresh random inputs, and what
 * an abort does to its workers.
 */
import { runOnCpuEngine } from '../../app/engine/cpuEngine';
import { runOnCpu } from '../../app/engine/cpuRun';
import { compile } from '../../app/mask/compile';
import type { AttentionShape } from '../../app/problem';
import { isAbortError } from '../../app/async/abort';
import { blockMaskDifference, relativeError, type ErrorReport } from './compare';

export interface CpuEngineCase {
  source: string;
  shape: AttentionShape;
  seed: number;
  b: number;
  h: number;
}

export interface CpuEngineReport {
  workers: number;
  relaxedSimd: boolean;
  blockMask: string | null;
  out: ErrorReport;
  lse: ErrorReport;
  pictureScores: ErrorReport;
  pictureProbs: ErrorReport;
  /** The first cell where the mask picture differs from the reference's, or null. */
  pictureMask: string | null;
}

/** Runs one case on the CPU engine and compares everything it returns with the reference. */
export async function cpuEngineAgainstReference(c: CpuEngineCase): Promise<CpuEngineReport> {
  const program = compile(c.source);
  const run = await runOnCpuEngine({ ...c, uploaded: {} });
  const ref = runOnCpu(program, c.shape, run.inputs, c.b, c.h);
  if (!run.picture) throw new Error('the CPU engine returned no picture');
  let pictureMask: string | null = null;
  for (let i = 0; i < ref.picture.mask.length; i++) {
    if (run.picture.mask[i] !== ref.picture.mask[i]) {
      pictureMask = `cell ${i}: engine ${run.picture.mask[i]}, reference ${ref.picture.mask[i]}`;
      break;
    }
  }
  return {
    workers: run.workers,
    relaxedSimd: run.relaxedSimd,
    blockMask: blockMaskDifference(run.blockMask, ref.blockMask),
    out: relativeError(run.outputs.out, ref.outputs.out),
    lse: relativeError(run.outputs.lse, ref.outputs.lse),
    pictureScores: relativeError(run.picture.scores, ref.picture.scores),
    pictureProbs: relativeError(run.picture.probs, ref.picture.probs),
    pictureMask,
  };
}

/** Counts the Web Workers the page makes and terminates from now on. */
function watchWorkers(): { made: () => number; terminated: () => number; stop: () => void } {
  const Original = window.Worker;
  const terminate = Original.prototype.terminate;
  let made = 0;
  let terminated = 0;
  window.Worker = class extends Original {
    constructor(url: string | URL, options?: WorkerOptions) {
      super(url, options);
      made++;
    }
  };
  Original.prototype.terminate = function (this: Worker) {
    terminated++;
    terminate.call(this);
  };
  return {
    made: () => made,
    terminated: () => terminated,
    stop: () => {
      window.Worker = Original;
      Original.prototype.terminate = terminate;
    },
  };
}

export interface AbortReport {
  /** The aborted run rejected with an AbortError. */
  abortError: boolean;
  /** The aborted run had reported attention progress (it was mid-run) before the abort. */
  abortedMidRun: boolean;
  /** Workers of the pool, and how many were terminated by the abort. */
  workers: number;
  terminatedByAbort: number;
  /** Workers made by the run after the abort (a fresh pool), and by one more run (none: reused). */
  madeByNextRun: number;
  madeByThirdRun: number;
  /** The run after the abort, against the reference. */
  next: CpuEngineReport;
}

/**
 * Starts `slow`, aborts it as soon as it reports progress in attention, then runs `next` twice:
 * the abort must terminate every worker, the next run must make a fresh pool and succeed, and the
 * run after it must reuse that pool.
 */
export async function cpuEngineAbortThenRun(
  slow: CpuEngineCase,
  next: CpuEngineCase,
): Promise<AbortReport> {
  // A first run, so the pool exists before the one that is aborted.
  const warm = await cpuEngineAgainstReference(next);
  const watch = watchWorkers();
  try {
    const controller = new AbortController();
    let abortedMidRun = false;
    let abortError = false;
    // Workers terminated before the abort (the inputs worker, for a large shape) are not the pool's.
    let terminatedBefore = 0;
    try {
      await runOnCpuEngine(
        { ...slow, uploaded: {} },
        {
          signal: controller.signal,
          onProgress: (fraction, stage) => {
            if (stage === 'attention' && fraction < 1 && !controller.signal.aborted) {
              abortedMidRun = true;
              terminatedBefore = watch.terminated();
              controller.abort();
            }
          },
        },
      );
    } catch (error) {
      abortError = isAbortError(error);
    }
    const terminatedByAbort = watch.terminated() - terminatedBefore;
    const before = watch.made();
    const report = await cpuEngineAgainstReference(next);
    const madeByNextRun = watch.made() - before;
    const third = watch.made();
    await runOnCpuEngine({ ...next, uploaded: {}, picture: false });
    return {
      abortError,
      abortedMidRun,
      workers: warm.workers,
      terminatedByAbort,
      madeByNextRun,
      madeByThirdRun: watch.made() - third,
      next: report,
    };
  } finally {
    watch.stop();
  }
}
