import maskProbeShader from './programProbe.wgsl?raw';
import boundsProbeShader from './boundsProbe.wgsl?raw';
import type { CompiledProgram } from '../../../app/mask/types';
import {
  BufferSet,
  KERNEL_GROUP,
  PROGRAM_GROUP,
  bindGroup0,
  kernelLayout,
  programBindGroup,
  type BindingKind,
  type KernelLayout,
} from '../../../gpu/resources';
import { uniformStruct } from '../../../gpu/uniformStruct';

/**
 * Test probes that run a compiled program's WGSL on its own: `mask_mod` and `score_mod` over a
 * grid of (b, h, q_idx, kv_idx), and `mask_mod_bounds` over boxes. They bind the program's group
 * exactly as the real kernels do, so what they check is what the kernels run.
 */

/** What the probes need of a compiled program. */
export type ProbeProgram = Pick<
  CompiledProgram,
  'wgsl' | 'wgslBounds' | 'paramWords' | 'tensorWords'
>;

export interface ProbeGrid {
  B: number;
  H: number;
  Q: number;
  KV: number;
}

/** The mask probe's grid as its kernel reads it (`probe_grid` in programProbe.wgsl). */
export const PROBE_GRID_PARAMS = uniformStruct('ProbeGrid', {
  batch: 'u32',
  heads: 'u32',
  q_len: 'u32',
  kv_len: 'u32',
});

/** A built probe, or (pipeline absent) the compiler's messages saying why it did not build. */
export interface ProbePipeline {
  /** Shader compilation and pipeline messages, "error: line:col message" and the like. */
  messages: string[];
  pipeline?: GPUComputePipeline;
  layout: KernelLayout;
}

/** A probe that built. */
export type BuiltProbe = ProbePipeline & { pipeline: GPUComputePipeline };

const WORKGROUP = 64;

/** Compiles a probe and keeps every message (warnings too); no exception for a bad shader. */
async function buildProbe(
  device: GPUDevice,
  name: string,
  bindings: BindingKind[],
  code: string,
  entryPoint: string,
): Promise<ProbePipeline> {
  const layout = kernelLayout(device, name, bindings);
  const module = device.createShaderModule({ label: name, code });
  const info = await module.getCompilationInfo();
  const messages = info.messages.map((m) => `${m.type}: ${m.lineNum}:${m.linePos} ${m.message}`);
  if (info.messages.some((m) => m.type === 'error')) return { messages, layout };
  try {
    // Asynchronous creation lets the browser compile several programs at once.
    const pipeline = await device.createComputePipelineAsync({
      label: name,
      layout: layout.pipeline,
      compute: { module, entryPoint },
    });
    return { messages, pipeline, layout };
  } catch (error) {
    return { messages: [...messages, `error: pipeline: ${String(error)}`], layout };
  }
}

/** The mask probe: the program's WGSL with a kernel that evaluates both mods per grid cell. */
export function buildMaskProbe(device: GPUDevice, program: ProbeProgram): Promise<ProbePipeline> {
  return buildProbe(
    device,
    'maskProbe',
    ['uniform', 'read', 'read_write', 'read_write'],
    `${program.wgsl}\n${PROBE_GRID_PARAMS.wgsl}\n${maskProbeShader}`,
    'probe_main',
  );
}

/** The bounds probe: the program's WGSL and bounds WGSL with a kernel that asks per box. */
export function buildBoundsProbe(device: GPUDevice, program: ProbeProgram): Promise<ProbePipeline> {
  return buildProbe(
    device,
    'boundsProbe',
    ['read', 'read_write'],
    `${program.wgsl}\n${program.wgslBounds}\n${boundsProbeShader}`,
    'fm_probe_bounds_main',
  );
}

/** One dispatch of a built probe: the kernel's group from `group0`, and the program's group. */
function dispatch(
  buffers: BufferSet,
  probe: BuiltProbe,
  program: ProbeProgram,
  group0: GPUBuffer[],
  invocations: number,
): void {
  const { device } = buffers;
  const encoder = device.createCommandEncoder();
  const pass = encoder.beginComputePass();
  pass.setPipeline(probe.pipeline);
  pass.setBindGroup(KERNEL_GROUP, bindGroup0(device, probe.layout, group0));
  pass.setBindGroup(PROGRAM_GROUP, programBindGroup(buffers, probe.layout, program));
  pass.dispatchWorkgroups(Math.ceil(invocations / WORKGROUP));
  pass.end();
  device.queue.submit([encoder.finish()]);
}

/** mask_mod (0/1) and score_mod of `inputScores`, per cell of the grid, row-major [B, H, Q, KV]. */
export async function runMaskProbe(
  device: GPUDevice,
  probe: BuiltProbe,
  program: ProbeProgram,
  grid: ProbeGrid,
  inputScores: Float32Array,
): Promise<{ mask: Uint32Array; scores: Float32Array }> {
  const cells = grid.B * grid.H * grid.Q * grid.KV;
  const buffers = new BufferSet(device);
  try {
    const mask = buffers.output('probe mask', cells * 4);
    const scores = buffers.output('probe scores', cells * 4);
    const gridParams = PROBE_GRID_PARAMS.pack({
      batch: grid.B,
      heads: grid.H,
      q_len: grid.Q,
      kv_len: grid.KV,
    });
    dispatch(
      buffers,
      probe,
      program,
      [
        buffers.uniform('probe grid', gridParams),
        buffers.storage('probe inputs', inputScores),
        mask,
        scores,
      ],
      cells,
    );
    const [maskBytes, scoreBytes] = await Promise.all([
      buffers.read(mask, cells * 4),
      buffers.read(scores, cells * 4),
    ]);
    return { mask: new Uint32Array(maskBytes), scores: new Float32Array(scoreBytes) };
  } finally {
    buffers.destroy();
  }
}

/** mask_mod_bounds (0, 1 or 2) per box; `boxes` holds [b, h, q_lo, q_hi, kv_lo, kv_hi] each. */
export async function runBoundsProbe(
  device: GPUDevice,
  probe: BuiltProbe,
  program: ProbeProgram,
  boxes: Int32Array,
): Promise<Uint32Array> {
  const count = boxes.length / 6;
  const buffers = new BufferSet(device);
  try {
    const bounds = buffers.output('probe bounds', count * 4);
    dispatch(buffers, probe, program, [buffers.storage('probe boxes', boxes), bounds], count);
    return new Uint32Array(await buffers.read(bounds, count * 4));
  } finally {
    buffers.destroy();
  }
}
