/** The float64 CPU reference: the oracle both engines (GPU and CPU) are tested against. */
export { createBlockMask, blockStats, toDense, toString } from './blockMask';
export { flexAttention, countVisits } from './attention';
export { headPicture } from './headPicture';
