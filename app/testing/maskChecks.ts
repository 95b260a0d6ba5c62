import { getGpu } from '../../gpu/device';
import { buildProbePipeline, dispatchProbe, type ProbeGrid } from '../../gpu/programProbe';
import { compile, MaskCompileError, type CompiledProgram } from '../mask';

export interface ProgramGpuResult {
  /** The compile error's formatted text, when the program did not compile (then nothing ran). */
  compileError?: string;
  /** WGSL compilation and pipeline messages ("error: ...", "warning: ..."). */
  compileMessages: string[];
  /** 0/1 per cell of [B, H, Q, KV], row-major. */
  mask: number[];
  /** The score each cell's score_mod was given. */
  inputs: number[];
  /** score_mod on the GPU, per cell. */
  scores: number[];
}

/** The deterministic pseudo-random score cell i is given (an f32 in [-6, 6)). */
export function probeInputScore(i: number): number {
  return Math.fround(((Math.imul(i + 1, 2654435761) >>> 0) % 12000) / 1000 - 6);
}

/**
 * Compiles each program with compile(), runs its WGSL mask_mod and score_mod on the GPU over the
 * grid, and returns what the GPU computed. Several programs per call keep the browser tests quick.
 */
export async function evaluateProgramsOnGpu(
  sources: string[],
  grid: ProbeGrid,
): Promise<ProgramGpuResult[]> {
  const gpu = await getGpu();
  if (gpu.kind === 'none') throw new Error(gpu.reason);
  const cells = grid.B * grid.H * grid.Q * grid.KV;
  const inputs = Float32Array.from({ length: cells }, (_, i) => probeInputScore(i));
  const device = gpu.context.device;
  const compiled = sources.map((source) => {
    try {
      return { program: compile(source) };
    } catch (error) {
      return { error: error instanceof MaskCompileError ? error.formatted : String(error) };
    }
  });
  // Build every pipeline first, concurrently: shader compilation dominates on a software adapter.
  const pipelines = await Promise.all(
    compiled.map((c) => (c.program ? buildProbePipeline(device, c.program.wgsl) : undefined)),
  );
  const results: ProgramGpuResult[] = [];
  for (let k = 0; k < sources.length; k += 1) {
    const { program, error } = compiled[k];
    const built = pipelines[k];
    if (program === undefined || built === undefined) {
      results.push({ compileError: error, compileMessages: [], mask: [], inputs: [], scores: [] });
      continue;
    }
    if (built.pipeline === undefined) {
      results.push({ compileMessages: built.messages, mask: [], inputs: [], scores: [] });
      continue;
    }
    const out = await dispatchProbe(
      device,
      built.pipeline,
      built.layouts,
      program,
      grid,
      inputs,
      built.messages,
    );
    results.push({
      compileMessages: out.messages,
      mask: Array.from(out.mask),
      inputs: Array.from(inputs),
      scores: Array.from(out.scores),
    });
  }
  return results;
}

/** One program (see evaluateProgramsOnGpu). */
export async function evaluateProgramOnGpu(
  source: string,
  grid: ProbeGrid,
): Promise<ProgramGpuResult> {
  const [result] = await evaluateProgramsOnGpu([source], grid);
  return result;
}

export interface BoundsGpuResult {
  /** The compile error's formatted text, when the program did not compile (then nothing ran). */
  compileError?: string;
  /** WGSL compilation and pipeline messages for program WGSL + bounds WGSL + the probe kernel. */
  compileMessages: string[];
  /** mask_mod_bounds per box: 0, 1 or 2. */
  bounds: number[];
}

/** Boxes in, one mask_mod_bounds answer out per box; group 1 is the program's, as in every kernel. */
const BOUNDS_PROBE = `
@group(0) @binding(0) var<storage, read> fm_probe_boxes: array<i32>;
@group(0) @binding(1) var<storage, read_write> fm_probe_bounds: array<u32>;

@compute @workgroup_size(64)
fn fm_probe_bounds_main(@builtin(global_invocation_id) id: vec3<u32>) {
  let i = id.x;
  if (i >= arrayLength(&fm_probe_bounds)) {
    return;
  }
  let k = i * 6u;
  fm_probe_bounds[i] = mask_mod_bounds(fm_probe_boxes[k], fm_probe_boxes[k + 1u],
    fm_probe_boxes[k + 2u], fm_probe_boxes[k + 3u], fm_probe_boxes[k + 4u], fm_probe_boxes[k + 5u]);
}
`;

/**
 * Compiles each program's WGSL with its bounds WGSL appended (the way a kernel uses them) and runs
 * mask_mod_bounds on every box [b, h, q_lo, q_hi, kv_lo, kv_hi], so a test can compare it with the
 * CPU's boundsOf.
 */
export async function evaluateBoundsOnGpu(
  sources: string[],
  boxes: number[][],
): Promise<BoundsGpuResult[]> {
  const gpu = await getGpu();
  if (gpu.kind === 'none') throw new Error(gpu.reason);
  const device = gpu.context.device;
  const storage = (type: 'read-only-storage' | 'storage' | 'uniform') => ({
    visibility: GPUShaderStage.COMPUTE,
    buffer: { type },
  });
  const layouts = [
    device.createBindGroupLayout({
      entries: [
        { binding: 0, ...storage('read-only-storage') },
        { binding: 1, ...storage('storage') },
      ],
    }),
    device.createBindGroupLayout({
      entries: [
        { binding: 0, ...storage('uniform') },
        { binding: 1, ...storage('read-only-storage') },
      ],
    }),
  ];
  const pipelineLayout = device.createPipelineLayout({ bindGroupLayouts: layouts });
  const build = async (
    program: CompiledProgram,
  ): Promise<{ messages: string[]; pipeline?: GPUComputePipeline }> => {
    const module = device.createShaderModule({
      code: `${program.wgsl}\n${program.wgslBounds}\n${BOUNDS_PROBE}`,
    });
    const info = await module.getCompilationInfo();
    const messages = info.messages.map((m) => `${m.type}: ${m.lineNum}:${m.linePos} ${m.message}`);
    if (info.messages.some((m) => m.type === 'error')) return { messages };
    try {
      const pipeline = await device.createComputePipelineAsync({
        layout: pipelineLayout,
        compute: { module, entryPoint: 'fm_probe_bounds_main' },
      });
      return { messages, pipeline };
    } catch (error) {
      return { messages: [...messages, `error: pipeline: ${String(error)}`] };
    }
  };
  const compiled = sources.map((source) => {
    try {
      return { program: compile(source) };
    } catch (error) {
      return { error: error instanceof MaskCompileError ? error.formatted : String(error) };
    }
  });
  const built = await Promise.all(compiled.map((c) => (c.program ? build(c.program) : undefined)));
  const boxWords = Int32Array.from(boxes.flat());
  const bytes = Math.max(4, boxes.length * 4);
  const results: BoundsGpuResult[] = [];
  for (let k = 0; k < sources.length; k += 1) {
    const { program, error } = compiled[k];
    const b = built[k];
    if (program === undefined || b === undefined) {
      results.push({ compileError: error, compileMessages: [], bounds: [] });
      continue;
    }
    if (b.pipeline === undefined) {
      results.push({ compileMessages: b.messages, bounds: [] });
      continue;
    }
    const buffers: GPUBuffer[] = [];
    const buffer = (size: number, usage: number): GPUBuffer => {
      const made = device.createBuffer({ size, usage });
      buffers.push(made);
      return made;
    };
    try {
      const boxBuffer = buffer(
        Math.max(4, boxWords.byteLength),
        GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
      );
      device.queue.writeBuffer(boxBuffer, 0, boxWords);
      const outBuffer = buffer(bytes, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC);
      const readBuffer = buffer(bytes, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST);
      const paramBuffer = buffer(
        program.paramWords.byteLength,
        GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
      );
      device.queue.writeBuffer(paramBuffer, 0, program.paramWords);
      const tensorBuffer = buffer(
        program.tensorWords.byteLength,
        GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
      );
      device.queue.writeBuffer(tensorBuffer, 0, program.tensorWords);
      const encoder = device.createCommandEncoder();
      const pass = encoder.beginComputePass();
      pass.setPipeline(b.pipeline);
      pass.setBindGroup(
        0,
        device.createBindGroup({
          layout: layouts[0],
          entries: [
            { binding: 0, resource: { buffer: boxBuffer } },
            { binding: 1, resource: { buffer: outBuffer, size: boxes.length * 4 } },
          ],
        }),
      );
      pass.setBindGroup(
        1,
        device.createBindGroup({
          layout: layouts[1],
          entries: [
            { binding: 0, resource: { buffer: paramBuffer } },
            { binding: 1, resource: { buffer: tensorBuffer } },
          ],
        }),
      );
      pass.dispatchWorkgroups(Math.ceil(boxes.length / 64));
      pass.end();
      encoder.copyBufferToBuffer(outBuffer, 0, readBuffer, 0, bytes);
      device.queue.submit([encoder.finish()]);
      await readBuffer.mapAsync(GPUMapMode.READ);
      const bounds = Array.from(
        new Uint32Array(readBuffer.getMappedRange().slice(0, boxes.length * 4)),
      );
      readBuffer.unmap();
      results.push({ compileMessages: b.messages, bounds });
    } finally {
      for (const made of buffers) made.destroy();
    }
  }
  return results;
}
