/**
 * onnxruntime-web's WebAssembly backend (the `wasm` execution provider): the CPU peer. The same
 * MultiHeadAttention model as the WebGPU peer, on ORT's SIMD build, with one thread per logical
 * core when the page is cross-origin isolated (bench/serve.mjs sends COOP and COEP so that it
 * is); otherwise single-threaded, and the report says which.
 */
import type * as Ort from 'onnxruntime-web/wasm';
import type { AttentionInputs, AttentionShape } from '../../app/problem';
import type { AdditiveBias } from './bias';
import { MHA_OUTPUT, mhaFeeds, modelForCase } from './onnxModel';
import type { EngineSetup, PeerSession } from './peer';
import { packedToHeads } from './stats';

type OrtModule = typeof Ort;
let loaded: Promise<OrtModule> | null = null;

/** Threads to ask ORT for: every logical core, where the page may share memory with workers. */
export function wantedThreads(crossOriginIsolated: boolean, hardwareConcurrency: number): number {
  return crossOriginIsolated ? Math.max(1, hardwareConcurrency) : 1;
}

/**
 * Loads ORT's wasm-only bundle once (a separate instance from the WebGPU peer's, whose build
 * carries the WebGPU glue). Its .mjs and .wasm come from ./ort/ beside the page, copied there
 * from the installed package by bench/run.mjs.
 */
function loadOrt(): Promise<OrtModule> {
  loaded ??= import('onnxruntime-web/wasm').then((ort) => {
    ort.env.wasm.wasmPaths = new URL('ort/', document.baseURI).href;
    ort.env.wasm.numThreads = wantedThreads(
      self.crossOriginIsolated,
      navigator.hardwareConcurrency,
    );
    ort.env.logLevel = 'error';
    return ort;
  });
  loaded.catch(() => {
    loaded = null;
  });
  return loaded;
}

/**
 * What ORT runs with once a session exists: it lowers numThreads to 1 itself when the page
 * cannot share memory. Since 1.19 every ORT web build is a SIMD build (it refuses to start
 * without WebAssembly SIMD), so SIMD is always on.
 */
function ortSetup(ort: OrtModule): EngineSetup {
  const threads = ort.env.wasm.numThreads ?? 1;
  return { threads, simd: 'SIMD128' };
}

export async function createOrtWasmSession(
  shape: AttentionShape,
  inputs: AttentionInputs,
  bias: AdditiveBias | null,
): Promise<PeerSession> {
  const ort = await loadOrt();
  const { B, H, Q, DV } = shape;
  const model = modelForCase(shape, bias);
  const session = await ort.InferenceSession.create(model, {
    executionProviders: ['wasm'],
    graphOptimizationLevel: 'all',
  });
  // Built once: a timed run is the op and its output, as the WebGPU peer's is.
  const feeds: Record<string, Ort.Tensor> = Object.fromEntries(
    mhaFeeds(shape, inputs, bias).map(({ name, data, dims }) => [
      name,
      new ort.Tensor('float32', data, dims),
    ]),
  );

  return {
    async run() {
      const results = await session.run(feeds);
      const output = results[MHA_OUTPUT];
      const data = output.data as Float32Array;
      output.dispose();
      return data;
    },
    toHeads: (out) => packedToHeads(out, B, H, Q, DV),
    async release() {
      await session.release();
    },
    setup: ortSetup(ort),
  };
}
