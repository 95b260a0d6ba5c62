/** The float64 CPU reference: the oracle the GPU kernels are tested against, and the fallback. */
export type { MaskFn, ScoreFn } from './types';
export { createBlockMask, blockStats, sparsity, toDense, toString } from './blockMask';
export type { BlockStats, ToStringOptions } from './blockMask';
export { flexAttention, countVisits, blockRow } from './attention';
export type { VisitCounts } from './attention';
export { headPicture } from './headPicture';
