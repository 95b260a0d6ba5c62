/**
 * onnxruntime-web's WebGPU execution provider running one `com.microsoft` MultiHeadAttention node,
 * the mask given as an additive attention_bias. Inputs are uploaded once into GPU buffers on
 * ORT's own device, so a timed run is the op plus the readback of its output, nothing more.
 */
import type * as Ort from 'onnxruntime-web/webgpu';
import type { AttentionInputs, AttentionShape } from '../../app/problem';
import type { AdditiveBias } from './bias';
import { MHA_OUTPUT, mhaFeeds, modelForCase } from './onnxModel';
import type { PeerSession } from './peer';
import { packedToHeads } from './stats';

type OrtModule = typeof Ort;
let loaded: Promise<OrtModule> | null = null;

/** Loads ORT once; its .wasm files are served from ./ort/ beside the page (bench/run.mjs copies them). */
function loadOrt(): Promise<OrtModule> {
  loaded ??= import('onnxruntime-web/webgpu').then((ort) => {
    ort.env.wasm.wasmPaths = new URL('ort/', document.baseURI).href;
    // The page is not cross-origin isolated, so ORT's CPU side is single-threaded either way;
    // saying so avoids its fallback warning. The attention itself runs on the GPU.
    ort.env.wasm.numThreads = 1;
    ort.env.logLevel = 'error';
    return ort;
  });
  return loaded;
}

export async function createOrtSession(
  shape: AttentionShape,
  inputs: AttentionInputs,
  bias: AdditiveBias | null,
): Promise<PeerSession> {
  const ort = await loadOrt();
  const { B, H, Q, DV } = shape;
  const model = modelForCase(shape, bias);
  const session = await ort.InferenceSession.create(model, {
    executionProviders: ['webgpu'],
    graphOptimizationLevel: 'all',
    // Fail rather than quietly run an op the WebGPU EP lacks on the CPU: that would time the CPU.
    extra: { session: { disable_cpu_ep_fallback: '1' } },
  });
  const device = await ort.env.webgpu.device;
  const buffers: GPUBuffer[] = [];
  const upload = (name: string, data: Float32Array, dims: number[]): [string, Ort.Tensor] => {
    const buffer = device.createBuffer({
      label: `ort ${name}`,
      size: Math.ceil(data.byteLength / 16) * 16,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
    });
    device.queue.writeBuffer(buffer, 0, data);
    buffers.push(buffer);
    return [name, ort.Tensor.fromGpuBuffer(buffer, { dataType: 'float32', dims })];
  };
  const feeds: Record<string, Ort.Tensor> = Object.fromEntries(
    mhaFeeds(shape, inputs, bias).map(({ name, data, dims }) => upload(name, data, dims)),
  );
  await device.queue.onSubmittedWorkDone();

  return {
    async run() {
      // The output's default location is the CPU: run() returns once it has been read back.
      const results = await session.run(feeds);
      const output = results[MHA_OUTPUT];
      const data = (await output.getData()) as Float32Array;
      output.dispose();
      return data;
    },
    toHeads: (out) => packedToHeads(out, B, H, Q, DV),
    async release() {
      await session.release();
      for (const buffer of buffers) buffer.destroy();
    },
  };
}
