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
import type { EnginePreference } from './engineChoice';

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
  /** The adapter's name, or the CPU engine's (its instruction set and worker count). */
  backendDetail: string;
  /** Why this engine ran (engineChoice.ts): the header shows it. */
  engineReason: string;
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

/**
 * The picture of the (b, h) on screen, handed over as soon as that pair is computed and before
 * the other heads are: the page draws it while the run goes on. Its picture, BlockMask and block
 * counts are the finished run's; of the outputs it holds only those of the pair on screen.
 */
export interface PicturePreview extends Omit<RunResult, 'inputs' | 'outputs' | 'timings'> {
  /** out [Q, DV] and lse [Q] of the (b, h) on screen. */
  headOutputs: AttentionOutputs;
}

export interface RunOptions {
  /** Aborting cancels the run between stages; the promise then rejects with an AbortError. */
  signal?: AbortSignal;
  /** Called with a fraction in [0, 1] and the stage in progress. */
  onProgress?: (fraction: number, stage: Stage) => void;
  /**
   * Called once, when the (b, h) on screen is done and the others are not yet, with its picture
   * (engines that compute every head at once, and runs of one head, never call it).
   */
  onPicture?: (preview: PicturePreview) => void;
  /** Which engine the user wants ('auto' when absent: see engineChoice.ts). */
  engine?: EnginePreference;
}
