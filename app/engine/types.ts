/**
 * Shapes shared by the engine, the GPU kernels, the reference and the UI. Plain data only, so
 * results can cross a Web Worker boundary and be compared field by field in tests.
 */

/** The sizes of one attention problem (docs/blockmask.md). */
export interface AttentionShape {
  B: number;
  /** Query heads. */
  H: number;
  /** Key/value heads; H must be a multiple of HKV (GQA), equal to H without GQA. */
  HKV: number;
  Q: number;
  KV: number;
  D: number;
  DV: number;
  blockQ: number;
  blockKV: number;
  /** Softmax scale; 1/sqrt(D) when absent. */
  scale?: number;
}

/**
 * PyTorch's BlockMask (docs/blockmask.md). `B` and `H` are the mask's own sizes: 1 when the
 * mask does not depend on that index, broadcast by the kernel as `b % B`, `h % H`.
 * Arrays are row-major in the shapes the field comments give.
 */
export interface BlockMaskData {
  B: number;
  H: number;
  Q: number;
  KV: number;
  blockQ: number;
  blockKV: number;
  nQ: number;
  nKV: number;
  /** [B, H, nQ] */
  kvNumBlocks: Int32Array;
  /** [B, H, nQ, nKV] */
  kvIndices: Int32Array;
  /** [B, H, nQ] */
  fullKvNumBlocks: Int32Array;
  /** [B, H, nQ, nKV] */
  fullKvIndices: Int32Array;
  /** [B, H, nKV] */
  qNumBlocks: Int32Array;
  /** [B, H, nKV, nQ] */
  qIndices: Int32Array;
  /** [B, H, nKV] */
  fullQNumBlocks: Int32Array;
  /** [B, H, nKV, nQ] */
  fullQIndices: Int32Array;
}

/** Query, key and value tensors in PyTorch's [B, H, S, D] layout, row-major. */
export interface AttentionInputs {
  /** [B, H, Q, D] */
  q: Float32Array;
  /** [B, HKV, KV, D] */
  k: Float32Array;
  /** [B, HKV, KV, DV] */
  v: Float32Array;
}

export interface AttentionOutputs {
  /** [B, H, Q, DV] */
  out: Float32Array | Float64Array;
  /** [B, H, Q], natural log; -Infinity for a row with no allowed key. */
  lse: Float32Array | Float64Array;
}

/** What the picture of one (b, h) is drawn from (docs/picture.md). */
export interface ScoreView {
  b: number;
  h: number;
  /** Rows and columns actually held; smaller than Q, KV when the view is downsampled. */
  rows: number;
  cols: number;
  /** Tokens each row / column stands for (1 unless downsampled). */
  rowStride: number;
  colStride: number;
  /** [rows, cols]: score after score_mod, -Infinity where masked. */
  scores: Float32Array | Float64Array;
  /** [rows, cols]: exp(score - lse), 0 where masked. */
  probs: Float32Array | Float64Array;
  /** [rows, cols]: 1 where mask_mod allows. */
  mask: Uint8Array;
}

export type Stage = 'compile' | 'blockMask' | 'attention' | 'view';

export interface StageTiming {
  stage: Stage;
  ms: number;
  /** 'gpu' when measured with timestamp queries, 'wall' when around onSubmittedWorkDone/CPU. */
  source: 'gpu' | 'wall';
}

/** Everything one run of a scenario produces; the UI draws only from this. */
export interface RunResult {
  backend: 'gpu' | 'cpu';
  /** The adapter's name, or why the CPU path was taken. */
  backendDetail: string;
  shape: AttentionShape;
  blockMask: BlockMaskData;
  inputs: AttentionInputs;
  outputs: AttentionOutputs;
  view: ScoreView;
  timings: StageTiming[];
  /** docs/blockmask.md: 100 * (1 - computed / total) over B*H*nQ*nKV of the broadcast mask. */
  sparsity: number;
  computedBlocks: number;
  totalBlocks: number;
  partialBlocks: number;
  fullBlocks: number;
}

export interface RunOptions {
  /** Aborting cancels the run between stages; the promise then rejects with an AbortError. */
  signal?: AbortSignal;
  /** Called with a fraction in [0, 1] and the stage in progress. */
  onProgress?: (fraction: number, stage: Stage) => void;
}
