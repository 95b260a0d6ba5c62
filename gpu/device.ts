/**
 * The one place that talks to `navigator.gpu`. It asks for the adapter and device once, keeps the
 * limits and features the kernels size themselves by, reports device loss and uncaptured errors,
 * and asks again after either: a run never reuses a device that has failed.
 */

/** What the page and the kernels need to know about the GPU they got. */
export interface GpuInfo {
  vendor: string;
  architecture: string;
  description: string;
  /** True for a software adapter such as SwiftShader (slow but correct). */
  isFallbackAdapter: boolean;
  features: ReadonlySet<string>;
  limits: GpuLimits;
}

/** The adapter limits the kernels read before sizing any buffer or workgroup. */
export interface GpuLimits {
  maxBufferSize: number;
  maxStorageBufferBindingSize: number;
  maxUniformBufferBindingSize: number;
  maxComputeWorkgroupStorageSize: number;
  maxComputeInvocationsPerWorkgroup: number;
  maxComputeWorkgroupSizeX: number;
  maxComputeWorkgroupSizeY: number;
  maxComputeWorkgroupsPerDimension: number;
  maxStorageBuffersPerShaderStage: number;
  minSubgroupSize: number;
  maxSubgroupSize: number;
}

export interface GpuContext {
  device: GPUDevice;
  info: GpuInfo;
}

export type GpuAvailability =
  { kind: 'gpu'; context: GpuContext } | { kind: 'none'; reason: string };

/** Optional features the kernels use when present and do without otherwise. */
const WANTED_FEATURES: GPUFeatureName[] = ['timestamp-query', 'subgroups'];

type Listener<T> = (value: T) => void;
const lossListeners = new Set<Listener<string>>();
const errorListeners = new Set<Listener<string>>();

let pending: Promise<GpuAvailability> | null = null;
/** The device `pending` resolved to, so that a fault on an older one does not drop a newer one. */
let current: GPUDevice | null = null;
/** Why each lost device was lost (a run that fails on it says so rather than its symptom). */
const losses = new WeakMap<GPUDevice, string>();

/** Called with a message each time the device is lost. Returns an unsubscribe function. */
export function onDeviceLost(listener: Listener<string>): () => void {
  lossListeners.add(listener);
  return () => lossListeners.delete(listener);
}

/**
 * Called with a message for each validation, out-of-memory or internal error nobody captured. After
 * one, the next `getGpu()` asks for a fresh device.
 */
export function onUncapturedError(listener: Listener<string>): () => void {
  errorListeners.add(listener);
  return () => errorListeners.delete(listener);
}

/**
 * The device, asked for once and shared. After a loss the next call asks again, so callers simply
 * call `getGpu()` at the start of each run.
 */
export function getGpu(): Promise<GpuAvailability> {
  pending ??= requestGpu();
  return pending;
}

/** Forget the current device (used after a loss, and by tests that simulate one). */
export function resetGpu(): void {
  pending = null;
  current = null;
}

/** Why `device` was lost, or null while it is usable. */
export function deviceLoss(device: GPUDevice): string | null {
  return losses.get(device) ?? null;
}

/** Drops `device` if it is still the shared one, so that the next run asks for another. */
function forget(device: GPUDevice): void {
  if (current === device) resetGpu();
}

function readLimits(limits: GPUSupportedLimits): GpuLimits {
  // Subgroup sizes are not in every browser's limits yet; absent means "unknown", never assumed.
  const subgroup = limits as GPUSupportedLimits & {
    minSubgroupSize?: number;
    maxSubgroupSize?: number;
  };
  return {
    maxBufferSize: limits.maxBufferSize,
    maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
    maxUniformBufferBindingSize: limits.maxUniformBufferBindingSize,
    maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
    maxComputeInvocationsPerWorkgroup: limits.maxComputeInvocationsPerWorkgroup,
    maxComputeWorkgroupSizeX: limits.maxComputeWorkgroupSizeX,
    maxComputeWorkgroupSizeY: limits.maxComputeWorkgroupSizeY,
    maxComputeWorkgroupsPerDimension: limits.maxComputeWorkgroupsPerDimension,
    maxStorageBuffersPerShaderStage: limits.maxStorageBuffersPerShaderStage,
    minSubgroupSize: subgroup.minSubgroupSize ?? 0,
    maxSubgroupSize: subgroup.maxSubgroupSize ?? 0,
  };
}

async function requestGpu(): Promise<GpuAvailability> {
  if (typeof navigator === 'undefined' || !('gpu' in navigator) || !navigator.gpu) {
    return { kind: 'none', reason: 'This browser has no WebGPU (navigator.gpu is missing).' };
  }
  let adapter: GPUAdapter | null;
  try {
    adapter = await navigator.gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (error) {
    return { kind: 'none', reason: `WebGPU refused an adapter: ${String(error)}` };
  }
  if (!adapter) {
    return { kind: 'none', reason: 'WebGPU is present but offered no adapter.' };
  }
  const features = WANTED_FEATURES.filter((f) => adapter.features.has(f));
  // Ask for the adapter's own maxima: the defaults are far below what a real GPU allows, and the
  // kernels size their buffers from these numbers.
  const l = adapter.limits;
  const requiredLimits: Record<string, number> = {
    maxBufferSize: l.maxBufferSize,
    maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
    // Programs with many top-level numbers need a large parameter uniform (checked per run).
    maxUniformBufferBindingSize: l.maxUniformBufferBindingSize,
    maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
    maxComputeInvocationsPerWorkgroup: l.maxComputeInvocationsPerWorkgroup,
    maxComputeWorkgroupSizeX: l.maxComputeWorkgroupSizeX,
    maxComputeWorkgroupSizeY: l.maxComputeWorkgroupSizeY,
    maxStorageBuffersPerShaderStage: l.maxStorageBuffersPerShaderStage,
  };
  let device: GPUDevice;
  try {
    device = await adapter.requestDevice({ requiredFeatures: features, requiredLimits });
  } catch (error) {
    return { kind: 'none', reason: `WebGPU could not create a device: ${String(error)}` };
  }
  const info: GpuInfo = {
    vendor: adapter.info.vendor || 'unknown vendor',
    architecture: adapter.info.architecture || 'unknown architecture',
    description: adapter.info.description || '',
    isFallbackAdapter: adapter.info.isFallbackAdapter ?? false,
    features: new Set(device.features),
    limits: readLimits(device.limits),
  };
  device.addEventListener('uncapturederror', (event) => {
    // Every run captures its own errors (app/engine/gpuRun.ts), so one that escapes means the
    // device is in a state nobody checked: the next run gets a fresh one.
    forget(device);
    const message = event.error.message;
    for (const listener of errorListeners) listener(message);
  });
  void device.lost.then((lost) => {
    const message = lost.message || 'The GPU device was lost.';
    losses.set(device, lost.reason === 'destroyed' ? `destroyed (${message})` : message);
    // A later getGpu() asks for a fresh device; destroy() on purpose is not worth reporting.
    forget(device);
    if (lost.reason === 'destroyed') return;
    for (const listener of lossListeners) listener(message);
  });
  current = device;
  return { kind: 'gpu', context: { device, info } };
}

/** A one-line name of the adapter for the page, e.g. "google / swiftshader". */
export function describeAdapter(info: GpuInfo): string {
  const name = `${info.vendor} / ${info.architecture}`;
  return info.isFallbackAdapter ? `${name} (software adapter)` : name;
}
