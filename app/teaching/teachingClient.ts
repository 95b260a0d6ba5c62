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

export interface TeachingClient {
  explain(run: TeachingRun, cell: TokenCell): Promise<ExplainAnswer>;
  walk(run: TeachingRun, target: RowTarget): Promise<WalkAnswer>;
}

type QuestionKind = TeachingQuestion['kind'];

/** A question as a caller asks it (one per kind: Omit distributes over the union here). */
type WithoutIds<Q> = Q extends TeachingQuestion ? Omit<Q, 'id' | 'runId'> : never;
type QuestionBody = WithoutIds<TeachingQuestion>;

interface Pending {
  id: number;
  /** Settles the question's promise with the worker's response to it. */
  answer: (response: TeachingResponse) => void;
  reject: (error: unknown) => void;
  timer: ReturnType<typeof setTimeout>;
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

  const failAll = (error: Error) => {
    for (const open of pending.values()) {
      clearTimeout(open.timer);
      open.reject(error);
    }
    pending.clear();
  };

  const startWorker = (): TeachingWorker => {
    const created = options.startWorker();
    created.onmessage = (event) => {
      const response = event.data;
      for (const [kind, open] of pending) {
        if (open.id !== response.id) continue;
        clearTimeout(open.timer);
        pending.delete(kind);
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
  ): Promise<T> => {
    const { kind } = body;
    const earlier = pending.get(kind);
    if (earlier) {
      clearTimeout(earlier.timer);
      pending.delete(kind);
      earlier.reject(abortError('superseded by a newer question'));
    }
    const current = (worker ??= startWorker());
    let runId: number;
    try {
      runId = load(current, run);
    } catch (error) {
      return Promise.reject(error);
    }
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        replaceWorker();
        failAll(
          new Error(
            `${WHAT[kind]} did not finish within its deadline of ${deadlineMs / 1000} s; ` +
              'a smaller Q_LEN, KV_LEN or block size computes faster.',
          ),
        );
      }, deadlineMs);
      const answer = (response: TeachingResponse) => {
        const picked = pick(response);
        if (picked === null) reject(failed(kind, response));
        else resolve(picked);
      };
      pending.set(kind, { id, timer, reject, answer });
      current.postMessage({ ...body, id, runId });
    });
  };

  return {
    explain: (run, cell) =>
      ask(run, { kind: 'explain', cell }, (r) => (r.ok && r.kind === 'explain' ? r.answer : null)),
    walk: (run, target) =>
      ask(run, { kind: 'walk', target }, (r) => (r.ok && r.kind === 'walk' ? r.answer : null)),
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
