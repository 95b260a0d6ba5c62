/**
 * The page's side of the upload worker: `readUploadOffThread(file, input)` resolves to the parsed
 * tensor (its data buffer transferred, never copied) or rejects with a TensorFileError whose
 * message names the file and what is wrong, as reading on the main thread did.
 *
 * One file is read at a time; others wait in line. A newer file for the same input supersedes an
 * older one: a waiting one is dropped, a running one is stopped by replacing the worker, and its
 * promise rejects with an AbortError (the caller ignores it). If the worker has not answered
 * READ_DEADLINE_MS after a file was handed to it, it is terminated, a fresh one takes its place,
 * and the read fails with a message that names the deadline. (Same pattern as
 * app/mask/compileClient.ts.)
 */
import { abortError } from '../async/abort';
import { TensorFileError, type Tensor } from '../tensors/tensor';
import type { InputName } from '../problem';
import type { ReadRequest, ReadResponse } from './uploadProtocol';
import { fileLabel } from './uploads';

/** Wall time one file may take to read and parse before the worker is replaced. */
export const READ_DEADLINE_MS = 10_000;

/** What this module needs of a Worker (tests pass a fake). */
export interface ReadWorker {
  postMessage(request: ReadRequest): void;
  terminate(): void;
  onmessage: ((event: MessageEvent<ReadResponse>) => void) | null;
  onerror: ((event: ErrorEvent) => void) | null;
}

export interface UploadReaderOptions {
  startWorker: () => ReadWorker;
  deadlineMs?: number;
}

export interface UploadReader {
  read: (file: Blob, fileName: string, input: InputName) => Promise<Tensor>;
}

interface Job {
  request: ReadRequest;
  resolve: (tensor: Tensor) => void;
  reject: (error: unknown) => void;
}

export function createUploadReader(options: UploadReaderOptions): UploadReader {
  const deadlineMs = options.deadlineMs ?? READ_DEADLINE_MS;
  let worker: ReadWorker | null = null;
  let running: (Job & { timer: ReturnType<typeof setTimeout> }) | null = null;
  const waiting: Job[] = [];
  let nextId = 1;

  const replaceWorker = () => {
    worker?.terminate();
    worker = null;
  };

  /** Ends the running job with `outcome`, then starts the next one in line. */
  const finish = (outcome: (job: Job) => void) => {
    const job = running;
    if (!job) return;
    clearTimeout(job.timer);
    running = null;
    outcome(job);
    pump();
  };

  const startWorker = (): ReadWorker => {
    const created = options.startWorker();
    created.onmessage = (event) => {
      const response = event.data;
      if (!running || running.request.id !== response.id) return;
      finish((job) => {
        if (response.ok) job.resolve(response.tensor);
        else job.reject(new TensorFileError(response.message));
      });
    };
    created.onerror = (event) => {
      event.preventDefault();
      replaceWorker();
      finish((job) => {
        const label = fileLabel(job.request.fileName);
        const reason = event.message || 'unknown error';
        job.reject(
          new TensorFileError(`${label}: could not be read (the reader failed: ${reason}).`),
        );
      });
    };
    return created;
  };

  const pump = () => {
    if (running) return;
    const job = waiting.shift();
    if (!job) return;
    const current = (worker ??= startWorker());
    const timer = setTimeout(() => {
      replaceWorker();
      finish((late) =>
        late.reject(
          new TensorFileError(
            `${fileLabel(late.request.fileName)}: reading the file did not finish within its ` +
              `deadline of ${deadlineMs / 1000} s; it is too large or too complex to read here ` +
              '(a smaller tensor, or .npy, reads faster).',
          ),
        ),
      );
    }, deadlineMs);
    running = { ...job, timer };
    current.postMessage(job.request);
  };

  const read = (file: Blob, fileName: string, input: InputName): Promise<Tensor> => {
    for (let i = waiting.length - 1; i >= 0; i--) {
      if (waiting[i].request.input === input)
        waiting.splice(i, 1)[0].reject(abortError('superseded by a newer file for the same input'));
    }
    if (running?.request.input === input) {
      replaceWorker();
      finish((job) => job.reject(abortError('superseded by a newer file for the same input')));
    }
    return new Promise<Tensor>((resolve, reject) => {
      waiting.push({ request: { id: nextId++, input, fileName, file }, resolve, reject });
      pump();
    });
  };

  return { read };
}

/** The page's reader, with its worker started on first use. */
let pageReader: UploadReader | null = null;

export function readUploadOffThread(file: File, input: InputName): Promise<Tensor> {
  pageReader ??= createUploadReader({
    startWorker: () =>
      new Worker(new URL('./uploadWorker.ts', import.meta.url), { type: 'module' }),
  });
  return pageReader.read(file, file.name, input);
}
