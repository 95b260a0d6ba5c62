/**
 * What one run produces and how it reports progress. Plain data only, so results can cross a
 * Web Worker boundary and be compared field by field in tests. The problem's own types (shape,
 * BlockMask, picture) live in app/problem.
 */
import type {
  AttentionInputs,
  AttentionOutputs,
  AttentionShape,
  BlockMaskData,
  HeadPicture,
} from '../problem';

export type Stage = 'compile' | 'blockMask' | 'attention' | 'picture';

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
  /** The picture of the (b, h) on screen. */
  picture: HeadPicture;
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
