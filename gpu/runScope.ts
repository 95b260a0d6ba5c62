/**
 * Each run's GPU work, one at a time per device and inside error scopes, so that a failed dispatch
 * becomes a clear run error instead of a blank or all-zero result.
 *
 * One at a time: error scopes are a stack per device, and a run awaits the GPU between stages; two
 * runs in flight would pop each other's scopes. It also keeps the memory budget a per-run bound (a
 * newer run starts once the aborted older one has freed its buffers).
 */
import { deviceLoss } from './device';

/** A run the GPU rejected, ran out of memory for, or lost its device during. */
export class GpuRunError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GpuRunError';
  }
}

const tails = new WeakMap<GPUDevice, Promise<void>>();

/** Runs `job` after every job queued on `device` before it has settled. */
export function exclusive<T>(device: GPUDevice, job: () => Promise<T>): Promise<T> {
  const before = tails.get(device) ?? Promise.resolve();
  const result = before.then(job);
  tails.set(
    device,
    result.then(
      () => undefined,
      () => undefined,
    ),
  );
  return result;
}

const EXCERPT_CHARS = 200;

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= EXCERPT_CHARS ? flat : `${flat.slice(0, EXCERPT_CHARS - 1)}…`;
}

function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}

/**
 * Runs `job` inside validation, out-of-memory and internal error scopes and turns what they caught
 * into a GpuRunError. A job cancelled through `signal` rejects with an AbortError as before; any
 * other failure on a lost device says the device was lost (mapAsync, for one, rejects with an
 * AbortError of its own then, which must not read as a cancelled run).
 */
export async function withErrorScopes<T>(
  device: GPUDevice,
  signal: AbortSignal | undefined,
  job: () => Promise<T>,
): Promise<T> {
  device.pushErrorScope('internal');
  device.pushErrorScope('out-of-memory');
  device.pushErrorScope('validation');
  let value: { ok: true; result: T } | { ok: false; error: unknown };
  try {
    value = { ok: true, result: await job() };
  } catch (error) {
    value = { ok: false, error };
  }
  // Popped in the order pushed, innermost first; a lost device may reject instead of answering.
  const pops = [device.popErrorScope(), device.popErrorScope(), device.popErrorScope()];
  const [validation, outOfMemory, internal] = await Promise.all(
    pops.map((pop) => pop.catch(() => null)),
  );
  if (signal?.aborted) throw new DOMException('The run was cancelled.', 'AbortError');
  const lost = deviceLoss(device);
  if (lost !== null) {
    throw new GpuRunError(
      `The GPU device was lost during the run (${excerpt(lost)}), so it has no result. ` +
        'The next run asks for a new device.',
    );
  }
  if (outOfMemory) {
    throw new GpuRunError(
      `The GPU ran out of memory during this run (${excerpt(outOfMemory.message)}), so it has ` +
        'no result. Lower B, H, Q_LEN or KV_LEN, or close other tabs that use the GPU.',
    );
  }
  if (validation) {
    throw new GpuRunError(
      `The GPU rejected this run's commands, so it has no result. This is a bug in flexmask; ` +
        `please report it with the program and the shape. (WebGPU said: ${excerpt(validation.message)})`,
    );
  }
  if (internal) {
    throw new GpuRunError(
      `The GPU failed during this run (${excerpt(internal.message)}), so it has no result. ` +
        'Try again; if it keeps failing, lower the shape.',
    );
  }
  if (value.ok) return value.result;
  if (isAbort(value.error)) {
    throw new GpuRunError(
      `The GPU stopped this run (${excerpt(String(value.error))}), so it has no result. Try again.`,
    );
  }
  throw value.error;
}
