/**
 * Keeps the result in step with the scenario: after each edit (typing and bursts of edits
 * debounced), compile the program and run it; a newer edit aborts the run in flight, so only the
 * latest scenario's result lands.
 * The compiler and the engine are passed in, so tests can drive this with fakes.
 */
import { isAbortError } from '../async/abort';
import type { RunOptions, RunResult } from '../engine/types';
import { MaskCompileError } from '../mask/errors';
import type { CompiledProgram } from '../mask/types';
import { codeProblem, shapeProblem, type AttentionInputs, type Scenario } from '../problem';
import {
  compileFailed,
  compileSucceeded,
  picturePreviewed,
  runFailed,
  runProgress,
  runStarted,
  runSucceeded,
  type CompileProblem,
  type PlaygroundState,
  type PlaygroundStore,
} from './store';

export interface RunnerDeps {
  /** Compiles a program (the page compiles in a worker, so this may be asynchronous). */
  compile: (source: string) => CompiledProgram | Promise<CompiledProgram>;
  runScenario: (
    scenario: Scenario,
    program: CompiledProgram,
    uploaded: Partial<AttentionInputs> | null,
    options: RunOptions,
  ) => Promise<RunResult>;
  /** Turns the uploads into [B, H, S, D] tensors for this scenario; throws with a message. */
  prepareInputs: (state: PlaygroundState) => Partial<AttentionInputs> | null;
  /**
   * Quiet time before a run: after typed text (the editor, a parameter's number field), and after
   * an edit that comes within this time of the previous one (a slider being dragged). A lone edit
   * from anything else (a slider, a preset, a shape field, a link) runs at once.
   */
  debounceMs?: number;
}

/** The compile error the editor shows (its span, line, column and Python-style text), or null. */
export function asCompileProblem(error: unknown): CompileProblem | null {
  if (!(error instanceof MaskCompileError)) return null;
  const { message, formatted, span, line, column } = error;
  return { message, formatted, span: { start: span.start, end: span.end }, line, column };
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/**
 * The parts of the state that change the result (the view name only changes the picture; the
 * engine changes where it is computed, and the user who picks one wants to see it run).
 */
function runInputs(state: PlaygroundState) {
  return { scenario: state.scenario, uploads: state.uploads, engine: state.enginePreference };
}

function sameInputs(a: ReturnType<typeof runInputs>, b: ReturnType<typeof runInputs>): boolean {
  const keys = Object.keys(a.scenario) as (keyof Scenario)[];
  const sameScenario = keys.every((k) => k === 'view' || a.scenario[k] === b.scenario[k]);
  return sameScenario && a.uploads === b.uploads && a.engine === b.engine;
}

/** Starts the loop; returns a function that stops it and aborts any run in flight. */
export function startRunner(store: PlaygroundStore, deps: RunnerDeps): () => void {
  const debounceMs = deps.debounceMs ?? 150;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let controller: AbortController | null = null;
  let compiled: { source: string; program: CompiledProgram } | null = null;
  /** The compile in flight, if any, and its text. */
  let compiling: { source: string; program: Promise<CompiledProgram> } | null = null;
  let last = runInputs(store.getState());
  let lastEditAt = -Infinity;

  let generation = 0;

  const run = () => {
    timer = null;
    controller?.abort();
    controller = null;
    generation += 1;
    const mine = generation;
    const state = store.getState();
    const scenario = state.scenario;
    if (compiled && compiled.source === scenario.code) {
      // Back to text that compiled before (an undo, a shape edit): its program, and no error.
      compileSucceeded(compiled.program, store);
      execute(state, compiled.program);
      return;
    }
    const tooLong = codeProblem(scenario.code);
    if (tooLong !== null) {
      runFailed(tooLong, store);
      return;
    }
    let pendingProgram: CompiledProgram | Promise<CompiledProgram>;
    if (compiling?.source === scenario.code) {
      // The same text is compiling already (a shape edit right after a code edit): wait for it.
      pendingProgram = compiling.program;
    } else {
      try {
        pendingProgram = deps.compile(scenario.code);
      } catch (error) {
        reportCompileError(error);
        return;
      }
    }
    if (!(pendingProgram instanceof Promise)) {
      compiledOk(scenario.code, pendingProgram);
      execute(state, pendingProgram);
      return;
    }
    // Compiling happens off the main thread; the page says so while it waits.
    runStarted(store);
    runProgress(0, 'compile', store);
    const thisCompile = { source: scenario.code, program: pendingProgram };
    compiling = thisCompile;
    const settled = () => {
      if (compiling === thisCompile) compiling = null;
    };
    pendingProgram.then(settled, settled);
    pendingProgram.then(
      (program) => {
        // A compile that lands after a newer edit is still the program of its text: keep it
        // while that text is current, so the next run reuses it; only the run is stale.
        if (mine === generation || store.getState().scenario.code === scenario.code) {
          compiledOk(scenario.code, program);
        }
        if (mine !== generation) return;
        execute(store.getState(), program);
      },
      (error: unknown) => {
        if (mine !== generation || isAbortError(error)) return;
        reportCompileError(error);
      },
    );
  };

  const compiledOk = (source: string, program: CompiledProgram) => {
    compiled = { source, program };
    compileSucceeded(program, store);
  };

  const reportCompileError = (error: unknown) => {
    const problem = asCompileProblem(error);
    if (problem) compileFailed(problem, store);
    else runFailed(`The compiler failed: ${errorMessage(error)}`, store);
  };

  const execute = (state: PlaygroundState, program: CompiledProgram) => {
    const scenario = state.scenario;
    const shapeError = shapeProblem(scenario, state.shapeLimits);
    if (shapeError) {
      runFailed(shapeError, store);
      return;
    }
    let uploaded: Partial<AttentionInputs> | null;
    try {
      uploaded = deps.prepareInputs(state);
    } catch (error) {
      runFailed(errorMessage(error), store);
      return;
    }

    const runControl = new AbortController();
    controller = runControl;
    runStarted(store);
    deps
      .runScenario(scenario, program, uploaded, {
        signal: runControl.signal,
        engine: state.enginePreference,
        onProgress: (fraction, stage) => {
          if (!runControl.signal.aborted) runProgress(fraction, stage, store);
        },
        onPicture: (preview) => {
          if (!runControl.signal.aborted) picturePreviewed(preview, scenario, store);
        },
      })
      .then(
        (result) => {
          if (runControl.signal.aborted) return;
          controller = null;
          runSucceeded(result, scenario, program, store);
        },
        (error: unknown) => {
          if (runControl.signal.aborted || isAbortError(error)) return;
          controller = null;
          runFailed(errorMessage(error), store);
        },
      );
  };

  const schedule = (typed: boolean) => {
    const now = performance.now();
    // Typing, or one edit of a burst (a timer still waiting, or the last edit just now): wait
    // for the pause. A lone edit from a control starts its run at once (below).
    const wait = typed || timer !== null || now - lastEditAt < debounceMs;
    lastEditAt = now;
    if (timer !== null) clearTimeout(timer);
    // From the edit on, what is in flight is for a scenario that no longer is: stop it, drop a
    // compile that may still answer, and say "running" at once. So every edit is followed by a
    // visible running state that ends in done or error, even when the run fails a check before
    // it starts (the page and its tests can rely on that).
    controller?.abort();
    controller = null;
    generation += 1;
    runStarted(store);
    if (wait) {
      timer = setTimeout(run, debounceMs);
      return;
    }
    // A lone edit from a control runs as soon as the code that made it returns, in a microtask:
    // ahead of the page redrawing the edit (20-30 ms of rendering at S = 2048), so the compiler
    // works while the page redraws. An edit made before then (the same handler's next) is a
    // burst and moves the generation on, which drops this one.
    const scheduled = generation;
    queueMicrotask(() => {
      if (scheduled === generation && timer === null) run();
    });
  };

  const unsubscribe = store.subscribe((state) => {
    const next = runInputs(state);
    if (sameInputs(next, last)) return;
    const typed =
      next.scenario.code !== last.scenario.code && state.typedCode === next.scenario.code;
    last = next;
    schedule(typed);
  });
  run();

  return () => {
    unsubscribe();
    if (timer !== null) clearTimeout(timer);
    controller?.abort();
    // A compile still in flight must not start a run after the runner stopped.
    generation += 1;
  };
}
