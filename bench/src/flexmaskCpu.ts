/**
 * flexmask's CPU engine (WebAssembly SIMD in workers, app/engine/cpuEngine.ts) as a contender:
 * the whole call a page makes, timed on the wall clock, with the case's q, k, v handed over as
 * uploads and no picture. The engine keeps its workers, and the inputs they were sent, across
 * calls; so the untimed warm-up run pays for starting them and sending q, k, v, and every timed
 * run is what a page pays for an edit of the mask with the same inputs.
 */
import type { AttentionInputs } from '../../app/problem';
import type { CpuEngineRequest, CpuEngineResult } from '../../app/engine/cpuEngine';
import type { Contender, EngineSetup } from './peer';

/** `runOnCpuEngine`, as far as the bench calls it (no signal, no progress). */
export type RunOnCpuEngine = (request: CpuEngineRequest) => Promise<CpuEngineResult>;

/** The later engines and runs of the case read the same arrays: they must still hold data. */
function checkNotDetached(inputs: AttentionInputs): void {
  for (const name of ['q', 'k', 'v'] as const) {
    if (inputs[name].byteLength === 0 && inputs[name].length === 0) {
      throw new Error(`flexmask-cpu detached the case's ${name} (transferred it to a worker)`);
    }
  }
}

function asFloat32(out: Float32Array | Float64Array): Float32Array {
  return out instanceof Float32Array ? out : Float32Array.from(out);
}

export function flexmaskCpuContender(
  load: () => Promise<RunOnCpuEngine>,
  request: Omit<CpuEngineRequest, 'uploaded' | 'picture'>,
  inputs: AttentionInputs,
): Contender {
  let engine: RunOnCpuEngine | null = null;
  let setup: EngineSetup | undefined;
  const call = async () => {
    if (!engine) throw new Error('flexmask-cpu: prepare() first');
    const start = performance.now();
    const result = await engine({ ...request, uploaded: inputs, picture: false });
    const wallMs = performance.now() - start;
    checkNotDetached(inputs);
    return { wallMs, result };
  };
  return {
    name: 'flexmask-cpu',
    async prepare() {
      engine = await load();
      const { result } = await call();
      setup = {
        threads: result.workers,
        simd: result.relaxedSimd ? 'relaxed SIMD (FMA)' : 'SIMD128',
      };
    },
    async run() {
      const { wallMs, result } = await call();
      return {
        wallMs,
        kernelMs: result.ms.attention,
        blockMaskMs: result.ms.blockMask,
        out: asFloat32(result.outputs.out),
      };
    },
    // The workers stay for the next case: that is how the page uses the engine too.
    release: async () => undefined,
    setup: () => setup,
  };
}
