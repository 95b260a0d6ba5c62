import { afterEach, describe, expect, it, vi } from 'vitest';
import { isAbortError } from '../async/abort';
import { createTeachingAnswerer } from './answer';
import { explainHeadCell, teachingProgram } from './explain';
import { teachingHead } from './head';
import type { TeachingMessage, TeachingResponse } from './protocol';
import { createTeachingClient, type TeachingRun, type TeachingWorker } from './teachingClient';
import {
  CAUSAL,
  GQA_SHAPE,
  HEAD_DEPENDENT,
  SMALL_SHAPE,
  smallRun,
} from '../../testing/teachingRuns';

/**
 * A worker in this process: each message is cloned as postMessage clones it (transferred buffers
 * detached) and answered by the real worker's code, a task later. A message `stall` picks never
 * finishes, and, as in a real worker busy with it, nothing after it is answered either.
 */
class FakeWorker implements TeachingWorker {
  onmessage: ((event: MessageEvent<TeachingResponse>) => void) | null = null;
  onerror: ((event: ErrorEvent) => void) | null = null;
  received: TeachingMessage[] = [];
  terminated = false;
  private stuck = false;
  private readonly answerer = createTeachingAnswerer();
  constructor(private readonly stall: (message: TeachingMessage) => boolean) {}

  postMessage(message: TeachingMessage, transfer: Transferable[] = []): void {
    const copy = structuredClone(message, { transfer });
    this.received.push(copy);
    this.stuck ||= this.stall(copy);
    if (this.stuck) return;
    setTimeout(() => {
      const response = this.answerer.receive(copy);
      if (response && !this.terminated) {
        this.onmessage?.(new MessageEvent('message', { data: structuredClone(response) }));
      }
    }, 0);
  }

  terminate(): void {
    this.terminated = true;
  }

  fail(message: string): void {
    const event = new Event('error') as ErrorEvent;
    Object.defineProperty(event, 'message', { value: message });
    this.onerror?.(event);
  }

  kinds(): string[] {
    return this.received.map((m) => m.kind);
  }
}

function setup(stall: (message: TeachingMessage) => boolean = () => false, deadlineMs = 15_000) {
  const workers: FakeWorker[] = [];
  const client = createTeachingClient({
    startWorker: () => {
      const worker = new FakeWorker(stall);
      workers.push(worker);
      return worker;
    },
    deadlineMs,
  });
  return { client, workers };
}

const causal: TeachingRun = smallRun(CAUSAL, SMALL_SHAPE);

afterEach(() => {
  vi.useRealTimers();
});

describe('the teaching client', () => {
  it("answers in the worker what the plain functions answer, for the picture's (b, h)", async () => {
    const { client } = setup();
    const run = smallRun(HEAD_DEPENDENT, GQA_SHAPE, { b: 1, h: 3 });
    const answer = await client.explain(run, { q: 4, kv: 2 });
    const expected = explainHeadCell(teachingHead(run.result, 1, 3), teachingProgram(run.program), {
      q: 4,
      kv: 2,
    });
    expect(answer).toEqual(expected);
    expect(answer.cell).toMatchObject({ b: 1, h: 3, hkv: 1 });
    const walked = await client.walk(run, { queryBlock: 1, row: 4 });
    expect(walked.walk.target).toEqual({ b: 1, h: 3, queryBlock: 1, row: 4 });
    expect(walked.kernel.lse).toBe(run.result.outputs.lse[(1 * 4 + 3) * GQA_SHAPE.Q + 4]);
  });

  it('sends each run once, its head transferred and the run left whole', async () => {
    const { client, workers } = setup();
    const q = Array.from(causal.result.inputs.q);
    await client.explain(causal, { q: 1, kv: 0 });
    await client.walk(causal, { queryBlock: 0, row: 1 });
    await client.explain(causal, { q: 2, kv: 1 });
    expect(workers).toHaveLength(1);
    expect(workers[0].kinds()).toEqual(['load', 'explain', 'walk', 'explain']);
    const load = workers[0].received[0];
    expect(load.kind === 'load' && load.source).toBe(CAUSAL);
    expect(load.kind === 'load' && load.head.q.length).toBe(SMALL_SHAPE.Q * SMALL_SHAPE.D);
    expect(Array.from(causal.result.inputs.q)).toEqual(q);
    // A new run (the same program text, new numbers) is sent again.
    const next = smallRun(CAUSAL, SMALL_SHAPE, { b: 0, h: 0 }, 8);
    await client.explain(next, { q: 2, kv: 1 });
    expect(workers[0].kinds()).toEqual(['load', 'explain', 'walk', 'explain', 'load', 'explain']);
    // The worker holds the last run only: going back to the first sends it again.
    await client.walk(causal, { queryBlock: 0, row: 0 });
    expect(workers[0].kinds().slice(6)).toEqual(['load', 'walk']);
  });

  it('drops a superseded question: it rejects as such, and its answer is never used', async () => {
    const { client, workers } = setup();
    const first = client.explain(causal, { q: 1, kv: 0 });
    const walk = client.walk(causal, { queryBlock: 0, row: 3 });
    const second = client.explain(causal, { q: 9, kv: 2 });
    await expect(first).rejects.toSatisfy(isAbortError);
    expect((await second).cell).toMatchObject({ q: 9, kv: 2 });
    // A question of the other kind is not superseded.
    expect((await walk).walk.target.row).toBe(3);
    expect(workers[0].kinds()).toEqual(['load', 'explain', 'walk', 'explain']);
  });

  it("passes on the worker's own failure, naming what could not be computed", async () => {
    const { client } = setup();
    await expect(client.walk(causal, { queryBlock: 0, row: 6 })).rejects.toThrow(
      'The walkthrough could not be computed: walkthrough: row 6 is not in query block 0.',
    );
    // The worker lives on.
    expect((await client.explain(causal, { q: 0, kv: 0 })).cell.allowed).toBe(true);
  });

  it('a question past its deadline fails alone; the others are asked again of a fresh worker', async () => {
    vi.useFakeTimers();
    const { client, workers } = setup((m) => m.kind === 'walk', 1000);
    const walk = client.walk(causal, { queryBlock: 0, row: 1 });
    const explain = client.explain(causal, { q: 1, kv: 1 });
    const walkFailed = expect(walk).rejects.toThrow(
      'The walkthrough did not finish within its deadline of 1 s',
    );
    await vi.advanceTimersByTimeAsync(1000);
    await walkFailed;
    expect(workers[0].terminated).toBe(true);
    // The explanation was stuck behind the walk: the new worker gets the run and the question.
    await vi.advanceTimersByTimeAsync(10);
    expect((await explain).cell).toMatchObject({ q: 1, kv: 1 });
    expect(workers).toHaveLength(2);
    expect(workers[1].kinds()).toEqual(['load', 'explain']);
  });

  it('a withdrawn question rejects as an abort and its late answer is dropped', async () => {
    const { client, workers } = setup();
    const withdraw = new AbortController();
    const explain = client.explain(causal, { q: 1, kv: 1 }, withdraw.signal);
    withdraw.abort();
    await expect(explain).rejects.toSatisfy(isAbortError);
    // The worker still answers; nothing is left open to take it.
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(workers[0].kinds()).toEqual(['load', 'explain']);
    const next = await client.explain(causal, { q: 2, kv: 2 });
    expect(next.cell).toMatchObject({ q: 2, kv: 2 });
  });

  it('replaces a worker that fails, with a message that says so', async () => {
    const { client, workers } = setup(() => true);
    const explain = client.explain(causal, { q: 1, kv: 1 });
    workers[0].fail('out of memory');
    await expect(explain).rejects.toThrow('The teaching worker failed: out of memory.');
    expect(workers[0].terminated).toBe(true);
    void client.explain(causal, { q: 1, kv: 1 }).catch(() => {});
    expect(workers).toHaveLength(2);
    expect(workers[1].kinds()).toEqual(['load', 'explain']);
  });
});
