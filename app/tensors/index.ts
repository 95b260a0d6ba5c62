/** Tensor files (.npy, .safetensors), Q/K/V layouts and the seeded example inputs. */
export { TensorFileError, toFloat32, DTYPE_NAME } from './tensor';
export type { DType, StoredDType, Tensor, TensorData } from './tensor';
export { parseNpy, writeNpy } from './npy';
export { parseSafetensors, writeSafetensors } from './safetensors';
export { inferLayout, toBHSD, layoutLabel, LAYOUTS } from './layout';
export type { ExpectedShape, Layout } from './layout';
export { createRandom, randomInputs, randomNormals, splitmix32 } from './random';
export type { Random } from './random';
