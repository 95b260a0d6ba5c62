/** What one bench run produces: plain data, passed from the page to the Node driver as JSON. */
import type { EngineId, MaskId } from './cases';

export interface EngineResult {
  engine: EngineId;
  /** Why the engine did not run (its error message, or why it was skipped); absent when it ran. */
  error?: string;
  /** Timed runs, wall clock from submission to the output read back on the CPU, ms. */
  wallMs: number[];
  /**
   * The attention alone, ms: flexmask's kernel from GPU timestamps; flexmask-cpu's attention
   * stage on its own clock (inside wallMs).
   */
  kernelMs?: number[];
  /**
   * The BlockMask build, ms: flexmask's from GPU timestamps (timed apart from attention);
   * flexmask-cpu's on its own clock (inside wallMs).
   */
  blockMaskMs?: number[];
  blockMaskWallMs?: number[];
  /** Setup outside the timed runs (session creation, upload, first run), ms. */
  setupMs?: number;
  /**
   * Every engine but the reference: max |engine - flexmask| / max |flexmask| over the whole
   * output, where flexmask is the GPU engine (or flexmask-cpu when the page has no WebGPU).
   */
  maxRelError?: number;
  /**
   * max |engine - float64| / max |float64| over a few query rows of every head (the float64
   * answer from flex attention's definition, bench/src/sampledReference.ts).
   */
  referenceError?: number;
  /** Whose output maxRelError is measured against: flexmask, or flexmask-cpu without a GPU run. */
  checkedAgainst?: EngineId;
  /** CPU engines: threads (ORT) or workers (flexmask-cpu) it ran with. */
  threads?: number;
  /** CPU engines: the WebAssembly SIMD it ran with. */
  simd?: string;
}

export interface CaseResult {
  id: string;
  mask: MaskId;
  S: number;
  B: number;
  H: number;
  D: number;
  DV: number;
  block: number;
  computedBlocks: number;
  totalBlocks: number;
  /** computedBlocks / totalBlocks. */
  density: number;
  /** Elements of computed blocks inside Q x KV, over all batch items and heads. */
  computedElements: number;
  /** computedElements * (2 D + 2 DV). */
  flops: number;
  /** Every Q x KV element's flops: what a dense kernel does. */
  denseFlops: number;
  engines: EngineResult[];
}

export interface AdapterSummary {
  vendor: string;
  architecture: string;
  description: string;
  isFallbackAdapter: boolean;
  timestampQuery: boolean;
}

/** Which kernel a run measured (bench/run.mjs fills it from git and the gpu/ sources). */
export interface KernelIdentity {
  commit: string | null;
  /** gpu/ had uncommitted changes. */
  gpuDirty: boolean | null;
  /** First 16 hex digits of sha256 over gpu/flexAttention.{wgsl,ts} and gpu/blockMask.{wgsl,ts}. */
  kernelSha256: string;
}

/** What the CPU engines' threads depend on, as the bench page saw it. */
export interface PageEnvironment {
  /** COOP + COEP took effect: SharedArrayBuffer, and so ORT's wasm threads, are available. */
  crossOriginIsolated: boolean;
  hardwareConcurrency: number;
}

export interface BenchReport {
  createdAt: string;
  /** null when the page had no WebGPU (only the CPU engines ran). */
  adapter: AdapterSummary | null;
  environment?: PageEnvironment;
  kernel?: KernelIdentity;
  userAgent: string;
  runs: number;
  quick: boolean;
  cases: CaseResult[];
}
