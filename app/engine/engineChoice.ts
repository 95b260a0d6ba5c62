/**
 * Which engine a run uses, and the sentence the page shows about why. Pure: the facts (is there a
 * GPU, is it a software one, what calibration measured, does the shape fit the CPU engine, what
 * the user asked for) go in, a decision comes out, so every branch is tested without a browser.
 *
 * The rule: a real GPU always wins (the CPU engine cannot come close to one); with no WebGPU the
 * CPU engine is the only one; on a software adapter (SwiftShader, `isFallbackAdapter`) the GPU
 * "device" is the same CPU running a Vulkan emulator, so the engine that was faster in this
 * session's calibration runs. The user may force either; forcing the GPU where there is none, or
 * the CPU past its length limit, is refused with a reason instead of failing mid-run.
 */

export type EnginePreference = 'auto' | 'gpu' | 'cpu';
export const ENGINE_PREFERENCES: readonly EnginePreference[] = ['auto', 'gpu', 'cpu'];

export type EngineId = 'gpu' | 'cpu';

/** What the page knows about its GPU. */
export type GpuFacts =
  { kind: 'none'; reason: string } | { kind: 'gpu'; adapter: string; software: boolean };

/** One calibration: the same small run timed on each engine (wall clock, after a warm-up). */
export interface Calibration {
  gpuMs: number;
  cpuMs: number;
}

export interface EngineFacts {
  gpu: GpuFacts;
  preference: EnginePreference;
  /** Only measured on a software adapter; null while it runs or if it failed. */
  calibration: Calibration | null;
  /** Why the CPU engine cannot take this shape (too long), or null when it can. */
  cpuRefuses: string | null;
}

export interface EngineDecision {
  engine: EngineId;
  /** One sentence for the header: why this engine runs. */
  reason: string;
}

const ms = (value: number) => `${value < 10 ? value.toFixed(1) : Math.round(value)} ms`;

function calibrationText(c: Calibration): string {
  return `calibration run: CPU engine ${ms(c.cpuMs)}, software GPU ${ms(c.gpuMs)}`;
}

/** The engine for a run, or a refusal (an Error whose message the page shows) for a forced one. */
export function decideEngine(facts: EngineFacts): EngineDecision {
  const { gpu, preference, calibration, cpuRefuses } = facts;
  if (gpu.kind === 'none') {
    if (preference === 'gpu') {
      throw new Error(`The GPU engine was chosen, but this page has no WebGPU: ${gpu.reason}`);
    }
    if (cpuRefuses !== null) throw new RangeError(cpuRefuses);
    return { engine: 'cpu', reason: `No WebGPU here (${gpu.reason}), so the CPU engine runs.` };
  }
  if (preference === 'gpu') return { engine: 'gpu', reason: 'You chose the GPU engine.' };
  if (preference === 'cpu') {
    if (cpuRefuses !== null) throw new RangeError(cpuRefuses);
    return { engine: 'cpu', reason: 'You chose the CPU engine.' };
  }
  if (!gpu.software) return { engine: 'gpu', reason: `GPU: ${gpu.adapter}.` };
  if (cpuRefuses !== null) {
    return {
      engine: 'gpu',
      reason: `The GPU adapter is a software one, but this shape is too long for the CPU engine.`,
    };
  }
  if (calibration === null) {
    return {
      engine: 'gpu',
      reason: 'The GPU adapter is a software one; calibration could not compare the engines.',
    };
  }
  if (calibration.cpuMs < calibration.gpuMs) {
    return {
      engine: 'cpu',
      reason: `The GPU adapter is a software one and the CPU engine is faster here (${calibrationText(calibration)}).`,
    };
  }
  return {
    engine: 'gpu',
    reason: `The GPU adapter is a software one, but it is faster here (${calibrationText(calibration)}).`,
  };
}
