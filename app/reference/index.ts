/** The float64 CPU reference: the oracle the GPU kernels are tested against, and the fallback. */
export { createBlockMask, blockStats, toDense, toString } from './blockMask';
export { flexAttention, countVisits } from './attention';
export { headPicture } from './headPicture';
