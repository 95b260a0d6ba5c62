import type { Dependence } from '../mask/types';
import { shapeProblem, type AttentionShape, type ShapeKey } from '../problem';

/**
 * The BlockMask's own B and H: 1 for an index the mask never reads, as PyTorch users do by hand
 * with `create_block_mask(..., B=None, H=None)`; the kernel broadcasts with `b % B`, `h % H`.
 */
export function maskSizes(shape: AttentionShape, deps: Dependence): { B: number; H: number } {
  return { B: deps.b ? shape.B : 1, H: deps.h ? shape.H : 1 };
}

/** A clear error for a shape the kernels cannot take, before anything is dispatched. */
export function checkShape(shape: AttentionShape): void {
  const problem = shapeProblem(shape);
  if (problem !== null) throw new RangeError(problem);
}

/** The buffer limits of a WebGPU device that bound a shape (plain numbers: no GPU import). */
export interface DeviceBufferLimits {
  maxStorageBufferBindingSize: number;
  maxBufferSize: number;
}

const F32_BYTES = 4;

/**
 * How far a GPU device lowers each size: the q input alone holds B * H * Q * D floats in one
 * buffer, so with every other size at 1 each of them must fit that buffer on its own. Real
 * devices bind at least 128 MiB, so these rarely bite; the memory budget checks whole shapes.
 */
export function gpuShapeLimits(device: DeviceBufferLimits): Partial<Record<ShapeKey, number>> {
  const floats = Math.floor(
    Math.min(device.maxStorageBufferBindingSize, device.maxBufferSize) / F32_BYTES,
  );
  return { B: floats, H: floats, HKV: floats, Q: floats, KV: floats, D: floats, DV: floats };
}
