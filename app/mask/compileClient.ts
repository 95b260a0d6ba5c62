/**
 * The page's side of the compile worker: `compileOffThread(source)` resolves to a CompiledProgram
 * or rejects with the MaskCompileError the worker reported. The worker's budget stops any program
 * within about a second; if the worker still has not answered after WORKER_DEADLINE_MS (a bug, or
 * a machine far slower than expected), it is terminated, a fresh one takes its place, and the
 * compile fails with a message that names the deadline. Only the newest request matters: a newer
 * compile supersedes an older one, whose promise rejects with an AbortError.
 */
import { abortError } from '../async/abort';
import { programFromData } from './compile';
import type { CompileRequest, CompileResponse } from './compileProtocol';
import { MaskCompileError } from './errors';
import type { CompiledProgram } from './types';

/** Wall time the page waits for one compile before giving up on the worker. */
export const WORKER_DEADLINE_MS = 4000;

interface Pending {
  id: number;
  source: string;
  resolve: (program: CompiledProgram) => void;
  reject: (error: unknown) => void;
  timer: ReturnType<typeof setTimeout>;
}

let worker: Worker | null = null;
let pending: Pending | null = null;
let nextId = 1;

function startWorker(): Worker {
  const created = new Worker(new URL('./compileWorker.ts', import.meta.url), { type: 'module' });
  created.onmessage = (event: MessageEvent<CompileResponse>) => settle(event.data);
  created.onerror = (event) => {
    event.preventDefault();
    fail(new Error(`the compile worker failed: ${event.message || 'unknown error'}`));
    replaceWorker();
  };
  return created;
}

function replaceWorker(): void {
  worker?.terminate();
  worker = null;
}

function settle(response: CompileResponse): void {
  const current = pending;
  if (!current || current.id !== response.id) return;
  clearTimeout(current.timer);
  pending = null;
  if (response.ok) {
    try {
      current.resolve(programFromData(response.data));
    } catch (error) {
      current.reject(error);
    }
    return;
  }
  const { span, kind, detail, traceback } = response.error;
  current.reject(new MaskCompileError(current.source, span, kind, detail, traceback));
}

function fail(error: unknown): void {
  const current = pending;
  if (!current) return;
  clearTimeout(current.timer);
  pending = null;
  current.reject(error);
}

export function compileOffThread(source: string): Promise<CompiledProgram> {
  if (pending) fail(abortError('superseded by a newer compile'));
  worker ??= startWorker();
  const id = nextId++;
  return new Promise<CompiledProgram>((resolve, reject) => {
    const timer = setTimeout(() => {
      replaceWorker();
      fail(
        new MaskCompileError(
          source,
          { start: 0, end: 0 },
          'LimitError',
          `compiling did not finish within its deadline of ${WORKER_DEADLINE_MS / 1000} s`,
        ),
      );
    }, WORKER_DEADLINE_MS);
    pending = { id, source, resolve, reject, timer };
    const request: CompileRequest = { id, source };
    worker?.postMessage(request);
  });
}
