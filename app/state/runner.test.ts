import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import type { RunOptions, RunResult } from '../engine/types';
import { type AttentionInputs, DEFAULT_SCENARIO, type Scenario } from '../problem';
import type { CompiledProgram } from '../mask/types';
import { MaskCompileError } from '../mask/errors';
import { asCompileProblem, startRunner, type RunnerDeps } from './runner';
import { createPlaygroundStore, setCode, setShape, setView, typeCode } from './store';

/** A fake engine: each call waits until the test resolves it, and records its options. */
function fakeEngine() {
  const calls: {
    scenario: Scenario;
    options: RunOptions;
    resolve: (r: RunResult) => void;
    reject: (e: unknown) => void;
  }[] = [];
  const runScenario = (
    scenario: Scenario,
    _program: CompiledProgram,
    _uploaded: Partial<AttentionInputs> | null,
    options: RunOptions,
  ) =>
    new Promise<RunResult>((resolve, reject) => {
      calls.push({ scenario, options, resolve, reject });
    });
  return { calls, runScenario };
}

function fakeProgram(source: string): CompiledProgram {
  if (source.includes('BROKEN')) {
    const start = source.indexOf('BROKEN');
    throw new MaskCompileError(
      source,
      { start, end: start + 6 },
      'NameError',
      "name 'BROKEN' is not defined",
    );
  }
  return { source } as unknown as CompiledProgram;
}

function fakeResult(tag: number): RunResult {
  return { sparsity: tag, view: { rows: 10, cols: 10 } } as unknown as RunResult;
}

describe('startRunner', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function setup() {
    const store = createPlaygroundStore(DEFAULT_SCENARIO);
    const engine = fakeEngine();
    const compile = vi.fn(fakeProgram);
    const deps: RunnerDeps = {
      compile,
      runScenario: engine.runScenario,
      prepareInputs: () => null,
      debounceMs: 150,
    };
    const stop = startRunner(store, deps);
    return { store, engine, compile, stop };
  }

  /** setup(), its first run done, and a second of quiet: the next edit is a lone one. */
  async function settledAndQuiet() {
    const runner = setup();
    runner.engine.calls[0].resolve(fakeResult(1));
    await vi.runAllTimersAsync();
    await vi.advanceTimersByTimeAsync(1000);
    return runner;
  }

  test('runs at once, then marks done with the result', async () => {
    const { store, engine, stop } = setup();
    expect(engine.calls).toHaveLength(1);
    expect(store.getState().status).toBe('running');
    engine.calls[0].resolve(fakeResult(1));
    await vi.runAllTimersAsync();
    expect(store.getState().status).toBe('done');
    expect(store.getState().result?.sparsity).toBe(1);
    stop();
  });

  test('a lone edit from a control runs at once, without waiting for the quiet time', async () => {
    const { store, engine, stop } = await settledAndQuiet();
    setShape({ Q: 12 }, store);
    expect(store.getState().status).toBe('running');
    await vi.advanceTimersByTimeAsync(0);
    expect(engine.calls).toHaveLength(2);
    expect(engine.calls[1].scenario.Q).toBe(12);
    setCode('x = 2', store);
    await vi.advanceTimersByTimeAsync(1000);
    setCode('x = 3', store);
    await vi.advanceTimersByTimeAsync(0);
    expect(engine.calls.map((c) => c.scenario.code).slice(2)).toEqual(['x = 2', 'x = 3']);
    stop();
  });

  test("a lone edit's compile starts before the next task, ahead of the page's redraw", async () => {
    const { store, compile, stop } = await settledAndQuiet();
    setCode('x = 5', store);
    expect(compile).toHaveBeenCalledTimes(1);
    // One microtask later: no timer has run.
    await Promise.resolve();
    expect(compile).toHaveBeenLastCalledWith('x = 5');
    // Two edits in one handler are a burst: neither runs before the quiet time.
    setCode('x = 6', store);
    setCode('x = 7', store);
    await Promise.resolve();
    expect(compile).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(150);
    expect(compile).toHaveBeenLastCalledWith('x = 7');
    stop();
  });

  test('a burst of edits runs its first at once and its last after the quiet time', async () => {
    const { store, engine, stop } = await settledAndQuiet();
    for (let i = 0; i < 5; i++) {
      setShape({ Q: 11 + i }, store);
      await vi.advanceTimersByTimeAsync(100);
    }
    // The first edit's run started and was aborted by the second edit.
    expect(engine.calls).toHaveLength(2);
    expect(engine.calls[1].scenario.Q).toBe(11);
    expect(engine.calls[1].options.signal?.aborted).toBe(true);
    await vi.advanceTimersByTimeAsync(49);
    expect(engine.calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(engine.calls).toHaveLength(3);
    expect(engine.calls[2].scenario.Q).toBe(15);
    stop();
  });

  test('text typed in the editor waits for a pause in typing, even after a quiet spell', async () => {
    const { store, engine, compile, stop } = await settledAndQuiet();
    typeCode('x = 1', store);
    await vi.advanceTimersByTimeAsync(100);
    typeCode('x = 12', store);
    await vi.advanceTimersByTimeAsync(149);
    expect(compile).toHaveBeenCalledTimes(1);
    expect(engine.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(compile).toHaveBeenLastCalledWith('x = 12');
    expect(engine.calls).toHaveLength(2);
    // A control's edit after typing is not typing: it runs at once, even when it brings back
    // the text last typed.
    await vi.advanceTimersByTimeAsync(1000);
    setCode('x = 13', store);
    await vi.advanceTimersByTimeAsync(0);
    expect(engine.calls.at(-1)?.scenario.code).toBe('x = 13');
    await vi.advanceTimersByTimeAsync(1000);
    setCode('x = 12', store);
    await vi.advanceTimersByTimeAsync(0);
    expect(engine.calls.at(-1)?.scenario.code).toBe('x = 12');
    stop();
  });

  test('a newer edit aborts the run in flight, and the stale result never lands', async () => {
    const { store, engine, stop } = setup();
    const first = engine.calls[0];
    setShape({ KV: 12 }, store);
    await vi.advanceTimersByTimeAsync(150);
    expect(first.options.signal?.aborted).toBe(true);
    first.resolve(fakeResult(111));
    engine.calls[1].resolve(fakeResult(222));
    await vi.runAllTimersAsync();
    expect(store.getState().result?.sparsity).toBe(222);
    expect(store.getState().status).toBe('done');
    stop();
  });

  test('changing only the view does not run again', async () => {
    const { store, engine, stop } = setup();
    setView('blocks', store);
    await vi.advanceTimersByTimeAsync(500);
    expect(engine.calls).toHaveLength(1);
    stop();
  });

  test('a compile error keeps the last result and says what is wrong', async () => {
    const { store, engine, stop } = setup();
    engine.calls[0].resolve(fakeResult(7));
    await vi.runAllTimersAsync();
    setCode('x = BROKEN', store);
    await vi.advanceTimersByTimeAsync(150);
    const state = store.getState();
    expect(state.status).toBe('error');
    expect(state.compileError?.formatted).toContain('BROKEN');
    expect(state.compileError?.span).toEqual({ start: 4, end: 10 });
    expect(state.result?.sparsity).toBe(7);
    expect(engine.calls).toHaveLength(1);
    setCode('x = 1', store);
    await vi.advanceTimersByTimeAsync(150);
    expect(store.getState().compileError).toBeNull();
    expect(engine.calls).toHaveLength(2);
    stop();
  });

  test('progress reports reach the store while running', async () => {
    const { store, engine, stop } = setup();
    engine.calls[0].options.onProgress?.(0.5, 'attention');
    expect(store.getState().progress).toEqual({ fraction: 0.5, stage: 'attention' });
    stop();
  });

  test('an engine failure is an error with its message; a bad shape never reaches the engine', async () => {
    const { store, engine, stop } = setup();
    engine.calls[0].reject(new Error('device lost'));
    await vi.runAllTimersAsync();
    expect(store.getState().status).toBe('error');
    expect(store.getState().runError).toBe('device lost');
    setShape({ H: 6, HKV: 4 }, store);
    await vi.advanceTimersByTimeAsync(150);
    expect(engine.calls).toHaveLength(1);
    expect(store.getState().runError).toMatch(/multiple of Hkv/);
    stop();
  });

  test('the same program text is compiled once', async () => {
    const { store, compile, stop } = setup();
    setShape({ Q: 20 }, store);
    await vi.advanceTimersByTimeAsync(150);
    expect(compile).toHaveBeenCalledTimes(1);
    stop();
  });
});

describe('helpers', () => {
  test('asCompileProblem reads a MaskCompileError and nothing else', () => {
    expect(asCompileProblem(new Error('x'))).toBeNull();
    expect(asCompileProblem(null)).toBeNull();
    expect(asCompileProblem({ formatted: 'f', span: { start: 1, end: 2 } })).toBeNull();
    const source = 'def mask_mod(b, h, q_idx, kv_idx):\n    return qq >= kv_idx\n';
    const error = new MaskCompileError(
      source,
      { start: 46, end: 48 },
      'NameError',
      "name 'qq' is not defined",
    );
    expect(asCompileProblem(error)).toEqual({
      message: "NameError: name 'qq' is not defined",
      formatted: error.formatted,
      span: { start: 46, end: 48 },
      line: 2,
      column: 12,
    });
  });
});

describe('startRunner with a compiler off the main thread', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  /** A compiler that answers only when the test says so, like the compile worker. */
  function deferredCompiler() {
    const pending: {
      source: string;
      resolve: (p: CompiledProgram) => void;
      reject: (e: unknown) => void;
    }[] = [];
    const compile = (source: string) =>
      new Promise<CompiledProgram>((resolve, reject) => pending.push({ source, resolve, reject }));
    return { pending, compile };
  }

  test('says it is compiling, then runs the compiled program', async () => {
    const store = createPlaygroundStore(DEFAULT_SCENARIO);
    const engine = fakeEngine();
    const compiler = deferredCompiler();
    const stop = startRunner(store, {
      compile: compiler.compile,
      runScenario: engine.runScenario,
      prepareInputs: () => null,
    });
    expect(store.getState().status).toBe('running');
    expect(store.getState().progress?.stage).toBe('compile');
    expect(engine.calls).toHaveLength(0);
    compiler.pending[0].resolve(fakeProgram(compiler.pending[0].source));
    await vi.runAllTimersAsync();
    expect(engine.calls).toHaveLength(1);
    engine.calls[0].resolve(fakeResult(7));
    await vi.runAllTimersAsync();
    expect(store.getState().result?.sparsity).toBe(7);
    stop();
  });

  test('a compile that finishes after a newer edit is dropped', async () => {
    const store = createPlaygroundStore(DEFAULT_SCENARIO);
    const engine = fakeEngine();
    const compiler = deferredCompiler();
    const stop = startRunner(store, {
      compile: compiler.compile,
      runScenario: engine.runScenario,
      prepareInputs: () => null,
      debounceMs: 10,
    });
    setCode('mask_mod = noop_mask\n', store);
    await vi.advanceTimersByTimeAsync(20);
    expect(compiler.pending).toHaveLength(2);
    // The newer compile answers first, then the stale one: only the newer runs.
    compiler.pending[1].resolve(fakeProgram(compiler.pending[1].source));
    await vi.runAllTimersAsync();
    compiler.pending[0].resolve(fakeProgram(compiler.pending[0].source));
    await vi.runAllTimersAsync();
    expect(engine.calls).toHaveLength(1);
    expect(engine.calls[0].scenario.code).toBe('mask_mod = noop_mask\n');
    stop();
  });

  test('a compile that lands while a shape edit waits is kept, not compiled again', async () => {
    const store = createPlaygroundStore(DEFAULT_SCENARIO);
    const engine = fakeEngine();
    const compiler = deferredCompiler();
    const stop = startRunner(store, {
      compile: compiler.compile,
      runScenario: engine.runScenario,
      prepareInputs: () => null,
      debounceMs: 50,
    });
    setShape({ Q: 12 }, store);
    expect(store.getState().status).toBe('running');
    // The first compile answers inside the edit's debounce window.
    compiler.pending[0].resolve(fakeProgram(compiler.pending[0].source));
    await vi.advanceTimersByTimeAsync(1);
    expect(store.getState().program?.source).toBe(DEFAULT_SCENARIO.code);
    await vi.runAllTimersAsync();
    expect(compiler.pending).toHaveLength(1);
    expect(engine.calls).toHaveLength(1);
    expect(engine.calls[0].scenario.Q).toBe(12);
    stop();
  });

  test('text that compiled before clears the error when the user comes back to it', async () => {
    const store = createPlaygroundStore(DEFAULT_SCENARIO);
    const engine = fakeEngine();
    const compiler = deferredCompiler();
    const stop = startRunner(store, {
      compile: compiler.compile,
      runScenario: engine.runScenario,
      prepareInputs: () => null,
      debounceMs: 10,
    });
    compiler.pending[0].resolve(fakeProgram(compiler.pending[0].source));
    await vi.runAllTimersAsync();
    engine.calls[0].resolve(fakeResult(1));
    setCode('def mask_mod(:\n', store);
    await vi.advanceTimersByTimeAsync(20);
    compiler.pending[1].reject(
      new MaskCompileError('def mask_mod(:\n', { start: 0, end: 1 }, 'SyntaxError', 'bad'),
    );
    await vi.runAllTimersAsync();
    expect(store.getState().compileError).not.toBeNull();
    setCode(DEFAULT_SCENARIO.code, store);
    await vi.runAllTimersAsync();
    expect(compiler.pending).toHaveLength(2);
    expect(store.getState().compileError).toBeNull();
    stop();
  });

  test('a compile error from the worker is shown as the compile error', async () => {
    const store = createPlaygroundStore(DEFAULT_SCENARIO);
    const engine = fakeEngine();
    const compiler = deferredCompiler();
    const stop = startRunner(store, {
      compile: compiler.compile,
      runScenario: engine.runScenario,
      prepareInputs: () => null,
    });
    const source = compiler.pending[0].source;
    compiler.pending[0].reject(
      new MaskCompileError(source, { start: 0, end: 1 }, 'LimitError', 'too much work'),
    );
    await vi.runAllTimersAsync();
    expect(store.getState().status).toBe('error');
    expect(store.getState().compileError?.message).toBe('LimitError: too much work');
    expect(engine.calls).toHaveLength(0);
    stop();
  });
});
