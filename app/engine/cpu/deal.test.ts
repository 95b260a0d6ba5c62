/**
 * Dealing a run's items to workers, with in-process workers that answer through the real worker
 * state (workerState.ts) and messages cloned as postMessage clones them: every item lands once,
 * the assembled run equals the reference's BlockMask, a worker keeps the inputs it was sent, and
 * an abort or a worker's error rejects and drops the pool.
 */
import { describe, expect, it } from 'vitest';
import { compile } from '../../mask/compile';
import type { AttentionShape } from '../../problem';
import { createBlockMask } from '../../reference';
import { randomInputs } from '../../tensors/random';
import { maskSizes } from '../shape';
import { createAssembly } from './assemble';
import { dealItems, type RunSetup } from './deal';
import { emptyKeyCache, runItem, type ItemContext, type ItemResult } from './item';
import { workerProgram } from './program';
import { createFlashKernel } from '../../../cpu/flashKernel';
import type { PoolWorker } from './pool';
import { INPUT_PART_VALUES, type CpuEngineRequest, type CpuEngineResponse } from './protocol';
import { workItems, type WorkItem } from './work';
import { WorkerState } from './workerState';

interface FakeWorker extends PoolWorker {
  requests: CpuEngineRequest[];
  itemsDone: number;
}

/**
 * A worker in this thread: each message is cloned, handled on a later task, answered likewise
 * (or, with `answerAt: 'microtask'`, handled and answered before the page's next task).
 */
function fakeWorker(
  breakOn?: (item: WorkItem) => boolean,
  answerAt: 'task' | 'microtask' = 'task',
): FakeWorker {
  const later = answerAt === 'task' ? (f: () => void) => setTimeout(f) : queueMicrotask;
  const state = new WorkerState();
  const worker: FakeWorker = {
    held: {},
    onmessage: null,
    onerror: null,
    requests: [],
    itemsDone: 0,
    post(request) {
      const copy = structuredClone(request);
      worker.requests.push(copy);
      later(() => {
        let response: CpuEngineResponse | null;
        if (copy.kind === 'item' && breakOn?.(copy.item)) {
          response = { kind: 'error', run: copy.run, message: 'the kernel broke' };
        } else {
          response = state.handle(copy);
        }
        if (response?.kind === 'item') worker.itemsDone++;
        if (response) {
          const answer = structuredClone(response);
          later(() => worker.onmessage?.(new MessageEvent('message', { data: answer })));
        }
      });
    },
  };
  return worker;
}

const SOURCE =
  'def mask_mod(b, h, q_idx, kv_idx):\n    return (q_idx >= kv_idx) & (kv_idx >= q_idx - 20 - h)\n';
const SHAPE: AttentionShape = {
  B: 2,
  H: 4,
  HKV: 2,
  Q: 90,
  KV: 70,
  D: 8,
  DV: 6,
  blockQ: 16,
  blockKV: 16,
};

function setupOf(seed: number): RunSetup {
  const program = compile(SOURCE);
  return {
    source: SOURCE,
    shape: SHAPE,
    grid: { ...maskSizes(SHAPE, program.maskDeps), nQ: Math.ceil(SHAPE.Q / SHAPE.blockQ) },
    inputs: randomInputs(SHAPE, seed),
    pictureHead: null,
    relaxed: false,
  };
}

/** q is 2 x 2 x 300 x 1000 = 1.2M values: two parts, the second shorter. */
const TWO_PART_SHAPE: AttentionShape = { ...SHAPE, B: 2, H: 2, HKV: 1, Q: 300, KV: 40, D: 1000 };

function twoPartSetup(seed: number): RunSetup {
  const program = compile(SOURCE);
  const shape = TWO_PART_SHAPE;
  return {
    source: SOURCE,
    shape,
    grid: { ...maskSizes(shape, program.maskDeps), nQ: Math.ceil(shape.Q / shape.blockQ) },
    inputs: randomInputs(shape, seed),
    pictureHead: null,
    relaxed: false,
  };
}

/** out of every item of the run, computed in this thread on the run's own arrays. */
function outInThisThread({ shape, grid, inputs }: RunSetup): Float32Array {
  const assembly = createAssembly(shape, grid, null);
  const { D, DV, blockQ, blockKV, KV } = shape;
  const context: ItemContext = {
    program: workerProgram(SOURCE),
    shape,
    grid,
    inputs,
    kernel: createFlashKernel({ D, DV, blockQ, blockKV, KV }, { relaxed: false }),
    keys: emptyKeyCache(shape),
    pictureHead: null,
  };
  for (const item of workItems(grid)) assembly.add(runItem(context, item));
  return assembly.finish().out;
}

describe('dealing items to the CPU engine workers', () => {
  it('hands every item to some worker once and assembles the reference BlockMask', async () => {
    const workers = [fakeWorker(), fakeWorker(), fakeWorker()];
    const setup = setupOf(1);
    const items = workItems(setup.grid);
    const assembly = createAssembly(SHAPE, setup.grid, null);
    const seen = new Set<string>();
    const fractions: number[] = [];
    await dealItems(
      workers,
      setup,
      items,
      (result: ItemResult, fraction) => {
        const key = JSON.stringify(result.item);
        expect(seen.has(key)).toBe(false);
        seen.add(key);
        fractions.push(fraction);
        assembly.add(result);
      },
      { onFailure: () => expect.unreachable('no failure'), deadlineMs: 60_000 },
    );
    expect(seen.size).toBe(items.length);
    expect(fractions[fractions.length - 1]).toBe(1);
    expect(workers.reduce((n, w) => n + w.itemsDone, 0)).toBe(items.length);
    for (const w of workers) expect(w.itemsDone).toBeGreaterThan(0);
    const program = compile(SOURCE);
    const sizes = maskSizes(SHAPE, program.maskDeps);
    const reference = createBlockMask(
      (b, h, q, kv) => program.mask(b, h, q, kv),
      sizes.B,
      sizes.H,
      SHAPE.Q,
      SHAPE.KV,
      SHAPE.blockQ,
      SHAPE.blockKV,
    );
    expect(assembly.finish().blockMask).toEqual(reference);
  });

  it('posts an input to a worker again only when it is a different array', async () => {
    const worker = fakeWorker();
    const setup = setupOf(2);
    const options = { onFailure: () => undefined, deadlineMs: 60_000 };
    const items = workItems(setup.grid);
    await dealItems([worker], setup, items, () => undefined, options);
    const k = new Float32Array(setup.inputs.k);
    await dealItems(
      [worker],
      { ...setup, inputs: { ...setup.inputs, k } },
      items,
      () => undefined,
      options,
    );
    // Each run's requests, in order: its input parts, then begin, then items.
    const runs = [...new Set(worker.requests.map((r) => r.run))];
    const sent = runs.map((run) =>
      worker.requests.flatMap((r) => (r.run === run && r.kind === 'input' ? [r.name] : [])),
    );
    expect(sent).toEqual([['q', 'k', 'v'], ['k']]);
    // Inputs travel only as parts: begin never carries (and clones) them again.
    expect(worker.requests.some((r) => 'inputs' in r)).toBe(false);
    for (const run of runs) {
      const kinds = worker.requests.filter((r) => r.run === run).map((r) => r.kind);
      expect(kinds.indexOf('begin')).toBe(kinds.lastIndexOf('input') + 1);
    }
  });

  it('sends an input larger than a part in parts that the worker puts back together', async () => {
    const setup = twoPartSetup(5);
    const { inputs } = setup;
    const worker = fakeWorker();
    const assembly = createAssembly(setup.shape, setup.grid, null);
    await dealItems([worker], setup, workItems(setup.grid), (result) => assembly.add(result), {
      onFailure: () => expect.unreachable('no failure'),
      deadlineMs: 60_000,
    });
    const parts = worker.requests.flatMap((r) => (r.kind === 'input' ? [r] : []));
    expect(parts.map((p) => [p.name, p.offset, p.values.length])).toEqual([
      ['q', 0, INPUT_PART_VALUES],
      ['q', INPUT_PART_VALUES, inputs.q.length - INPUT_PART_VALUES],
      ['k', 0, inputs.k.length],
      ['v', 0, inputs.v.length],
    ]);
    // The same items run in this thread on the original arrays give the same bits.
    expect(assembly.finish().out).toEqual(outInThisThread(setup));
  });

  it('an input half sent when the run ends is sent again, whole, to that worker', async () => {
    // The first worker already holds the inputs and answers at once, so the run's one item is
    // done while the second worker has had one of q's two parts.
    const setup = twoPartSetup(6);
    const options = { onFailure: () => expect.unreachable('no failure'), deadlineMs: 60_000 };
    const items = workItems(setup.grid);
    const quick = fakeWorker(undefined, 'microtask');
    await dealItems([quick], setup, items, () => undefined, options);
    const late = fakeWorker();
    await dealItems([quick, late], setup, items.slice(0, 1), () => undefined, options);
    const partsOf = (worker: FakeWorker) =>
      worker.requests.flatMap((r) => (r.kind === 'input' ? [`${r.name}@${r.offset}`] : []));
    expect(partsOf(late)).toEqual(['q@0']);
    expect(late.held.q).toBeUndefined();

    // The next run sends q from its start, and the late worker's results are right.
    const assembly = createAssembly(setup.shape, setup.grid, null);
    await dealItems([late], setup, items, (result) => assembly.add(result), options);
    expect(partsOf(late)).toEqual(['q@0', 'q@0', `q@${INPUT_PART_VALUES}`, 'k@0', 'v@0']);
    expect(assembly.finish().out).toEqual(outInThisThread(setup));
  });

  it('an abort rejects with an AbortError and drops the pool', async () => {
    const controller = new AbortController();
    let dropped = 0;
    const setup = setupOf(3);
    const run = dealItems(
      [fakeWorker(), fakeWorker()],
      setup,
      workItems(setup.grid),
      () => controller.abort(),
      { signal: controller.signal, onFailure: () => dropped++, deadlineMs: 60_000 },
    );
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(dropped).toBe(1);
  });

  it("a worker's error rejects with its message and drops the pool", async () => {
    let dropped = 0;
    const setup = setupOf(4);
    const run = dealItems(
      [fakeWorker(), fakeWorker((item) => item.qb === 2)],
      setup,
      workItems(setup.grid),
      () => undefined,
      { onFailure: () => dropped++, deadlineMs: 60_000 },
    );
    await expect(run).rejects.toThrow('the kernel broke');
    expect(dropped).toBe(1);
  });
});
