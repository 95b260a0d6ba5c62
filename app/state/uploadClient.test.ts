import { afterEach, describe, expect, it, vi } from 'vitest';
import { isAbortError } from '../async/abort';
import { writeNpy } from '../tensors/npy';
import { TensorFileError } from '../tensors/tensor';
import { createUploadReader, type ReadWorker } from './uploadClient';
import { answerReadRequest, type ReadRequest, type ReadResponse } from './uploadProtocol';

/**
 * A worker in this process: it answers with the real worker's code (answerReadRequest), or, when
 * `stall` is set, never answers. It records what was posted and whether it was terminated.
 */
class FakeWorker implements ReadWorker {
  onmessage: ((event: MessageEvent<ReadResponse>) => void) | null = null;
  onerror: ((event: ErrorEvent) => void) | null = null;
  posted: ReadRequest[] = [];
  terminated = false;
  transferred: Transferable[] = [];
  constructor(private readonly stall: (request: ReadRequest) => boolean) {}

  postMessage(request: ReadRequest): void {
    this.posted.push(request);
    if (this.stall(request)) return;
    void answerReadRequest(request).then(({ response, transfer }) => {
      this.transferred.push(...transfer);
      if (!this.terminated) this.onmessage?.(new MessageEvent('message', { data: response }));
    });
  }

  terminate(): void {
    this.terminated = true;
  }
}

function setup(stall: (request: ReadRequest) => boolean = () => false, deadlineMs = 10_000) {
  const workers: FakeWorker[] = [];
  const reader = createUploadReader({
    startWorker: () => {
      const worker = new FakeWorker(stall);
      workers.push(worker);
      return worker;
    },
    deadlineMs,
  });
  return { reader, workers };
}

const npyBlob = () => {
  const bytes = writeNpy({ shape: [2, 3], dtype: '<f4', data: Float32Array.of(1, 2, 3, 4, 5, 6) });
  return new Blob([new Uint8Array(bytes)]);
};

afterEach(() => {
  vi.useRealTimers();
});

describe('the upload reader', () => {
  it('reads a file in the worker and hands back its tensor, data transferred', async () => {
    const { reader, workers } = setup();
    const tensor = await reader.read(npyBlob(), 'q.npy', 'q');
    expect(tensor).toEqual({
      shape: [2, 3],
      dtype: '<f4',
      data: Float32Array.of(1, 2, 3, 4, 5, 6),
    });
    expect(workers).toHaveLength(1);
    expect(workers[0].transferred).toHaveLength(1);
    expect(workers[0].transferred[0]).toBeInstanceOf(ArrayBuffer);
  });

  it("rejects with the file's own message, as reading on the page did", async () => {
    const { reader } = setup();
    const failure = reader.read(new Blob(['[[1, 2], [3]]']), 'ragged.json', 'k');
    await expect(failure).rejects.toBeInstanceOf(TensorFileError);
    await expect(failure).rejects.toThrow(
      'ragged.json: the nested lists are not rectangular (expected 2 items at depth 2).',
    );
  });

  it('reads one file at a time, in order, each input in its own promise', async () => {
    const { reader, workers } = setup();
    const [q, k] = await Promise.all([
      reader.read(npyBlob(), 'q.npy', 'q'),
      reader.read(new Blob(['[1, 2]']), 'k.json', 'k'),
    ]);
    expect(q.shape).toEqual([2, 3]);
    expect(k.data).toEqual(Float64Array.of(1, 2));
    expect(workers.map((w) => w.posted.map((r) => r.fileName))).toEqual([['q.npy', 'k.json']]);
  });

  it('a newer file for the same input supersedes the older one', async () => {
    const { reader, workers } = setup((request) => request.fileName === 'slow.npy');
    const older = reader.read(npyBlob(), 'slow.npy', 'q');
    const waiting = reader.read(npyBlob(), 'k_waits.npy', 'k');
    const newer = reader.read(npyBlob(), 'fast.npy', 'q');
    const olderError = await older.catch((error: unknown) => error);
    expect(isAbortError(olderError)).toBe(true);
    // The stalled worker was replaced; the others are read by the fresh one.
    expect((await newer).shape).toEqual([2, 3]);
    expect((await waiting).shape).toEqual([2, 3]);
    expect(workers[0].terminated).toBe(true);
    expect(workers[1].posted.map((r) => r.fileName)).toEqual(['k_waits.npy', 'fast.npy']);
  });

  it('gives up at the deadline with a message naming it, and replaces the worker', async () => {
    vi.useFakeTimers();
    const { reader, workers } = setup((request) => request.fileName === 'stuck.json', 10_000);
    const stuck = reader.read(new Blob(['[1]']), 'stuck.json', 'v');
    const settled = stuck.catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(10_000);
    const error = await settled;
    expect(error).toBeInstanceOf(TensorFileError);
    expect(error instanceof Error && error.message).toBe(
      'stuck.json: reading the file did not finish within its deadline of 10 s; it is too ' +
        'large or too complex to read here (a smaller tensor, or .npy, reads faster).',
    );
    expect(workers[0].terminated).toBe(true);
    vi.useRealTimers();
    expect((await reader.read(npyBlob(), 'next.npy', 'v')).shape).toEqual([2, 3]);
    expect(workers).toHaveLength(2);
  });

  it('a worker that fails is replaced, and the read says so', async () => {
    const { reader, workers } = setup((request) => request.fileName === 'crash.npy');
    const crashed = reader.read(npyBlob(), 'crash.npy', 'q');
    // Node has no ErrorEvent; the reader uses only these two members of one.
    let prevented = false;
    const error = {
      message: 'out of memory',
      preventDefault: () => {
        prevented = true;
      },
    } as unknown as ErrorEvent;
    workers[0].onerror?.(error);
    await expect(crashed).rejects.toThrow(
      'crash.npy: could not be read (the reader failed: out of memory).',
    );
    expect(prevented).toBe(true);
    expect(workers[0].terminated).toBe(true);
    expect((await reader.read(npyBlob(), 'again.npy', 'q')).shape).toEqual([2, 3]);
  });
});
