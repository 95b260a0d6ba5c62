/**
 * Buffers, pipelines and readbacks shared by the kernels. Every buffer is checked against the
 * device's limits before it is created, so a scenario that does not fit fails with a message that
 * names the limit and the size asked, before anything is dispatched. (The engine checks the whole
 * run, every buffer and the total, before it starts: app/engine/memoryBudget.ts.)
 */
import type { PROGRAM_BIND_GROUP } from '../app/mask/types';
import { KernelBuildError, type CompilerMessage } from './kernelBuildError';
import { LruCache } from './lruCache';
import { yieldToPage } from '../app/async/yieldToPage';

/** A scenario asked for more than the device allows. */
export class GpuLimitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GpuLimitError';
  }
}

/**
 * Uploads and read-backs larger than this go in slices of this size, with the page free to run
 * between them: one 256 MiB copy would hold the main thread for well over 50 ms.
 */
export const TRANSFER_SLICE_BYTES = 8 << 20;

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

  private readonly programs = new Map<object, ProgramBuffers>();

  /** A storage buffer holding `data` (at least 4 bytes, as WebGPU requires). */
  storage(what: string, data: ArrayBufferView, extraUsage = 0): GPUBuffer {
    return this.upload(what, data, GPUBufferUsage.STORAGE | extraUsage);
  }

  /**
   * A storage buffer holding `data`, written in slices of TRANSFER_SLICE_BYTES with the page free
   * between them; for inputs that may be hundreds of MiB.
   */
  async storageSliced(what: string, data: ArrayBufferView, extraUsage = 0): Promise<GPUBuffer> {
    if (data.byteLength <= TRANSFER_SLICE_BYTES || data.byteLength % 4 !== 0) {
      return this.storage(what, data, extraUsage);
    }
    checkStorageSize(this.device, what, data.byteLength);
    const buffer = this.track(
      this.device.createBuffer({
        label: what,
        size: data.byteLength,
        usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | extraUsage,
      }),
    );
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    for (let offset = 0; offset < bytes.byteLength; offset += TRANSFER_SLICE_BYTES) {
      if (offset > 0) await yieldToPage();
      const end = Math.min(offset + TRANSFER_SLICE_BYTES, bytes.byteLength);
      this.device.queue.writeBuffer(buffer, offset, bytes.subarray(offset, end));
    }
    return buffer;
  }

  /**
   * The program's parameter (uniform) and tensor (storage) buffers, made once per run and shared
   * by every kernel of the run.
   */
  programBuffers(program: ProgramWords): ProgramBuffers {
    let made = this.programs.get(program);
    if (!made) {
      made = {
        params: this.uniform('program parameters', program.paramWords),
        tensors: this.storage('program tensors', program.tensorWords),
      };
      this.programs.set(program, made);
    }
    return made;
  }

  /** Uploads the program's buffers ahead of the kernels, the tensors in slices. */
  async uploadProgram(program: ProgramWords): Promise<void> {
    if (this.programs.has(program)) return;
    const params = this.uniform('program parameters', program.paramWords);
    const tensors = await this.storageSliced('program tensors', program.tensorWords);
    this.programs.set(program, { params, tensors });
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
    const mapped = staging.getMappedRange(0, size);
    if (bytes <= TRANSFER_SLICE_BYTES) {
      const copy = mapped.slice(0, bytes);
      staging.unmap();
      return copy;
    }
    // Large results are copied out in slices, with the page free between them.
    const copy = new Uint8Array(bytes);
    for (let at = 0; at < bytes; at += TRANSFER_SLICE_BYTES) {
      if (at > 0) await yieldToPage();
      const end = Math.min(at + TRANSFER_SLICE_BYTES, bytes);
      copy.set(new Uint8Array(mapped, at, end - at), at);
    }
    staging.unmap();
    return copy.buffer;
  }

  destroy(): void {
    for (const buffer of this.buffers) buffer.destroy();
    this.buffers.length = 0;
    this.programs.clear();
  }
}

/** What a kernel's program group holds: a program's parameters and tensors. */
export interface ProgramWords {
  paramWords: Uint32Array;
  tensorWords: Uint32Array;
}

export interface ProgramBuffers {
  params: GPUBuffer;
  tensors: GPUBuffer;
}

function align4(bytes: number): number {
  return Math.ceil(bytes / 4) * 4;
}

function copyPadded(bytes: Uint8Array): Uint8Array {
  const padded = new Uint8Array(align4(bytes.byteLength));
  padded.set(bytes);
  return padded;
}

/** The bind group of a kernel's own bindings (its parameters, inputs and outputs). */
export const KERNEL_GROUP = 0;

/**
 * The bind group of the program's bindings: app/mask/wgsl.ts writes PROGRAM_BIND_GROUP into the
 * program's WGSL. gpu/ may import only types from app/, so the number is restated here, typed as
 * that constant's own literal type: if the two ever differ, this line does not compile.
 */
export const PROGRAM_GROUP: typeof PROGRAM_BIND_GROUP = 1;

/** How a kernel reads one binding of its own group. */
export type BindingKind = 'uniform' | 'read' | 'read_write';

/**
 * Explicit bind group layouts: group0 the kernel's own (KERNEL_GROUP), group1 the program's
 * (PROGRAM_GROUP, always present).
 */
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
 * The pipeline layout of a kernel whose own group has `bindings` in order. Explicit (not 'auto') so
 * that a program that reads no parameter or tensor still binds its group the same way.
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
  // A group's number is its position in the pipeline layout's list.
  const bindGroupLayouts: GPUBindGroupLayout[] = [];
  bindGroupLayouts[KERNEL_GROUP] = group0;
  bindGroupLayouts[PROGRAM_GROUP] = group1;
  const layout: KernelLayout = {
    key,
    group0,
    group1,
    pipeline: device.createPipelineLayout({ label: key, bindGroupLayouts }),
  };
  cache.set(key, layout);
  return layout;
}

/**
 * How many compiled pipelines (and shader modules) each device keeps. Each program's WGSL makes
 * its own pipelines (three BlockMask entry points and attention; the picture kernel is shared, or
 * the program's own only when its mask_mod must be asked), so 32
 * holds the last few programs and shapes: dragging back and forth between them reuses their
 * pipelines, while a long session that compiles hundreds of programs holds only the latest.
 */
export const PIPELINE_CACHE_SIZE = 32;
export const MODULE_CACHE_SIZE = 16;

const pipelineCaches = new WeakMap<GPUDevice, LruCache<string, Promise<GPUComputePipeline>>>();
const moduleCaches = new WeakMap<GPUDevice, LruCache<string, Promise<GPUShaderModule>>>();

function cacheOf<V>(
  caches: WeakMap<GPUDevice, LruCache<string, V>>,
  device: GPUDevice,
  capacity: number,
): LruCache<string, V> {
  let cache = caches.get(device);
  if (!cache) {
    cache = new LruCache(capacity);
    caches.set(device, cache);
  }
  return cache;
}

/** How many pipelines `device` holds now (for tests of the bound). */
export function cachedPipelineCount(device: GPUDevice): number {
  return pipelineCaches.get(device)?.size ?? 0;
}

/**
 * A compute pipeline for `code` and `entryPoint`, compiled once per device and reused while it is
 * among the PIPELINE_CACHE_SIZE most recently used: the WGSL of a program depends only on its
 * structure, so a parameter change reuses the same pipeline. Rejects with KernelBuildError when
 * the WGSL does not build (flexmask's bug, since the program was accepted).
 */
export function computePipeline(
  device: GPUDevice,
  layout: KernelLayout,
  label: string,
  code: string,
  entryPoint: string,
): Promise<GPUComputePipeline> {
  const cache = cacheOf(pipelineCaches, device, PIPELINE_CACHE_SIZE);
  const key = `${layout.key}\u0000${entryPoint}\u0000${code}`;
  let pipeline = cache.get(key);
  if (!pipeline) {
    const made = compilePipeline(device, layout, label, code, entryPoint);
    pipeline = made;
    cache.set(key, made);
    // A failed compile must not be cached: the next run should report it again.
    made.catch(() => cache.deleteIf(key, made));
  }
  return pipeline;
}

/** Compiles a module once per device and text, and turns compiler errors into KernelBuildError. */
function shaderModule(device: GPUDevice, label: string, code: string): Promise<GPUShaderModule> {
  const cache = cacheOf(moduleCaches, device, MODULE_CACHE_SIZE);
  let module = cache.get(code);
  if (!module) {
    const made = (async () => {
      // A module that does not compile also raises a validation error: capture it here, so that
      // it is reported once, as this kernel's failure, and not as an uncaptured device error.
      device.pushErrorScope('validation');
      const compiled = device.createShaderModule({ label, code });
      const scope = device.popErrorScope();
      const info = await compiled.getCompilationInfo();
      const validation = await scope;
      const errors: CompilerMessage[] = info.messages
        .filter((m) => m.type === 'error')
        .map((m) => ({ message: m.message, lineNum: m.lineNum, linePos: m.linePos }));
      if (errors.length === 0 && validation) {
        errors.push({ message: validation.message, lineNum: 0, linePos: 0 });
      }
      if (errors.length > 0) throw new KernelBuildError(label, errors, code);
      return compiled;
    })();
    module = made;
    cache.set(code, made);
    made.catch(() => cache.deleteIf(code, made));
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
  // The asynchronous creation reports its own failure by rejecting (GPUPipelineError), so no
  // error scope is held open across the await (scopes are a stack, and kernels compile in
  // parallel).
  try {
    return await device.createComputePipelineAsync({
      label: `${label}:${entryPoint}`,
      layout: layout.pipeline,
      compute: { module, entryPoint },
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new KernelBuildError(label, [{ message, lineNum: 0, linePos: 0 }], code);
  }
}

/** The program's bind group (PROGRAM_GROUP): its parameters (uniform) and lookup tensors (storage). */
export function programBindGroup(
  buffers: BufferSet,
  layout: KernelLayout,
  program: ProgramWords,
): GPUBindGroup {
  const { params, tensors } = buffers.programBuffers(program);
  return buffers.device.createBindGroup({
    layout: layout.group1,
    entries: [
      { binding: 0, resource: { buffer: params } },
      { binding: 1, resource: { buffer: tensors } },
    ],
  });
}

/** Binds buffers to the kernel's own group (KERNEL_GROUP) in binding order. */
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
