import { describeAdapter, getGpu } from '../../gpu/device';

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
