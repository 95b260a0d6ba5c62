/**
 * The page's side of the teaching worker: `explain(run, cell)` and `walk(run, target)` resolve to
 * what the panels draw, computed in the worker so a large row never blocks the page.
 *
 * Each run is sent once: the first question about a run posts its program's text and the head on
 * screen (copied out of the run, the copies' buffers transferred), and later questions name it by
 * id. One question of each kind is in flight: a newer explain supersedes an older one (likewise
 * walk), whose promise rejects with an AbortError and whose answer, if it still comes, is dropped.
 * If the worker fails, or has not answered a question DEADLINE_MS after it was asked, it is
 * terminated, every open question fails with a message saying so, and the next question starts a
 * fresh worker (which is sent its run again). Same pattern as app/mask/compileClient.ts.
 */
import { abortError } from '../async/abort';
import type { CompiledProgram } from '../mask/types';
import type { ExplainAnswer, TokenCell } from './explain';
import { headBuffers, teachingHead, type HeadSource } from './head';
import type { TeachingMessage, TeachingQuestion, TeachingResponse } from './protocol';
import type { RowTarget, WalkAnswer } from './walk';

/** Wall time one question may take, from the moment it is asked, before the worker is replaced. */
export const TEACHING_DEADLINE_MS = 15_000;

/** A run the panels explain: its result (the head on screen is its picture's) and its program. */
export interface TeachingRun {
  result: HeadSource & { picture: { b: number; h: number } };
  program: CompiledProgram;
}

/** What this module needs of a Worker (tests pass a fake). */
export interface TeachingWorker {
  postMessage(message: TeachingMessage, transfer?: Transferable[]): void;
  terminate(): void;
  onmessage: ((event: MessageEvent<TeachingResponse>) => void) | null;
  onerror: ((event: ErrorEvent) => void) | null;
}

export interface TeachingClientOptions {
  startWorker: () => TeachingWorker;
  deadlineMs?: number;
}

/** A signal that, once aborted, drops the question (its promise rejects with an AbortError). */
export interface TeachingClient {
  explain(run: TeachingRun, cell: TokenCell, signal?: AbortSignal): Promise<ExplainAnswer>;
  walk(run: TeachingRun, target: RowTarget, signal?: AbortSignal): Promise<WalkAnswer>;
}

type QuestionKind = TeachingQuestion['kind'];

/** A question as a caller asks it (one per kind: Omit distributes over the union here). */
type WithoutIds<Q> = Q extends TeachingQuestion ? Omit<Q, 'id' | 'runId'> : never;
type QuestionBody = WithoutIds<TeachingQuestion>;

interface Pending {
  id: number;
  kind: QuestionKind;
  /** What is needed to ask it again of a fresh worker. */
  run: TeachingRun;
  body: QuestionBody;
  /** Settles the question's promise with the worker's response to it. */
  answer: (response: TeachingResponse) => void;
  reject: (error: unknown) => void;
  timer: ReturnType<typeof setTimeout> | null;
}

const WHAT: Record<QuestionKind, string> = {
  explain: 'The explanation',
  walk: 'The walkthrough',
};

export function createTeachingClient(options: TeachingClientOptions): TeachingClient {
  const deadlineMs = options.deadlineMs ?? TEACHING_DEADLINE_MS;
  let worker: TeachingWorker | null = null;
  /** The id of the run the current worker holds. */
  let loadedRunId: number | null = null;
  /** The id each run was sent under; weakly held, so a run the page has dropped is not kept. */
  const sentAs = new WeakMap<TeachingRun['result'], { program: CompiledProgram; runId: number }>();
  const pending = new Map<QuestionKind, Pending>();
  let nextId = 1;
  let nextRunId = 1;

  const replaceWorker = () => {
    worker?.terminate();
    worker = null;
    loadedRunId = null;
  };

  const settle = (open: Pending) => {
    if (open.timer !== null) clearTimeout(open.timer);
    if (pending.get(open.kind) === open) pending.delete(open.kind);
  };

  const failAll = (error: Error) => {
    for (const open of [...pending.values()]) {
      settle(open);
      open.reject(error);
    }
  };

  /**
   * Past its deadline a question fails alone: the worker, busy with it, is replaced, and the
   * other open questions are asked again of the new one (each with a fresh deadline).
   */
  const expire = (open: Pending) => {
    settle(open);
    replaceWorker();
    open.reject(
      new Error(
        `${WHAT[open.kind]} did not finish within its deadline of ${deadlineMs / 1000} s; ` +
          'a smaller Q_LEN, KV_LEN or block size computes faster.',
      ),
    );
    for (const other of [...pending.values()]) send(other);
  };

  /** Posts a question to the worker (starting one, and loading its run, when needed). */
  const send = (open: Pending) => {
    try {
      const current = (worker ??= startWorker());
      const runId = load(current, open.run);
      if (open.timer !== null) clearTimeout(open.timer);
      open.timer = setTimeout(() => expire(open), deadlineMs);
      current.postMessage({ ...open.body, id: open.id, runId });
    } catch (error) {
      settle(open);
      open.reject(error);
    }
  };

  const startWorker = (): TeachingWorker => {
    const created = options.startWorker();
    created.onmessage = (event) => {
      const response = event.data;
      for (const open of pending.values()) {
        if (open.id !== response.id) continue;
        settle(open);
        open.answer(response);
        return;
      }
      // No open question has this id: a superseded question's answer, dropped.
    };
    created.onerror = (event) => {
      event.preventDefault();
      replaceWorker();
      failAll(new Error(`The teaching worker failed: ${event.message || 'unknown error'}.`));
    };
    return created;
  };

  /** The id the worker knows `run` by, sending it first if the worker does not hold it yet. */
  const load = (target: TeachingWorker, run: TeachingRun): number => {
    const sent = sentAs.get(run.result);
    if (sent && sent.program === run.program && sent.runId === loadedRunId) return sent.runId;
    const { b, h } = run.result.picture;
    const head = teachingHead(run.result, b, h);
    const runId = nextRunId++;
    target.postMessage(
      { kind: 'load', runId, source: run.program.source, head },
      headBuffers(head),
    );
    sentAs.set(run.result, { program: run.program, runId });
    loadedRunId = runId;
    return runId;
  };

  const failed = (kind: QuestionKind, response: TeachingResponse): Error =>
    new Error(
      `${WHAT[kind]} could not be computed: ${response.ok ? `the worker answered a ${response.kind} question instead` : response.message}.`,
    );

  /** Posts a question; `pick` takes its answer out of the response, or null when it has none. */
  const ask = <T>(
    run: TeachingRun,
    body: QuestionBody,
    pick: (response: TeachingResponse) => T | null,
    signal: AbortSignal | undefined,
  ): Promise<T> => {
    const earlier = pending.get(body.kind);
    if (earlier) {
      settle(earlier);
      earlier.reject(abortError('superseded by a newer question'));
    }
    return new Promise<T>((resolve, reject) => {
      const open: Pending = {
        id: nextId++,
        kind: body.kind,
        run,
        body,
        timer: null,
        reject,
        answer: (response) => {
          const picked = pick(response);
          if (picked === null) reject(failed(body.kind, response));
          else resolve(picked);
        },
      };
      if (signal?.aborted) {
        reject(abortError('the question was withdrawn'));
        return;
      }
      signal?.addEventListener('abort', () => {
        if (pending.get(open.kind) !== open) return;
        settle(open);
        reject(abortError('the question was withdrawn'));
      });
      pending.set(open.kind, open);
      send(open);
    });
  };

  return {
    explain: (run, cell, signal) =>
      ask(
        run,
        { kind: 'explain', cell },
        (r) => (r.ok && r.kind === 'explain' ? r.answer : null),
        signal,
      ),
    walk: (run, target, signal) =>
      ask(
        run,
        { kind: 'walk', target },
        (r) => (r.ok && r.kind === 'walk' ? r.answer : null),
        signal,
      ),
  };
}

/** The page's client, with its worker started on first use. */
let pageClient: TeachingClient | null = null;

export function teachingClient(): TeachingClient {
  pageClient ??= createTeachingClient({
    startWorker: () =>
      new Worker(new URL('./teachingWorker.ts', import.meta.url), { type: 'module' }),
  });
  return pageClient;
}
