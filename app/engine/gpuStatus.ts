import { describeAdapter, getGpu, onDeviceLost, onUncapturedError } from '../../gpu/device';

/** What the page says about where the work runs. */
export type ComputeBackend =
  | { kind: 'gpu'; adapter: string; vendor: string; architecture: string }
  | { kind: 'cpu'; reason: string };

/** Asks for the GPU once and reduces the answer to what the page shows. */
export async function detectBackend(): Promise<ComputeBackend> {
  const gpu = await getGpu();
  if (gpu.kind === 'none') return { kind: 'cpu', reason: gpu.reason };
  const { info } = gpu.context;
  return {
    kind: 'gpu',
    adapter: describeAdapter(info),
    vendor: info.vendor,
    architecture: info.architecture,
  };
}

/** The device's buffer limits, or null when the page computes on the CPU. */
export async function deviceBufferLimits(): Promise<GPUSupportedLimits | null> {
  const gpu = await getGpu();
  return gpu.kind === 'gpu' ? gpu.context.device.limits : null;
}

/** Something went wrong with the GPU outside any run's own error handling. */
export interface GpuFault {
  kind: 'lost' | 'error';
  /** A sentence for the page: what happened and what flexmask does about it. */
  message: string;
  /** When it happened (performance.now()), so a page can tell faults apart. */
  at: number;
}

const FAULT_EXCERPT_CHARS = 200;

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= FAULT_EXCERPT_CHARS ? flat : `${flat.slice(0, FAULT_EXCERPT_CHARS - 1)}…`;
}

/**
 * Calls `listener` when the GPU device is lost (a driver reset, the GPU process crashing, the
 * system reclaiming it) or reports an error no run captured. Either way the next run asks for a
 * fresh device (gpu/device.ts); the page shows the message so nothing fails silently. Returns an
 * unsubscribe function.
 */
export function onGpuFault(listener: (fault: GpuFault) => void): () => void {
  const offLost = onDeviceLost((message) =>
    listener({
      kind: 'lost',
      message: `The GPU device was lost (${excerpt(message)}). The next run asks for a new one.`,
      at: performance.now(),
    }),
  );
  const offError = onUncapturedError((message) =>
    listener({
      kind: 'error',
      message:
        `The GPU reported an error outside any run (${excerpt(message)}); this is a bug in ` +
        'flexmask. The next run uses a fresh device.',
      at: performance.now(),
    }),
  );
  return () => {
    offLost();
    offError();
  };
}
