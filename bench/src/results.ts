/** What one bench run produces: plain data, passed from the page to the Node driver as JSON. */
import type { EngineId, MaskId } from './cases';

export interface EngineResult {
  engine: EngineId;
  /** Why the engine did not run (its error message, or why it was skipped); absent when it ran. */
  error?: string;
  /** Timed runs, wall clock from submission to the output read back on the CPU, ms. */
  wallMs: number[];
  /** flexmask only: the attention kernel alone, from GPU timestamps, ms. */
  kernelMs?: number[];
  /** flexmask only: BlockMask build from GPU timestamps, and on the wall clock, ms. */
  blockMaskMs?: number[];
  blockMaskWallMs?: number[];
  /** Setup outside the timed runs (session creation, upload, first run), ms. */
  setupMs?: number;
  /** Peers: max |peer - flexmask| / max |flexmask| over the whole output. */
  maxRelError?: number;
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

export interface BenchReport {
  createdAt: string;
  adapter: AdapterSummary;
  kernel?: KernelIdentity;
  userAgent: string;
  runs: number;
  quick: boolean;
  cases: CaseResult[];
}
