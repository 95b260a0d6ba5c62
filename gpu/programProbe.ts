import probeShader from './programProbe.wgsl?raw';

/** What the probe needs of a compiled mask program (app/mask's CompiledProgram has these). */
export interface ProbeProgram {
  wgsl: string;
  paramWords: Uint32Array;
  tensorWords: Uint32Array;
}

export interface ProbeGrid {
  B: number;
  H: number;
  Q: number;
  KV: number;
}

export interface ProbeResult {
  /** Shader compilation and validation messages, "error: line:col message" and the like. */
  messages: string[];
  /** 0/1 per cell, row-major [B, H, Q, KV]; empty when the shader did not build. */
  mask: Uint32Array;
  /** score_mod of inputScores per cell; empty when the shader did not build. */
  scores: Float32Array;
}

const WORKGROUP = 64;

function programLayout(device: GPUDevice): GPUBindGroupLayout {
  return device.createBindGroupLayout({
    entries: [
      { binding: 0, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'uniform' } },
      { binding: 1, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'read-only-storage' } },
    ],
  });
}

function probeLayout(device: GPUDevice): GPUBindGroupLayout {
  return device.createBindGroupLayout({
    entries: [
      { binding: 0, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'uniform' } },
      { binding: 1, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'read-only-storage' } },
      { binding: 2, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'storage' } },
      { binding: 3, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'storage' } },
    ],
  });
}

/**
 * Builds the program's WGSL with the probe kernel, reports compilation messages, and evaluates
 * mask_mod and score_mod over the grid. Layouts are explicit: a program that reads no tensor still
 * gets its full group 1, as the real kernels bind it.
 */
export async function runProgramProbe(
  device: GPUDevice,
  program: ProbeProgram,
  grid: ProbeGrid,
  inputScores: Float32Array,
): Promise<ProbeResult> {
  const built = await buildProbePipeline(device, program.wgsl);
  if (built.pipeline === undefined) {
    return { messages: built.messages, mask: new Uint32Array(0), scores: new Float32Array(0) };
  }
  return dispatchProbe(
    device,
    built.pipeline,
    built.layouts,
    program,
    grid,
    inputScores,
    built.messages,
  );
}

export interface ProbePipeline {
  messages: string[];
  pipeline?: GPUComputePipeline;
  layouts: GPUBindGroupLayout[];
}

/**
 * Compiles the program's WGSL with the probe kernel and reports its messages. Asynchronous
 * pipeline creation lets the browser compile several programs at once.
 */
export async function buildProbePipeline(device: GPUDevice, wgsl: string): Promise<ProbePipeline> {
  const module = device.createShaderModule({ code: `${wgsl}\n${probeShader}` });
  const info = await module.getCompilationInfo();
  const messages = info.messages.map((m) => `${m.type}: ${m.lineNum}:${m.linePos} ${m.message}`);
  const layouts = [probeLayout(device), programLayout(device)];
  if (info.messages.some((m) => m.type === 'error')) return { messages, layouts };
  try {
    const pipeline = await device.createComputePipelineAsync({
      layout: device.createPipelineLayout({ bindGroupLayouts: layouts }),
      compute: { module, entryPoint: 'probe_main' },
    });
    return { messages, pipeline, layouts };
  } catch (error) {
    return { messages: [...messages, `error: pipeline: ${String(error)}`], layouts };
  }
}

/** Runs a built probe pipeline over the grid and reads the results back. */
export async function dispatchProbe(
  device: GPUDevice,
  pipeline: GPUComputePipeline,
  layouts: GPUBindGroupLayout[],
  program: ProbeProgram,
  grid: ProbeGrid,
  inputScores: Float32Array,
  messages: string[],
): Promise<ProbeResult> {
  const cells = grid.B * grid.H * grid.Q * grid.KV;
  const bytes = Math.max(4, cells * 4);
  const buffers: GPUBuffer[] = [];
  const buffer = (size: number, usage: number): GPUBuffer => {
    const b = device.createBuffer({ size, usage });
    buffers.push(b);
    return b;
  };
  try {
    const gridBuffer = buffer(16, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST);
    device.queue.writeBuffer(gridBuffer, 0, new Uint32Array([grid.B, grid.H, grid.Q, grid.KV]));
    const inputBuffer = buffer(bytes, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST);
    device.queue.writeBuffer(inputBuffer, 0, inputScores);
    const maskBuffer = buffer(bytes, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC);
    const scoreBuffer = buffer(bytes, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC);
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
    const readMask = buffer(bytes, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST);
    const readScores = buffer(bytes, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST);

    const probeGroup = device.createBindGroup({
      layout: layouts[0],
      entries: [
        { binding: 0, resource: { buffer: gridBuffer } },
        { binding: 1, resource: { buffer: inputBuffer } },
        { binding: 2, resource: { buffer: maskBuffer } },
        { binding: 3, resource: { buffer: scoreBuffer } },
      ],
    });
    const programGroup = device.createBindGroup({
      layout: layouts[1],
      entries: [
        { binding: 0, resource: { buffer: paramBuffer } },
        { binding: 1, resource: { buffer: tensorBuffer } },
      ],
    });
    const encoder = device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, probeGroup);
    pass.setBindGroup(1, programGroup);
    pass.dispatchWorkgroups(Math.ceil(cells / WORKGROUP));
    pass.end();
    encoder.copyBufferToBuffer(maskBuffer, 0, readMask, 0, bytes);
    encoder.copyBufferToBuffer(scoreBuffer, 0, readScores, 0, bytes);
    device.queue.submit([encoder.finish()]);
    await Promise.all([readMask.mapAsync(GPUMapMode.READ), readScores.mapAsync(GPUMapMode.READ)]);
    const mask = new Uint32Array(readMask.getMappedRange().slice(0, cells * 4));
    const scores = new Float32Array(readScores.getMappedRange().slice(0, cells * 4));
    readMask.unmap();
    readScores.unmap();
    return { messages, mask, scores };
  } finally {
    for (const b of buffers) b.destroy();
  }
}
