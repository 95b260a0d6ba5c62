/**
 * Buffers, pipelines and readbacks shared by the kernels. Every buffer is checked against the
 * device's limits before it is created, so a scenario that does not fit fails with a message that
 * names the limit and the size asked, before anything is dispatched.
 */

/** A scenario asked for more than the device allows. */
export class GpuLimitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GpuLimitError';
  }
}

/** The WGSL did not compile; carries the compiler's messages. */
export class ShaderCompileError extends Error {
  constructor(
    readonly label: string,
    readonly messages: string[],
  ) {
    super(`${label}: WGSL did not compile:\n${messages.join('\n')}`);
    this.name = 'ShaderCompileError';
  }
}

function formatBytes(bytes: number): string {
  if (bytes >= 1 << 30) return `${(bytes / (1 << 30)).toFixed(2)} GiB`;
  if (bytes >= 1 << 20) return `${(bytes / (1 << 20)).toFixed(1)} MiB`;
  if (bytes >= 1 << 10) return `${(bytes / (1 << 10)).toFixed(1)} KiB`;
  return `${bytes} B`;
}

/** Throws GpuLimitError when a storage binding of `bytes` would not fit this device. */
export function checkStorageSize(device: GPUDevice, what: string, bytes: number): void {
  const { maxStorageBufferBindingSize, maxBufferSize } = device.limits;
  const limit = Math.min(maxStorageBufferBindingSize, maxBufferSize);
  if (bytes > limit) {
    const name =
      maxStorageBufferBindingSize <= maxBufferSize
        ? 'maxStorageBufferBindingSize'
        : 'maxBufferSize';
    throw new GpuLimitError(
      `${what} needs ${formatBytes(bytes)}, but this GPU's ${name} is ${formatBytes(limit)}. ` +
        'Use shorter sequences, fewer heads or a smaller batch.',
    );
  }
}

/** Throws GpuLimitError when a dispatch would exceed maxComputeWorkgroupsPerDimension. */
export function checkWorkgroups(device: GPUDevice, what: string, counts: number[]): void {
  const limit = device.limits.maxComputeWorkgroupsPerDimension;
  for (const count of counts) {
    if (count > limit) {
      throw new GpuLimitError(
        `${what} needs ${count} workgroups in one dimension, but this GPU's ` +
          `maxComputeWorkgroupsPerDimension is ${limit}. Use larger blocks or shorter sequences.`,
      );
    }
  }
}

/** Owns the buffers of one run, so they are all destroyed together whatever happens. */
export class BufferSet {
  private readonly buffers: GPUBuffer[] = [];
  constructor(readonly device: GPUDevice) {}

  /** A storage buffer holding `data` (at least 4 bytes, as WebGPU requires). */
  storage(what: string, data: ArrayBufferView, extraUsage = 0): GPUBuffer {
    return this.upload(what, data, GPUBufferUsage.STORAGE | extraUsage);
  }

  /** An empty storage buffer of `bytes` that can be read back. */
  output(what: string, bytes: number): GPUBuffer {
    checkStorageSize(this.device, what, bytes);
    return this.track(
      this.device.createBuffer({
        label: what,
        size: Math.max(4, align4(bytes)),
        usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
      }),
    );
  }

  uniform(what: string, data: ArrayBufferView): GPUBuffer {
    return this.upload(what, data, GPUBufferUsage.UNIFORM);
  }

  private upload(what: string, data: ArrayBufferView, usage: number): GPUBuffer {
    if (usage & GPUBufferUsage.STORAGE) checkStorageSize(this.device, what, data.byteLength);
    const size = Math.max(16, align4(data.byteLength));
    const buffer = this.track(
      this.device.createBuffer({ label: what, size, usage: usage | GPUBufferUsage.COPY_DST }),
    );
    if (data.byteLength > 0) {
      const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      // writeBuffer needs a multiple of 4 bytes.
      const padded = data.byteLength % 4 === 0 ? bytes : copyPadded(bytes);
      this.device.queue.writeBuffer(buffer, 0, padded);
    }
    return buffer;
  }

  track(buffer: GPUBuffer): GPUBuffer {
    this.buffers.push(buffer);
    return buffer;
  }

  /** Copies `bytes` of `source` into a mappable buffer and returns them once the GPU is done. */
  async read(source: GPUBuffer, bytes: number, offset = 0): Promise<ArrayBuffer> {
    const size = Math.max(4, align4(bytes));
    const staging = this.track(
      this.device.createBuffer({
        label: `${source.label} (readback)`,
        size,
        usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
      }),
    );
    const encoder = this.device.createCommandEncoder();
    encoder.copyBufferToBuffer(source, offset, staging, 0, size);
    this.device.queue.submit([encoder.finish()]);
    await staging.mapAsync(GPUMapMode.READ);
    const copy = staging.getMappedRange(0, size).slice(0, bytes);
    staging.unmap();
    return copy;
  }

  destroy(): void {
    for (const buffer of this.buffers) buffer.destroy();
    this.buffers.length = 0;
  }
}

function align4(bytes: number): number {
  return Math.ceil(bytes / 4) * 4;
}

function copyPadded(bytes: Uint8Array): Uint8Array {
  const padded = new Uint8Array(align4(bytes.byteLength));
  padded.set(bytes);
  return padded;
}

/** How a kernel reads one binding of group 0. */
export type BindingKind = 'uniform' | 'read' | 'read_write';

/** Explicit bind group layouts: group 0 the kernel's own, group 1 the program's (always present). */
export interface KernelLayout {
  key: string;
  pipeline: GPUPipelineLayout;
  group0: GPUBindGroupLayout;
  group1: GPUBindGroupLayout;
}

const BUFFER_TYPE: Record<BindingKind, GPUBufferBindingType> = {
  uniform: 'uniform',
  read: 'read-only-storage',
  read_write: 'storage',
};

const layoutCaches = new WeakMap<GPUDevice, Map<string, KernelLayout>>();

/**
 * The pipeline layout of a kernel whose group 0 has `bindings` in order. Explicit (not 'auto') so
 * that a program that reads no parameter or tensor still binds group 1 the same way.
 */
export function kernelLayout(
  device: GPUDevice,
  key: string,
  bindings: BindingKind[],
): KernelLayout {
  let cache = layoutCaches.get(device);
  if (!cache) {
    cache = new Map();
    layoutCaches.set(device, cache);
  }
  const cached = cache.get(key);
  if (cached) return cached;
  const entries = (kinds: BindingKind[]): GPUBindGroupLayoutEntry[] =>
    kinds.map((kind, binding) => ({
      binding,
      visibility: GPUShaderStage.COMPUTE,
      buffer: { type: BUFFER_TYPE[kind] },
    }));
  const group0 = device.createBindGroupLayout({
    label: `${key} group 0`,
    entries: entries(bindings),
  });
  const group1 = device.createBindGroupLayout({
    label: `${key} program group`,
    entries: entries(['uniform', 'read']),
  });
  const layout: KernelLayout = {
    key,
    group0,
    group1,
    pipeline: device.createPipelineLayout({ label: key, bindGroupLayouts: [group0, group1] }),
  };
  cache.set(key, layout);
  return layout;
}

const pipelineCaches = new WeakMap<GPUDevice, Map<string, Promise<GPUComputePipeline>>>();

/**
 * A compute pipeline for `code` and `entryPoint`, compiled once per device and reused: the WGSL of
 * a program depends only on its structure, so a parameter change reuses the same pipeline.
 */
export function computePipeline(
  device: GPUDevice,
  layout: KernelLayout,
  label: string,
  code: string,
  entryPoint: string,
): Promise<GPUComputePipeline> {
  let cache = pipelineCaches.get(device);
  if (!cache) {
    cache = new Map();
    pipelineCaches.set(device, cache);
  }
  const key = `${layout.key}\u0000${entryPoint}\u0000${code}`;
  let pipeline = cache.get(key);
  if (!pipeline) {
    pipeline = compilePipeline(device, layout, label, code, entryPoint);
    cache.set(key, pipeline);
    // A failed compile must not be cached: the next run should report it again.
    pipeline.catch(() => cache.delete(key));
  }
  return pipeline;
}

const moduleCaches = new WeakMap<GPUDevice, Map<string, Promise<GPUShaderModule>>>();

/** Compiles a module once per device and text, and turns compiler errors into an exception. */
function shaderModule(device: GPUDevice, label: string, code: string): Promise<GPUShaderModule> {
  let cache = moduleCaches.get(device);
  if (!cache) {
    cache = new Map();
    moduleCaches.set(device, cache);
  }
  let module = cache.get(code);
  if (!module) {
    module = (async () => {
      const compiled = device.createShaderModule({ label, code });
      const info = await compiled.getCompilationInfo();
      const errors = info.messages
        .filter((m) => m.type === 'error')
        .map((m) => `${label}:${m.lineNum}:${m.linePos}: ${m.message}`);
      if (errors.length > 0) throw new ShaderCompileError(label, errors);
      return compiled;
    })();
    cache.set(code, module);
    module.catch(() => cache.delete(code));
  }
  return module;
}

async function compilePipeline(
  device: GPUDevice,
  layout: KernelLayout,
  label: string,
  code: string,
  entryPoint: string,
): Promise<GPUComputePipeline> {
  const module = await shaderModule(device, label, code);
  device.pushErrorScope('validation');
  let pipeline: GPUComputePipeline | null = null;
  let failure = '';
  try {
    pipeline = await device.createComputePipelineAsync({
      label: `${label}:${entryPoint}`,
      layout: layout.pipeline,
      compute: { module, entryPoint },
    });
  } catch (error) {
    failure = error instanceof Error ? error.message : String(error);
  }
  const error = await device.popErrorScope();
  if (error) failure = error.message;
  if (!pipeline || failure) throw new ShaderCompileError(label, [failure || 'no pipeline']);
  return pipeline;
}

/** Bind group 1: the program's parameters (uniform) and lookup tensors (storage). */
export function programBindGroup(
  buffers: BufferSet,
  layout: KernelLayout,
  program: { paramWords: Uint32Array; tensorWords: Uint32Array },
): GPUBindGroup {
  const params = buffers.uniform('program parameters', program.paramWords);
  const tensors = buffers.storage('program tensors', program.tensorWords);
  return buffers.device.createBindGroup({
    layout: layout.group1,
    entries: [
      { binding: 0, resource: { buffer: params } },
      { binding: 1, resource: { buffer: tensors } },
    ],
  });
}

/** Binds buffers to group 0 in binding order. */
export function bindGroup0(
  device: GPUDevice,
  layout: KernelLayout,
  buffers: GPUBuffer[],
): GPUBindGroup {
  return device.createBindGroup({
    layout: layout.group0,
    entries: buffers.map((buffer, binding) => ({ binding, resource: { buffer } })),
  });
}
